import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvProblem, formatCsv, parseCsv } from './fingerprint-csv.js';

describe('parseCsv', () => {
  it('reads back what formatCsv writes, whatever the cells hold (quotes, commas, line breaks)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '1', ',', '"', '\n', '\r\n', ' ', 'é') });
    const rows = fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { maxLength: 8 });
    fc.assert(
      fc.property(rows, (table) => {
        // a row of one empty cell is a blank line, which the reader skips
        const kept = table.filter((r) => r.length > 1 || r[0] !== '');
        expect(parseCsv(formatCsv(kept)).map((r) => r.cells)).toEqual(kept);
      }),
    );
  });
  it('numbers rows by the line they start on, across quoted line breaks and blank lines', () => {
    const rows = parseCsv('\uFEFFa,b\r\n"x\ny",2\n\nz,3');
    expect(rows.map((r) => [r.line, r.cells])).toEqual([
      [1, ['a', 'b']],
      [2, ['x\ny', '2']],
      [5, ['z', '3']],
    ]);
  });
  it('never throws anything but a CsvProblem on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseCsv(text);
        } catch (error) {
          expect(error).toBeInstanceOf(CsvProblem);
        }
      }),
    );
  });
});
