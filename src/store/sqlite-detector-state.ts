import type Database from 'better-sqlite3';
import type {
  DetectorDirectoryState,
  DetectorState,
  DetectorStateHeader,
  DetectorStateRepository,
  DetectorStateUpdate,
} from './ports.js';

/**
 * Bytes per chunk row, by default: well under SQLite's blob limit (10^9), and above the parts
 * of the presets' states (the large one's directory part is ~56 MB), so that a part is read as
 * one value: one of several must be joined, a copy of the whole part into fresh memory (~10 ms
 * of a medium resume's 22 MB, BENCHMARKS.md).
 */
export const STATE_CHUNK_BYTES = 64 << 20;

interface StateRow {
  ledger_size: number;
  root_hash: Buffer;
  version: string;
  events: number;
  saved_at: string;
  bytes: number;
  chunks: number;
  mac: Buffer;
  directory_slot: DirectorySlot;
}

type DirectoryRow = Pick<StateRow, 'ledger_size' | 'bytes' | 'chunks' | 'mac'>;

/**
 * The directory part's two slots (migration 11): the saved state names one; a new part goes
 * into the other (`stageDetectorDirectory`), so that the one named stays whole until the state
 * naming the new one is committed.
 */
export type DirectorySlot = 1 | 2;

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
    const data = bytes(
      h.state,
      this.db.prepare('SELECT data FROM detector_state_chunks ORDER BY seq'),
    );
    const dirData = bytes(
      h.directory,
      this.db.prepare('SELECT data FROM detector_directory_chunks WHERE slot = ? ORDER BY seq'),
      h.state.directory_slot,
    );
    if (!data || !dirData) return Promise.resolve(undefined);
    const { directory, ...rest } = header(h.state, h.directory);
    return Promise.resolve({ ...rest, data, directory: { ...directory, data: dirData } });
  }

  clear(): Promise<void> {
    this.db
      .transaction(() => {
        clearEnginePart(this.db);
        this.db.prepare('DELETE FROM detector_directory').run();
        this.db.prepare('DELETE FROM detector_directory_chunks').run();
      })
      .immediate();
    return Promise.resolve();
  }

  private rows(): { state: StateRow; directory: DirectoryRow } | undefined {
    const state = this.db.prepare('SELECT * FROM detector_state WHERE id = 1').get() as
      StateRow | undefined;
    const directory =
      state &&
      (this.db
        .prepare('SELECT * FROM detector_directory WHERE id = ?')
        .get(state.directory_slot) as DirectoryRow | undefined);
    return state && directory ? { state, directory } : undefined;
  }
}

/** A part's bytes from its chunks, or undefined when they do not add up to its header's. */
function bytes(
  row: { bytes: number; chunks: number },
  select: Database.Statement,
  ...params: number[]
): Buffer | undefined {
  const parts = select.pluck().all(...params) as Buffer[];
  const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return parts.length === row.chunks && data.length === row.bytes ? data : undefined;
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

function clearEnginePart(db: Database.Database): void {
  db.prepare('DELETE FROM detector_state').run();
  db.prepare('DELETE FROM detector_state_chunks').run();
}

function clearSlot(db: Database.Database, slot: DirectorySlot): void {
  db.prepare('DELETE FROM detector_directory WHERE id = ?').run(slot);
  db.prepare('DELETE FROM detector_directory_chunks WHERE slot = ?').run(slot);
}

/** The slot the saved state names, if there is a saved state. */
function namedSlot(db: Database.Database): DirectorySlot | undefined {
  return db.prepare('SELECT directory_slot FROM detector_state WHERE id = 1').pluck().get() as
    DirectorySlot | undefined;
}

/** Writes `data` in chunks of `chunkBytes` through `insert(seq, chunk)`; their count. */
function writeChunks(
  data: Buffer,
  chunkBytes: number,
  insert: (seq: number, chunk: Buffer) => void,
): number {
  let chunks = 0;
  for (let at = 0; at < data.length; at += chunkBytes)
    insert(chunks++, data.subarray(at, at + chunkBytes));
  return chunks;
}

/**
 * Writes a directory part into the slot the saved state does not name (whatever was there is
 * dropped), inside the caller's transaction, and answers that slot: the saved state is left as
 * it was, and `writeDetectorState` with this slot makes the part the one named.
 */
export function stageDetectorDirectory(
  db: Database.Database,
  d: DetectorDirectoryState,
  chunkBytes: number,
): DirectorySlot {
  const slot: DirectorySlot = namedSlot(db) === 1 ? 2 : 1;
  clearSlot(db, slot);
  const insert = db.prepare(
    'INSERT INTO detector_directory_chunks (slot, seq, data) VALUES (?, ?, ?)',
  );
  const chunks = writeChunks(d.data, chunkBytes, (seq, chunk) => insert.run(slot, seq, chunk));
  db.prepare(
    'INSERT INTO detector_directory (id, ledger_size, bytes, chunks, mac) VALUES (?, ?, ?, ?, ?)',
  ).run(slot, d.ledgerSize, d.data.length, chunks, d.mac);
  return slot;
}

/** A directory part staged earlier (`stageDetectorDirectory`): its slot and its MAC. */
export interface StagedDirectory {
  readonly slot: DirectorySlot;
  readonly mac: Buffer;
}

/**
 * Replaces the state inside the caller's transaction: header and chunks land together. With a
 * directory part, that part is written (`stageDetectorDirectory`) and named; with `staged`
 * instead, the part staged earlier is named; with neither, the stored one is kept (the caller's
 * MAC of the rest binds it). The other slot is emptied: after a save, only the part named is
 * stored. `false`, nothing written, when the staged slot no longer holds the part staged (a
 * run beside this one staged its own there): the state saved stays as it was.
 */
export function writeDetectorState(
  db: Database.Database,
  s: DetectorStateUpdate,
  chunkBytes: number,
  staged?: StagedDirectory,
): boolean {
  if (staged !== undefined) {
    const mac = db
      .prepare('SELECT mac FROM detector_directory WHERE id = ?')
      .pluck()
      .get(staged.slot) as Buffer | undefined;
    if (mac === undefined || !mac.equals(staged.mac)) return false;
  }
  const slot = s.directory
    ? stageDetectorDirectory(db, s.directory, chunkBytes)
    : (staged?.slot ?? namedSlot(db) ?? 1);
  clearEnginePart(db);
  clearSlot(db, slot === 1 ? 2 : 1);
  const insert = db.prepare('INSERT INTO detector_state_chunks (seq, data) VALUES (?, ?)');
  const chunks = writeChunks(s.data, chunkBytes, (seq, chunk) => insert.run(seq, chunk));
  db.prepare(
    `INSERT INTO detector_state (id, ledger_size, root_hash, version, events, saved_at, bytes, chunks, mac, directory_slot)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.ledgerSize,
    s.rootHash,
    s.version,
    s.events,
    s.savedAt,
    s.data.length,
    chunks,
    s.mac,
    slot,
  );
  return true;
}
