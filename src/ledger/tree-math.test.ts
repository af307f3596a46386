import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bitLength,
  largestPowerOfTwoBelow,
  popCount,
  trailingZeros,
  xorBitLength,
} from './tree-math.js';

const safe = fc.bigInt({ min: 1n, max: BigInt(Number.MAX_SAFE_INTEGER) });
const bits = (n: bigint) => n.toString(2);

describe('tree-math', () => {
  describe('when given any safe integer, including above 2^32', () => {
    it('agrees with BigInt arithmetic', () => {
      fc.assert(
        fc.property(safe, safe, (a, b) => {
          const [x, y] = [Number(a), Number(b)];
          expect(bitLength(x)).toBe(bits(a).length);
          expect(popCount(x)).toBe(bits(a).replaceAll('0', '').length);
          expect(trailingZeros(x)).toBe(bits(a).length - bits(a).lastIndexOf('1') - 1);
          expect(xorBitLength(x, y)).toBe(a === b ? 0 : bits(a ^ b).length);
          if (a >= 2n) {
            const k = BigInt(largestPowerOfTwoBelow(x));
            expect(k < a && 2n * k >= a && bits(k).lastIndexOf('1') === 0).toBe(true);
          }
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('when given the edges', () => {
    it('handles 0, 1, 2^32 and 2^53 - 1', () => {
      expect(bitLength(0)).toBe(0);
      expect(bitLength(1)).toBe(1);
      expect(bitLength(2 ** 32)).toBe(33);
      expect(bitLength(2 ** 32 - 1)).toBe(32);
      expect(bitLength(Number.MAX_SAFE_INTEGER)).toBe(53);
      expect(popCount(Number.MAX_SAFE_INTEGER)).toBe(53);
      expect(trailingZeros(2 ** 52)).toBe(52);
      expect(largestPowerOfTwoBelow(2 ** 40 + 1)).toBe(2 ** 40);
      expect(largestPowerOfTwoBelow(2 ** 40)).toBe(2 ** 39);
    });
  });
});
