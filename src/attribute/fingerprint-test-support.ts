// Test support for the fingerprinting code (imported by tests only).
import { TardosCode } from './tardos-code.js';
import { codeParameters, type CodeDesign } from './tardos-design.js';
import type { Observed } from './tardos-score.js';

/** A seeded generator for tests (mulberry32): the same seed gives the same trial. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A code under a key made from `seed`. */
export function testCode(design: CodeDesign, seed = 1): TardosCode {
  const key = Buffer.alloc(32);
  key.writeUInt32LE(seed >>> 0, 0);
  return new TardosCode(key, codeParameters(design));
}

/** How colluders mix their copies position by position. */
export type Strategy = 'majority' | 'interleave' | 'minority' | 'all-zero';

/**
 * The leak a coalition makes from its codewords. Where all copies agree the leak shows that
 * bit (the marking assumption: they cannot see a position where they agree); elsewhere the
 * strategy decides: majority vote (ties by coin), one copy picked at random per position,
 * the minority, or always 0. A fraction `erase` of positions is lost (cut rows, rounding).
 */
export function collude(
  words: readonly Uint8Array[],
  strategy: Strategy,
  random: () => number,
  erase = 0,
): Observed {
  const m = words[0]!.length;
  const y = new Int8Array(m);
  for (let i = 0; i < m; i++) {
    if (random() < erase) {
      y[i] = -1;
      continue;
    }
    let ones = 0;
    for (const w of words) ones += w[i]!;
    if (ones === 0 || ones === words.length) y[i] = ones === 0 ? 0 : 1;
    else if (strategy === 'interleave') y[i] = words[Math.floor(random() * words.length)]![i]!;
    else if (strategy === 'all-zero') y[i] = 0;
    else {
      const half = ones * 2 - words.length;
      const pick = half === 0 ? (random() < 0.5 ? 1 : 0) : half > 0 ? 1 : 0;
      y[i] = strategy === 'majority' ? pick : 1 - pick;
    }
  }
  return y;
}
