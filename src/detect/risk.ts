/**
 * Risk: per employee, the time-decayed sum of their hits' weights, capped per indicator (one
 * noisy signal cannot carry a score alone) and saturated into 0–100 (many weak signals add
 * up, but never past 100). Pure: hits in, scores out.
 */
import type { RiskEntry, RiskReason } from '../domain/index.js';
import type { Hit, Indicator } from './evidence.js';

/** Decay time constant: a hit loses half its weight in 30 days. */
export const DECAY_MS = (30 / Math.LN2) * 86_400_000;
/** The most one indicator can add, in weight units. */
export const INDICATOR_CAP = 40;
/** Weight units at which the score reaches 63 (1 − 1/e). */
export const SATURATION = 30;
/** Event ids cited per reason. */
const CITED = 25;

export function scoreEmployee(
  employeeId: string,
  hits: readonly Hit[],
  asOf: number,
): RiskEntry | undefined {
  const byIndicator = new Map<Indicator, Hit[]>();
  for (const h of hits) {
    const list = byIndicator.get(h.indicator) ?? [];
    list.push(h);
    byIndicator.set(h.indicator, list);
  }
  const parts: { indicator: Indicator; points: number; hits: Hit[] }[] = [];
  for (const [indicator, list] of byIndicator) {
    let sum = 0;
    for (const h of list) sum += h.weight * Math.exp(-Math.max(0, asOf - h.t) / DECAY_MS);
    parts.push({ indicator, points: Math.min(INDICATOR_CAP, sum), hits: list });
  }
  const total = parts.reduce((a, p) => a + p.points, 0);
  const score = Math.round(100 * (1 - Math.exp(-total / SATURATION)));
  if (score <= 0) return undefined;
  parts.sort((a, b) => b.points - a.points || a.indicator.localeCompare(b.indicator));
  const reasons: RiskReason[] = parts
    .filter((p) => p.points >= 0.05)
    .map((p) => reason(p, total, score));
  return { employeeId, score, reasons };
}

function reason(
  p: { indicator: Indicator; points: number; hits: Hit[] },
  total: number,
  score: number,
): RiskReason {
  const sellers = new Set(p.hits.flatMap((h) => h.sellerIds));
  const share = Math.round((score * p.points) / total);
  const cited = [...p.hits].sort((a, b) => b.weight - a.weight || a.t - b.t).slice(0, CITED);
  const capped = p.points >= INDICATOR_CAP ? ' (capped)' : '';
  return {
    indicator: p.indicator,
    detail: `${p.hits.length} event(s)${sellers.size > 0 ? `, ${sellers.size} seller(s)` : ''}: ${p.points.toFixed(1)} weight${capped} ≈ ${share} of the ${score} points`,
    events: [...new Set(cited.sort((a, b) => a.t - b.t).map((h) => h.eventId))],
  };
}
