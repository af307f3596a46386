/**
 * Unambiguous facts: events that need no peer, no history and no corroboration to be an
 * alert, because nothing in anyone's job explains them. Each rule looks at one event in its
 * directory context and names the fact, or nothing. The alert rules raise every fact as a
 * `critical` alert citing the event (docs/detection.md, "Unambiguous facts").
 *
 * The hook: a new fact is one more entry of `CERTAIN_RULES` — a touched canary (a decoy seller,
 * reviewer or dataset declared by the security team) plugs in here as
 * `{ detector: 'canary-touched', indicator: 'canary-touched', test: (e, t, who) => …is e.target a declared canary… }`.
 * Rules are module constants, never stored in the engine's state (snapshot.ts).
 */
import type { AccessEvent } from '../domain/index.js';
import type { EmployeeView } from './directory-view.js';
import type { Indicator } from './evidence.js';

/** What one rule concluded about one event: the alert's summary. */
export interface CertainFact {
  readonly detector: string;
  readonly indicator: Indicator;
  readonly summary: string;
}

export interface CertainRule {
  /** The alert's detector name (stable: consumers filter on it). */
  readonly detector: string;
  /** The risk indicator its events are recorded under (evidence.ts). */
  readonly indicator: Indicator;
  /** The fact's summary when the event establishes it, else `undefined`. */
  readonly test: (e: AccessEvent, t: number, who: EmployeeView | undefined) => string | undefined;
}

/** A leaver acting at or after `leftAt`: their access should no longer exist. */
const actedAfterLeaving: CertainRule = {
  detector: 'acted-after-leaving',
  indicator: 'acted-after-leaving',
  test: (e, t, who) =>
    who?.leftAt !== undefined && t >= who.leftAt
      ? `${e.actor} did ${e.action} on ${e.target.type} ${e.target.id} ${hoursAfter(t - who.leftAt)} after leaving`
      : undefined,
};

/** A lapse as whole hours (`0 h` within the first hour): the summary states no time of its own. */
function hoursAfter(ms: number): string {
  return `${Math.floor(ms / 3_600_000)} h`;
}

/** Every unambiguous fact Warden knows; add a rule here (see the module comment). */
export const CERTAIN_RULES: readonly CertainRule[] = [actedAfterLeaving];

/** No fact: what almost every event establishes (one list for them all, not one each). */
const NO_FACTS: readonly CertainFact[] = Object.freeze([]);

/** The facts one event establishes, in rule order. */
export function certainFacts(
  e: AccessEvent,
  t: number,
  who: EmployeeView | undefined,
  rules: readonly CertainRule[] = CERTAIN_RULES,
): readonly CertainFact[] {
  let facts: CertainFact[] | undefined;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    const summary = r.test(e, t, who);
    if (summary !== undefined)
      (facts ??= []).push({ detector: r.detector, indicator: r.indicator, summary });
  }
  return facts ?? NO_FACTS;
}
