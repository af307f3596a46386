import { describe, expect, it } from 'vitest';
import { widened, zeroed } from './columns.js';

/** 32 MiB of Int32: 8,192 pages of 4 KiB. */
const LENGTH = 1 << 23;
const PAGES = (4 * LENGTH) / 4096;

/**
 * Minor page faults taken while every page of `table` is read, then written: a hash table's
 * way (a slot is read before it is set). A page first touched by a read is the shared zero
 * page, and the write after it faults again (and flushes every core's mapping of it).
 */
function faultsOfReadThenWrite(table: Int32Array): number {
  const before = process.resourceUsage().minorPageFault;
  let sum = 0;
  for (let i = 0; i < table.length; i += 1024) sum += table[i]!;
  for (let i = 0; i < table.length; i += 1024) table[i] = sum + 1;
  return process.resourceUsage().minorPageFault - before;
}

describe('columns', () => {
  describe('zeroed', () => {
    it('is a column of the kind and length asked, all zeros', () => {
      const a = zeroed(Float64Array, 1000);
      expect(a).toBeInstanceOf(Float64Array);
      expect(a.length).toBe(1000);
      expect(a.every((v) => v === 0)).toBe(true);
    });

    it('has written every page already: a read-then-write pass takes next to no faults', () => {
      const table = zeroed(Int32Array, LENGTH);
      expect(faultsOfReadThenWrite(table)).toBeLessThan(PAGES / 16);
    });
  });

  describe('widened', () => {
    it('keeps the rows, and has written the new rows’ pages as well', () => {
      const old = new Int32Array(1024).map((_, i) => i + 1);
      const grown = widened(old, LENGTH);
      expect(grown.length).toBe(LENGTH);
      expect(Array.from(grown.subarray(0, 1024))).toEqual(Array.from(old));
      expect(grown.subarray(1024).every((v) => v === 0)).toBe(true);
      expect(faultsOfReadThenWrite(grown)).toBeLessThan(PAGES / 16);
    });
  });
});
