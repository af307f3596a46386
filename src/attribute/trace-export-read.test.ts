import { describe, expect, it } from 'vitest';
import { FingerprintError } from './fingerprint-errors.js';
import { readMetricsTable } from './fingerprint-table.js';
import { readLeak } from './trace-export-read.js';

const known = new Map([
  ['revenue', new Set([2])],
  ['units', new Set([0])],
]);

/** The error's code and message, for asserting both the code and where it points. */
function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof FingerprintError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a FingerprintError');
}

describe('readLeak', () => {
  describe('when the table was reshaped by a spreadsheet', () => {
    it('finds the header under a title line, reads quoted thousands separators and ignores unknown columns', () => {
      const text = [
        'Seller figures, confidential',
        'Units,Notes,Seller ID,Month,Revenue',
        '13,"hi, there",s1,2024-01,"1,234.57"',
        '8,,s1,2024-02,$99.10',
      ].join('\r\n');
      const r = readLeak(text, 'leak.csv', known);
      expect(r.columns).toEqual(['units', 'revenue']);
      expect(r.ignored).toEqual(['Notes']);
      expect(r.bits.map((b) => [b.cell, b.bit])).toEqual([
        ['s1|2024-01|units', 1],
        ['s1|2024-02|units', 0],
        ['s1|2024-01|revenue', 1],
        ['s1|2024-02|revenue', 0],
      ]);
    });
    it('erases what it cannot read: words, other decimals, zeros, and total rows carry nothing', () => {
      const text = [
        'seller,period,revenue,units',
        's1,2024-01,n/a,0',
        's1,2024-02,12.5,7',
        's1,total,99.99,99',
      ].join('\n');
      const r = readLeak(text, 'leak.csv', known);
      expect(r.erased).toEqual({
        'not-a-figure': 1,
        'decimals-changed': 1,
        zero: 1,
        'column-rounded': 0,
      });
      expect(r.bits).toEqual([{ cell: 's1|2024-02|units', bit: 1 }]);
    });
  });

  describe('when the file cannot be used', () => {
    it.each([
      ['an empty file', '', 'line 1'],
      ['an unclosed quote', 'seller,period,units\ns1,"2024-01,3\n', 'line 2'],
      ['a binary file', 'seller,period\u0000', 'line 1'],
      ['no seller or period column', 'a,b,units\n1,2,3\n', 'line 1'],
      ['no exported column', 'seller,period,profit\ns1,2024-01,3\n', 'line 1'],
      ['text after a quote', 'seller,period,units\ns1,"x"y,3\n', 'line 2'],
    ])('refuses %s, naming the line', (_what, text, where) => {
      const f = failure(() => readLeak(text, 'leak.csv', known));
      expect(f.code).toBe('LEAK_UNREADABLE');
      expect(f.message).toContain(`leak.csv ${where}`);
    });
  });
});

describe('readMetricsTable', () => {
  it('keeps the most decimals of each column', () => {
    const t = readMetricsTable('seller,period,revenue\ns1,a,1.5\ns1,b,2.25\n', 'f.csv');
    expect(t.metrics.map((m) => [m.field, m.decimals])).toEqual([['revenue', 2]]);
  });
  it.each([
    ['a ragged row', 'seller,period,units\ns1,a,1,2\n', 'line 2'],
    ['a figure that is not one', 'seller,period,units\ns1,a,1\ns1,b,12k\n', 'line 3'],
    ['a repeated row', 'seller,period,units\ns1,a,1\ns1,a,2\n', 'line 3'],
    ['a repeated column', 'seller,period,units,Units\ns1,a,1,2\n', 'line 1'],
    ['no period column', 'seller,units\ns1,1\n', 'line 1'],
    ['no figure column', 'seller,period\ns1,a\n', 'line 1'],
    ['more than 15 digits', 'seller,period,units\ns1,a,1234567890123456\n', 'line 2'],
  ])('refuses %s, naming the line', (_what, text, where) => {
    const f = failure(() => readMetricsTable(text, 'f.csv'));
    expect(f.code).toBe('TABLE_INVALID');
    expect(f.message).toContain(`f.csv ${where}`);
  });
});
