/**
 * Evidence: what detectors find, event by event — a hit on one indicator, for one employee,
 * with a weight, the event it rests on, and the sellers it concerns. Risk and alerts are
 * built from hits alone, so every point and every alert cites events of its employee.
 */

/** Every indicator Warden raises; docs/detection.md explains each. */
export const INDICATORS = [
  'unjustified-seller-access',
  'purpose-mismatch',
  'self-serving-ticket',
  'negative-reviewer-lookup',
  'repeated-detractor-lookup',
  'reviewer-lookup',
  'unreported-negative-deletion',
  'repeated-negative-removal',
  'personal-data-export',
  'departing-export',
  'acted-after-leaving',
  'canary-touched',
  'shared-sellers',
  'shared-network',
  'new-network',
  'off-hours',
  'volume-spike',
  'dense-block',
  'alerted',
] as const;
export type Indicator = (typeof INDICATORS)[number];

export interface Hit {
  readonly indicator: Indicator;
  readonly employeeId: string;
  readonly eventId: string;
  /** Event time, epoch ms. */
  readonly t: number;
  readonly weight: number;
  readonly sellerIds: readonly string[];
  /** The event's action, where a consumer needs it (the collusion graph tells metrics from account views). */
  readonly action?: string;
  /**
   * Seen while the employee's peer norm was still being learned (cold start): held back, and
   * recorded (as a copy without this mark) once the norm is known and the behaviour rare.
   */
  readonly provisional?: true;
}
