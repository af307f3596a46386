import type { AccessEvent } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import {
  isRelayAlias,
  normaliseEmail,
  type EmailHashes,
  type RelayAliases,
  type Vault,
} from '../privacy/index.js';
import type { Store } from '../store/index.js';
import { resolveAliases } from './alias-resolve.js';
import { readCanaries, type Canary } from './canary-book.js';
import { classify, type AccessKind } from './canary-accesses.js';
import { AccessProver, type InclusionProof, type SignedHead } from './proofs.js';
import { parseLeakedList, type FoundAddress, type JunkLine } from './trace-emails-parse.js';

export interface TraceDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly vault: Vault;
  readonly aliases: RelayAliases;
  readonly emailHashes: EmailHashes;
}

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

/**
 * What an address in the leak is: a relay alias handed out (`alias`), one of the relay's
 * shape that nobody received (`forged-alias`) or that is not even well formed
 * (`malformed-alias`), a reviewer's own address (`reviewer`, matched by keyed hash), or none
 * Warden knows (`unknown`). `canary` says when it is a planted canary's.
 */
export interface TracedAddress extends FoundAddress {
  readonly match: 'alias' | 'forged-alias' | 'malformed-alias' | 'reviewer' | 'unknown';
  readonly canary?: Pick<Canary, 'per' | 'for'>;
  readonly accesses: TracedAccess[];
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

export interface TraceReport {
  readonly file: string;
  readonly lines: number;
  readonly addresses: TracedAddress[];
  readonly junk: JunkLine[];
  readonly named: NamedEmployee[];
  /** Reviewers with a keyed address hash: addresses of reviewers imported before it cannot match. */
  readonly hashedReviewers: number;
  readonly head: SignedHead;
}

/**
 * `warden trace emails FILE`: every relay alias in a leaked list back to the employee who
 * received it (when, under which ticket, with the inclusion proof of the hand-out), and every
 * plain address, by keyed hash, to its reviewer and the employees who were shown it. Nothing
 * is decrypted: aliases are recomputed, plain addresses hashed and looked up.
 */
export async function traceEmails(
  deps: TraceDeps,
  bytes: Buffer,
  file: string,
): Promise<TraceReport> {
  const list = parseLeakedList(bytes, file);
  const prover = new AccessProver(deps.store, deps.ledger);
  const relay = deps.aliases.domain;
  const onRelay = (a: string): boolean => a.endsWith(`@${relay}`) && a.startsWith('rv-');
  const aliasAddresses = list.addresses.filter(
    (a) => onRelay(a.address) && isRelayAlias(a.address),
  );
  const resolved = await resolveAliases(
    deps.store,
    deps.aliases,
    aliasAddresses.map((a) => a.address),
  );
  const plain = list.addresses.filter((a) => !onRelay(a.address));
  const byHash = await deps.store.attribution.reviewersByEmailHash(
    plain.map((a) => deps.emailHashes.hashOf(a.address)),
  );
  const viewers = await viewersOf(deps, [...byHash.values()].flat(), prover);
  const canaries = (await readCanaries(deps.store, deps.vault)).canaries;
  const addresses: TracedAddress[] = [];
  for (const found of list.addresses) {
    const canary = canaries.find((c) => normaliseEmail(c.address) === found.address);
    const tag = canary ? { canary: { per: canary.per, for: canary.for } } : {};
    if (onRelay(found.address)) {
      const r = resolved.get(found.address);
      if (r === undefined) addresses.push({ ...found, match: 'malformed-alias', accesses: [] });
      else {
        const accesses: TracedAccess[] = [];
        for (const i of r.issues)
          accesses.push(access(i.source, 'received-this-alias', await prover.prove(i.source)));
        const match = accesses.length > 0 ? 'alias' : 'forged-alias';
        addresses.push({ ...found, match, accesses, ...aliasCanary(canaries, r) });
      }
      continue;
    }
    const reviewers = byHash.get(deps.emailHashes.hashOf(found.address).toString('hex')) ?? [];
    const accesses = reviewers.flatMap((rv) => viewers.get(rv) ?? []);
    addresses.push({
      ...found,
      match: reviewers.length > 0 ? 'reviewer' : 'unknown',
      accesses,
      ...tag,
    });
  }
  return {
    file,
    lines: list.lines,
    addresses,
    junk: list.junk,
    named: nameEmployees(addresses),
    hashedReviewers: await deps.store.attribution.hashedReviewers(),
    head: await prover.signedHead(),
  };
}

/** A canary whose reviewer a resolved alias was handed out for. */
function aliasCanary(
  canaries: readonly Canary[],
  r: { issues: readonly { reviewer: string }[] },
): { canary?: Pick<Canary, 'per' | 'for'> } {
  const reviewers = new Set(r.issues.map((i) => i.reviewer));
  const c = canaries.find((x) =>
    x.records.some((rec) => rec.kind === 'reviewer' && reviewers.has(rec.id)),
  );
  return c ? { canary: { per: c.per, for: c.for } } : {};
}

/** Per reviewer, the allowed contact accesses that showed them (or an alias of them) to someone. */
async function viewersOf(
  deps: TraceDeps,
  reviewers: readonly string[],
  prover: AccessProver,
): Promise<Map<string, TracedAccess[]>> {
  const out = new Map<string, TracedAccess[]>();
  for await (const source of deps.store.attribution.eventsOn('reviewer', new Set(reviewers))) {
    const { kind } = classify(source, deps.aliases, undefined);
    if (kind !== 'revealed-address' && kind !== 'received-alias') continue;
    const list = out.get(source.event.target.id) ?? [];
    list.push(access(source, kind, await prover.prove(source)));
    out.set(source.event.target.id, list);
  }
  return out;
}

function access(
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

function nameEmployees(addresses: readonly TracedAddress[]): NamedEmployee[] {
  const named = new Map<
    string,
    { aliases: Set<string>; revealed: Set<string>; viewed: Set<string> }
  >();
  for (const a of addresses) {
    for (const x of a.accesses) {
      const n = named.get(x.employee) ?? {
        aliases: new Set(),
        revealed: new Set(),
        viewed: new Set(),
      };
      const bucket =
        x.kind === 'received-this-alias'
          ? n.aliases
          : x.kind === 'revealed-address'
            ? n.revealed
            : n.viewed;
      bucket.add(a.address);
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
