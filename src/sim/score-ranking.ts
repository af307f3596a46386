import type { RiskEntry } from '../domain/index.js';

/** An employee with a positive risk score, at its 1-based place in the ranking. */
export interface RankedEmployee {
  readonly rank: number;
  readonly employeeId: string;
  readonly score: number;
}

/**
 * Ranks the employees that have a risk score above 0: highest score first, ties by employee id
 * (code-unit order, so the same findings always rank the same way). An employee listed more
 * than once keeps its highest score. Employees with no entry, or a score of 0 or less (or not
 * a number), are not ranked: a detector that says nothing about someone has not retrieved them.
 */
export function rankEmployees(risk: readonly RiskEntry[]): RankedEmployee[] {
  const best = new Map<string, number>();
  for (const { employeeId, score } of risk) {
    if (score > 0 && score > (best.get(employeeId) ?? 0)) best.set(employeeId, score);
  }
  return [...best]
    .sort(([a, sa], [b, sb]) => sb - sa || compareIds(a, b))
    .map(([employeeId, score], i) => ({ rank: i + 1, employeeId, score }));
}

/**
 * How many ranked places `percent` % of `employees` is, rounded up. Computed as
 * `employees * percent / 100`, in integers until the one division, so that a whole result stays
 * whole for any percent (`100 * 0.07` is 7.000000000000001, which would round up to 8).
 */
export function topShare(employees: number, percent: number): number {
  return Math.ceil((employees * percent) / 100);
}

/** The ids of the first `n` ranked employees. */
export function topIds(ranking: readonly RankedEmployee[], n: number): Set<string> {
  return new Set(ranking.slice(0, n).map((r) => r.employeeId));
}

/** The share of `insiders` among the first `n` ranked employees; null with no insiders. */
export function recallWithin(
  ranking: readonly RankedEmployee[],
  insiders: ReadonlySet<string>,
  n: number,
): number | null {
  if (insiders.size === 0) return null;
  return countInsiders(ranking.slice(0, n), insiders) / insiders.size;
}

/** Insiders among the first k ranked, over k, with k the number of insiders; null when k = 0. */
export function precisionAtK(
  ranking: readonly RankedEmployee[],
  insiders: ReadonlySet<string>,
): number | null {
  const k = insiders.size;
  return k === 0 ? null : countInsiders(ranking.slice(0, k), insiders) / k;
}

/**
 * Average precision: the mean, over all insiders, of the precision at the rank where each is
 * retrieved, an insider never ranked adding 0. Null with no insiders.
 */
export function averagePrecision(
  ranking: readonly RankedEmployee[],
  insiders: ReadonlySet<string>,
): number | null {
  if (insiders.size === 0) return null;
  let found = 0;
  let sum = 0;
  for (const { rank, employeeId } of ranking) {
    if (!insiders.has(employeeId)) continue;
    found += 1;
    sum += found / rank;
  }
  return sum / insiders.size;
}

function countInsiders(ranked: readonly RankedEmployee[], insiders: ReadonlySet<string>): number {
  return ranked.filter((r) => insiders.has(r.employeeId)).length;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
