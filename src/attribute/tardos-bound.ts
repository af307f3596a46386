import { BIAS_ONE } from './tardos-code.js';
import type { ScoreWeights } from './tardos-score.js';

/** The kept positions' bias and weights, packed for the bound's many passes. */
interface Kept {
  readonly p: Float64Array;
  readonly one: Float64Array;
  readonly zero: Float64Array;
}

function kept(w: ScoreWeights, bias: Int32Array): Kept {
  const p = new Float64Array(w.positions);
  const one = new Float64Array(w.positions);
  const zero = new Float64Array(w.positions);
  let k = 0;
  for (let i = 0; i < bias.length; i++) {
    if (w.zero[i] === 0) continue; // erased (a kept position always has a non-zero weight)
    p[k] = bias[i]! / BIAS_ONE;
    one[k] = w.one[i]!;
    zero[k++] = w.zero[i]!;
  }
  return { p, one, zero };
}

/**
 * ln E[e^{λS}] for an innocent's score S: a sum over positions, because an innocent's bits
 * are drawn independently of each other and of the leak (the leak is made from other
 * people's copies). Exact for the weights the scorer adds:
 * ln(p e^{λ·one} + (1−p) e^{λ·zero}) = λ·zero + ln(1 + p (e^{λ(one−zero)} − 1)).
 */
function logMgf(k: Kept, lambda: number): number {
  let sum = 0;
  for (let i = 0; i < k.p.length; i++) {
    const b = lambda * k.zero[i]!;
    sum += b + Math.log1p(k.p[i]! * Math.expm1(lambda * k.one[i]! - b));
  }
  return sum;
}

/** ln E[e^{λS}] for an innocent's score under these weights (exported for tests and docs). */
export function innocentLogMgf(w: ScoreWeights, bias: Int32Array, lambda: number): number {
  return logMgf(kept(w, bias), lambda);
}

/**
 * The accusation thresholds: the scores an innocent passes (above `upper`, or below `lower`)
 * each with probability at most ε₁/2, by the Chernoff bounds P(S ≥ Z) ≤ exp(K(λ) − λZ) and
 * P(S ≤ −Z) ≤ exp(K(−λ) − λZ) for every λ > 0 (K the log moment generating function above),
 * minimised over λ. Any λ gives a true bound; the search only makes it tighter. The lower
 * threshold catches a copy whose every bit was flipped (every figure moved by one unit): the
 * symmetric score of the flipped codeword is the negative of the score of the codeword.
 * Infinite when nothing was observed.
 */
export function accusationThresholds(
  w: ScoreWeights,
  bias: Int32Array,
  perInnocent: number,
): { upper: number; lower: number } {
  if (w.positions === 0) return { upper: Infinity, lower: -Infinity };
  const need = -Math.log(perInnocent / 2);
  const k = kept(w, bias);
  return {
    upper: minimiseOverLambda((lambda) => (logMgf(k, lambda) + need) / lambda).threshold,
    lower: -minimiseOverLambda((lambda) => (logMgf(k, -lambda) + need) / lambda).threshold,
  };
}

/** The one-sided threshold Z at ε₁ (for tests and the documentation's numbers). */
export function accusationThreshold(
  w: ScoreWeights,
  bias: Int32Array,
  perInnocent: number,
): { threshold: number; lambda: number } {
  if (w.positions === 0) return { threshold: Infinity, lambda: 0 };
  const need = -Math.log(perInnocent);
  const k = kept(w, bias);
  return minimiseOverLambda((lambda) => (logMgf(k, lambda) + need) / lambda);
}

/**
 * The bound on an innocent scoring as far out as `score` on its side: min over λ of
 * exp(K(±λ) ∓ λ·score), at most 1.
 */
export function innocentTail(w: ScoreWeights, bias: Int32Array, score: number): number {
  if (w.positions === 0) return 1;
  const k = kept(w, bias);
  const sign = score < 0 ? -1 : 1;
  const best = minimiseOverLambda(
    (lambda) => logMgf(k, sign * lambda) - lambda * sign * score,
  ).threshold;
  return Math.min(1, Math.exp(best));
}

const LOW = 1e-4;
const RANGE = 4e4; // λ from 10⁻⁴ to 4
const SCAN = 24;

/** A log-spaced scan of λ, then a golden-section search (in log λ) around the best point. */
function minimiseOverLambda(f: (lambda: number) => number): { threshold: number; lambda: number } {
  let bestAt = 0;
  let best = f(LOW);
  for (let s = 1; s <= SCAN; s++) {
    const v = f(LOW * Math.pow(RANGE, s / SCAN));
    if (v < best) [best, bestAt] = [v, s];
  }
  const at = (x: number): number => LOW * Math.pow(RANGE, x / SCAN);
  let lo = bestAt - 1;
  let hi = bestAt + 1;
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = f(at(a));
  let fb = f(at(b));
  for (let step = 0; step < 16; step++) {
    if (fa < fb) {
      [hi, b, fb] = [b, a, fa];
      a = hi - g * (hi - lo);
      fa = f(at(a));
    } else {
      [lo, a, fa] = [a, b, fb];
      b = lo + g * (hi - lo);
      fb = f(at(b));
    }
  }
  const [v, x] = fa < fb ? [fa, a] : [fb, b];
  return v < best ? { threshold: v, lambda: at(x) } : { threshold: best, lambda: at(bestAt) };
}
