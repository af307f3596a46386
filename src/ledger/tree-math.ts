/**
 * Integer helpers for tree sizes and leaf indices as plain JS numbers.
 *
 * Sizes and indices can exceed 2^32 (Rekor already holds 1.34e9 leaves), where JS bitwise
 * operators silently wrap. Everything here uses division by powers of two, which is exact
 * for every safe integer (< 2^53); `Math.clz32` is only applied to values proven < 2^32.
 */
import { LedgerError } from './errors.js';

const TWO_32 = 2 ** 32;

// 2^k for k = 0 … 64 (exact doubles). A table lookup is several times cheaper than
// `2 ** k` with a variable k, and proofs use it in every step.
const POW2: readonly number[] = Array.from({ length: 65 }, (_, k) => 2 ** k);

/** 2^k for an integer 0 ≤ k ≤ 64. */
export function pow2(k: number): number {
  return POW2[k] ?? 2 ** k;
}

/** Throws `SIZE_OUT_OF_RANGE` unless `size` is a safe integer ≥ 0. */
export function assertTreeSize(size: number, what = 'tree size'): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new LedgerError(
      'SIZE_OUT_OF_RANGE',
      `${what} ${String(size)} is not an integer in [0, 2^53)`,
    );
  }
}

/** Throws `INDEX_OUT_OF_RANGE` unless `index` is a safe integer in [0, size). */
export function assertLeafIndex(index: number, size: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new LedgerError(
      'INDEX_OUT_OF_RANGE',
      `leaf index ${String(index)} is outside the tree of size ${String(size)}`,
    );
  }
}

/** Number of bits needed to write `n` (0 for 0): Go's `bits.Len64`. */
export function bitLength(n: number): number {
  if (n < TWO_32) return 32 - Math.clz32(n);
  return 32 + bitLength(Math.floor(n / TWO_32));
}

/** `n >> k` for any safe integer `n`. */
export function shiftRight(n: number, k: number): number {
  return Math.floor(n / pow2(k));
}

/** Bit `i` of `n` (0 or 1). */
export function bitAt(n: number, i: number): number {
  return shiftRight(n, i) % 2;
}

/** Number of one bits of `n`: Go's `bits.OnesCount64`. */
export function popCount(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

/** Number of zero bits below the lowest one bit of `n > 0`: Go's `bits.TrailingZeros64`. */
export function trailingZeros(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0 && rest % 2 === 0; rest /= 2) count++;
  return count;
}

/** `bitLength(a ^ b)`: one more than the highest bit where `a` and `b` differ. */
export function xorBitLength(a: number, b: number): number {
  let length = 0;
  for (let x = a, y = b; x !== y; x = Math.floor(x / 2), y = Math.floor(y / 2)) length++;
  return length;
}

/** The largest power of two strictly below `n ≥ 2`: RFC 9162 §2.1.1's `k`. */
export function largestPowerOfTwoBelow(n: number): number {
  return pow2(bitLength(n - 1) - 1);
}

/** The exponent of a power of two `n`. */
export function log2Exact(n: number): number {
  return bitLength(n) - 1;
}
