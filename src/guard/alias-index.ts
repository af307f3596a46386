import type { RelayAliases } from '../privacy/index.js';
import type { AliasIssue, LeafEvent, Store } from '../store/index.js';

/** One place where the `relay_aliases` index and the ledger's events disagree. */
export interface AliasIndexProblem {
  /** The leaf index of the event concerned (-1 when the row names no stored event). */
  readonly index: number;
  readonly code: 'ALIAS_INDEX_MISSING' | 'ALIAS_INDEX_FORGED';
  readonly message: string;
}

const localPart = (alias: string): string => alias.slice(0, alias.indexOf('@') >>> 0);

/** The guard's own alias hand-outs: allowed `reviewer.contact.view` events it decided. */
async function* handOuts(store: Store): AsyncIterable<LeafEvent> {
  for await (const e of store.guard.eventsOf('reviewer.contact.view', 'allowed', true)) {
    if (e.event.attrs?.['decision'] !== undefined) yield e;
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
  const events = new Map<string, LeafEvent>();
  for await (const e of handOuts(store)) events.set(e.event.id, e);
  const rows = new Map<string, AliasIssue>();
  const problems: AliasIndexProblem[] = [];
  for await (const row of store.guard.allAliasIssues()) {
    rows.set(row.eventId, row);
    const e = events.get(row.eventId);
    const honest =
      e !== undefined &&
      e.event.actor === row.viewer &&
      e.event.target.id === row.reviewer &&
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
  for (const [id, e] of events) {
    if (rows.has(id)) continue;
    problems.push({
      index: e.leaf,
      code: 'ALIAS_INDEX_MISSING',
      message: `the alias handed to ${e.event.actor} for reviewer ${e.event.target.id} (event ${id}) has no relay_aliases row`,
    });
  }
  return { checked: events.size, problems: problems.sort((a, b) => a.index - b.index) };
}
