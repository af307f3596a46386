import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';

describe('Rng', () => {
  describe('when seeded alike', () => {
    it('gives the same sequence, and another seed another one', () => {
      const a = new Rng(42);
      const b = new Rng(42);
      const c = new Rng(43);
      const seqA = Array.from({ length: 50 }, () => a.next());
      expect(Array.from({ length: 50 }, () => b.next())).toEqual(seqA);
      expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(seqA);
    });

    it('forks streams that depend on the label, not on how much the parent was used', () => {
      const parent = new Rng(7);
      const before = parent.fork('world').next();
      parent.next();
      expect(parent.fork('world').next()).toBe(before);
      expect(parent.fork('days').next()).not.toBe(before);
    });
  });

  describe('when drawing', () => {
    it('keeps int() within its bounds, both included', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          fc.integer({ min: -50, max: 50 }),
          fc.integer({ min: 0, max: 50 }),
          (seed, lo, span) => {
            const rng = new Rng(seed);
            for (let i = 0; i < 20; i++) {
              const v = rng.int(lo, lo + span);
              if (v < lo || v > lo + span || !Number.isInteger(v)) return false;
            }
            return true;
          },
        ),
      );
    });

    it('is roughly uniform and its Poisson mean is its lambda', () => {
      const rng = new Rng(1);
      const buckets = new Array<number>(10).fill(0);
      for (let i = 0; i < 100_000; i++) buckets[Math.floor(rng.next() * 10)]!++;
      for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += rng.poisson(9);
      expect(sum / 20_000).toBeGreaterThan(8.8);
      expect(sum / 20_000).toBeLessThan(9.2);
    });

    it('samples distinct items and never more than there are', () => {
      const rng = new Rng(3);
      const s = rng.sample([1, 2, 3, 4, 5, 6], 4);
      expect(new Set(s).size).toBe(4);
      expect(rng.sample([1, 2], 5)).toHaveLength(2);
      expect(() => rng.pick([])).toThrow(RangeError);
    });
  });
});
