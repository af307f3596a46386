import type { RelayAliases } from '../privacy/index.js';
import type { AliasIssue, LeafEvent, Store } from '../store/index.js';

/** One hand-out of a relay alias, with the ledger event that recorded it. */
export interface AliasHandOut extends AliasIssue {
  /**
   * The allowed, guard-decided event that handed it out (for its inclusion proof): a
   * `reviewer.contact.view`, or a `reviews.restore` measure (`x-case.enforce`, `attrs.told`).
   */
  readonly source: LeafEvent;
}

/** Who received an alias: from the index where its rows recompute, else from the ledger. */
export interface AliasResolution {
  readonly issues: AliasHandOut[];
  /** The index lacked hand-outs found in the ledger's events. */
  readonly indexMissing: boolean;
  /** Index rows for this alias that do not recompute to it, or name no hand-out event (ignored). */
  readonly forged: AliasIssue[];
}

const localPart = (alias: string): string => alias.slice(0, alias.indexOf('@') >>> 0);

/**
 * Resolves relay aliases to the employees they were handed to. The guard writes the index
 * (`relay_aliases`); the truth is the ledger: every allowed `reviewer.contact.view` event the
 * guard decided is a hand-out, and its alias is recomputed (an HMAC of employee and reviewer
 * under a key derived from the master key). One pass over the hand-outs answers any number
 * of aliases. An index row is believed only when it recomputes to its alias and names a
 * hand-out event of the same employee and reviewer: a forged row names nobody.
 */
export async function resolveAliases(
  store: Store,
  aliases: RelayAliases,
  wanted: readonly string[],
): Promise<Map<string, AliasResolution>> {
  const byLocal = new Map(wanted.map((a) => [localPart(a), a]));
  const fromLedger = new Map<string, AliasHandOut[]>();
  const handOutByKey = new Map<string, LeafEvent>();
  for await (const { source: e, reviewer } of handOuts(store)) {
    const alias = byLocal.get(localPart(aliases.aliasFor(e.event.actor, reviewer)));
    if (alias === undefined) continue;
    handOutByKey.set(keyOf(e.event.id, reviewer), e);
    fromLedger.set(alias, [...(fromLedger.get(alias) ?? []), handOutOf(alias, e, reviewer)]);
  }
  const out = new Map<string, AliasResolution>();
  for (const alias of new Set(wanted)) {
    const rows = await store.guard.aliasIssues(alias);
    const honest = (i: AliasIssue): boolean => {
      const e = handOutByKey.get(keyOf(i.eventId, i.reviewer));
      return (
        e !== undefined &&
        e.event.actor === i.viewer &&
        localPart(aliases.aliasFor(i.viewer, i.reviewer)) === localPart(alias)
      );
    };
    const indexed = new Set(rows.filter(honest).map((i) => i.eventId));
    const issues = fromLedger.get(alias) ?? [];
    out.set(alias, {
      issues: [...issues].sort((a, b) => a.issuedAt.localeCompare(b.issuedAt)),
      indexMissing: issues.some((i) => !indexed.has(i.eventId)),
      forged: rows.filter((i) => !honest(i)),
    });
  }
  return out;
}

/** One alias (`warden alias resolve`). */
export async function resolveAlias(
  store: Store,
  aliases: RelayAliases,
  alias: string,
): Promise<AliasResolution> {
  return (await resolveAliases(store, aliases, [alias])).get(alias)!;
}

const keyOf = (eventId: string, reviewer: string): string => `${eventId}\u0000${reviewer}`;

/**
 * Every alias hand-out the ledger holds: allowed, guard-decided `reviewer.contact.view`
 * events (the reviewer is the target), and `reviews.restore` measures (the reviewers told).
 */
async function* handOuts(
  store: Store,
): AsyncIterable<{ readonly source: LeafEvent; readonly reviewer: string }> {
  for await (const e of store.guard.eventsOf('reviewer.contact.view', 'allowed', true)) {
    if (e.event.attrs?.['decision'] !== undefined) yield { source: e, reviewer: e.event.target.id };
  }
  for await (const e of store.guard.eventsOf('x-case.enforce', 'allowed', true)) {
    const told = e.event.attrs?.['told'];
    if (e.event.attrs?.['decision'] === undefined || !Array.isArray(told)) continue;
    for (const reviewer of told) if (typeof reviewer === 'string') yield { source: e, reviewer };
  }
}

function handOutOf(alias: string, source: LeafEvent, reviewer: string): AliasHandOut {
  const { event } = source;
  return {
    alias,
    viewer: event.actor,
    reviewer,
    issuedAt: event.time,
    eventId: event.id,
    ...(event.ticket === undefined ? {} : { ticket: event.ticket }),
    source,
  };
}
