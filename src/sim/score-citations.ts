import type { Findings } from '../domain/index.js';

/** A cited event that does not back the finding it is cited for. */
export interface BadCitation {
  readonly employeeId: string;
  readonly eventId: string;
  /** `unknown-event`: no stored event has the id. `other-actor`: another employee acted in it. */
  readonly problem: 'unknown-event' | 'other-actor';
}

export interface CitationScore {
  readonly citedEvents: number;
  readonly citedRealOwn: number;
  readonly citedShareRealOwn: number;
  readonly badCitationExamples: readonly BadCitation[];
}

/** At most this many bad citations are given as examples. */
export const BAD_CITATION_EXAMPLES = 10;

/**
 * Every event id the findings cite, in risk reasons and in alerts, each once, in the order
 * first cited: the ids whose actors `scoreEvaluation` needs.
 */
export function citedEventIds(findings: Findings): string[] {
  return [...new Set(citations(findings).map((c) => c.eventId))];
}

/**
 * Checks each citation against the stored events' actors (`eventActors`): a citation is
 * sound when the event exists and its actor is the employee the finding is about. With
 * nothing cited the share is 1 (nothing cited wrongly); `citedEvents` tells that case apart.
 */
export function scoreCitations(
  findings: Findings,
  eventActors: ReadonlyMap<string, string>,
): CitationScore {
  const all = citations(findings);
  const examples = new Map<string, BadCitation>();
  let citedRealOwn = 0;
  for (const { employeeId, eventId } of all) {
    const actor = eventActors.get(eventId);
    if (actor === employeeId) {
      citedRealOwn += 1;
      continue;
    }
    const problem = actor === undefined ? 'unknown-event' : 'other-actor';
    const key = JSON.stringify([employeeId, eventId]);
    if (examples.size < BAD_CITATION_EXAMPLES && !examples.has(key)) {
      examples.set(key, { employeeId, eventId, problem });
    }
  }
  return {
    citedEvents: all.length,
    citedRealOwn,
    citedShareRealOwn: all.length === 0 ? 1 : citedRealOwn / all.length,
    badCitationExamples: [...examples.values()],
  };
}

/** Each (employee, event) citation: risk reasons under their entry's employee, then alerts. */
function citations(findings: Findings): { employeeId: string; eventId: string }[] {
  const out: { employeeId: string; eventId: string }[] = [];
  for (const { employeeId, reasons } of findings.risk) {
    for (const reason of reasons)
      for (const eventId of reason.events) out.push({ employeeId, eventId });
  }
  for (const { employeeId, events } of findings.alerts) {
    for (const eventId of events) out.push({ employeeId, eventId });
  }
  return out;
}
