import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { InterchangeRecord } from '../domain/index.js';
import { parsePartitionList, partitionKeyOf, partitionOf } from './partition.js';

describe('partitionOf', () => {
  it('is SHA-256 of the actor, first four bytes big-endian, modulo the count (pinned values)', () => {
    // sha256("e-00042") starts 9a715500, sha256("e-1") b94f5231: pinned, so that a change of
    // hash (which would move every actor to another partition's ledger) is seen
    expect(partitionOf('e-00042', 1000)).toBe(0x9a715500 % 1000);
    expect(partitionOf('e-1', 1000)).toBe(345);
    expect(partitionOf('e-1', 1)).toBe(0);
    expect(partitionOf('', 7)).toBe(0xe3b0c442 % 7);
  });

  it('puts every actor in a partition below the count, the same one every time', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1024 }), (actor, n) => {
        const p = partitionOf(actor, n);
        return p >= 0 && p < n && Number.isInteger(p) && partitionOf(actor, n) === p;
      }),
    );
  });

  it('spreads sequential ids evenly (within 10% of fair over 10,000 actors and 4 partitions)', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[partitionOf(`e-${String(i).padStart(5, '0')}`, 4)]!++;
    for (const c of counts) expect(Math.abs(c - 2500)).toBeLessThan(250);
  });
});

describe('partitionKeyOf', () => {
  const rec = (r: unknown): InterchangeRecord => r as InterchangeRecord;

  it('keeps an employee’s record and assignments with the employee’s events', () => {
    expect(partitionKeyOf(rec({ kind: 'event', body: { actor: 'e-7' } }))).toBe('e-7');
    expect(partitionKeyOf(rec({ kind: 'employee', body: { id: 'e-7' } }))).toBe('e-7');
    expect(
      partitionKeyOf(
        rec({ kind: 'assignment', body: { employeeId: 'e-7', sellerId: 's-1', from: '2026' } }),
      ),
    ).toBe('e-7');
  });

  it('keys any other directory record by its kind and id, so kinds sharing an id part', () => {
    const seller = partitionKeyOf(rec({ kind: 'seller', body: { id: 'x-1' } }));
    const product = partitionKeyOf(rec({ kind: 'product', body: { id: 'x-1' } }));
    expect(seller).toBe('seller\u0000x-1');
    expect(product).toBe('product\u0000x-1');
    // every version of one record has one key, so one partition keeps their order
    expect(partitionKeyOf(rec({ kind: 'seller', body: { id: 'x-1', name: 'v2' } }))).toBe(seller);
  });
});

describe('parsePartitionList', () => {
  it('reads lists and ranges, sorted, without repeats', () => {
    expect(parsePartitionList('3,0-2,1')).toEqual([0, 1, 2, 3]);
    expect(parsePartitionList('5')).toEqual([5]);
  });

  it('refuses what is not a partition, naming it', () => {
    expect(() => parsePartitionList('0,x')).toThrow(/"x"/);
    expect(() => parsePartitionList('3-1')).toThrow(/3-1/);
    expect(() => parsePartitionList('0-4', 4)).toThrow(/partition 4 does not exist/);
    expect(() => parsePartitionList('')).toThrow();
  });
});
