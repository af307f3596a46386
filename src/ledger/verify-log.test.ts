import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore, type Store } from '../store/index.js';
import { Ledger } from './log.js';
import { generateSignerKey, verifierKeyFromSigner } from './note-keys.js';
import { verifyLedger } from './verify-log.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-verify-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const key = generateSignerKey('test.local/log');
let n = 0;

/** A store with `batches` of events, each batch one transaction; a checkpoint after those asked. */
async function logOf(batches: number[], checkpointAfter: (i: number) => boolean): Promise<Store> {
  const store = SqliteStore.open(join(dir, `v${n++}.db`));
  const ledger = await Ledger.open(store, key, { hashing: 'inline' });
  let id = 0;
  for (const [i, count] of batches.entries()) {
    const tx = await store.begin();
    const events = Array.from({ length: count }, () => ({
      id: `ev-${id++}`,
      time: '2026-03-02T09:14:05Z',
      actor: `e-${id % 5}`,
      action: 'seller.metrics.view' as const,
      target: { type: 'seller' as const, id: `s-${id % 11}` },
    }));
    await tx.insertEvents(events, ledger.size);
    for (const body of events) ledger.appendRecord({ kind: 'event', body });
    await ledger.persist(tx);
    if (checkpointAfter(i)) await ledger.checkpoint(tx, '2026-12-04T00:00:00Z');
    await tx.commit();
  }
  await ledger.close();
  return store;
}

/** The store, except that reading every tile at once fails: verification must not need it. */
function withoutWholeTileRead(store: Store): Store {
  const ledger = Object.create(store.ledger) as Store['ledger'];
  ledger.tiles = () => {
    throw new Error('verification read every tile at once');
  };
  return Object.assign(Object.create(store) as Store, { ledger });
}

describe('verifyLedger', () => {
  describe('when every batch ends in a checkpoint', () => {
    it('passes across tile boundaries without reading all tiles, taking each checkpoint’s root on the way', async () => {
      const store = await logOf([1, 255, 300, 65_536 - 556, 70_000], () => true);
      const report = await verifyLedger(withoutWholeTileRead(store), verifierKeyFromSigner(key));
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, size: 135_536, signedSize: 135_536 });
      expect(report.checkpointsChecked).toBe(5);
      await store.close();
    }, 60_000);
  });

  describe('when the last batches carry no checkpoint', () => {
    it('reports the unsigned tail from the newest signed size', async () => {
      const store = await logOf([10, 20, 30], (i) => i === 0);
      const report = await verifyLedger(store, verifierKeyFromSigner(key));
      expect(report.problems.map((p) => [p.index, p.code])).toEqual([[10, 'UNSIGNED_TAIL']]);
      expect(report.signedSize).toBe(10);
      await store.close();
    });
  });

  describe('when the log is empty', () => {
    it('passes: there is nothing to sign', async () => {
      const store = await logOf([], () => false);
      const report = await verifyLedger(store, verifierKeyFromSigner(key));
      expect(report).toMatchObject({ ok: true, size: 0, signedSize: 0 });
      await store.close();
    });
  });
});
