import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InlineAppender, ThreadAppender } from './leaf-appender.js';

/** The right edge a store keeps after `n` leaves: every tile an in-thread appender wrote. */
async function edgeAfter(n: number): Promise<{ size: number; edge: Map<string, Buffer> }> {
  const appender = new InlineAppender(0, new Map());
  const hashes = Buffer.alloc(32 * n);
  for (let i = 0; i < n; i++)
    createHash('sha256')
      .update(String(i))
      .digest()
      .copy(hashes, 32 * i);
  appender.appendHashes(hashes);
  const { size, tiles } = await appender.flush();
  return { size, edge: new Map(tiles.map((t) => [`${t.tileLevel}/${t.tileIndex}`, t.data])) };
}

describe('ThreadAppender', () => {
  describe('when flushed with nothing appended (a batch of duplicates only)', () => {
    it('answers the head it started from, as in this thread, and never starts its thread', async () => {
      const { size, edge } = await edgeAfter(1000);
      const appender = new ThreadAppender(size, edge);
      expect(await appender.flush()).toEqual(await new InlineAppender(size, edge).flush());
      expect((await appender.flush()).size).toBe(1000);
      // after a rollback, from the edge it is reset to
      const earlier = await edgeAfter(300);
      await appender.reset(earlier.size, earlier.edge);
      expect(await appender.flush()).toEqual(
        await new InlineAppender(earlier.size, earlier.edge).flush(),
      );
      expect(appender.threadStarted).toBe(false);
      await appender.close();
    });
  });
});
