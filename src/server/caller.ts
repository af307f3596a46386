import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseTime } from '../domain/index.js';
import type { Identity } from '../guard/index.js';
import type { Scope } from './access.js';
import type { ServerDeps } from './deps.js';
import { ServerError } from './errors.js';
import { verifyJwt } from './jwt.js';

/** Who is calling, as proved by a token or a JWT, and what the directory lets them use. */
export interface Caller {
  readonly employeeId: string;
  /** Recorded in guarded requests' events: how the employee was identified. */
  readonly identity: Identity;
  readonly scopes: ReadonlySet<Scope>;
}

const directoryEmployee = z.looseObject({
  role: z.string().optional(),
  team: z.string().optional(),
  hiredAt: z.string().optional(),
  leftAt: z.string().optional(),
});

/**
 * The caller of a request: `Authorization: Bearer wdn_…` (an API token, checked by the guard's
 * `Tokens`: unknown, forged, revoked, expired and leavers' tokens are refused) or `Bearer
 * <JWT>` from the configured issuer (`sub` is the employee id). Roles come from the directory,
 * never from the credential.
 */
export async function authenticate(request: FastifyRequest, deps: ServerDeps): Promise<Caller> {
  const header = request.headers.authorization;
  const m = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) {
    throw new ServerError(
      'UNAUTHENTICATED',
      'send Authorization: Bearer TOKEN (an API token from warden token create, or a JWT from the configured issuer)',
    );
  }
  const credential = m[1]!;
  if (credential.startsWith('wdn_')) {
    await deps.reader.ledger(); // the token's issuance is checked against the stored head
    const who = await deps.reader.tokens.authenticate(credential);
    const identity: Identity = { kind: 'token', tokenId: who.tokenId };
    return { employeeId: who.employeeId, identity, scopes: await scopesOf(who.employeeId, deps) };
  }
  if (!deps.jwt) {
    throw new ServerError('UNAUTHENTICATED', 'not an API token, and no JWT issuer is configured');
  }
  const employeeId = await verifyJwt(credential, deps.jwt, new Date(Date.parse(deps.now())));
  const identity: Identity = { kind: 'jwt', issuer: deps.jwt.issuer };
  return { employeeId, identity, scopes: await scopesOf(employeeId, deps) };
}

/** The directory's record of an active employee gives the scopes; anyone else is refused. */
async function scopesOf(employeeId: string, deps: ServerDeps): Promise<Set<Scope>> {
  const payload = await deps.reader.store.directory.get('employee', employeeId);
  const parsed =
    payload === undefined ? undefined : directoryEmployee.safeParse(JSON.parse(payload));
  if (!parsed?.success) {
    throw new ServerError('UNAUTHENTICATED', 'the credential names no employee in the directory');
  }
  const e = parsed.data;
  const now = parseTime(deps.now()) ?? Date.now();
  const started = e.hiredAt === undefined || (parseTime(e.hiredAt) ?? Infinity) <= now;
  const left = e.leftAt !== undefined && (parseTime(e.leftAt) ?? -Infinity) <= now;
  if (!started || left) {
    throw new ServerError('UNAUTHENTICATED', 'the credential names an employee who is not active');
  }
  return deps.access.scopesOf(e);
}
