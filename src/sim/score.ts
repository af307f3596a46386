import type { Alert, Findings } from '../domain/index.js';
import { atLeast } from '../domain/index.js';
import type { Labels, Manifest } from './labels.js';
import type { BadCitation } from './score-citations.js';
import { scoreCitations } from './score-citations.js';
import type { RankedEmployee } from './score-ranking.js';
import {
  averagePrecision,
  precisionAtK,
  rankEmployees,
  recallWithin,
  topIds,
  topShare,
} from './score-ranking.js';
import type { AbuseScenarioScore, BenignFlag, ScenarioTypeCatch } from './score-scenarios.js';
import {
  catchesByType,
  flagBenignScenarios,
  median,
  scoreAbuseScenario,
} from './score-scenarios.js';

export { citedEventIds } from './score-citations.js';
export type { BadCitation } from './score-citations.js';
export type { AbuseScenarioScore, BenignFlag, ScenarioTypeCatch } from './score-scenarios.js';

/** One of the first ranked employees, with what the labels say about them. */
export interface TopEmployee {
  readonly rank: number;
  readonly employeeId: string;
  readonly score: number;
  readonly insider: boolean;
  /** Ids of the scenarios, abuse or benign, the employee is in, in the labels' order. */
  readonly scenarios: readonly string[];
}

/**
 * How well a run's findings match the simulation's ground truth. "Ranked" means: employees
 * with a risk score above 0, highest first, ties by employee id; employees with no risk entry
 * are never ranked. k is the number of insiders. "Serious alert": severity medium or higher.
 */
export interface EvalReport {
  /** Employees in the directory (`manifest.employees`). */
  readonly employees: number;
  /** k: the insiders in the labels (the employees of abuse scenarios). */
  readonly insiders: number;
  /** Days each employee was employed within the period, summed (`manifest.employeeDays`). */
  readonly employeeDays: number;
  /** Ranked places the recalls look at: ceil(1 %·employees), ceil(2 %·…), max(top2, k). */
  readonly cutoffs: { readonly top1: number; readonly top2: number; readonly topK2: number };
  /** Share of insiders ranked within `cutoffs.top1`; null when k = 0. */
  readonly recallTop1: number | null;
  /** Share of insiders ranked within `cutoffs.top2`; null when k = 0. */
  readonly recallTop2: number | null;
  /** Share of insiders ranked within `cutoffs.topK2` ("the top 2 %, or the top k where larger"). */
  readonly recallTopK2: number | null;
  /** Insiders among the first k ranked, over k (fewer than k ranked still divides by k). */
  readonly precisionAtK: number | null;
  /** Sum of precision@r over the ranks r holding an insider, over k; null when k = 0. */
  readonly averagePrecision: number | null;
  /** Each abuse scenario, in the labels' order: caught, when, and how many members flagged. */
  readonly abuseScenarios: readonly AbuseScenarioScore[];
  /** Per abuse scenario type: instances caught, of instances. */
  readonly scenarioTypesCaught: readonly ScenarioTypeCatch[];
  /** Median of `hoursToFirstAlert` over the caught abuse scenarios; null when none is caught. */
  readonly medianHoursToFirstAlert: number | null;
  /** Serious alerts on employees who are not insiders (each alert counts). */
  readonly falseAlerts: number;
  /** `falseAlerts` / `employeeDays` × 1000; null when `employeeDays` is not above 0. */
  readonly falseAlertsPer1000EmployeeDays: number | null;
  /** Benign look-alike scenarios in the labels. */
  readonly benignScenarios: number;
  /**
   * The benign scenarios some of whose (non-insider) employees were flagged: a serious alert
   * at any time, or ranked within `cutoffs.top1`. Scenarios with none flagged are left out.
   */
  readonly benignFlagged: readonly BenignFlag[];
  /** Event citations: each id in a risk reason (for its entry's employee) or an alert. */
  readonly citedEvents: number;
  /** Citations of a stored event whose actor is the employee cited for. */
  readonly citedRealOwn: number;
  /** `citedRealOwn` / `citedEvents`; 1 when nothing is cited (then `citedEvents` is 0). */
  readonly citedShareRealOwn: number;
  /** Up to 10 distinct citations that are not real-and-own, in the order cited. */
  readonly badCitationExamples: readonly BadCitation[];
  /** The first 20 ranked employees. */
  readonly top: readonly TopEmployee[];
}

export interface EvalInput {
  readonly labels: Labels;
  readonly manifest: Manifest;
  readonly findings: Findings;
  /** The actor of every cited event id that is a stored event (see `citedEventIds`). */
  readonly eventActors: ReadonlyMap<string, string>;
}

const TOP_LISTED = 20;

/**
 * Scores findings against ground truth. Pure: the caller reads the files and looks up the
 * cited events' actors.
 *
 * @example
 * const eventActors = await store.events.actorsOf(citedEventIds(findings));
 * const report = scoreEvaluation({ labels, manifest, findings, eventActors });
 */
export function scoreEvaluation(input: EvalInput): EvalReport {
  const { labels, manifest, findings } = input;
  const insiders = new Set(labels.insiders);
  const ranking = rankEmployees(findings.risk);
  const top2 = topShare(manifest.employees, 2);
  const cutoffs = {
    top1: topShare(manifest.employees, 1),
    top2,
    topK2: Math.max(top2, insiders.size),
  };
  const serious = findings.alerts.filter((a) => atLeast(a.severity, 'medium'));
  const abuse = labels.scenarios.filter((s) => s.kind === 'abuse');
  const benign = labels.scenarios.filter((s) => s.kind === 'benign');
  const topK2 = topIds(ranking, cutoffs.topK2);
  const abuseScenarios = abuse.map((s) => scoreAbuseScenario(s, serious, topK2));
  const falseAlerts = countFalseAlerts(serious, insiders);
  return {
    employees: manifest.employees,
    insiders: insiders.size,
    employeeDays: manifest.employeeDays,
    cutoffs,
    recallTop1: recallWithin(ranking, insiders, cutoffs.top1),
    recallTop2: recallWithin(ranking, insiders, cutoffs.top2),
    recallTopK2: recallWithin(ranking, insiders, cutoffs.topK2),
    precisionAtK: precisionAtK(ranking, insiders),
    averagePrecision: averagePrecision(ranking, insiders),
    abuseScenarios,
    scenarioTypesCaught: catchesByType(abuseScenarios),
    medianHoursToFirstAlert: median(caughtHours(abuseScenarios)),
    falseAlerts,
    falseAlertsPer1000EmployeeDays:
      manifest.employeeDays > 0 ? (falseAlerts / manifest.employeeDays) * 1000 : null,
    benignScenarios: benign.length,
    benignFlagged: flagBenignScenarios(benign, serious, topIds(ranking, cutoffs.top1), insiders),
    ...scoreCitations(findings, input.eventActors),
    top: listTop(ranking, labels, insiders),
  };
}

function countFalseAlerts(serious: readonly Alert[], insiders: ReadonlySet<string>): number {
  return serious.filter((a) => !insiders.has(a.employeeId)).length;
}

function caughtHours(scores: readonly AbuseScenarioScore[]): number[] {
  return scores.flatMap((s) => (s.hoursToFirstAlert === null ? [] : [s.hoursToFirstAlert]));
}

function listTop(
  ranking: readonly RankedEmployee[],
  labels: Labels,
  insiders: ReadonlySet<string>,
): TopEmployee[] {
  return ranking.slice(0, TOP_LISTED).map((r) => ({
    ...r,
    insider: insiders.has(r.employeeId),
    scenarios: labels.scenarios
      .filter((s) => s.employeeIds.includes(r.employeeId))
      .map((s) => s.id),
  }));
}
