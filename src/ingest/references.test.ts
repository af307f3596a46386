import { describe, expect, it } from 'vitest';
import type { DirectoryKind, InterchangeRecord } from '../domain/index.js';
import { ReferenceCollector } from './references.js';

const event = (id: string, actor: string, seller: string): InterchangeRecord => ({
  kind: 'event',
  body: {
    id,
    time: '2026-03-02T09:14:05Z',
    actor,
    action: 'seller.metrics.view',
    target: { type: 'seller', id: seller },
  },
});

describe('ReferenceCollector', () => {
  describe('when the ids found in the store are forgotten', () => {
    it('keeps only the unresolved ones, with the line that first named them', async () => {
      const refs = new ReferenceCollector();
      refs.add(event('a', 'e-1', 's-1'), 1);
      refs.add(event('b', 'e-2', 's-2'), 2);
      refs.add({ kind: 'product', body: { id: 'p-1', sellerId: 's-3', category: 'c' } }, 3);
      expect(refs.size).toBe(5);
      const known = new Set(['employee/e-1', 'seller/s-2', 'seller/s-3']);
      const asked: string[] = [];
      await refs.forgetFound((kind: DirectoryKind, ids) => {
        asked.push(...ids.map((id) => `${kind}/${id}`));
        return Promise.resolve(new Set(ids.filter((id) => known.has(`${kind}/${id}`))));
      });
      expect(asked.sort()).toEqual([
        'employee/e-1',
        'employee/e-2',
        'seller/s-1',
        'seller/s-2',
        'seller/s-3',
      ]);
      expect(refs.size).toBe(2);
      const left = refs
        .byKind()
        .flatMap(([kind, ids]) => [...ids].map(([id, ref]) => [kind, id, ref.firstLine, ref.from]));
      expect(left.sort()).toEqual([
        ['employee', 'e-2', 2, 'event.actor'],
        ['seller', 's-1', 1, 'event.target'],
      ]);
    });
  });
});
