import { describe, expect, it } from 'vitest';
import { seeded, testCode } from './fingerprint-test-support.js';
import { BIAS_ONE, TardosCode, codewordFrom } from './tardos-code.js';
import { codeParameters, DEFAULT_DESIGN, theoreticalLengths } from './tardos-design.js';
import { scoreAll, scoreWeights } from './tardos-score.js';
import { FingerprintError } from './fingerprint-errors.js';

const design = { recipients: 1000, coalition: 4, epsilon: 0.01 };

describe('codeParameters', () => {
  it('sizes the code as π² c² ln(n/ε) and keeps it between the asymptotic and Tardos lengths', () => {
    const p = codeParameters(DEFAULT_DESIGN);
    const k = Math.log(100_000 / 1e-3);
    expect(p.length).toBeGreaterThanOrEqual(Math.PI ** 2 * 16 * k);
    expect(p.length % 2).toBe(0);
    const t = theoreticalLengths(DEFAULT_DESIGN);
    expect(t.asymptotic).toBeLessThan(p.length);
    expect(t.tardos).toBeGreaterThan(p.length);
    expect(p.cutoff).toBeCloseTo(1 / 1200);
    expect(p.perInnocent).toBeCloseTo(1e-8);
  });
  it('refuses a design out of range', () => {
    for (const bad of [
      { ...design, recipients: 0 },
      { ...design, coalition: 1.5 },
      { ...design, epsilon: 1 },
      { ...design, epsilon: 0 },
    ]) {
      expect(() => codeParameters(bad)).toThrow(FingerprintError);
    }
  });
});

describe('TardosCode', () => {
  describe('when built twice from the same key', () => {
    it('gives the same biases, codewords and cell places (nothing per recipient is stored)', () => {
      const a = testCode(design, 5);
      const b = testCode(design, 5);
      expect(a.bias).toEqual(b.bias);
      expect(a.codeword('E1')).toEqual(b.codeword('E1'));
      expect(a.placeOf('s1|2026-01|revenue')).toEqual(b.placeOf('s1|2026-01|revenue'));
    });
  });
  describe('when the key differs', () => {
    it('gives unrelated codewords (about half the bits differ)', () => {
      const a = testCode(design, 5).codeword('E1');
      const b = testCode(design, 6).codeword('E1');
      let differ = 0;
      a.forEach((bit, i) => (differ += bit === b[i] ? 0 : 1));
      expect(differ / a.length).toBeGreaterThan(0.2);
    });
  });
  it('refuses a key of the wrong size', () => {
    expect(() => new TardosCode(Buffer.alloc(16), codeParameters(design))).toThrow(
      FingerprintError,
    );
  });
  it('draws biases from the arcsine density within the cutoff', () => {
    const code = testCode(DEFAULT_DESIGN);
    const p = [...code.bias].map((b) => b / BIAS_ONE);
    const t = code.parameters.cutoff;
    expect(Math.min(...p)).toBeGreaterThanOrEqual(t - 1 / BIAS_ONE);
    expect(Math.max(...p)).toBeLessThanOrEqual(1 - t + 1 / BIAS_ONE);
    // arcsine: P(p < 0.1) = (2/π)·asin(√0.1) ≈ 0.205, much more than a uniform 0.1
    const low = p.filter((x) => x < 0.1).length / p.length;
    expect(low).toBeGreaterThan(0.17);
    expect(low).toBeLessThan(0.24);
  });
  it('draws each bit as 1 with the probability of its bias', () => {
    const code = testCode(design);
    const ids = Array.from({ length: 2000 }, (_, k) => `E${k}`);
    const seeds = code.seeds(ids);
    const ones = new Float64Array(code.length);
    for (let j = 0; j < ids.length; j++) {
      codewordFrom(seeds, j, code.bias).forEach((bit, i) => (ones[i]! += bit));
    }
    let worst = 0;
    code.bias.forEach((b, i) => {
      const p = b / BIAS_ONE;
      const sd = Math.sqrt((p * (1 - p)) / ids.length);
      worst = Math.max(worst, Math.abs(ones[i]! / ids.length - p) / sd);
    });
    expect(worst).toBeLessThan(5.5); // the largest of 1,820 standard normal deviates
  });
  it('gives 100,000 recipients distinct seeds, long ids included', () => {
    const code = testCode(design);
    const ids = Array.from({ length: 100_000 }, (_, k) => `E${k}`);
    ids.push(
      'an-employee-id-longer-than-fifteen-bytes',
      'an-employee-id-longer-than-fifteen-bytez',
    );
    const seeds = code.seeds(ids);
    const seen = new Set<string>();
    for (let j = 0; j < ids.length; j++) seen.add(seeds.subarray(4 * j, 4 * j + 4).join(','));
    expect(seen.size).toBe(ids.length);
  });
  it('scores with exactly the codewords it hands out', () => {
    const code = testCode(design);
    const random = seeded(3);
    const y = Int8Array.from({ length: code.length }, () =>
      random() < 0.2 ? -1 : random() < 0.5 ? 1 : 0,
    );
    const w = scoreWeights(code.bias, y);
    const ids = ['a', 'b', 'c', 'd'];
    const fast = scoreAll(code.seeds(ids), code.bias, w);
    ids.forEach((id, j) => {
      const word = code.codeword(id);
      let slow = 0;
      for (let i = 0; i < code.length; i++)
        if (y[i]! >= 0) slow += word[i] ? w.one[i]! : w.zero[i]!;
      expect(fast[j]).toBeCloseTo(slow, 6);
    });
  });
});
