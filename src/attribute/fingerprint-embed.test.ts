import { describe, expect, it } from 'vitest';
import { fingerprintTable } from './fingerprint-embed.js';
import { cellKey, toUnits } from './fingerprint-figures.js';
import { readMetricsTable } from './fingerprint-table.js';
import { cellsOf, figuresCsv, testCode } from './fingerprint-test-support.js';
import { DEFAULT_DESIGN } from './tardos-design.js';
import { readLeak } from './trace-export-read.js';

const code = testCode(DEFAULT_DESIGN, 3);
const source = figuresCsv(300, 4);
const table = readMetricsTable(source, 'figures.csv');
const decimals = [2, 0, 0, 4]; // revenue, units, returns, conversion
const original = cellsOf(source);
const copies = ['am1', 'am2', 'am3', 'am4', 'am5'].map((r) => fingerprintTable(table, code, r));

describe('fingerprintTable', () => {
  describe('the declared tolerance', () => {
    it('moves each figure by at most one unit of its last shown digit, and most by none or one', () => {
      const shown = cellsOf(copies[0]!.csv);
      let moved = 0;
      for (let r = 1; r < original.length - 1; r++) {
        for (let c = 2; c < 6; c++) {
          const d = decimals[c - 2]!;
          const diff = toUnits(shown[r]![c]!, d) - toUnits(original[r]![c]!, d);
          expect(Math.abs(diff)).toBeLessThanOrEqual(1);
          moved += diff === 0 ? 0 : 1;
        }
      }
      expect(moved).toBe(copies[0]!.moved);
      // half the marked figures already have the right parity
      expect(moved / copies[0]!.marked).toBeGreaterThan(0.4);
      expect(moved / copies[0]!.marked).toBeLessThan(0.6);
    });
    it('keeps zeros zero, makes nothing zero, and keeps each column to its decimals', () => {
      for (const copy of copies) {
        const shown = cellsOf(copy.csv);
        for (let r = 1; r < original.length - 1; r++) {
          for (let c = 2; c < 6; c++) {
            const was = toUnits(original[r]![c]!, decimals[c - 2]!);
            const now = toUnits(shown[r]![c]!, decimals[c - 2]!);
            expect(now === 0).toBe(was === 0);
            const dot = shown[r]![c]!.indexOf('.');
            expect(dot < 0 ? 0 : shown[r]![c]!.length - dot - 1).toBe(decimals[c - 2]);
          }
        }
      }
    });
    it('fills the total row with the sum of the shown figures, to the last unit', () => {
      for (const copy of copies) {
        const shown = cellsOf(copy.csv);
        const total = shown[shown.length - 1]!;
        expect(total[1]).toBe('total');
        for (let c = 2; c < 6; c++) {
          const d = decimals[c - 2]!;
          const sum = shown.slice(1, -1).reduce((s, row) => s + toUnits(row[c]!, d), 0);
          expect(toUnits(total[c]!, d)).toBe(sum);
        }
      }
    });
    it('records the columns, the marked figures and the hash of the file', () => {
      expect(copies[0]!.columns).toEqual({ revenue: 2, units: 0, returns: 0, conversion: 4 });
      expect(copies[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(new Set(copies.map((c) => c.sha256)).size).toBe(copies.length);
    });
  });

  describe('when copies are compared', () => {
    it('shows at most two values per cell across recipients (copies differ only where bits do)', () => {
      const all = copies.map((c) => cellsOf(c.csv));
      for (let r = 1; r < original.length - 1; r++) {
        for (let c = 2; c < 6; c++) {
          expect(new Set(all.map((rows) => rows[r]![c])).size).toBeLessThanOrEqual(2);
        }
      }
    });
  });

  describe('when its own copy is read back', () => {
    it('gives every marked figure back as the recipient’s codeword bit', () => {
      const known = new Map(Object.entries(copies[1]!.columns).map(([f, d]) => [f, new Set([d])]));
      const reading = readLeak(copies[1]!.csv, 'copy.csv', known);
      expect(reading.bits.length).toBe(copies[1]!.marked);
      const word = code.codeword('am2');
      for (const { cell, bit } of reading.bits) {
        const place = code.placeOf(cell);
        expect(bit ^ place.dither).toBe(word[place.position]);
      }
      expect(reading.bits[0]!.cell).toBe(cellKey('s1', '2024-01-01', 'revenue'));
    });
  });
});
