/**
 * Ground truth the simulator writes beside its stream. Only scoring reads it: no detector may
 * (the import graph is tested, `test/labels-isolation.test.ts`).
 */

/** Every scenario type the library knows; `docs/scenarios.md` describes each. */
export const ABUSE_SCENARIOS = [
  'metrics-broker',
  'email-harvest',
  'deletion-for-hire',
  'collusion-ring',
  'low-and-slow',
  'unrelated-ticket-cover',
  'self-cover-tickets',
  'departing-exfiltration',
] as const;
export const BENIGN_SCENARIOS = [
  'product-recall',
  'moderation-audit',
  'new-hire',
  'night-shift',
  'quarter-end-exports',
  'team-transfer',
  'shared-terminal',
  'office-nat',
  // World B's own (docs/scenarios.md, section 7).
  'recall-programme',
  'ediscovery-export',
  'departing-handover',
  'leave-cover',
  'promo-nominations',
  'caller-tickets',
  'follow-the-sun',
  'weekend-on-call',
  'catalog-migration',
  'qa-sampling',
] as const;
export type AbuseScenario = (typeof ABUSE_SCENARIOS)[number];
export type BenignScenario = (typeof BENIGN_SCENARIOS)[number];
export type ScenarioType = AbuseScenario | BenignScenario;

/** One scenario instance as it was played into the stream. */
export interface ScenarioLabel {
  /** Unique in the run, e.g. `collusion-ring-1`. */
  readonly id: string;
  readonly type: ScenarioType;
  /** `abuse`: its employees are insiders. `benign`: a look-alike that must not be flagged. */
  readonly kind: 'abuse' | 'benign';
  readonly employeeIds: readonly string[];
  readonly sellerIds: readonly string[];
  /** Event time of the scenario's first event, and of its last. */
  readonly start: string;
  readonly end: string;
  /** The events the scenario added to the stream (for abuse: the abusive ones). */
  readonly eventIds: readonly string[];
  readonly summary: string;
}

export interface Labels {
  readonly format: 'warden-sim-labels/1';
  readonly preset: string;
  /** The organisation, when not world A. */
  readonly world?: 'b';
  readonly seed: number;
  /** Every insider (employee of an abuse scenario), sorted. */
  readonly insiders: readonly string[];
  readonly scenarios: readonly ScenarioLabel[];
}

/** What a simulation holds, without ground truth: safe for any reader. */
export interface Manifest {
  readonly format: 'warden-sim/1';
  readonly preset: string;
  /** The organisation, when not world A. */
  readonly world?: 'b';
  readonly seed: number;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  /** Employees in the directory, and the days each was employed within the period, summed. */
  readonly employees: number;
  readonly employeeDays: number;
  readonly counts: Readonly<Record<string, number>>;
  /** The stream's files, relative to the directory, in the order to ingest them. */
  readonly files: readonly string[];
}
