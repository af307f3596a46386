/**
 * Alerts, raised by detectors as evidence crosses their thresholds: one alert per employee,
 * detector and severity, a new one only when the severity rises. `eventTime` is the time of
 * the event that crossed the threshold: when the alert could first have been raised.
 */
import type { Alert, Severity } from '../domain/index.js';
import { SEVERITIES, formatTime } from '../domain/index.js';

/** A timed piece of evidence in a sliding window. */
export interface Mark {
  readonly t: number;
  readonly eventId: string;
  readonly sellerId?: string | undefined;
  readonly tag?: string | undefined;
}

/** Marks within a trailing span, per key. */
export class Windows {
  private readonly byKey = new Map<string, Mark[]>();

  constructor(private readonly span: number) {}

  add(key: string, mark: Mark): readonly Mark[] {
    const list = this.byKey.get(key) ?? [];
    list.push(mark);
    let drop = 0;
    while (drop < list.length && list[drop]!.t < mark.t - this.span) drop++;
    if (drop > 0) list.splice(0, drop);
    this.byKey.set(key, list);
    return list;
  }

  /** How many of the key's marks lie within the span before `t` (nothing is added). */
  count(key: string, t: number): number {
    let n = 0;
    for (const m of this.byKey.get(key) ?? []) if (m.t >= t - this.span && m.t <= t) n++;
    return n;
  }
}

/** What an alert adds to its employee's risk, by severity (cumulative as it escalates). */
export const ALERT_WEIGHT = { low: 0, medium: 8, high: 14, critical: 20 } as const;

/** Told of every alert raised, with the weight it adds beyond the alert it replaces. */
export interface AlertListener {
  alertRaised(alert: Alert, added: number, t: number): void;
}

/** What a detector asks the book to raise. */
export interface AlertDraft {
  readonly employeeId: string;
  readonly detector: string;
  readonly severity: Severity;
  readonly t: number;
  readonly marks: readonly Mark[];
  readonly summary: string;
}

export class AlertBook {
  readonly alerts: Alert[] = [];
  private readonly fired = new Map<string, number>();

  // A listener object, not a callback: the engine's state stays data (snapshot.ts).
  constructor(private readonly listener?: AlertListener) {}

  raise(o: AlertDraft): void {
    const key = `${o.employeeId}|${o.detector}`;
    const level = SEVERITIES.indexOf(o.severity);
    const before = this.fired.get(key) ?? -1;
    if (before >= level) return;
    this.fired.set(key, level);
    const had = before < 0 ? 0 : ALERT_WEIGHT[SEVERITIES[before]!];
    const sellers = [
      ...new Set(o.marks.map((m) => m.sellerId).filter((s) => s !== undefined)),
    ].sort();
    this.alerts.push({
      id: `al-${this.alerts.length + 1}`,
      employeeId: o.employeeId,
      detector: o.detector,
      severity: o.severity,
      eventTime: formatTime(o.t),
      sellerIds: sellers,
      events: [...new Set(o.marks.map((m) => m.eventId))],
      summary: o.summary,
    });
    this.listener?.alertRaised(
      this.alerts[this.alerts.length - 1]!,
      ALERT_WEIGHT[o.severity] - had,
      o.t,
    );
  }
}
