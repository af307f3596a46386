import type { Alert } from '../domain/index.js';
import type { AlertTriage } from '../store/index.js';

/** An alert's place in the queue: `new` until someone acknowledges, dismisses or escalates it. */
export const QUEUE_STATES = ['new', 'acknowledged', 'dismissed', 'escalated'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** The last triage step on an alert, as the queue shows it. */
export interface QueueTriage {
  readonly state: QueueState;
  readonly by?: string;
  readonly at?: string;
  readonly caseId?: string;
  readonly until?: string;
}

export type QueuedAlert = Alert & { readonly triage: QueueTriage };

/**
 * Each alert with its triage state (from the store's alert triage, keyed by alert id), kept
 * when its state is one of `states` (all of them when absent). An alert marked `suppressed` by
 * another alert's dismissal keeps its own state: it was not triaged itself. A triage applies
 * only to an alert of the detector and employee it was recorded for: alert ids are numbered in
 * raise order, so a replay that raises other alerts (new detection code, an org profile) can
 * give a triaged alert's id to another — which is then `new`, never someone else's dismissal.
 */
export function queueOf(
  alerts: readonly Alert[],
  triages: readonly AlertTriage[],
  states?: ReadonlySet<QueueState>,
): QueuedAlert[] {
  const byId = new Map(triages.map((t) => [t.alertId, t]));
  const out: QueuedAlert[] = [];
  for (const alert of alerts) {
    const recorded = byId.get(alert.id);
    const triage = stateOf(
      recorded?.detector === alert.detector && recorded.employee === alert.employeeId
        ? recorded
        : undefined,
    );
    if (states === undefined || states.has(triage.state)) out.push({ ...alert, triage });
  }
  return out;
}

function stateOf(t: AlertTriage | undefined): QueueTriage {
  if (t === undefined) return { state: 'new' };
  return {
    state: t.state,
    by: t.by,
    at: t.at,
    ...(t.caseId === undefined ? {} : { caseId: t.caseId }),
    ...(t.until === undefined ? {} : { until: t.until }),
  };
}
