import type { RelayAliases } from '../privacy/index.js';
import type { AliasIssue, Store } from '../store/index.js';

/** One place where the `relay_aliases` index and the ledger's events disagree. */
export interface AliasIndexProblem {
  /** The leaf index of the event concerned (-1 when the row names no stored event). */
  readonly index: number;
  readonly code: 'ALIAS_INDEX_MISSING' | 'ALIAS_INDEX_FORGED';
  readonly message: string;
}

const localPart = (alias: string): string => alias.slice(0, alias.indexOf('@') >>> 0);

/** One alias handed out: the event that recorded it, to whom, for which reviewer. */
interface HandOut {
  readonly leaf: number;
  readonly eventId: string;
  readonly viewer: string;
  readonly reviewer: string;
}

const keyOf = (eventId: string, reviewer: string): string => `${eventId}\u0000${reviewer}`;

/**
 * The guard's own alias hand-outs: allowed `reviewer.contact.view` events it decided (one
 * reviewer each), and allowed `reviews.restore` measures (`x-case.enforce`, the reviewers told
 * in `attrs.told`).
 */
async function* handOuts(store: Store): AsyncIterable<HandOut> {
  for await (const e of store.guard.eventsOf('reviewer.contact.view', 'allowed', true)) {
    if (e.event.attrs?.['decision'] === undefined) continue;
    yield { leaf: e.leaf, eventId: e.event.id, viewer: e.event.actor, reviewer: e.event.target.id };
  }
  for await (const e of store.guard.eventsOf('x-case.enforce', 'allowed', true)) {
    const told = e.event.attrs?.['told'];
    if (e.event.attrs?.['decision'] === undefined || !Array.isArray(told)) continue;
    for (const reviewer of told) {
      if (typeof reviewer !== 'string') continue;
      yield { leaf: e.leaf, eventId: e.event.id, viewer: e.event.actor, reviewer };
    }
  }
}

/**
 * Cross-checks the relay-alias index against the ledger. Aliases are HMACs of (employee,
 * reviewer), so each is recomputed: every hand-out event needs its index row, and every row
 * must name a hand-out event whose employee and reviewer give back its alias. A deleted row
 * would let a leaked alias name nobody; a forged one would name the wrong employee. Without
 * `aliases` (a verifier who lacks the master key) the rows are held to the events alone: an
 * alias text rewritten on an otherwise true row is then not seen. Reads only.
 */
export async function checkAliasIndex(
  store: Store,
  aliases: RelayAliases | undefined,
): Promise<{ checked: number; problems: AliasIndexProblem[] }> {
  const events = new Map<string, HandOut>();
  for await (const h of handOuts(store)) events.set(keyOf(h.eventId, h.reviewer), h);
  const rows = new Map<string, AliasIssue>();
  const problems: AliasIndexProblem[] = [];
  for await (const row of store.guard.allAliasIssues()) {
    rows.set(keyOf(row.eventId, row.reviewer), row);
    const e = events.get(keyOf(row.eventId, row.reviewer));
    const honest =
      e !== undefined &&
      e.viewer === row.viewer &&
      e.reviewer === row.reviewer &&
      (aliases === undefined ||
        localPart(aliases.aliasFor(row.viewer, row.reviewer)) === localPart(row.alias));
    if (!honest) {
      problems.push({
        index: e?.leaf ?? -1,
        code: 'ALIAS_INDEX_FORGED',
        message: `relay_aliases row ${row.alias} → ${row.viewer} (event ${row.eventId}) is not what the ledger's hand-out recomputes to`,
      });
    }
  }
  for (const [key, e] of events) {
    if (rows.has(key)) continue;
    problems.push({
      index: e.leaf,
      code: 'ALIAS_INDEX_MISSING',
      message: `the alias handed to ${e.viewer} for reviewer ${e.reviewer} (event ${e.eventId}) has no relay_aliases row`,
    });
  }
  return { checked: events.size, problems: problems.sort((a, b) => a.index - b.index) };
}
