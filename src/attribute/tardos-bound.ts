import { BIAS_ONE } from './tardos-code.js';
import type { ScoreWeights } from './tardos-score.js';

/**
 * ln E[e^{λS}] for an innocent's score S: a sum over positions, because an innocent's bits
 * are drawn independently of each other and of the leak (the leak is made from other
 * people's copies). Exact for the weights the scorer adds.
 */
export function innocentLogMgf(w: ScoreWeights, bias: Int32Array, lambda: number): number {
  let sum = 0;
  for (let i = 0; i < bias.length; i++) {
    if (w.zero[i] === 0) continue; // erased (a kept position always has a non-zero weight)
    const p = bias[i]! / BIAS_ONE;
    const a = lambda * w.one[i]!;
    const b = lambda * w.zero[i]!;
    const top = Math.max(a, b);
    sum += top + Math.log(p * Math.exp(a - top) + (1 - p) * Math.exp(b - top));
  }
  return sum;
}

/**
 * The accusation threshold Z: the smallest score that an innocent reaches with probability
 * at most ε₁, by the Chernoff bound P(S ≥ Z) ≤ exp(K(λ) − λZ) for every λ > 0 (K the log
 * moment generating function above), minimised over λ. Any λ gives a true bound; the search
 * only makes it tighter. Infinite when nothing was observed.
 */
export function accusationThreshold(
  w: ScoreWeights,
  bias: Int32Array,
  perInnocent: number,
): { threshold: number; lambda: number } {
  if (w.positions === 0) return { threshold: Infinity, lambda: 0 };
  const need = -Math.log(perInnocent);
  return minimiseOverLambda((lambda) => (innocentLogMgf(w, bias, lambda) + need) / lambda);
}

/** The bound on an innocent reaching `score`: min over λ of exp(K(λ) − λ·score), at most 1. */
export function innocentTail(w: ScoreWeights, bias: Int32Array, score: number): number {
  if (w.positions === 0) return 1;
  const best = minimiseOverLambda(
    (lambda) => innocentLogMgf(w, bias, lambda) - lambda * score,
  ).threshold;
  return Math.min(1, Math.exp(best));
}

/** A log-spaced scan of λ in [10⁻⁴, 4], then a golden-section refinement around the best. */
function minimiseOverLambda(f: (lambda: number) => number): { threshold: number; lambda: number } {
  let bestL = 1e-4;
  let best = f(bestL);
  const steps = 48;
  for (let k = 1; k <= steps; k++) {
    const lambda = 1e-4 * Math.pow(4e4, k / steps);
    const v = f(lambda);
    if (v < best) [best, bestL] = [v, lambda];
  }
  let lo = bestL / Math.pow(4e4, 1 / steps);
  let hi = bestL * Math.pow(4e4, 1 / steps);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 30; k++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (f(a) < f(b)) hi = b;
    else lo = a;
  }
  const mid = (lo + hi) / 2;
  const v = f(mid);
  return v < best ? { threshold: v, lambda: mid } : { threshold: best, lambda: bestL };
}
