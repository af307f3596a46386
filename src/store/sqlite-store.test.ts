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
      // Every migration once, in order, up to the latest.
      expect(
        db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all(),
      ).toEqual([...SqliteStore.schemaVersions].sort((a, b) => a - b));
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

describe('SqliteStore detection state', () => {
  describe('when a stored chunk is damaged or missing', () => {
    it('loads nothing rather than a partial or altered state', async () => {
      const path = join(dir, 'state.db');
      const store = SqliteStore.open(path);
      const data = Buffer.alloc(9 << 20, 7);
      const tx = await store.begin();
      await tx.putDetectorState({
        ledgerSize: 5,
        rootHash: Buffer.alloc(32),
        version: 'v',
        events: 1,
        savedAt: '2026-03-02T09:00:00Z',
        data,
      });
      await tx.commit();
      await store.close();
      const db = new Database(path);
      db.prepare('UPDATE detector_state_chunks SET data = ? WHERE seq = 1').run(Buffer.alloc(4, 1));
      db.close();
      const damaged = SqliteStore.open(path);
      expect(await damaged.detectorState.load()).toBeUndefined();
      expect(await damaged.detectorState.describe()).toMatchObject({ ledgerSize: 5 });
      await damaged.close();
      const db2 = new Database(path);
      db2.prepare('DELETE FROM detector_state_chunks WHERE seq = 2').run();
      db2.close();
      const missing = SqliteStore.open(path);
      expect(await missing.detectorState.load()).toBeUndefined();
      await missing.close();
    });
  });
});
