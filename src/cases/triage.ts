import { canonicalJson } from '../ledger/index.js';
import type { Alert, Suppression } from '../domain/index.js';
import { CaseError } from './errors.js';
import { assertActiveEmployee, text } from './guards.js';
import { alertResource, authorise, caseResource, newCaseResource } from './authorise.js';
import { caseEvent, record, recordAll, type CaseDeps, type StepWrite } from './record.js';
import { linking, opening } from './case-book.js';
import { assertNotSubject, openCaseOrThrow } from './guards.js';

/** The longest a dismissal may suppress an alert: a year; then the detector speaks again. */
const MAX_SUPPRESSION_MS = 366 * 24 * 3600 * 1000;

/** Whoever an alert is about may not triage it. */
function assertNotAbout(alert: Alert, actor: string): void {
  if (alert.employeeId === actor || (alert.employeeIds ?? []).includes(actor)) {
    throw new CaseError(
      'NOT_PERMITTED',
      `${actor} is named by alert ${alert.id} and may not triage it`,
    );
  }
}

/** An investigator has seen the alert and will look (ledgered). */
export async function acknowledge(deps: CaseDeps, actor: string, alert: Alert): Promise<string> {
  const time = deps.now();
  const event = await authorise(
    deps,
    caseEvent({
      actor,
      action: 'x-alert.acknowledge',
      target: `alert:${alert.id}`,
      time,
      attrs: { detector: alert.detector, employee: alert.employeeId },
    }),
    'alert.triage',
    alertResource(alert),
    'acknowledge',
  );
  assertNotAbout(alert, actor);
  await assertActiveEmployee(deps, actor);
  await record(deps, event, (tx) =>
    tx.putTriage({
      alertId: alert.id,
      detector: alert.detector,
      employee: alert.employeeId,
      state: 'acknowledged',
      by: actor,
      at: time,
      eventId: event.id,
    }),
  );
  return event.id;
}

/**
 * Dismisses an alert with a reason: alerts of the same detector about the same employee are
 * suppressed until `until` (shown, marked, not counted), then speak again.
 */
export async function dismiss(
  deps: CaseDeps,
  actor: string,
  alert: Alert,
  input: { reason: string | undefined; until: string | undefined },
): Promise<Suppression> {
  const reason = text(input.reason, '--reason', 500);
  const time = deps.now();
  const until = expiry(input.until, time);
  const event = await authorise(
    deps,
    caseEvent({
      actor,
      action: 'x-alert.dismiss',
      target: `alert:${alert.id}`,
      time,
      attrs: { detector: alert.detector, employee: alert.employeeId, reason, until },
    }),
    'alert.triage',
    alertResource(alert),
    'dismiss',
  );
  assertNotAbout(alert, actor);
  await assertActiveEmployee(deps, actor);
  await record(deps, event, (tx) =>
    tx.putTriage({
      alertId: alert.id,
      detector: alert.detector,
      employee: alert.employeeId,
      state: 'dismissed',
      by: actor,
      at: time,
      reason,
      until,
      eventId: event.id,
    }),
  );
  return {
    detector: alert.detector,
    employeeId: alert.employeeId,
    until,
    reason,
    by: actor,
    alertId: alert.id,
  };
}

/**
 * Escalates an alert into a case: a new one, or an open case named by `caseId`. The opening,
 * the link and the triage are written in one transaction: a failure anywhere leaves no case
 * without its alert, and no alert marked escalated into a case that does not hold it.
 */
export async function escalate(
  deps: CaseDeps,
  actor: string,
  alert: Alert,
  caseId?: string,
): Promise<string> {
  const time = deps.now();
  const triage = await authorise(
    deps,
    caseEvent({
      actor,
      action: 'x-alert.escalate',
      target: `alert:${alert.id}`,
      time,
      attrs: { detector: alert.detector, alert: JSON.parse(canonicalJson(alert)) as unknown },
    }),
    'alert.triage',
    alertResource(alert),
    'escalate',
  );
  assertNotAbout(alert, actor);
  const writes: StepWrite[] = [];
  let id = caseId;
  if (id === undefined) {
    const { write, opened } = await opening(deps, actor, `${alert.detector} (${alert.severity})`);
    writes.push(write);
    id = opened.id;
    writes.push(await linking(deps, id, actor, alert, newCaseResource(id)));
  } else {
    await openCaseOrThrow(deps, id);
    writes.push(await linking(deps, id, actor, alert, await caseResource(deps, id)));
    await assertNotSubject(deps, id, actor);
  }
  await assertActiveEmployee(deps, actor);
  const caseOf = id;
  const event = { ...triage, attrs: { ...triage.attrs, case: caseOf } };
  writes.push({
    event,
    state: (tx) =>
      tx.putTriage({
        alertId: alert.id,
        detector: alert.detector,
        employee: alert.employeeId,
        state: 'escalated',
        by: actor,
        at: time,
        caseId: caseOf,
        eventId: event.id,
      }),
  });
  await recordAll(deps, writes);
  return caseOf;
}

/** The live dismissals as detection's input (expired ones are left to detection to skip). */
export async function suppressions(deps: Pick<CaseDeps, 'store'>): Promise<Suppression[]> {
  return (await deps.store.cases.dismissals()).map((t) => ({
    detector: t.detector,
    employeeId: t.employee,
    until: t.until ?? t.at,
    reason: t.reason ?? '',
    by: t.by,
    alertId: t.alertId,
  }));
}

function expiry(until: string | undefined, now: string): string {
  const value = text(until, '--until', 40);
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
    throw new CaseError(
      'INPUT_INVALID',
      `--until ${JSON.stringify(value)} is not an RFC 3339 time`,
    );
  }
  const from = Date.parse(now);
  if (ms <= from) throw new CaseError('INPUT_INVALID', `--until ${value} is not in the future`);
  if (ms - from > MAX_SUPPRESSION_MS) {
    throw new CaseError('INPUT_INVALID', `--until ${value} is more than a year ahead`);
  }
  return new Date(ms).toISOString();
}
