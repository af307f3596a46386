import { describe, expect, it } from 'vitest';
import type { Store } from './ports.js';

/** Stream positions (migration 10): written with the leaves, or not at all. */
export function streamPositionsContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store's stream positions`, () => {
    it('has none, and a last sequence number of 0, when fresh', async () => {
      const store = await open();
      expect(await store.streamPositions.lastSeq()).toBe(0);
      expect(await store.streamPositions.all()).toEqual([]);
      await store.close();
    });

    it('keeps what a committed transaction wrote, in leaf order, and nothing of a rolled-back one', async () => {
      const store = await open();
      let tx = await store.begin();
      await tx.putStreamPositions([
        { leaf: 1, seq: 9 },
        { leaf: 0, seq: 7 },
      ]);
      await tx.commit();
      tx = await store.begin();
      await tx.putStreamPositions([{ leaf: 2, seq: 2 ** 40 }]);
      await tx.rollback();
      expect(await store.streamPositions.all()).toEqual([
        { leaf: 0, seq: 7 },
        { leaf: 1, seq: 9 },
      ]);
      expect(await store.streamPositions.lastSeq()).toBe(9);
      tx = await store.begin();
      await tx.putStreamPositions([{ leaf: 2, seq: 2 ** 40 }]);
      await tx.commit();
      expect(await store.streamPositions.lastSeq()).toBe(2 ** 40);
      await store.close();
    });
  });
}
