import { Tokens, type Identity } from '../guard/index.js';
import { UsageError } from './exit.js';
import type { Wired } from './wiring.js';

/** The flags by which a guarded operation says who is acting. */
export interface IdentityFlags {
  readonly token?: string;
  readonly insecureAs?: string;
  readonly policies?: string;
}

/**
 * Who is acting: the employee of an API token (`--token`, else `WARDEN_TOKEN`). `--insecure-as
 * EMPLOYEE` only names someone when `WARDEN_INSECURE_IDENTITY=1` (the demo and tests), and the
 * decision's event then records that the identity was asserted, not authenticated. A policy
 * directory is refused: guarded operations decide by the active, ledgered policy set.
 */
export async function actingEmployee(
  w: Wired,
  o: IdentityFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ employeeId: string; identity: Identity }> {
  refusePolicyOverride(o, env);
  if (o.insecureAs !== undefined) {
    if (env['WARDEN_INSECURE_IDENTITY'] !== '1') {
      throw new UsageError(
        '--insecure-as names an employee without proof and is accepted only with WARDEN_INSECURE_IDENTITY=1 (demo and tests); use --token TOKEN',
      );
    }
    if (o.token !== undefined) throw new UsageError('give --token or --insecure-as, not both');
    return { employeeId: o.insecureAs, identity: { kind: 'asserted' } };
  }
  const token = o.token ?? nonEmpty(env['WARDEN_TOKEN']);
  if (token === undefined) {
    throw new UsageError(
      'a guarded operation needs your API token: --token TOKEN or WARDEN_TOKEN (the operator issues one with: warden token create EMPLOYEE)',
    );
  }
  const who = await new Tokens(w.store, w.ledger, w.now).authenticate(token);
  return { employeeId: who.employeeId, identity: { kind: 'token', tokenId: who.tokenId } };
}

function refusePolicyOverride(o: IdentityFlags, env: NodeJS.ProcessEnv): void {
  const from =
    o.policies !== undefined
      ? '--policies'
      : nonEmpty(env['WARDEN_POLICIES']) !== undefined
        ? 'WARDEN_POLICIES'
        : undefined;
  if (from === undefined) return;
  throw new UsageError(
    `${from} is accepted by policy validate|test|explain only: guarded operations decide by the active policy set in the ledger. To change it: warden policy activate DIR (a second person approves)`,
  );
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
