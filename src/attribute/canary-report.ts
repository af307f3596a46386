import type { Employee } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import { isRelayAlias, normaliseEmail, type RelayAliases, type Vault } from '../privacy/index.js';
import type { Store } from '../store/index.js';
import { resolveAlias } from './alias-resolve.js';
import { readCanaries, type Canary } from './canary-book.js';
import {
  ACCESS_KINDS,
  COULD_LEAK,
  canaryAccesses,
  type AccessKind,
  type ClassifiedAccess,
} from './canary-accesses.js';
import { AttributeError } from './errors.js';
import { AccessProver, type InclusionProof, type SignedHead } from './proofs.js';

export interface ReportDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly vault: Vault;
  readonly aliases: RelayAliases;
}

/** One access to the canary, as the report shows it. */
export interface CanaryAccess {
  readonly employee: string;
  readonly kind: AccessKind;
  readonly action: string;
  readonly outcome: string;
  readonly time: string;
  readonly eventId: string;
  readonly target: { readonly type: string; readonly id: string };
  readonly ticket?: string;
  readonly alias?: string;
  readonly proof: InclusionProof;
}

/** One employee the accesses name, by the strongest thing they could have leaked. */
export interface Suspect {
  readonly employee: string;
  readonly strongest: AccessKind;
  /** Whether their accesses could have given them the address itself. */
  readonly couldLeak: boolean;
  /** Whether they belong to the team (or are the employee) the canary was planted for. */
  readonly inVariant: boolean;
  readonly accesses: number;
}

export interface CanaryReport {
  readonly address: string;
  /** Whether the address is the canary's own or one of its relay aliases. */
  readonly via: 'address' | 'alias';
  readonly canary: Pick<Canary, 'per' | 'for' | 'plantedAt'>;
  readonly suspects: Suspect[];
  readonly accesses: CanaryAccess[];
  readonly head: SignedHead;
}

/**
 * `warden canary report ADDRESS`: mail arrived at a canary address (or at a relay alias of a
 * canary reviewer); who could have leaked it. Every recorded access to the canary's records
 * and every contact export since planting, each with its checked inclusion proof, and the
 * employees they name, strongest first. An address that is no canary's is `NOT_A_CANARY`.
 */
export async function reportCanary(deps: ReportDeps, address: string): Promise<CanaryReport> {
  const wanted = normaliseEmail(address);
  const { canaries } = await readCanaries(deps.store, deps.vault);
  const { canary, via } = await findCanary(deps, canaries, wanted);
  const classified = await canaryAccesses(
    deps.store,
    deps.aliases,
    canary,
    via === 'alias' ? wanted : undefined,
  );
  const prover = new AccessProver(deps.store, deps.ledger);
  const accesses: CanaryAccess[] = [];
  for (const a of classified) accesses.push(await shown(a, prover));
  return {
    address: wanted,
    via,
    canary: { per: canary.per, for: canary.for, plantedAt: canary.plantedAt },
    suspects: await suspectsOf(deps.store, canary, accesses),
    accesses,
    head: await prover.signedHead(),
  };
}

async function findCanary(
  deps: ReportDeps,
  canaries: readonly Canary[],
  wanted: string,
): Promise<{ canary: Canary; via: 'address' | 'alias' }> {
  const own = canaries.find((c) => normaliseEmail(c.address) === wanted);
  if (own) return { canary: own, via: 'address' };
  if (isRelayAlias(wanted)) {
    const { issues } = await resolveAlias(deps.store, deps.aliases, wanted);
    const reviewers = new Set(issues.map((i) => i.reviewer));
    const viaAlias = canaries.find((c) =>
      c.records.some((r) => r.kind === 'reviewer' && reviewers.has(r.id)),
    );
    if (viaAlias) return { canary: viaAlias, via: 'alias' };
  }
  throw new AttributeError(
    'NOT_A_CANARY',
    `${wanted} is not the address of a planted canary, nor a relay alias handed out for one (warden trace emails traces any address)`,
  );
}

async function shown(a: ClassifiedAccess, prover: AccessProver): Promise<CanaryAccess> {
  const e = a.source.event;
  return {
    employee: e.actor,
    kind: a.kind,
    action: e.action,
    outcome: e.outcome ?? 'allowed',
    time: e.time,
    eventId: e.id,
    target: { type: e.target.type, id: e.target.id },
    ...(e.ticket === undefined ? {} : { ticket: e.ticket }),
    ...(a.alias === undefined ? {} : { alias: a.alias }),
    proof: await prover.prove(a.source),
  };
}

async function suspectsOf(
  store: Store,
  canary: Canary,
  accesses: readonly CanaryAccess[],
): Promise<Suspect[]> {
  const byEmployee = new Map<string, CanaryAccess[]>();
  for (const a of accesses) byEmployee.set(a.employee, [...(byEmployee.get(a.employee) ?? []), a]);
  const rank = (k: AccessKind): number => ACCESS_KINDS.indexOf(k);
  const suspects: Suspect[] = [];
  for (const [employee, list] of byEmployee) {
    const strongest = list.map((a) => a.kind).sort((x, y) => rank(x) - rank(y))[0]!;
    suspects.push({
      employee,
      strongest,
      couldLeak: COULD_LEAK.has(strongest),
      inVariant: await inVariant(store, canary, employee),
      accesses: list.length,
    });
  }
  return suspects.sort(
    (a, b) => rank(a.strongest) - rank(b.strongest) || a.employee.localeCompare(b.employee),
  );
}

async function inVariant(store: Store, canary: Canary, employee: string): Promise<boolean> {
  if (canary.per === 'employee') return canary.for === employee;
  const payload = await store.directory.get('employee', employee);
  return payload !== undefined && (JSON.parse(payload) as Employee).team === canary.for;
}
