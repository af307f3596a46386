/**
 * The median and the median absolute deviation of daily counts, as `medianOf` computes them
 * from sorted copies (peers.ts), read from a histogram instead: volumes ask for them on every
 * closed day of every action, over up to 400 counts, and a sort was most of that cost. Counts
 * are small whole numbers, so each order statistic is found by counting; deviations from a
 * median are whole or halves, counted doubled. Every value is exact (small integers and
 * halves), so the answers are `medianOf`'s to the bit. Anything but small non-negative whole
 * numbers goes to `medianOf`; like it, never given NaN or -0 (counts are neither).
 */
import { medianOf } from './peers.js';

/** Above this, a histogram is no longer cheaper than a sort. */
const MAX_COUNT = 1 << 16;

/** Reused histogram (grown as needed; zeroed after each use). */
let bins = new Int32Array(256);

export interface Spread {
  readonly median: number;
  readonly mad: number;
}

/**
 * `{ median: medianOf(values), mad: medianOf(values.map((v) => Math.abs(v - median))) }` of
 * `values[start..end)`. The order of the values does not matter, so a ring buffer is passed as
 * it is (volumes.ts), without a copy.
 *
 * @example medianAndMad(ring.days, 0, ring.filled)
 */
export function medianAndMad(values: ArrayLike<number>, start = 0, end = values.length): Spread {
  const n = end - start;
  let max = 0;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= MAX_COUNT && Number.isInteger(v))) return sorted(values, start, end);
    if (v > max) max = v;
  }
  if (n <= 0) return sorted(values, start, end);
  // deviations doubled: |2v - 2·median| ≤ 2·max
  if (bins.length <= 2 * max) bins = new Int32Array(2 * max + 1);
  for (let i = start; i < end; i++) bins[values[i]!]!++;
  const median = middle(n, max, 1);
  bins.fill(0, 0, max + 1);
  const twice = 2 * median;
  for (let i = start; i < end; i++) bins[Math.abs(2 * values[i]! - twice)]!++;
  const mad = middle(n, 2 * max, 2);
  bins.fill(0, 0, 2 * max + 1);
  return { median, mad };
}

/** The median of the `n` values counted in `bins[0..top]`, each bin standing for `bin / scale`. */
function middle(n: number, top: number, scale: number): number {
  const mid = n >> 1;
  const upper = nth(mid, top) / scale;
  return n % 2 === 1 ? upper : (nth(mid - 1, top) / scale + upper) / 2;
}

/** The value at index `k` of the counted values in ascending order. */
function nth(k: number, top: number): number {
  let seen = 0;
  for (let v = 0; v <= top; v++) {
    seen += bins[v]!;
    if (seen > k) return v;
  }
  return top;
}

function sorted(values: ArrayLike<number>, start: number, end: number): Spread {
  const copy = Array.prototype.slice.call(values, start, end) as number[];
  const median = medianOf(copy);
  return { median, mad: medianOf(copy.map((v) => Math.abs(v - median))) };
}
