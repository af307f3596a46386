import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { DetectorState, DetectorStateRepository } from './ports.js';

/** Bytes per chunk row: well under SQLite's blob limit, and a few pages each at 32 KiB. */
export const STATE_CHUNK_BYTES = 4 << 20;

interface HeaderRow {
  ledger_size: number;
  root_hash: Buffer;
  version: string;
  events: number;
  saved_at: string;
  bytes: number;
  chunks: number;
  sha256: Buffer;
}

type Header = Omit<DetectorState, 'data'> & { bytes: number; chunks: number; sha256: Buffer };

/** The detection state in SQLite: a header row and the bytes in numbered chunks (migration 5). */
export class SqliteDetectorState implements DetectorStateRepository {
  constructor(private readonly db: Database.Database) {}

  describe(): Promise<Omit<DetectorState, 'data'> | undefined> {
    const h = this.header();
    if (!h) return Promise.resolve(undefined);
    const { bytes: _b, chunks: _c, sha256: _s, ...described } = h;
    return Promise.resolve(described);
  }

  load(): Promise<DetectorState | undefined> {
    const h = this.header();
    if (!h) return Promise.resolve(undefined);
    const parts = this.db
      .prepare('SELECT data FROM detector_state_chunks ORDER BY seq')
      .pluck()
      .all() as Buffer[];
    const data = Buffer.concat(parts);
    const whole =
      parts.length === h.chunks &&
      data.length === h.bytes &&
      createHash('sha256').update(data).digest().equals(h.sha256);
    if (!whole) return Promise.resolve(undefined);
    const { bytes: _b, chunks: _c, sha256: _s, ...rest } = h;
    return Promise.resolve({ ...rest, data });
  }

  clear(): Promise<void> {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM detector_state').run();
        this.db.prepare('DELETE FROM detector_state_chunks').run();
      })
      .immediate();
    return Promise.resolve();
  }

  private header(): Header | undefined {
    const row = this.db.prepare('SELECT * FROM detector_state WHERE id = 1').get() as
      HeaderRow | undefined;
    if (!row) return undefined;
    return {
      ledgerSize: row.ledger_size,
      rootHash: row.root_hash,
      version: row.version,
      events: row.events,
      savedAt: row.saved_at,
      bytes: row.bytes,
      chunks: row.chunks,
      sha256: row.sha256,
    };
  }
}

/** Replaces the state inside the caller's transaction: header and chunks land together. */
export function writeDetectorState(db: Database.Database, s: DetectorState): void {
  db.prepare('DELETE FROM detector_state').run();
  db.prepare('DELETE FROM detector_state_chunks').run();
  const insert = db.prepare('INSERT INTO detector_state_chunks (seq, data) VALUES (?, ?)');
  let chunks = 0;
  for (let at = 0; at < s.data.length; at += STATE_CHUNK_BYTES)
    insert.run(chunks++, s.data.subarray(at, at + STATE_CHUNK_BYTES));
  db.prepare(
    `INSERT INTO detector_state (id, ledger_size, root_hash, version, events, saved_at, bytes, chunks, sha256)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.ledgerSize,
    s.rootHash,
    s.version,
    s.events,
    s.savedAt,
    s.data.length,
    chunks,
    createHash('sha256').update(s.data).digest(),
  );
}
