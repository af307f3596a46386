import { copyFileSync, cpSync, openSync, closeSync, writeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { isCleanError, warden, writeBatch } from './harness.js';

const PAGE = 32768; // Warden's page size (sqlite-store.ts)

/** A copy of `db` (and its keys) with random bytes written over page `page` (1-based). */
function damagedCopy(db: string, to: string, page: number): string {
  copyFileSync(db, to);
  cpSync(`${db}.keys`, `${to}.keys`, { recursive: true });
  const fd = openSync(to, 'r+');
  try {
    writeSync(fd, randomBytes(PAGE), 0, PAGE, (page - 1) * PAGE);
  } finally {
    closeSync(fd);
  }
  return to;
}

/** The first page of a table's b-tree. */
function rootPage(db: string, table: string): number {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare('SELECT rootpage FROM sqlite_master WHERE name = ?')
      .pluck()
      .get(table) as number;
  } finally {
    conn.close();
  }
}

// The fault: a disk (or someone) writes garbage over one page of the database file. Warden
// says which file is damaged and what to do, never a stack trace: CORRUPT (an integrity
// failure, exit 1) for a damaged page; a damaged first page reads as "not a Warden database"
// (OPEN_FAILED, exit 2).
describe('a database file with random bytes over one page', () => {
  const dir = tempDir('warden-faults-corrupt-');
  const db = join(dir.path, 'w.db');
  beforeAll(async () => {
    for (const n of [1, 2, 3]) {
      expect((await warden(['ingest', writeBatch(dir.path, n, 2000), '--db', db])).code).toBe(0);
    }
  });
  afterAll(() => dir.cleanup());

  it('names the file as CORRUPT when the events table is hit, for reads and writes alike', async () => {
    const copy = damagedCopy(db, join(dir.path, 'events-hit.db'), rootPage(db, 'events'));
    for (const args of [
      ['ledger', 'verify', '--db', copy],
      ['stats', '--db', copy],
      ['ingest', writeBatch(dir.path, 4, 10), '--db', copy],
    ]) {
      const r = await warden(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toContain('[CORRUPT]');
      expect(r.err).toContain(copy);
      expect(r.err).toContain('restore it from a backup');
      expect(isCleanError(r.err)).toBe(true);
    }
  });

  it('says a damaged first page is not a Warden database, with exit 2', async () => {
    const copy = damagedCopy(db, join(dir.path, 'header-hit.db'), 1);
    const r = await warden(['stats', '--db', copy]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('[OPEN_FAILED]');
    expect(r.err).toContain(copy);
    expect(isCleanError(r.err)).toBe(true);
  });

  it('never shows a stack trace, whichever page is hit', async () => {
    const pages = Math.floor(statSync(db).size / PAGE);
    for (let i = 0; i < 6; i++) {
      const page = 2 + Math.floor(Math.random() * (pages - 1));
      const copy = damagedCopy(db, join(dir.path, `page-${i}.db`), page);
      const r = await warden(['ledger', 'verify', '--db', copy]);
      expect([0, 1, 2], `page ${page}: ${r.err}`).toContain(r.code);
      expect(r.err, `page ${page}`).not.toMatch(/\n\s+at .+:\d+:\d+/);
      expect(r.err, `page ${page}`).not.toContain('unexpected failure');
      if (r.code !== 0) expect(`${r.out}${r.err}`, `page ${page}`).not.toBe('');
    }
  });
});
