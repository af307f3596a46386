import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpDb, tempDir } from '../helpers.js';
import { isCleanError, landed, verify, warden, writeBatch } from './harness.js';

/** Mounts a small tmpfs at `dir`; the reason when it cannot (not root, no mount in a container). */
function mountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr !== undefined && stderr !== '' ? stderr : String(error);
  }
}

/**
 * The fault: the disk fills up in the middle of an import. A clear error naming the file, the
 * database exactly as it was (the batch is rolled back whole), and the log still verifies.
 */
async function expectFullDiskRefusal(
  db: string,
  big: string,
  env: Record<string, string>,
): Promise<void> {
  const before = dumpDb(db);
  const held = landed(db);
  const r = await warden(['ingest', big, '--db', db], { env });
  expect(r.code).toBe(2);
  expect(r.err).toContain('[DISK_FULL]');
  expect(r.err).toContain(db);
  expect(isCleanError(r.err)).toBe(true);
  expect(dumpDb(db)).toBe(before);
  expect(landed(db)).toEqual(held);
  const v = await verify(db);
  expect(v.ok).toBe(true);
  expect(v.size).toBe(held.ledgerSize);
}

describe('ingest when the disk is full', () => {
  const dir = tempDir('warden-faults-full-');
  const big = writeBatch(dir.path, 2, 30_000);
  afterAll(() => dir.cleanup());

  describe('when the database reaches its size cap (WARDEN_MAX_DB_PAGES, SQLite max_page_count)', () => {
    it('refuses the batch with DISK_FULL and leaves the database as it was', async () => {
      const db = join(dir.path, 'capped.db');
      expect((await warden(['ingest', writeBatch(dir.path, 1, 200), '--db', db])).code).toBe(0);
      const conn = new Database(db, { readonly: true });
      const pages = conn.pragma('page_count', { simple: true }) as number;
      conn.close();
      await expectFullDiskRefusal(db, big, { WARDEN_MAX_DB_PAGES: String(pages + 2) });
      // without the cap, the same batch lands
      expect((await warden(['ingest', big, '--db', db])).code).toBe(0);
      expect(landed(db).events.get(2)).toBe(30_000);
    });
  });

  describe('when the file system itself is full (a 3 MiB tmpfs)', () => {
    const mountPoint = join(dir.path, 'small-disk');
    mkdirSync(mountPoint);
    const whyNot = mountTmpfs(mountPoint, '3m');
    afterAll(() => {
      if (whyNot === undefined) execFileSync('umount', [mountPoint]);
    });
    if (whyNot !== undefined) {
      // the size cap above stands in for it
      process.stderr.write(`disk-full: no tmpfs (${whyNot}); only the size cap was tested\n`);
    }

    it.skipIf(whyNot !== undefined)(
      'refuses the batch with DISK_FULL and leaves the database as it was',
      async () => {
        const db = join(mountPoint, 'w.db');
        expect((await warden(['ingest', writeBatch(dir.path, 1, 200), '--db', db])).code).toBe(0);
        await expectFullDiskRefusal(db, big, {});
      },
    );
  });
});
