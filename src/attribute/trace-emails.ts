import type { Ledger } from '../ledger/index.js';
import {
  isRelayAlias,
  normaliseEmail,
  type EmailHashes,
  type RelayAliases,
  type Vault,
} from '../privacy/index.js';
import type { Store } from '../store/index.js';
import { resolveAliases, type AliasResolution } from './alias-resolve.js';
import { readCanaries, type Canary } from './canary-book.js';
import { AccessProver, type SignedHead } from './proofs.js';
import {
  nameEmployees,
  tracedAccess,
  viewersOf,
  type NamedEmployee,
  type TracedAccess,
} from './trace-emails-access.js';
import { parseLeakedList, type FoundAddress, type JunkLine } from './trace-emails-parse.js';
import { confirmMatch, type MatchStanding } from './trace-emails-confirm.js';

export type { MatchStanding, NamedEmployee, TracedAccess };

export interface TraceDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly vault: Vault;
  readonly aliases: RelayAliases;
  readonly emailHashes: EmailHashes;
}

/**
 * What an address in the leak is: a relay alias handed out (`alias`), one of the relay's
 * shape that nobody received (`forged-alias`) or that is not even well formed
 * (`malformed-alias`), a reviewer's own address (`reviewer`, matched by keyed hash), or none
 * Warden knows (`unknown`). `canary` says when it is a planted canary's (or an alias of one).
 */
export interface TracedAddress extends FoundAddress {
  readonly match: 'alias' | 'forged-alias' | 'malformed-alias' | 'reviewer' | 'unknown';
  readonly canary?: Pick<Canary, 'per' | 'for'>;
  /** For `reviewer`: each matched reviewer, and whether their address now is the leaked one. */
  readonly reviewers?: { readonly id: string; readonly standing: MatchStanding }[];
  readonly accesses: TracedAccess[];
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
  const onRelay = (a: string): boolean =>
    a.startsWith('rv-') && a.endsWith(`@${deps.aliases.domain}`);
  const relayed = list.addresses.filter((a) => onRelay(a.address));
  const plain = list.addresses.filter((a) => !onRelay(a.address));
  const resolved = await resolveAliases(
    deps.store,
    deps.aliases,
    relayed.map((a) => a.address).filter(isRelayAlias),
  );
  const canaries = (await readCanaries(deps.store, deps.vault)).canaries;
  const addresses = [
    ...(await traceAliases(relayed, resolved, canaries, prover)),
    ...(await tracePlain(deps, plain, canaries, prover)),
  ].sort((a, b) => a.lines[0]! - b.lines[0]! || a.address.localeCompare(b.address));
  return {
    file,
    lines: list.lines,
    addresses,
    junk: list.junk,
    named: nameEmployees(addresses.map(confirmedOnly)),
    hashedReviewers: await deps.store.attribution.hashedReviewers(),
    head: await prover.signedHead(),
  };
}

/** Relay addresses: each well-formed alias to its hand-outs, proved; the rest flagged. */
async function traceAliases(
  relayed: readonly FoundAddress[],
  resolved: ReadonlyMap<string, AliasResolution>,
  canaries: readonly Canary[],
  prover: AccessProver,
): Promise<TracedAddress[]> {
  const out: TracedAddress[] = [];
  for (const found of relayed) {
    const r = resolved.get(found.address);
    if (r === undefined) {
      out.push({ ...found, match: 'malformed-alias', accesses: [] });
      continue;
    }
    const accesses: TracedAccess[] = [];
    for (const i of r.issues) {
      // a restore's event targets the case: the reviewer is the hand-out's own
      const access = tracedAccess(i.source, 'received-this-alias', await prover.prove(i.source));
      accesses.push({ ...access, reviewer: i.reviewer });
    }
    const reviewers = new Set(r.issues.map((i) => i.reviewer));
    const canary = canaries.find((c) =>
      c.records.some((rec) => rec.kind === 'reviewer' && reviewers.has(rec.id)),
    );
    out.push({
      ...found,
      match: accesses.length > 0 ? 'alias' : 'forged-alias',
      accesses,
      ...(canary ? { canary: { per: canary.per, for: canary.for } } : {}),
    });
  }
  return out;
}

/** Plain addresses: by keyed hash to reviewers, and the contact accesses that showed them. */
async function tracePlain(
  deps: TraceDeps,
  plain: readonly FoundAddress[],
  canaries: readonly Canary[],
  prover: AccessProver,
): Promise<TracedAddress[]> {
  const hashes = plain.map((a) => deps.emailHashes.hashOf(a.address));
  const byHash = await deps.store.attribution.reviewersByEmailHash(hashes);
  const reviewersOf = (i: number): string[] => byHash.get(hashes[i]!.toString('hex')) ?? [];
  const viewers = await viewersOf(deps.store, deps.aliases, [...byHash.values()].flat(), prover);
  const out: TracedAddress[] = [];
  for (const [i, found] of plain.entries()) {
    const reviewers: { id: string; standing: MatchStanding }[] = [];
    for (const id of reviewersOf(i))
      reviewers.push({
        id,
        standing: await confirmMatch(deps.store, deps.vault, id, found.address),
      });
    const canary = canaries.find((c) => normaliseEmail(c.address) === found.address);
    out.push({
      ...found,
      match: reviewers.length > 0 ? 'reviewer' : 'unknown',
      ...(reviewers.length > 0 ? { reviewers } : {}),
      accesses: reviewers.flatMap((rv) => viewers.get(rv.id) ?? []),
      ...(canary ? { canary: { per: canary.per, for: canary.for } } : {}),
    });
  }
  return out;
}

/**
 * What counts towards naming: aliases, and reviewer matches whose reviewer's address now is
 * the leaked one. A `not-current` match (an old address, or a forged index row) is listed with
 * its accesses but names nobody on its own.
 */
function confirmedOnly(a: TracedAddress): TracedAddress {
  if (a.reviewers === undefined) return a;
  const ok = new Set(a.reviewers.filter((r) => r.standing === 'current').map((r) => r.id));
  return { ...a, accesses: a.accesses.filter((x) => ok.has(x.reviewer)) };
}
