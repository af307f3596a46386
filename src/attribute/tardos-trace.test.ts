import { describe, expect, it } from 'vitest';
import { collude, seeded, testCode, type Strategy } from './fingerprint-test-support.js';
import { accusationThreshold, accusationThresholds, innocentTail } from './tardos-bound.js';
import type { TardosCode } from './tardos-code.js';
import { DEFAULT_DESIGN } from './tardos-design.js';
import { scoreAll, scoreWeights } from './tardos-score.js';

// The shipped design: n = 100,000, c = 4, ε = 10⁻³, so ε₁ = 10⁻⁸ per innocent.
const code = testCode(DEFAULT_DESIGN, 11);
const perInnocent = code.parameters.perInnocent;

/** One leak by a fresh coalition of `c`: whether any colluder passes the threshold. */
function caught(
  c: number,
  strategy: Strategy,
  random: () => number,
  trial: number,
  erase = 0,
): boolean {
  const ids = Array.from({ length: c }, (_, k) => `T${trial}-${strategy}-${c}-${k}`);
  const y = collude(
    ids.map((id) => code.codeword(id)),
    strategy,
    random,
    erase,
  );
  const w = scoreWeights(code.bias, y);
  const { upper } = accusationThresholds(w, code.bias, perInnocent);
  return Math.max(...scoreAll(code.seeds(ids), code.bias, w)) > upper;
}

function catchRate(c: number, strategy: Strategy, trials: number, erase = 0): number {
  const random = seeded(1000 * c + strategy.length);
  let hits = 0;
  for (let t = 0; t < trials; t++) if (caught(c, strategy, random, t, erase)) hits++;
  return hits / trials;
}

describe('tracing a coalition (n = 100,000, c = 4, ε = 10⁻³, m = 2,910)', () => {
  describe('when up to c colluders mix whole copies', () => {
    for (const strategy of ['majority', 'interleave'] as const) {
      it(`catches at least one of 4 colluders in ≥ 99 % of 200 trials (${strategy})`, () => {
        expect(catchRate(4, strategy, 200)).toBeGreaterThanOrEqual(0.99);
      });
      it(`catches at least one of 1, 2 or 3 colluders in every one of 25 trials (${strategy})`, () => {
        for (const c of [1, 2, 3]) expect(catchRate(c, strategy, 25)).toBe(1);
      });
    }
    it('catches them too when they output the minority bit, or always 0', () => {
      expect(catchRate(4, 'minority', 40)).toBeGreaterThanOrEqual(0.99);
      expect(catchRate(4, 'all-zero', 40)).toBeGreaterThanOrEqual(0.99);
    });
  });
  describe('when the leak is partial', () => {
    it('catches 2 colluders from 40 % of the positions, and 4 from 70 %', () => {
      expect(catchRate(2, 'interleave', 40, 0.6)).toBeGreaterThanOrEqual(0.99);
      expect(catchRate(4, 'interleave', 60, 0.3)).toBeGreaterThanOrEqual(0.95);
    });
    it('accuses nobody from a leak with no position left', () => {
      const random = seeded(9);
      const y = collude([code.codeword('a')], 'majority', random, 1);
      const w = scoreWeights(code.bias, y);
      expect(accusationThreshold(w, code.bias, perInnocent).threshold).toBe(Infinity);
    });
  });
});

describe('the false-accusation bound', () => {
  /** Innocents beyond either threshold for a leak by 4 colluders, at a per-innocent bound. */
  function innocentsOver(c: TardosCode, bound: number, strategy: Strategy, seed: number): number {
    const random = seeded(seed);
    const y = collude(
      [0, 1, 2, 3].map((k) => c.codeword(`colluder-${seed}-${k}`)),
      strategy,
      random,
      0.2,
    );
    const w = scoreWeights(c.bias, y);
    const { upper, lower } = accusationThresholds(w, c.bias, bound);
    const innocents = Array.from({ length: 10_000 }, (_, j) => `innocent-${seed}-${j}`);
    return scoreAll(c.seeds(innocents), c.bias, w).filter((s) => s > upper || s < lower).length;
  }

  it('holds over 10,000 random innocents at the shipped ε₁ = 10⁻⁸ (none accused)', () => {
    expect(innocentsOver(code, perInnocent, 'interleave', 1)).toBe(0);
  });
  it('holds where it can be measured: a loose ε₁ = 1 % is never exceeded over 4 × 10,000 innocents', () => {
    const loose = 0.01;
    for (const [k, strategy] of (
      ['majority', 'interleave', 'minority', 'all-zero'] as const
    ).entries()) {
      const rate = innocentsOver(code, loose, strategy, 20 + k) / 10_000;
      expect(rate).toBeLessThanOrEqual(loose);
      expect(rate).toBeGreaterThan(0); // the bound is not vacuous: some innocents do score high
    }
  });
  it('states a tail bound that shrinks as the score grows', () => {
    const y = collude([code.codeword('x')], 'majority', seeded(2));
    const w = scoreWeights(code.bias, y);
    const z = accusationThreshold(w, code.bias, 1e-6).threshold;
    expect(innocentTail(w, code.bias, z)).toBeLessThanOrEqual(1e-6 * 1.0001);
    expect(innocentTail(w, code.bias, 2 * z)).toBeLessThan(1e-12);
    expect(innocentTail(w, code.bias, 0)).toBe(1);
  });
  it('catches a copy whose every bit was flipped by the lower threshold, at the same bound', () => {
    const word = code.codeword('flipper');
    const y = Int8Array.from(word, (bit) => 1 - bit);
    const w = scoreWeights(code.bias, y);
    const { upper, lower } = accusationThresholds(w, code.bias, perInnocent);
    const [score] = scoreAll(code.seeds(['flipper']), code.bias, w);
    expect(score).toBeLessThan(lower);
    expect(lower).toBeLessThan(0);
    expect(upper).toBeGreaterThan(accusationThreshold(w, code.bias, perInnocent).threshold);
    expect(innocentTail(w, code.bias, score!)).toBeLessThan(perInnocent);
  });
});
