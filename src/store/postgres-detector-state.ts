import type {
  DetectorDirectoryState,
  DetectorState,
  DetectorStateHeader,
  DetectorStateRepository,
  DetectorStateUpdate,
} from './ports.js';
import type { PgConnection } from './postgres-connection.js';

/** Bytes per chunk row (as on SQLite). */
const STATE_CHUNK_BYTES = 4 << 20;

interface StateRow {
  ledgerSize: number;
  rootHash: Buffer;
  version: string;
  events: number;
  savedAt: string;
  bytes: number;
  chunks: number;
  mac: Buffer;
}

type DirectoryRow = Pick<StateRow, 'ledgerSize' | 'bytes' | 'chunks' | 'mac'>;

/** The two parts' tables (migrations 2 and 5): a header row each, the bytes in numbered chunks. */
const PARTS = {
  engine: { header: 'detector_state', chunks: 'detector_state_chunks' },
  directory: { header: 'detector_directory', chunks: 'detector_directory_chunks' },
} as const;

/**
 * The detection state on PostgreSQL, as `SqliteDetectorState` keeps it: the store checks that
 * each part's chunks add up to the length and count recorded (a torn write); the MACs are the
 * caller's to check.
 */
export class PgDetectorState implements DetectorStateRepository {
  constructor(
    private readonly c: PgConnection,
    /** Runs statements in a transaction of their own (or the one open). */
    private readonly atomically: <T>(f: () => Promise<T>) => Promise<T>,
  ) {}

  async describe(): Promise<DetectorStateHeader | undefined> {
    const h = await this.rows();
    return h && header(h.state, h.directory);
  }

  async load(): Promise<DetectorState | undefined> {
    const h = await this.rows();
    if (!h) return undefined;
    const data = await this.bytes(PARTS.engine.chunks, h.state);
    const dirData = await this.bytes(PARTS.directory.chunks, h.directory);
    if (!data || !dirData) return undefined;
    const { directory, ...rest } = header(h.state, h.directory);
    return { ...rest, data, directory: { ...directory, data: dirData } };
  }

  clear(): Promise<void> {
    return this.atomically(() => clearParts(this.c, true));
  }

  private async rows(): Promise<{ state: StateRow; directory: DirectoryRow } | undefined> {
    const [state] = await this.c.rows<StateRow>(
      `SELECT ledger_size AS "ledgerSize", root_hash AS "rootHash", version, events,
              saved_at AS "savedAt", bytes, chunks, mac FROM detector_state WHERE id = 1`,
    );
    const [directory] = await this.c.rows<DirectoryRow>(
      `SELECT ledger_size AS "ledgerSize", bytes, chunks, mac FROM detector_directory WHERE id = 1`,
    );
    return state && directory ? { state, directory } : undefined;
  }

  private async bytes(table: string, row: DirectoryRow): Promise<Buffer | undefined> {
    const parts = (await this.c.arrays<[Buffer]>(`SELECT data FROM ${table} ORDER BY seq`)).map(
      ([d]) => d,
    );
    const data = Buffer.concat(parts);
    return parts.length === row.chunks && data.length === row.bytes ? data : undefined;
  }
}

function header(s: StateRow, d: DirectoryRow): DetectorStateHeader {
  const { bytes: _b, chunks: _c, ...rest } = s;
  return { ...rest, directory: { ledgerSize: d.ledgerSize, mac: d.mac } };
}

async function clearParts(c: PgConnection, directory: boolean): Promise<void> {
  for (const part of directory ? [PARTS.engine, PARTS.directory] : [PARTS.engine]) {
    await c.run(`DELETE FROM ${part.header}`);
    await c.run(`DELETE FROM ${part.chunks}`);
  }
}

async function writeChunks(c: PgConnection, table: string, data: Buffer): Promise<number> {
  let chunks = 0;
  for (let at = 0; at < data.length; at += STATE_CHUNK_BYTES) {
    await c.run(`INSERT INTO ${table} (seq, data) VALUES ($1, $2)`, [
      chunks++,
      data.subarray(at, at + STATE_CHUNK_BYTES),
    ]);
  }
  return chunks;
}

async function writeDirectory(c: PgConnection, d: DetectorDirectoryState): Promise<void> {
  const chunks = await writeChunks(c, PARTS.directory.chunks, d.data);
  await c.run(
    'INSERT INTO detector_directory (id, ledger_size, bytes, chunks, mac) VALUES (1, $1, $2, $3, $4)',
    [d.ledgerSize, d.data.length, chunks, d.mac],
  );
}

/**
 * Replaces the state inside the caller's transaction: header and chunks land together. Without
 * a directory part, the stored one is kept (the caller's MAC of the rest binds it).
 */
export async function writeDetectorState(c: PgConnection, s: DetectorStateUpdate): Promise<void> {
  await clearParts(c, s.directory !== undefined);
  if (s.directory) await writeDirectory(c, s.directory);
  const chunks = await writeChunks(c, PARTS.engine.chunks, s.data);
  await c.run(
    `INSERT INTO detector_state (id, ledger_size, root_hash, version, events, saved_at, bytes, chunks, mac)
     VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)`,
    [s.ledgerSize, s.rootHash, s.version, s.events, s.savedAt, s.data.length, chunks, s.mac],
  );
}
