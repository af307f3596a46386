import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianOf } from './peers.js';
import { medianAndMad } from './robust.js';

/** The definition, by a sorted copy (what volumes computed before the histogram). */
function reference(values: readonly number[]): { median: number; mad: number } {
  const median = sortedMedian(values);
  return { median, mad: sortedMedian(values.map((v) => Math.abs(v - median))) };
}

function sortedMedian(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const runs = { seed: 14, numRuns: 2_000 };

/**
 * -0 as 0: no caller makes -0 (daily counts, their rates over worked days, absolute
 * deviations), and the typed sort would order it before 0 where a comparator keeps the two
 * as given.
 */
const notMinusZero = (numbers: fc.Arbitrary<number>): fc.Arbitrary<number> =>
  numbers.map((v) => (Object.is(v, -0) ? 0 : v));

describe('medianAndMad', () => {
  describe('when given daily counts (small whole numbers)', () => {
    it('answers what sorting them answers, to the bit', () => {
      fc.assert(
        fc.property(fc.array(fc.nat({ max: 600 }), { minLength: 1, maxLength: 450 }), (values) => {
          const got = medianAndMad(values);
          const want = reference(values);
          expect(Object.is(got.median, want.median)).toBe(true);
          expect(Object.is(got.mad, want.mad)).toBe(true);
        }),
        runs,
      );
    });

    it('answers halves exactly: an even count whose middle two differ', () => {
      expect(medianAndMad([0, 1])).toEqual({ median: 0.5, mad: 0.5 });
      expect(medianAndMad([5, 0, 2, 9])).toEqual({ median: 3.5, mad: 2.5 });
    });
  });

  describe('when given other numbers', () => {
    it('answers what sorting them answers (negative, fractional, large, none)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(notMinusZero(fc.double({ noNaN: true })), fc.integer()), {
            maxLength: 60,
          }),
          (values) => {
            const got = medianAndMad(values);
            const want = reference(values);
            expect(Object.is(got.median, want.median)).toBe(true);
            expect(Object.is(got.mad, want.mad)).toBe(true);
          },
        ),
        runs,
      );
    });
  });
  describe('when given a part of a typed array (a ring buffer)', () => {
    /** Values, and a range `[start, end)` over them. */
    const ranged = (values: fc.Arbitrary<number[]>) =>
      values.chain((v) =>
        fc
          .tuple(fc.nat({ max: v.length }), fc.nat({ max: v.length }))
          .map(([a, b]) => ({ v, start: Math.min(a, b), end: Math.max(a, b) })),
      );

    it('answers what the same values in an array answer, to the bit', () => {
      fc.assert(
        fc.property(
          ranged(fc.array(fc.nat({ max: 600 }), { minLength: 1, maxLength: 450 })).filter(
            ({ start, end }) => end > start,
          ),
          ({ v, start, end }) => {
            const got = medianAndMad(Int32Array.from(v), start, end);
            const want = medianAndMad(v.slice(start, end));
            expect(Object.is(got.median, want.median)).toBe(true);
            expect(Object.is(got.mad, want.mad)).toBe(true);
            expect(got).toEqual(reference(v.slice(start, end)));
          },
        ),
        runs,
      );
    });

    it('answers what sorting them answers when they are no small counts (negative, large, none)', () => {
      fc.assert(
        fc.property(
          ranged(
            fc.array(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.nat(9)), {
              maxLength: 60,
            }),
          ),
          ({ v, start, end }) => {
            const got = medianAndMad(Int32Array.from(v), start, end);
            const want = reference(v.slice(start, end));
            expect(Object.is(got.median, want.median)).toBe(true);
            expect(Object.is(got.mad, want.mad)).toBe(true);
          },
        ),
        runs,
      );
    });

    it('reads only the part it is given', () => {
      const ring = Int32Array.from([100_000, 1, 2, 9, -7]);
      expect(medianAndMad(ring, 1, 4)).toEqual({ median: 2, mad: 1 });
      expect(medianAndMad(ring, 0, 3)).toEqual({ median: 2, mad: 1 });
      expect(medianAndMad([5, 0, 2, 9], 1)).toEqual({ median: 2, mad: 2 });
    });
  });
});

describe('medianOf', () => {
  it('answers what a sorted copy answers, and leaves its input as it was', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(notMinusZero(fc.double({ noNaN: true })), fc.constantFrom(0, 1)), {
          minLength: 1,
          maxLength: 80,
        }),
        (values) => {
          const before = [...values];
          expect(Object.is(medianOf(values), sortedMedian(values))).toBe(true);
          expect(values).toEqual(before);
        },
      ),
      runs,
    );
  });
});
