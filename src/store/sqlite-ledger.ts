import type Database from 'better-sqlite3';
import {
  type DirectoryKind,
  type InterchangeRecord,
  type LeafRow,
  type VersionLineRow,
} from '../domain/index.js';
import type { LeafRecord, LedgerRepository, StoredCheckpoint, StoredTile } from './ports.js';
import {
  EVENT_COLUMNS,
  EVENT_LINE_COLUMNS,
  FEED_EVENT_TEXT,
  FEED_VERSION_TEXT,
  eventRecord,
  feedLeaf,
  mergeRows,
  rawEventRecord,
  type EventLineRow,
  type EventRow,
} from './sqlite-rows.js';
import type { SqliteCurrentDirectory } from './sqlite-directory-current.js';

/** Leaves per read of a range (`records`, `recordChunks`, `recordRowChunks`: their chunks). */
export const RANGE = 10_000;

/** The ledger's storage in SQLite: tiles, checkpoints, and records in leaf order. */
export class SqliteLedgerRepository implements LedgerRepository {
  private readonly tileStmt: Database.Statement;
  private readonly sizeStmt: Database.Statement;
  private eventLineStmt: Database.Statement | undefined;
  private versionLineStmt: Database.Statement | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly current: SqliteCurrentDirectory,
  ) {
    this.tileStmt = db.prepare('SELECT data FROM ledger_tiles WHERE id = ?').pluck();
    this.sizeStmt = db.prepare("SELECT value FROM meta WHERE key = 'ledger.size'").pluck();
  }

  sizeNow(): number {
    const value = this.sizeStmt.get() as string | undefined;
    return value === undefined ? 0 : Number(value);
  }

  size(): Promise<number> {
    return Promise.resolve(this.sizeNow());
  }

  getTile(tileLevel: number, tileIndex: number): Promise<Buffer | undefined> {
    return Promise.resolve(this.getTileNow(tileLevel, tileIndex));
  }

  getTileNow(tileLevel: number, tileIndex: number): Buffer | undefined {
    return this.tileStmt.get(tileId(tileLevel, tileIndex)) as Buffer | undefined;
  }

  async *tiles(): AsyncIterable<StoredTile> {
    const stmt = this.db.prepare(
      `SELECT tile_level AS tileLevel, tile_index AS tileIndex, data FROM ledger_tiles
       ORDER BY id`,
    );
    for (const row of stmt.all() as StoredTile[]) yield await Promise.resolve(row);
  }

  /**
   * Events and directory versions share one leaf numbering; both tables are read in leaf
   * ranges and merged, so that a gap (a deleted record) or an extra leaf shows as such.
   */
  async *records(from = 0): AsyncIterable<LeafRecord> {
    const maxLeaf = this.maxLeaf();
    if (maxLeaf === null) return;
    const events = this.db.prepare(
      'SELECT * FROM events WHERE leaf >= ? AND leaf < ? ORDER BY leaf',
    );
    const versions = this.db.prepare(
      'SELECT leaf, kind, payload FROM directory_versions WHERE leaf >= ? AND leaf < ? ORDER BY leaf',
    );
    for (let lo = from; lo <= maxLeaf; lo += RANGE) {
      const merged: LeafRecord[] = [];
      for (const row of events.all(lo, lo + RANGE) as EventRow[]) {
        merged.push({ leaf: row.leaf, record: eventRecord(row) });
      }
      for (const row of versions.all(lo, lo + RANGE) as VersionRow[]) {
        merged.push({ leaf: row.leaf, record: versionRecord(row) });
      }
      merged.sort((a, b) => a.leaf - b.leaf);
      for (const r of merged) yield r;
      await Promise.resolve();
    }
  }

  /**
   * Every stored record in leaf order as the raw row its interchange line is written from, a
   * range of leaves at a time: the two tables' rows merged as read (on a leaf held twice, the
   * event first, as `records` orders them), no line written.
   */
  async *leafRows(from = 0): AsyncIterable<readonly LeafRow[]> {
    const maxLeaf = this.maxLeaf();
    if (maxLeaf === null) return;
    const events = this.db
      .prepare(
        `SELECT ${EVENT_LINE_COLUMNS} FROM events WHERE leaf >= ? AND leaf < ? ORDER BY leaf`,
      )
      .raw();
    const versions = this.db
      .prepare(
        'SELECT leaf, kind, payload FROM directory_versions WHERE leaf >= ? AND leaf < ? ORDER BY leaf',
      )
      .raw();
    for (let lo = from; lo <= maxLeaf; lo += RANGE) {
      yield mergeRows(
        events.all(lo, lo + RANGE) as EventLineRow[],
        versions.all(lo, lo + RANGE) as [number, string, string][],
      );
      await Promise.resolve();
    }
  }

  async *recordChunks(
    from: number,
    to: number,
    skip: readonly (DirectoryKind | 'event')[] = [],
  ): AsyncIterable<readonly LeafRecord[]> {
    const noEvents = skip.includes('event');
    const kinds = skip.filter((k) => k !== 'event');
    const events = this.db
      .prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE leaf >= ? AND leaf < ? ORDER BY leaf`)
      .raw();
    const notIn = kinds.length > 0 ? ` AND kind NOT IN (${kinds.map(() => '?').join(',')})` : '';
    const versions = this.db
      .prepare(
        `SELECT leaf, kind, payload FROM directory_versions WHERE leaf >= ? AND leaf < ?${notIn} ORDER BY leaf`,
      )
      .raw();
    for (let lo = from; lo < to; lo += RANGE) {
      const hi = Math.min(to, lo + RANGE);
      const chunk = mergeByLeaf(
        noEvents ? [] : (events.all(lo, hi) as unknown[][]),
        versions.all(lo, hi, ...kinds) as unknown[][],
      );
      if (chunk.length > 0) yield chunk;
      await Promise.resolve();
    }
  }

  /**
   * The rows of `recordChunks(from, to, skip)` merged in its order (on a leaf held twice, the
   * version first), a chunk at a time, each as one text (`FEED_EVENT_TEXT`,
   * `FEED_VERSION_TEXT`); nothing parsed: for the detection feed's reader, which encodes them
   * for another thread.
   */
  *recordRowChunks(
    from: number,
    to: number,
    skip: readonly (DirectoryKind | 'event')[] = [],
  ): Generator<RecordRowChunk> {
    const kinds = skip.filter((k) => k !== 'event');
    const noEvents = skip.includes('event');
    const notIn = kinds.length > 0 ? ` AND kind NOT IN (${kinds.map(() => '?').join(',')})` : '';
    const events = this.db
      .prepare(`SELECT ${FEED_EVENT_TEXT} FROM events WHERE leaf >= ? AND leaf < ? ORDER BY leaf`)
      .pluck();
    const versions = this.db
      .prepare(
        `SELECT ${FEED_VERSION_TEXT} FROM directory_versions WHERE leaf >= ? AND leaf < ?${notIn} ORDER BY leaf`,
      )
      .pluck();
    for (let lo = from; lo < to; lo += RANGE) {
      const hi = Math.min(to, lo + RANGE);
      const rows = mergeTextsByLeaf(
        noEvents ? [] : (events.all(lo, hi) as string[]),
        versions.all(lo, hi, ...kinds) as string[],
      );
      if (rows.length > 0) yield { rows, last: feedLeaf(rows[rows.length - 1]!), from: lo, to: hi };
    }
  }

  /** The `events` row at `leaf`, its columns apart (`eventLine`'s): for a text `eventFields` refuses. */
  eventLineRow(leaf: number): EventLineRow | undefined {
    return (this.eventLineStmt ??= this.db
      .prepare(`SELECT ${EVENT_LINE_COLUMNS} FROM events WHERE leaf = ?`)
      .raw()).get(leaf) as EventLineRow | undefined;
  }

  /** The `directory_versions` row at `leaf`: for a text `versionFields` refuses. */
  versionLineRow(leaf: number): VersionLineRow | undefined {
    return (this.versionLineStmt ??= this.db
      .prepare('SELECT leaf, kind, payload FROM directory_versions WHERE leaf = ?')
      .raw()).get(leaf) as VersionLineRow | undefined;
  }

  private maxLeaf(): number | null {
    return this.db
      .prepare(
        'SELECT max(m) FROM (SELECT max(leaf) AS m FROM events UNION ALL SELECT max(leaf) FROM directory_versions)',
      )
      .pluck()
      .get() as number | null;
  }

  leafOf(recordId: string): Promise<number | undefined> {
    const event = this.db.prepare('SELECT leaf FROM events WHERE id = ?').pluck().get(recordId) as
      number | undefined;
    if (event !== undefined) return Promise.resolve(event);
    const sep = recordId.indexOf(':');
    if (sep < 0) return Promise.resolve(undefined);
    return Promise.resolve(this.current.leafOf(recordId.slice(0, sep), recordId.slice(sep + 1)));
  }

  checkpoints(): Promise<StoredCheckpoint[]> {
    return Promise.resolve(
      this.db
        .prepare(
          'SELECT size, root_hash AS rootHash, note, created_at AS createdAt FROM ledger_checkpoints ORDER BY id',
        )
        .all() as StoredCheckpoint[],
    );
  }

  latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    return Promise.resolve(
      this.db
        .prepare(
          'SELECT size, root_hash AS rootHash, note, created_at AS createdAt FROM ledger_checkpoints ORDER BY id DESC LIMIT 1',
        )
        .get() as StoredCheckpoint | undefined,
    );
  }

  staleCurrentPointers(): Promise<{ kind: DirectoryKind; key: string; leaf: number }[]> {
    return Promise.resolve(this.current.stalePointers());
  }
}

/** Two row lists in leaf order (events, directory versions), merged into one. */
function mergeByLeaf(events: unknown[][], versions: unknown[][]): LeafRecord[] {
  const out: LeafRecord[] = new Array<LeafRecord>(events.length + versions.length);
  let e = 0;
  let v = 0;
  for (let i = 0; i < out.length; i++) {
    const ev = events[e];
    const ve = versions[v];
    if (ve === undefined || (ev !== undefined && (ev[0] as number) < (ve[0] as number))) {
      out[i] = { leaf: ev![0] as number, record: rawEventRecord(ev!) };
      e++;
    } else {
      const body = JSON.parse(ve[2] as string) as unknown;
      out[i] = { leaf: ve[0] as number, record: { kind: ve[1], body } as InterchangeRecord };
      v++;
    }
  }
  return out;
}

/** `mergeByLeaf` over row texts (`feedLeaf`): on a leaf held twice, the version first. */
function mergeTextsByLeaf(events: string[], versions: string[]): string[] {
  if (versions.length === 0) return events;
  if (events.length === 0) return versions;
  const out = new Array<string>(events.length + versions.length);
  let e = 0;
  let v = 0;
  let eventLeaf = feedLeaf(events[0]!);
  let versionLeaf = feedLeaf(versions[0]!);
  for (let i = 0; i < out.length; i++) {
    if (v === versions.length || (e < events.length && eventLeaf < versionLeaf)) {
      out[i] = events[e++]!;
      if (e < events.length) eventLeaf = feedLeaf(events[e]!);
    } else {
      out[i] = versions[v++]!;
      if (v < versions.length) versionLeaf = feedLeaf(versions[v]!);
    }
  }
  return out;
}

/** A chunk of raw rows (`recordRowChunks`). */
export interface RecordRowChunk {
  /** Its rows' texts in leaf order (`FEED_EVENT_TEXT`, `FEED_VERSION_TEXT`). */
  readonly rows: readonly string[];
  /** The leaf of its last record. */
  readonly last: number;
  /** The leaves it covers, [from, to). */
  readonly from: number;
  readonly to: number;
}

interface VersionRow {
  leaf: number;
  kind: DirectoryKind;
  payload: string;
}

function versionRecord(row: VersionRow): InterchangeRecord {
  const body = JSON.parse(row.payload) as unknown;
  return { kind: row.kind, body } as InterchangeRecord;
}

/** The key of a tile: levels stay below 7 and indices below 2^45 in a log of 2^53 leaves. */
export function tileId(tileLevel: number, tileIndex: number): number {
  return tileLevel * 2 ** 48 + tileIndex;
}
