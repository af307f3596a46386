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

/**
 * A seller's daily figures as the marketplace would hand them over: revenue with cents,
 * whole counts (returns often zero), a four-decimal rate, and a total row.
 */
export function figuresCsv(rows: number, seed = 1, seller = 's1'): string {
  const random = seeded(seed);
  const lines = ['seller,period,revenue,units,returns,conversion'];
  for (let d = 0; d < rows; d++) {
    const day = new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
    lines.push(
      [
        seller,
        day,
        (random() * 90_000 + 10).toFixed(2),
        String(Math.floor(random() * 900) + 1),
        String(random() < 0.3 ? 0 : Math.floor(random() * 20)),
        (random() * 0.2).toFixed(4),
      ].join(','),
    );
  }
  lines.push(`${seller},total,,,,`);
  return `${lines.join('\n')}\n`;
}

/** A CSV's rows as cells (header first), for tests that mix copies. */
export function cellsOf(csv: string): string[][] {
  return csv
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}
