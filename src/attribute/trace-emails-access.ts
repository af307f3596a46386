import type { AccessEvent } from '../domain/index.js';
import type { RelayAliases } from '../privacy/index.js';
import type { Store } from '../store/index.js';
import { classify, type AccessKind } from './canary-accesses.js';
import type { AccessProver, InclusionProof } from './proofs.js';

/** One recorded access that put an address (or its alias) in an employee's hands. */
export interface TracedAccess {
  readonly employee: string;
  readonly kind: AccessKind;
  readonly action: string;
  readonly time: string;
  readonly reviewer: string;
  readonly eventId: string;
  readonly ticket?: string;
  readonly proof: InclusionProof;
}

/** An employee the leak names, by how many leaked entries lead to them. */
export interface NamedEmployee {
  readonly employee: string;
  /** Leaked aliases handed to them (each names them alone). */
  readonly aliases: number;
  /** Leaked plain addresses they were shown (revealed, or another system's contact look-up). */
  readonly revealed: number;
  /** Leaked plain addresses whose reviewer they were handed an alias of (weaker). */
  readonly viewed: number;
}

/** An access as a trace shows it, with its checked proof. */
export function tracedAccess(
  source: { readonly event: AccessEvent },
  kind: AccessKind,
  proof: InclusionProof,
): TracedAccess {
  const e = source.event;
  return {
    employee: e.actor,
    kind,
    action: e.action,
    time: e.time,
    reviewer: e.target.id,
    eventId: e.id,
    ...(e.ticket === undefined ? {} : { ticket: e.ticket }),
    proof,
  };
}

/** Per reviewer, the allowed contact accesses that showed them (or an alias of them) to someone. */
export async function viewersOf(
  store: Store,
  aliases: RelayAliases,
  reviewers: readonly string[],
  prover: AccessProver,
): Promise<Map<string, TracedAccess[]>> {
  const out = new Map<string, TracedAccess[]>();
  for await (const source of store.attribution.eventsOn('reviewer', new Set(reviewers))) {
    const { kind } = classify(source, aliases, undefined);
    if (kind !== 'revealed-address' && kind !== 'received-alias') continue;
    const list = out.get(source.event.target.id) ?? [];
    list.push(tracedAccess(source, kind, await prover.prove(source)));
    out.set(source.event.target.id, list);
  }
  return out;
}

/** The employees a trace's accesses name, most leaked aliases first, then addresses shown. */
export function nameEmployees(
  addresses: readonly { readonly address: string; readonly accesses: readonly TracedAccess[] }[],
): NamedEmployee[] {
  const named = new Map<string, Record<'aliases' | 'revealed' | 'viewed', Set<string>>>();
  for (const a of addresses) {
    for (const x of a.accesses) {
      const n = named.get(x.employee) ?? {
        aliases: new Set<string>(),
        revealed: new Set<string>(),
        viewed: new Set<string>(),
      };
      const bucket =
        x.kind === 'received-this-alias'
          ? 'aliases'
          : x.kind === 'revealed-address'
            ? 'revealed'
            : 'viewed';
      n[bucket].add(a.address);
      named.set(x.employee, n);
    }
  }
  return [...named]
    .map(([employee, n]) => ({
      employee,
      aliases: n.aliases.size,
      revealed: n.revealed.size,
      viewed: n.viewed.size,
    }))
    .sort(
      (a, b) =>
        b.aliases - a.aliases ||
        b.revealed - a.revealed ||
        b.viewed - a.viewed ||
        a.employee.localeCompare(b.employee),
    );
}
