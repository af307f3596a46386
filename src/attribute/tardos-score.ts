import { BIAS_ONE } from './tardos-code.js';

/** What the leak says at each position: 1, 0, or −1 where it cannot tell (an erasure). */
export type Observed = Int8Array;

/**
 * The symmetric accusation score (Škorić, Katzenbeisser, Celik), per position i with bias
 * p_i and leaked bit y_i, for a recipient whose bit there is x:
 *   y = 1:  x = 1 → +√((1−p)/p),  x = 0 → −√(p/(1−p))
 *   y = 0:  x = 0 → +√(p/(1−p)),  x = 1 → −√((1−p)/p)
 * and 0 at an erasure. For an innocent (x drawn with P(x = 1) = p, independently of y) each
 * term has mean 0 and variance 1. The score is Σ zero_i + Σ_{x_i = 1} step_i, with the steps
 * in fixed point so the scorer adds integers; `one_i` is zero_i + step_i / scale exactly, so
 * the false-accusation bound is computed for the very numbers the scorer adds.
 */
export interface ScoreWeights {
  readonly base: number;
  readonly step: Int32Array;
  readonly scale: number;
  readonly one: Float64Array;
  readonly zero: Float64Array;
  /** Positions that are not erased. */
  readonly positions: number;
}

/** The weights of a leak's observed bits. */
export function scoreWeights(bias: Int32Array, y: Observed): ScoreWeights {
  const m = bias.length;
  const one = new Float64Array(m);
  const zero = new Float64Array(m);
  let largest = 0;
  for (let i = 0; i < m; i++) {
    if (y[i]! < 0) continue;
    const p = bias[i]! / BIAS_ONE;
    const up = Math.sqrt((1 - p) / p);
    const down = Math.sqrt(p / (1 - p));
    one[i] = y[i] === 1 ? up : -up;
    zero[i] = y[i] === 1 ? -down : down;
    largest = Math.max(largest, up + down);
  }
  // room for m steps of the largest size in a 31-bit sum
  const scale = Math.max(1, Math.min(1024, Math.floor(2 ** 30 / (m * Math.max(largest, 1)))));
  const step = new Int32Array(m);
  let base = 0;
  let positions = 0;
  for (let i = 0; i < m; i++) {
    if (y[i]! < 0) continue;
    positions++;
    step[i] = Math.round((one[i]! - zero[i]!) * scale);
    one[i] = zero[i]! + step[i]! / scale;
    base += zero[i]!;
  }
  return { base, step, scale, one, zero, positions };
}

/**
 * Every recipient's score: their codeword is drawn from their seed position by position and
 * the step of each 1 is added. Branch-free and in 32-bit integers, two positions per
 * generator word: this loop is the whole cost of tracing (n × m draws).
 */
export function scoreAll(
  seeds: Int32Array,
  bias: Int32Array,
  w: Pick<ScoreWeights, 'base' | 'step' | 'scale'>,
): Float64Array {
  const n = seeds.length >> 2;
  const m = bias.length;
  const step = w.step;
  const scores = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let x = seeds[4 * j]!;
    let y = seeds[4 * j + 1]!;
    let z = seeds[4 * j + 2]!;
    let v = seeds[4 * j + 3]! | (x | y | z ? 0 : 1);
    let s = 0;
    for (let i = 0; i < m; i += 2) {
      const t = x ^ (x << 11);
      x = y;
      y = z;
      z = v;
      v = v ^ (v >>> 19) ^ (t ^ (t >>> 8));
      // (draw − bias) >> 31 is all ones exactly when draw < bias, i.e. when the bit is 1
      s =
        (s +
          (step[i]! & (((v & 0xffff) - bias[i]!) >> 31)) +
          (step[i + 1]! & (((v >>> 16) - bias[i + 1]!) >> 31))) |
        0;
    }
    scores[j] = w.base + s / w.scale;
  }
  return scores;
}
