import type { Alert } from '../domain/index.js';
import { parseTime } from '../domain/index.js';
import type { ScenarioLabel, ScenarioType } from './labels.js';

/** How the findings fared against one abuse scenario. */
export interface AbuseScenarioScore {
  readonly scenarioId: string;
  readonly type: ScenarioType;
  /** Its distinct employees. */
  readonly members: number;
  /**
   * True when an alert of at least medium severity names one of its employees with an event
   * time at or after the scenario's start (an alert about earlier behaviour did not see it).
   */
  readonly caught: boolean;
  /** The event time of the earliest such alert, as the alert gives it; null when not caught. */
  readonly firstAlertTime: string | null;
  /** That alert's event time minus the scenario's start, in hours; null when not caught. */
  readonly hoursToFirstAlert: number | null;
  /** Its employees that have such an alert or rank within the top max(2 %, k). */
  readonly membersFlagged: number;
  /**
   * For scenarios of several employees: whether one serious alert names them all (its
   * `employeeIds`, or its `employeeId` alone) and every one of the scenario's sellers (a
   * ring's clients; the competitors it snooped on are not among them). Null for one-person
   * scenarios.
   */
  readonly named: boolean | null;
}

/** Per abuse scenario type: its instances, and how many of them were caught. */
export interface ScenarioTypeCatch {
  readonly type: ScenarioType;
  readonly caught: number;
  readonly instances: number;
}

/** A benign look-alike and those of its employees (never insiders) that were flagged. */
export interface BenignFlag {
  readonly scenarioId: string;
  readonly type: ScenarioType;
  /** Sorted. */
  readonly employeeIds: readonly string[];
}

const HOUR_MS = 3_600_000;

/**
 * Scores one abuse scenario against the alerts of at least medium severity (`serious`) and
 * the employees ranked within the top max(2 %, k) (`topK2`).
 */
export function scoreAbuseScenario(
  scenario: ScenarioLabel,
  serious: readonly Alert[],
  topK2: ReadonlySet<string>,
): AbuseScenarioScore {
  const members = new Set(scenario.employeeIds);
  const start = parseTime(scenario.start);
  const seen = serious.filter((a) => members.has(a.employeeId) && startsAtOrAfter(a, start));
  const first = earliest(seen);
  const flagged = new Set(seen.map((a) => a.employeeId));
  for (const id of members) if (topK2.has(id)) flagged.add(id);
  return {
    scenarioId: scenario.id,
    type: scenario.type,
    members: members.size,
    caught: first !== undefined,
    firstAlertTime: first?.alert.eventTime ?? null,
    hoursToFirstAlert:
      first === undefined || start === undefined ? null : (first.at - start) / HOUR_MS,
    membersFlagged: flagged.size,
    named: members.size < 2 ? null : serious.some((a) => namesAll(a, members, scenario.sellerIds)),
  };
}

function namesAll(a: Alert, members: ReadonlySet<string>, sellers: readonly string[]): boolean {
  const named = new Set(a.employeeIds ?? [a.employeeId]);
  return [...members].every((m) => named.has(m)) && sellers.every((s) => a.sellerIds.includes(s));
}

/** Caught instances per scenario type, types in alphabetical order. */
export function catchesByType(scores: readonly AbuseScenarioScore[]): ScenarioTypeCatch[] {
  const byType = new Map<ScenarioType, { caught: number; instances: number }>();
  for (const s of scores) {
    const tally = byType.get(s.type) ?? { caught: 0, instances: 0 };
    tally.instances += 1;
    if (s.caught) tally.caught += 1;
    byType.set(s.type, tally);
  }
  return [...byType]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, tally]) => ({ type, ...tally }));
}

/**
 * The benign scenarios with at least one flagged employee: one with an alert of at least
 * medium severity (`serious`, at any time) or ranked within the top 1 % (`top1`). Insiders
 * are left out; labels never put one in a benign scenario, but a false alarm is about others.
 */
export function flagBenignScenarios(
  scenarios: readonly ScenarioLabel[],
  serious: readonly Alert[],
  top1: ReadonlySet<string>,
  insiders: ReadonlySet<string>,
): BenignFlag[] {
  const alerted = new Set(serious.map((a) => a.employeeId));
  const flags: BenignFlag[] = [];
  for (const s of scenarios) {
    const employeeIds = [...new Set(s.employeeIds)]
      .filter((id) => !insiders.has(id) && (alerted.has(id) || top1.has(id)))
      .sort();
    if (employeeIds.length > 0) flags.push({ scenarioId: s.id, type: s.type, employeeIds });
  }
  return flags;
}

/** The median of `values`, the mean of the middle two for an even count; null when empty. */
export function median(values: readonly number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid];
  if (upper === undefined) return null;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/** False for an alert whose time, or a scenario whose start, is not an RFC 3339 time. */
function startsAtOrAfter(alert: Alert, start: number | undefined): boolean {
  const at = parseTime(alert.eventTime);
  return at !== undefined && start !== undefined && at >= start;
}

/** The alert with the earliest event time (the first listed among equals). */
function earliest(alerts: readonly Alert[]): { alert: Alert; at: number } | undefined {
  let first: { alert: Alert; at: number } | undefined;
  for (const alert of alerts) {
    const at = parseTime(alert.eventTime);
    if (at !== undefined && (first === undefined || at < first.at)) first = { alert, at };
  }
  return first;
}
