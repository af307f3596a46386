import type Database from 'better-sqlite3';
import type {
  DetectorDirectoryState,
  DetectorState,
  DetectorStateHeader,
  DetectorStateRepository,
  DetectorStateUpdate,
} from './ports.js';

/** Bytes per chunk row: well under SQLite's blob limit, and a few pages each at 32 KiB. */
export const STATE_CHUNK_BYTES = 4 << 20;

interface StateRow {
  ledger_size: number;
  root_hash: Buffer;
  version: string;
  events: number;
  saved_at: string;
  bytes: number;
  chunks: number;
  mac: Buffer;
}

type DirectoryRow = Pick<StateRow, 'ledger_size' | 'bytes' | 'chunks' | 'mac'>;

/** The two parts' tables (migrations 5 and 9): a header row each, the bytes in numbered chunks. */
const PARTS = {
  engine: { header: 'detector_state', chunks: 'detector_state_chunks' },
  directory: { header: 'detector_directory', chunks: 'detector_directory_chunks' },
} as const;

/**
 * The detection state in SQLite. The store checks that each part's chunks add up to the length
 * and count recorded (a torn or truncated write); the MACs are the caller's to check.
 */
export class SqliteDetectorState implements DetectorStateRepository {
  constructor(private readonly db: Database.Database) {}

  describe(): Promise<DetectorStateHeader | undefined> {
    const h = this.rows();
    return Promise.resolve(h && header(h.state, h.directory));
  }

  load(): Promise<DetectorState | undefined> {
    const h = this.rows();
    if (!h) return Promise.resolve(undefined);
    const data = this.bytes(PARTS.engine.chunks, h.state);
    const dirData = this.bytes(PARTS.directory.chunks, h.directory);
    if (!data || !dirData) return Promise.resolve(undefined);
    const { directory, ...rest } = header(h.state, h.directory);
    return Promise.resolve({ ...rest, data, directory: { ...directory, data: dirData } });
  }

  clear(): Promise<void> {
    this.db.transaction(() => clearParts(this.db, true)).immediate();
    return Promise.resolve();
  }

  private rows(): { state: StateRow; directory: DirectoryRow } | undefined {
    const state = this.db.prepare('SELECT * FROM detector_state WHERE id = 1').get() as
      StateRow | undefined;
    const directory = this.db.prepare('SELECT * FROM detector_directory WHERE id = 1').get() as
      DirectoryRow | undefined;
    return state && directory ? { state, directory } : undefined;
  }

  private bytes(table: string, row: { bytes: number; chunks: number }): Buffer | undefined {
    const parts = this.db
      .prepare(`SELECT data FROM ${table} ORDER BY seq`)
      .pluck()
      .all() as Buffer[];
    const data = Buffer.concat(parts);
    return parts.length === row.chunks && data.length === row.bytes ? data : undefined;
  }
}

function header(s: StateRow, d: DirectoryRow): DetectorStateHeader {
  return {
    ledgerSize: s.ledger_size,
    rootHash: s.root_hash,
    version: s.version,
    events: s.events,
    savedAt: s.saved_at,
    mac: s.mac,
    directory: { ledgerSize: d.ledger_size, mac: d.mac },
  };
}

function clearParts(db: Database.Database, directory: boolean): void {
  for (const part of directory ? [PARTS.engine, PARTS.directory] : [PARTS.engine]) {
    db.prepare(`DELETE FROM ${part.header}`).run();
    db.prepare(`DELETE FROM ${part.chunks}`).run();
  }
}

function writeChunks(db: Database.Database, table: string, data: Buffer): number {
  const insert = db.prepare(`INSERT INTO ${table} (seq, data) VALUES (?, ?)`);
  let chunks = 0;
  for (let at = 0; at < data.length; at += STATE_CHUNK_BYTES)
    insert.run(chunks++, data.subarray(at, at + STATE_CHUNK_BYTES));
  return chunks;
}

function writeDirectory(db: Database.Database, d: DetectorDirectoryState): void {
  const chunks = writeChunks(db, PARTS.directory.chunks, d.data);
  db.prepare(
    'INSERT INTO detector_directory (id, ledger_size, bytes, chunks, mac) VALUES (1, ?, ?, ?, ?)',
  ).run(d.ledgerSize, d.data.length, chunks, d.mac);
}

/**
 * Replaces the state inside the caller's transaction: header and chunks land together. Without
 * a directory part, the stored one is kept (the caller's MAC of the rest binds it).
 */
export function writeDetectorState(db: Database.Database, s: DetectorStateUpdate): void {
  clearParts(db, s.directory !== undefined);
  if (s.directory) writeDirectory(db, s.directory);
  const chunks = writeChunks(db, PARTS.engine.chunks, s.data);
  db.prepare(
    `INSERT INTO detector_state (id, ledger_size, root_hash, version, events, saved_at, bytes, chunks, mac)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(s.ledgerSize, s.rootHash, s.version, s.events, s.savedAt, s.data.length, chunks, s.mac);
}
