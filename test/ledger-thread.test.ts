import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as LedgerModule from '../src/ledger/index.js';
import type * as StoreModule from '../src/store/index.js';
import { tempDir } from './helpers.js';

// The hashing worker runs only from the compiled build (`npm test` builds first): this test
// drives the compiled ledger and holds its worker to the in-thread appender, leaf for leaf.
const DIST = fileURLToPath(new URL('../dist/src/', import.meta.url));
const built = existsSync(join(DIST, 'ledger', 'hash-worker.js'));

describe.runIf(built || process.env['CI'])('the ledger hashing worker', () => {
  const dir = tempDir('warden-thread-');
  afterAll(() => dir.cleanup());

  it('gives the same tiles, roots and checkpoints as hashing in this thread, across rollbacks', async () => {
    const { Ledger, generateSignerKey } = (await import(
      join(DIST, 'ledger', 'index.js')
    )) as typeof LedgerModule;
    const { SqliteStore } = (await import(join(DIST, 'store', 'index.js'))) as typeof StoreModule;
    const key = generateSignerKey('test.local/log');
    const roots: Record<string, string[]> = {};
    for (const hashing of ['thread', 'inline'] as const) {
      const store = SqliteStore.open(join(dir.path, `${hashing}.db`));
      const ledger = await Ledger.open(store, key, { hashing });
      roots[hashing] = [];
      let id = 0;
      for (let batch = 0; batch < 12; batch++) {
        const tx = await store.begin();
        const n = [1, 255, 256, 257, 3000, 7][batch % 6]!;
        const events = Array.from({ length: n }, () => ({
          id: `ev-${id++}`,
          time: '2026-03-02T09:14:05Z',
          actor: `e-${id % 7}`,
          action: 'seller.metrics.view' as const,
          target: { type: 'seller' as const, id: `s-${id % 13}` },
        }));
        await tx.insertEvents(events, ledger.size);
        for (const body of events) ledger.appendRecord({ kind: 'event', body });
        if (batch % 4 === 3) {
          await tx.rollback();
          await ledger.reload();
          id -= n;
          continue;
        }
        await ledger.persist(tx);
        const cp = await ledger.checkpoint(tx, '2026-03-02T10:00:00Z');
        await tx.commit();
        roots[hashing].push(`${cp.size}:${cp.rootHash.toString('base64')}`);
      }
      expect(await ledger.rootAt(ledger.size)).toEqual(ledger.root());
      await ledger.close();
      await store.close();
    }
    expect(roots['thread']).toEqual(roots['inline']);
    expect(roots['thread']?.length).toBe(9);
  });
});
