import { describe, expect, it } from 'vitest';
import type { LeafEvent, Store } from '../store/index.js';
import { EXPORT_SCHEME, exportReceipts, type ExportRecord } from './trace-export-receipts.js';

const record: ExportRecord = {
  id: 'x-1',
  scheme: EXPORT_SCHEME,
  design: { recipients: 60, coalition: 3, epsilon: 0.01 },
  length: 400,
  columns: { gmv: 2, orders: 0 },
  marked: 700,
  sha256: 'a'.repeat(64),
};

const exportEvent = (leaf: number, exported: unknown): LeafEvent => ({
  leaf,
  event: {
    id: `w-${leaf}`,
    time: '2026-01-01T00:00:00Z',
    actor: `e${leaf}`,
    action: 'seller.metrics.export',
    target: { type: 'seller', id: 's1' },
    outcome: 'allowed',
    attrs: { export: exported },
  },
});

const storeOf = (events: LeafEvent[]): Store =>
  ({
    guard: {
      eventsOf: () =>
        (async function* () {
          yield* await Promise.resolve(events);
        })(),
    },
  }) as unknown as Store;

describe('exportReceipts', () => {
  describe('when the ledger holds well-formed and malformed export records', () => {
    it('returns the well-formed ones and counts the others', async () => {
      const events = [
        exportEvent(1, record),
        exportEvent(2, { ...record, sha256: 'not a digest' }),
        exportEvent(3, { ...record, extra: true }),
        exportEvent(4, { ...record, id: 'x-4' }),
      ];
      const { receipts, malformed } = await exportReceipts(storeOf(events));
      expect(malformed).toBe(2);
      expect(receipts.map((r) => [r.record, r.recipient, r.eventId, r.leaf])).toEqual([
        [record, 'e1', 'w-1', 1],
        [{ ...record, id: 'x-4' }, 'e4', 'w-4', 4],
      ]);
    });
  });
});
