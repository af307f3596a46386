import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { isCleanError, landed, verify, warden, writeBatch } from './harness.js';

const EVENTS = 3000;
const ROUNDS = 3;

// The fault: two operators (or two cron jobs) run `warden ingest` on one database at the same
// moment. SQLite lets one write at a time; the second waits for the lock (busy timeout) and
// must then number its leaves after the first one's, not over them.
describe('two imports into one database at once', () => {
  const dir = tempDir('warden-faults-two-');
  afterAll(() => dir.cleanup());

  it('lands both batches in some order, or refuses one clearly; nothing lost, the log verifies', async () => {
    const db = join(dir.path, 'w.db');
    expect((await warden(['ingest', writeBatch(dir.path, 0, 10), '--db', db])).code).toBe(0);
    const acked = new Set<number>([0]);
    let bothLanded = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const pair = [1 + round * 2, 2 + round * 2];
      const files = pair.map((n) => writeBatch(dir.path, n, EVENTS));
      const runs = await Promise.all(files.map((f) => warden(['ingest', f, '--db', db])));
      runs.forEach((r, i) => {
        if (r.code === 0) acked.add(pair[i]!);
        else {
          expect(r.err).toContain('[BUSY]');
          expect(isCleanError(r.err)).toBe(true);
        }
      });
      if (runs.every((r) => r.code === 0)) bothLanded++;
      const l = landed(db);
      expect([...l.events.keys()].sort((a, b) => a - b)).toEqual([...acked].sort((a, b) => a - b));
      for (const n of acked) expect(l.events.get(n)).toBe(n === 0 ? 10 : EVENTS);
      const v = await verify(db);
      expect(v.err).toBe('');
      expect(v.ok).toBe(true);
      expect(v.size).toBe(l.ledgerSize);
    }
    // with a 5 s busy timeout and imports of well under a second, both land every time
    expect(bothLanded).toBe(ROUNDS);
  });
});
