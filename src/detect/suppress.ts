import type { Alert, Suppression } from '../domain/index.js';

/**
 * Marks the alerts that an unexpired dismissal covers (same detector, same employee, or a
 * ring that includes the employee) as suppressed, keeping them in the list: a suppression
 * hides nothing, it says who dismissed what and until when. An expired one (`until` at or
 * before `now`) no longer applies. Pure: the dismissals come in as data.
 */
export function applySuppressions(
  alerts: readonly Alert[],
  suppressions: readonly Suppression[],
  now: string,
): Alert[] {
  const live = suppressions.filter((s) => Date.parse(s.until) > Date.parse(now));
  return alerts.map((alert) => {
    const hit = live.find((s) => s.detector === alert.detector && covers(alert, s.employeeId));
    if (!hit) return alert;
    return {
      ...alert,
      suppressed: { until: hit.until, reason: hit.reason, by: hit.by, alertId: hit.alertId },
    };
  });
}

function covers(alert: Alert, employeeId: string): boolean {
  return alert.employeeId === employeeId || (alert.employeeIds ?? []).includes(employeeId);
}
