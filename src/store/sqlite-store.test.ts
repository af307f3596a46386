import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { storeContract } from './store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('SQLite', () => Promise.resolve(SqliteStore.open(join(dir, `c${n++}.db`))));

describe('SqliteStore.open', () => {
  describe('when the file is new', () => {
    it('applies the numbered migrations once and records them', async () => {
      const path = join(dir, 'm.db');
      await SqliteStore.open(path).close();
      await SqliteStore.open(path).close();
      const db = new Database(path, { readonly: true });
      // Every migration once, in order, up to the latest (numbers may have gaps).
      const versions = db
        .prepare('SELECT version FROM schema_version ORDER BY version')
        .pluck()
        .all() as number[];
      expect(new Set(versions).size).toBe(versions.length);
      expect(versions.slice(0, 3)).toEqual([1, 2, 3]);
      expect(versions.at(-1)).toBe(SqliteStore.schemaVersion);
      expect(SqliteStore.schemaVersion).toBeGreaterThanOrEqual(2);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    });
  });
  describe('when the database comes from a newer Warden', () => {
    it('refuses it with SCHEMA_TOO_NEW', async () => {
      const path = join(dir, 'new.db');
      await SqliteStore.open(path).close();
      const db = new Database(path);
      db.prepare("INSERT INTO schema_version VALUES (99, '2030-01-01T00:00:00Z')").run();
      db.close();
      expect(() => SqliteStore.open(path)).toThrow(
        expect.objectContaining({ code: 'SCHEMA_TOO_NEW' }) as Error,
      );
    });
  });
  describe('when the file is not a database', () => {
    it('refuses it with OPEN_FAILED', () => {
      const path = join(dir, 'junk.db');
      writeFileSync(path, 'this is not sqlite'.repeat(100));
      expect(() => SqliteStore.open(path)).toThrow(
        expect.objectContaining({ code: 'OPEN_FAILED' }) as Error,
      );
    });
  });
});
