import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import type { SqliteTransaction } from './sqlite-transaction.js';
import { sqliteFault } from './sqlite-file.js';
import { storeContract } from './store.contract.js';
import type { DetectorState, StoredDirectoryVersion } from './ports.js';

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
  describe('when current pointers are edited behind its back', () => {
    it('names each record whose pointer is not its newest version', async () => {
      const path = join(dir, 'stale.db');
      const store = SqliteStore.open(path);
      const tx = await store.begin();
      const version = (leaf: number, key: string): StoredDirectoryVersion => ({
        leaf,
        kind: 'seller',
        key,
        payload: `{"id":"${key}","v":${leaf}}`,
      });
      // s-1 at leaves 0 and 3, s-2 at 1, s-3 at 2, s-4 at 4
      await tx.insertDirectoryVersions([
        version(0, 's-1'),
        version(1, 's-2'),
        version(2, 's-3'),
        version(3, 's-1'),
        version(4, 's-4'),
      ]);
      await tx.commit();
      expect(await store.ledger.staleCurrentPointers()).toEqual([]);
      await store.close();
      const db = new Database(path);
      db.exec(`UPDATE directory_current SET leaf = 0 WHERE key = 's-1';
        DELETE FROM directory_current WHERE key = 's-2';
        UPDATE directory_current SET leaf = 4 WHERE key = 's-3';
        INSERT INTO directory_current VALUES ('seller', 's-9', 77);`);
      db.close();
      const reopened = SqliteStore.open(path);
      const stale = await reopened.ledger.staleCurrentPointers();
      expect(stale.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
        { kind: 'seller', key: 's-1', leaf: 0 },
        { kind: 'seller', key: 's-2', leaf: 1 },
        { kind: 'seller', key: 's-3', leaf: 4 },
        { kind: 'seller', key: 's-9', leaf: 77 },
      ]);
      await reopened.close();
    });
  });
  describe('when the file is new', () => {
    it('creates it, its -wal and its -shm readable by the owner only (0600)', async () => {
      const path = join(dir, 'private.db');
      const store = SqliteStore.open(path);
      const tx = await store.begin();
      await tx.setLedgerSize(1);
      await tx.commit();
      // while it is open, the write-ahead log and the shared-memory index exist beside it
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect(statSync(file).mode & 0o777, file).toBe(0o600);
      }
      await store.close();
    });
  });
  describe('when the file or its folder is not writable', () => {
    it('opens it for reading and refuses a write with READ_ONLY', async () => {
      const path = join(dir, 'locked.db');
      await SqliteStore.open(path).close();
      chmodSync(path, 0o400);
      const store = SqliteStore.open(path);
      expect(store.readOnly).toBe(true);
      expect(await store.ledger.size()).toBe(0);
      await expect(store.begin()).rejects.toMatchObject({ code: 'READ_ONLY' });
      await store.close();
      chmodSync(path, 0o600);
    });
  });
  describe('when the size cap is reached', () => {
    it('fails the write with a SQLite error that sqliteFault names DISK_FULL, and rolls back', async () => {
      const path = join(dir, 'capped.db');
      await SqliteStore.open(path).close();
      const pages = new Database(path).pragma('page_count', { simple: true }) as number;
      const store = SqliteStore.open(path, { maxPages: pages + 1 });
      const tx = await store.begin();
      const tiles = Array.from({ length: 8 }, (_, i) => ({
        tileLevel: 0,
        tileIndex: i,
        data: Buffer.alloc(8192, i),
      }));
      const failure = await tx.putTiles(tiles).catch((error: unknown) => error);
      expect(sqliteFault(failure, path)?.code).toBe('DISK_FULL');
      await tx.rollback();
      expect(await store.ledger.getTile(0, 0)).toBeUndefined();
      await store.close();
    });
  });
});

describe('SqliteStore detection state', () => {
  // rows of 4 MiB: parts of several rows without writing hundreds of MB
  const SMALL_ROWS = { stateChunkBytes: 4 << 20 };

  it('refuses rows of no bytes or of a fraction, before opening anything', () => {
    const path = join(dir, 'state-rows.db');
    for (const stateChunkBytes of [0, -1, 0.5, Number.NaN])
      expect(() => SqliteStore.open(path, { stateChunkBytes })).toThrow(
        /stateChunkBytes must be a positive whole number/,
      );
    expect(existsSync(path)).toBe(false);
  });

  describe('when a directory part is staged apart from the rest', () => {
    const rest = (size: number, byte: number) => ({
      ledgerSize: size,
      rootHash: Buffer.alloc(32, byte),
      version: 'v',
      events: size,
      savedAt: '2026-03-02T09:00:00Z',
      data: Buffer.alloc(3 << 20, byte),
      mac: Buffer.alloc(32, byte),
    });
    const part = (size: number, byte: number) => ({
      ledgerSize: size,
      data: Buffer.alloc(5 << 20, byte),
      mac: Buffer.alloc(32, byte),
    });
    /** The same state, its bytes compared as bytes (element by element, MiBs take seconds). */
    const same = (a?: DetectorState, b?: DetectorState): void => {
      const bare = (x?: DetectorState) =>
        x && {
          ...x,
          data: x.data.length,
          directory: { ...x.directory, data: x.directory.data.length },
        };
      expect(bare(a)).toEqual(bare(b));
      expect(a?.data.equals(b!.data)).toBe(true);
      expect(a?.directory.data.equals(b!.directory.data)).toBe(true);
    };
    /** A new store `name`.db holding a state saved at 3 leaves (its directory part in slot 1). */
    const savedAt3 = async (name: string): Promise<{ path: string; store: SqliteStore }> => {
      const path = join(dir, `${name}.db`);
      const store = SqliteStore.open(path, SMALL_ROWS);
      const tx = await store.begin();
      await tx.putDetectorState({ ...rest(3, 1), directory: part(3, 1) });
      await tx.commit();
      return { path, store };
    };
    const slots = (path: string): unknown[] => {
      const db = new Database(path, { readonly: true });
      const rows = db
        .prepare(
          'SELECT id, (SELECT count(*) FROM detector_directory_chunks c WHERE c.slot = d.id) AS chunks FROM detector_directory d ORDER BY id',
        )
        .all();
      db.close();
      return rows;
    };

    it('leaves the saved state whole until the rest naming the part is committed', async () => {
      const { path, store } = await savedAt3('staged');
      let tx: SqliteTransaction;
      const before = await store.detectorState.load();
      expect(before?.directory.data.equals(part(3, 1).data)).toBe(true);
      tx = await store.begin();
      const staged = await tx.stageDetectorDirectory(part(9, 2));
      await tx.commit();
      // staged and durable, in the other slot, but not named: the state read is the old one
      expect(slots(path)).toEqual([
        { id: 1, chunks: 2 },
        { id: 2, chunks: 2 },
      ]);
      same(await store.detectorState.load(), before);
      tx = await store.begin();
      expect(await tx.putStagedDetectorState(rest(9, 2), staged)).toBe(true);
      await tx.commit();
      const after = await store.detectorState.load();
      expect(after).toMatchObject({ ledgerSize: 9, directory: { ledgerSize: 9 } });
      expect(after?.directory.data.equals(part(9, 2).data)).toBe(true);
      expect(after?.data.equals(rest(9, 2).data)).toBe(true);
      // the part no longer named is gone
      expect(slots(path)).toEqual([{ id: 2, chunks: 2 }]);
      await store.close();
    });

    it('keeps the old state when the rest rolls back, and the next save replaces the orphan', async () => {
      const { path, store } = await savedAt3('staged-rollback');
      let tx: SqliteTransaction;
      const before = await store.detectorState.load();
      tx = await store.begin();
      const staged = await tx.stageDetectorDirectory(part(9, 2));
      await tx.commit();
      tx = await store.begin();
      await tx.putStagedDetectorState(rest(9, 2), staged);
      await tx.rollback();
      same(await store.detectorState.load(), before);
      // a save in one transaction writes over the orphan, and empties the slot it leaves
      tx = await store.begin();
      await tx.putDetectorState({ ...rest(12, 3), directory: part(12, 3) });
      await tx.commit();
      expect(slots(path)).toEqual([{ id: 2, chunks: 2 }]);
      expect((await store.detectorState.load())?.directory.data.equals(part(12, 3).data)).toBe(
        true,
      );
      await store.close();
    });

    it('refuses to name a part another run staged in its place, keeping what is saved', async () => {
      const { path, store } = await savedAt3('staged-race');
      let tx = await store.begin();
      const mine = await tx.stageDetectorDirectory(part(9, 2));
      await tx.commit();
      // another run stages its own part: the same free slot
      tx = await store.begin();
      const theirs = await tx.stageDetectorDirectory(part(10, 4));
      await tx.commit();
      expect(theirs.slot).toBe(mine.slot);
      tx = await store.begin();
      expect(await tx.putStagedDetectorState(rest(9, 2), mine)).toBe(false);
      await tx.commit();
      const saved = await store.detectorState.load();
      expect(saved).toMatchObject({ ledgerSize: 3, directory: { ledgerSize: 3 } });
      tx = await store.begin();
      expect(await tx.putStagedDetectorState(rest(10, 4), theirs)).toBe(true);
      await tx.commit();
      expect(await store.detectorState.load()).toMatchObject({
        ledgerSize: 10,
        directory: { ledgerSize: 10 },
      });
      await store.detectorState.clear();
      expect(slots(path)).toEqual([]);
      await store.close();
    });
  });

  /** A state saved at 5 leaves: the rest `data`, the directory part `directory` (at `dirSize`). */
  const savedAt5 = (data: Buffer, directory: Buffer, dirSize = 5) => ({
    ledgerSize: 5,
    rootHash: Buffer.alloc(32),
    version: 'v',
    events: 1,
    savedAt: '2026-03-02T09:00:00Z',
    data,
    mac: Buffer.alloc(32),
    directory: { ledgerSize: dirSize, data: directory, mac: Buffer.alloc(32) },
  });

  describe("when a part fits in one row (the default rows hold the presets' parts)", () => {
    it('stores it as one row and loads it as written', async () => {
      const path = join(dir, 'state-one-row.db');
      const store = SqliteStore.open(path);
      const data = Buffer.alloc(9 << 20, 5);
      const directory = Buffer.alloc(17 << 20, 6);
      const tx = await store.begin();
      await tx.putDetectorState(savedAt5(data, directory));
      await tx.commit();
      const loaded = await store.detectorState.load();
      await store.close();
      expect(loaded?.data.equals(data)).toBe(true);
      expect(loaded?.directory.data.equals(directory)).toBe(true);
      const db = new Database(path, { readonly: true });
      const rows = (table: string): unknown =>
        db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
      expect([rows('detector_state_chunks'), rows('detector_directory_chunks')]).toEqual([1, 1]);
      db.close();
    });
  });

  describe('when a stored chunk is damaged or missing', () => {
    it('loads nothing rather than a partial state', async () => {
      const path = join(dir, 'state.db');
      const store = SqliteStore.open(path, SMALL_ROWS);
      const data = Buffer.alloc(9 << 20, 7);
      const tx = await store.begin();
      await tx.putDetectorState(savedAt5(data, data, 4));
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

    it('loads nothing when the directory part is short or gone', async () => {
      const path = join(dir, 'state-dir.db');
      const store = SqliteStore.open(path, SMALL_ROWS);
      const data = Buffer.alloc(5 << 20, 3);
      const tx = await store.begin();
      await tx.putDetectorState(savedAt5(Buffer.alloc(10), data));
      await tx.commit();
      expect((await store.detectorState.load())?.directory.data.equals(data)).toBe(true);
      await store.close();
      const db = new Database(path);
      db.prepare('DELETE FROM detector_directory_chunks WHERE seq = 1').run();
      db.close();
      const short = SqliteStore.open(path);
      expect(await short.detectorState.load()).toBeUndefined();
      await short.close();
      const db2 = new Database(path);
      db2.prepare('DELETE FROM detector_directory').run();
      db2.close();
      const gone = SqliteStore.open(path);
      expect(await gone.detectorState.load()).toBeUndefined();
      expect(await gone.detectorState.describe()).toBeUndefined();
      await gone.close();
    });
  });
});
