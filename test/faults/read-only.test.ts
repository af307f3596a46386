import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDb, tempDir } from '../helpers.js';
import { isCleanError, landed, warden, writeBatch } from './harness.js';

// The fault: an operator (or a backup restored from read-only media) leaves the database file,
// or its folder, without write permission. Writes are refused clearly; reads still work. The
// permission is read from the mode bits, so this holds for root as well.
describe('a read-only database', () => {
  const dir = tempDir('warden-faults-ro-');
  afterAll(() => dir.cleanup());

  describe.each([
    ['the file is chmod 0400', 'file'],
    ['its folder is chmod 0500', 'folder'],
  ])('when %s', (_title, what) => {
    const db = join(dir.path, what, 'w.db');
    const more = writeBatch(dir.path, 2, 100);
    let before = '';
    const lock = (): void => {
      if (what === 'file') chmodSync(db, 0o400);
      else chmodSync(dirname(db), 0o500);
    };
    const unlock = (): void => {
      chmodSync(db, 0o600);
      chmodSync(dirname(db), 0o700);
    };
    beforeAll(async () => {
      expect((await warden(['ingest', writeBatch(dir.path, 1, 100), '--db', db])).code).toBe(0);
      before = dumpDb(db);
      lock();
    });
    afterAll(unlock);

    it('refuses an import with READ_ONLY naming the file, and changes nothing', async () => {
      const r = await warden(['ingest', more, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('[READ_ONLY]');
      expect(r.err).toContain(db);
      expect(isCleanError(r.err)).toBe(true);
      unlock();
      expect(dumpDb(db)).toBe(before);
      lock();
    });

    it('refuses detect (which saves its findings) the same way', async () => {
      const r = await warden(['detect', '--db', db]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('[READ_ONLY]');
      expect(isCleanError(r.err)).toBe(true);
    });

    it('still answers stats and verifies the ledger', async () => {
      const stats = await warden(['stats', '--db', db, '--json']);
      expect(stats.err).toBe('');
      expect(stats.code).toBe(0);
      expect((JSON.parse(stats.out) as { counts: { event: number } }).counts.event).toBe(100);
      const v = await warden(['ledger', 'verify', '--db', db, '--json']);
      expect(v.code).toBe(0);
      expect((JSON.parse(v.out) as { ok: boolean }).ok).toBe(true);
      unlock();
      expect(landed(db).events.get(1)).toBe(100);
      lock();
    });
  });
});
