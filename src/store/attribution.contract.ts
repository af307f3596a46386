import { describe, expect, it } from 'vitest';
import type { AccessEvent, TargetType } from '../domain/index.js';
import type { Store } from './ports.js';

const ev = (id: string, targetId: string, type: TargetType = 'reviewer'): AccessEvent => ({
  id,
  time: '2026-03-02T09:14:05Z',
  actor: 'e-1',
  action: 'reviewer.contact.view',
  target: { type, id: targetId },
});

const version = (leaf: number, kind: 'reviewer' | 'employee', key: string, n: number) => ({
  leaf,
  kind,
  key,
  payload: JSON.stringify({ id: key, n }),
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/**
 * What attribution's port owes beyond `storeContract`'s first case: the orders it promises
 * (planting, byte order of reviewers and keys, leaf order over many events), and that a
 * rolled-back transaction leaves none of its canaries or hashes.
 */
export function attributionContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store, attribution`, () => {
    it('keeps canaries in planting order across transactions, none of a rolled-back one', async () => {
      const store = await open();
      let tx = await store.begin();
      await tx.putCanaries(['enc:z', 'enc:a']);
      await tx.commit();
      tx = await store.begin();
      await tx.putCanaries(['enc:lost']);
      await tx.putEmailHashes([{ hash: Buffer.alloc(32, 7), reviewer: 'rv-lost' }]);
      await tx.rollback();
      tx = await store.begin();
      await tx.putCanaries(['enc:m']);
      await tx.putCanaries([]);
      await tx.commit();
      expect(await store.attribution.canaries()).toEqual(['enc:z', 'enc:a', 'enc:m']);
      expect(await store.attribution.hashedReviewers()).toBe(0);
      expect(await store.attribution.reviewersByEmailHash([Buffer.alloc(32, 7)])).toEqual(
        new Map(),
      );
      await store.close();
    });

    it('lists the reviewers of a hash in byte order, each once, whatever the locale', async () => {
      const store = await open();
      const h = Buffer.alloc(32, 3);
      const tx = await store.begin();
      await tx.putEmailHashes(
        ['rv-b', 'rv-a', 'RV-a', 'rv-a'].map((reviewer) => ({ hash: h, reviewer })),
      );
      await tx.commit();
      const again = await store.begin(); // a pair stored before is kept once
      await again.putEmailHashes([{ hash: h, reviewer: 'rv-b' }]);
      await again.commit();
      expect(await store.attribution.reviewersByEmailHash([])).toEqual(new Map());
      const found = await store.attribution.reviewersByEmailHash([h, h]);
      expect([...found]).toEqual([[h.toString('hex'), ['RV-a', 'rv-a', 'rv-b']]]);
      expect(await store.attribution.hashedReviewers()).toBe(3);
      await store.close();
    });

    it('gives the current record of each key of a kind, in byte order of the keys', async () => {
      const store = await open();
      const tx = await store.begin();
      await tx.insertDirectoryVersions([
        version(0, 'reviewer', 'rv-b', 1),
        version(1, 'reviewer', 'RV-c', 1),
        version(2, 'employee', 'e-1', 1),
        version(3, 'reviewer', 'rv-a\u0000x', 1),
        version(4, 'reviewer', 'rv-b', 2),
      ]);
      await tx.setLedgerSize(5);
      await tx.commit();
      const records = (await store.attribution.currentRecords('reviewer')).map(
        (p) => JSON.parse(p) as { id: string; n: number },
      );
      expect(records).toEqual([
        { id: 'RV-c', n: 1 },
        { id: 'rv-a\u0000x', n: 1 },
        { id: 'rv-b', n: 2 },
      ]);
      expect(await store.attribution.currentRecords('seller')).toEqual([]);
      await store.close();
    });

    it('finds every event on the chosen targets in leaf order, over more than a page of them', async () => {
      const store = await open();
      const events = Array.from({ length: 12_001 }, (_, i) =>
        ev(`ev-${i}`, i % 3 === 0 ? 'rv-1' : i % 3 === 1 ? 'rv-2' : 'rv-3'),
      );
      events.push(ev('ev-seller', 'rv-1', 'seller'));
      const tx = await store.begin();
      await tx.insertEvents(events, 0);
      await tx.commit();
      const on = await collect(store.attribution.eventsOn('reviewer', new Set(['rv-1', 'rv-3'])));
      const expected = events
        .map((e, leaf) => ({ leaf, e }))
        .filter(({ e }) => e.target.type === 'reviewer' && e.target.id !== 'rv-2');
      expect(on.map((x) => x.leaf)).toEqual(expected.map((x) => x.leaf));
      expect(on.at(-1)?.event).toEqual(expected.at(-1)?.e);
      expect(await collect(store.attribution.eventsOn('reviewer', new Set()))).toEqual([]);
      await store.close();
    });
  });
}
