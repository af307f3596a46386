import type { EmployeeId, EventId, SellerId } from './model.js';

/**
 * Warden's findings in the shapes of the interchange contract (shared spec `interchange.md`,
 * "What Warden answers"): `warden risk --json` and `warden alerts --json`. Other suites read
 * them; change them only by adding optional fields.
 */

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One reason behind a risk score: an indicator, in words, and the events it rests on. */
export interface RiskReason {
  readonly indicator: string;
  readonly detail: string;
  readonly events: readonly EventId[];
}

/** An employee's current risk, 0–100, with every reason behind it. */
export interface RiskEntry {
  readonly employeeId: EmployeeId;
  readonly score: number;
  readonly reasons: readonly RiskReason[];
}

/** A detector's finding that deserves a human look. */
export interface Alert {
  readonly id: string;
  readonly employeeId: EmployeeId;
  readonly detector: string;
  /**
   * For alerts about a group (a ring): every employee in it, `employeeId` included. Optional:
   * an addition to the contract's shape.
   */
  readonly employeeIds?: readonly string[] | undefined;
  readonly severity: Severity;
  /** The event time at which the alert could first have been raised. */
  readonly eventTime: string;
  readonly sellerIds: readonly SellerId[];
  readonly events: readonly EventId[];
  readonly summary: string;
  /**
   * Set when an investigator dismissed alerts of this detector about this employee and the
   * dismissal has not expired: shown, but not counted. Optional: an addition to the contract.
   */
  readonly suppressed?: SuppressionNote | undefined;
}

/** Why an alert is suppressed, and until when. */
export interface SuppressionNote {
  readonly until: string;
  readonly reason: string;
  readonly by: string;
  /** The alert whose dismissal made the suppression. */
  readonly alertId: string;
}

/**
 * A dismissal as data for detection: alerts of `detector` about `employeeId` raised before
 * `until` are suppressed. Detection takes these as input; it never reads cases.
 */
export interface Suppression extends SuppressionNote {
  readonly detector: string;
  readonly employeeId: EmployeeId;
}

/** What the detectors say about a stream: risk per employee (highest first) and alerts. */
export interface Findings {
  readonly risk: readonly RiskEntry[];
  readonly alerts: readonly Alert[];
}

/** True when `severity` is at least `floor`. */
export function atLeast(severity: Severity, floor: Severity): boolean {
  return SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(floor);
}
