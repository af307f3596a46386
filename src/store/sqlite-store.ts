import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { AccessEvent, DirectoryKind, EventLineRow, VersionLineRow } from '../domain/index.js';
import { RECORD_KINDS, formatTime } from '../domain/index.js';
import { StoreError } from './errors.js';
import type {
  AttributionRepository,
  BatchRepository,
  BatchSummary,
  DataKeyRepository,
  DetectorStateRepository,
  DirectoryRepository,
  EventRepository,
  FindingsRepository,
  GuardRepository,
  KeyDeletion,
  LedgerRepository,
  MetaRepository,
  PolicySetRepository,
  Store,
  StoreStats,
  TokenRepository,
} from './ports.js';
import {
  LATEST_SCHEMA_VERSION,
  SCHEMA_VERSIONS,
  checkSchema,
  migrate,
} from './sqlite-migrations.js';
import { SqliteLedgerRepository, type RecordRowChunk } from './sqlite-ledger.js';
import { SqliteTransaction, SqliteWriteStatements } from './sqlite-transaction.js';
import { SqliteGuard } from './sqlite-guard.js';
import { SqlitePolicySets, SqliteTokens } from './sqlite-trust.js';
import { createPrivately, isReadOnlyFile, sqliteFault } from './sqlite-file.js';
import { rowToEvent, type EventRow } from './sqlite-rows.js';
import { STATE_CHUNK_BYTES, SqliteDetectorState } from './sqlite-detector-state.js';
import { SqliteFindings } from './sqlite-findings.js';
import { SqliteAttribution } from './sqlite-attribution.js';
import { SqliteCases, holdsOn } from './sqlite-cases.js';
import type { CaseRepository } from './ports-cases.js';
import type { StreamPositionRepository } from './ports.js';
import { SqliteStreamPositions } from './sqlite-stream-positions.js';
import { SqliteCurrentDirectory } from './sqlite-directory-current.js';
import { keptStatements, rowsIn } from './sqlite-in.js';

export interface SqliteStoreOptions {
  /** Returns the current time as RFC 3339 (injected so that tests control the clock). */
  readonly now?: () => string;
  /**
   * Open for reading only: the file must exist and hold a Warden schema; nothing is migrated
   * or written. By default, read-only when the file or its folder is (`isReadOnlyFile`).
   */
  readonly readonly?: boolean;
  /** Refuse a path where no database exists (`NOT_FOUND`) instead of creating one there. */
  readonly mustExist?: boolean;
  /** A cap on the file's size in pages (SQLite `max_page_count`): writes past it fail as `DISK_FULL`. */
  readonly maxPages?: number;
  /**
   * The saved detection state's rows, at most this many bytes each (default `STATE_CHUNK_BYTES`):
   * smaller in tests, where a part of several rows must not take hundreds of MB. A positive
   * whole number, else `open` throws.
   */
  readonly stateChunkBytes?: number;
}

/**
 * The embedded default store: one SQLite file in WAL mode. Commits are fsynced
 * (`synchronous=FULL`), so an acknowledged batch survives a crash of the process or machine.
 */
export class SqliteStore implements Store {
  readonly events: EventRepository;
  readonly directory: DirectoryRepository;
  readonly ledger: LedgerRepository;
  readonly batches: BatchRepository;
  readonly dataKeys: DataKeyRepository;
  readonly findings: FindingsRepository;
  readonly guard: GuardRepository;
  readonly meta: MetaRepository;
  readonly detectorState: DetectorStateRepository;
  readonly tokens: TokenRepository;
  readonly policySets: PolicySetRepository;
  readonly attribution: AttributionRepository;
  readonly streamPositions: StreamPositionRepository;
  readonly cases: CaseRepository;
  private inTransaction = false;
  private readonly sqliteLedger: SqliteLedgerRepository;
  private readonly writeStatements: SqliteWriteStatements;
  private readonly current: SqliteCurrentDirectory;

  private constructor(
    private readonly db: Database.Database,
    /** The file, for messages. */
    readonly path: string,
    /** Writes are refused (`READ_ONLY`): the file or its folder is read-only. */
    readonly readOnly: boolean,
    /** The saved detection state's rows, at most this many bytes each. */
    private readonly stateChunkBytes: number,
  ) {
    const current = new SqliteCurrentDirectory(db);
    this.current = current;
    this.events = new SqliteEvents(db);
    this.writeStatements = new SqliteWriteStatements(db);
    this.directory = new SqliteDirectory(current);
    this.sqliteLedger = new SqliteLedgerRepository(db, current);
    this.ledger = this.sqliteLedger;
    this.batches = new SqliteBatches(db);
    this.dataKeys = new SqliteDataKeys(db);
    this.findings = new SqliteFindings(db);
    this.guard = new SqliteGuard(db);
    this.meta = new SqliteMeta(db, readOnly);
    this.detectorState = new SqliteDetectorState(db);
    this.tokens = new SqliteTokens(db);
    this.policySets = new SqlitePolicySets(db);
    this.attribution = new SqliteAttribution(db, current);
    this.streamPositions = new SqliteStreamPositions(db);
    this.cases = new SqliteCases(db, current);
  }

  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const now = options.now ?? (() => formatTime(Date.now()));
    const chunkBytes = options.stateChunkBytes ?? STATE_CHUNK_BYTES;
    // a row of no bytes would never finish writing a part
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1)
      throw new RangeError(`stateChunkBytes must be a positive whole number, not ${chunkBytes}`);
    const mustExist = options.readonly === true || options.mustExist === true;
    if (mustExist && !existsSync(path)) {
      throw new StoreError(
        'NOT_FOUND',
        `no database at ${path}: check --db or WARDEN_DB (this command never creates one)`,
      );
    }
    const readOnly = options.readonly ?? isReadOnlyFile(path);
    if (!readOnly) createPrivately(path);
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: readOnly, fileMustExist: mustExist });
      applyPragmas(db, readOnly);
      if (options.maxPages !== undefined) db.pragma(`max_page_count = ${options.maxPages}`);
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (cause) {
      throw (
        sqliteFault(cause, path) ??
        new StoreError('OPEN_FAILED', `cannot open ${path} as a Warden database`, { cause })
      );
    }
    try {
      if (readOnly) checkSchema(db, path);
      else migrate(db, now);
    } catch (error) {
      db.close();
      throw sqliteFault(error, path) ?? error;
    }
    return new SqliteStore(db, path, readOnly, chunkBytes);
  }

  static readonly schemaVersion = LATEST_SCHEMA_VERSION;
  /** Every migration's number (a gap is a number owned by a change not merged here). */
  static readonly schemaVersions = SCHEMA_VERSIONS;

  begin(): Promise<SqliteTransaction> {
    if (this.inTransaction) {
      return Promise.reject(new StoreError('BUSY', 'a write transaction is already open'));
    }
    if (this.readOnly) {
      return Promise.reject(
        new StoreError(
          'READ_ONLY',
          `${this.path} is read-only (the file or its folder): writes are refused, reads work; make both writable to write`,
        ),
      );
    }
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (cause) {
      return Promise.reject(
        sqliteFault(cause, this.path) ??
          new StoreError('BUSY', `${this.path}: another writer holds the database`, { cause }),
      );
    }
    this.inTransaction = true;
    return Promise.resolve(
      new SqliteTransaction(
        this.db,
        () => (this.inTransaction = false),
        this.writeStatements,
        this.stateChunkBytes,
      ),
    );
  }

  /**
   * The ledger's records in [`from`, `to`) as raw rows, a chunk at a time (see
   * `SqliteLedgerRepository.recordRowChunks`): for a reader on another thread.
   */
  recordRowChunks(
    from: number,
    to: number,
    skip: readonly (DirectoryKind | 'event')[] = [],
  ): Generator<RecordRowChunk> {
    return this.sqliteLedger.recordRowChunks(from, to, skip);
  }

  /** The `events` row at `leaf`, its columns apart: for a row text `eventFields` refuses. */
  eventLineRow(leaf: number): EventLineRow | undefined {
    return this.sqliteLedger.eventLineRow(leaf);
  }

  /** The `directory_versions` row at `leaf`: for a row text `versionFields` refuses. */
  versionLineRow(leaf: number): VersionLineRow | undefined {
    return this.sqliteLedger.versionLineRow(leaf);
  }

  stats(): Promise<StoreStats> {
    return Promise.resolve(readStats(this.db, this.current, this.sqliteLedger.sizeNow()));
  }

  close(): Promise<void> {
    if (this.inTransaction && this.db.inTransaction) this.db.exec('ROLLBACK');
    this.db.close();
    return Promise.resolve();
  }
}

class SqliteEvents implements EventRepository {
  constructor(private readonly db: Database.Database) {}
  count(): Promise<number> {
    return Promise.resolve(countOf(this.db, 'SELECT count(*) AS n FROM events'));
  }
  actorsOf(ids: readonly string[]): Promise<Map<string, string>> {
    const actors = new Map<string, string>();
    const rows = rowsIn<{ id: string; actor: string }>(
      keptStatements(this.db),
      'SELECT id, actor FROM events WHERE id IN',
      ids,
    );
    for (const row of rows) actors.set(row.id, row.actor);
    return Promise.resolve(actors);
  }
  byIds(ids: readonly string[]): Promise<Map<string, AccessEvent>> {
    const events = new Map<string, AccessEvent>();
    for (const row of rowsIn<EventRow>(
      keptStatements(this.db),
      'SELECT * FROM events WHERE id IN',
      ids,
    ))
      events.set(row.id, rowToEvent(row));
    return Promise.resolve(events);
  }
}

class SqliteDirectory implements DirectoryRepository {
  constructor(private readonly current: SqliteCurrentDirectory) {}
  count(kind: DirectoryKind): Promise<number> {
    return Promise.resolve(this.current.count(kind));
  }
  get(kind: DirectoryKind, key: string): Promise<string | undefined> {
    return Promise.resolve(this.current.payload(kind, key));
  }
  assignmentsOf(employeeId: string): Promise<string[]> {
    return Promise.resolve(this.current.assignmentPayloads(employeeId));
  }
  existing(kind: DirectoryKind, ids: readonly string[]): Promise<Set<string>> {
    return Promise.resolve(this.current.existing(kind, ids));
  }
}

class SqliteBatches implements BatchRepository {
  constructor(private readonly db: Database.Database) {}
  list(): Promise<(BatchSummary & { id: number })[]> {
    const rows = this.db
      .prepare(
        `SELECT id, source, started_at AS startedAt, finished_at AS finishedAt, records, events,
                duplicates, rejected, ledger_size AS ledgerSize FROM batches ORDER BY id`,
      )
      .all() as (BatchSummary & { id: number })[];
    return Promise.resolve(rows);
  }
}

/** Keys per look-up, and rows per INSERT, of `getWrappedKeys` and `putWrappedKeys`. */
const KEY_ROWS = 256;

class SqliteDataKeys implements DataKeyRepository {
  private readonly getStmt: Database.Statement;
  private readonly putStmt: Database.Statement;
  /** Per number of subjects or rows (up to `KEY_ROWS`): the look-up, the INSERT. */
  private readonly getMany = new Map<number, Database.Statement>();
  private readonly putMany = new Map<number, Database.Statement>();
  private readonly delStmt: Database.Statement;
  private readonly anyStmt: Database.Statement;
  constructor(private readonly db: Database.Database) {
    this.anyStmt = db.prepare('SELECT subject, wrapped FROM data_keys LIMIT 1');
    this.getStmt = db.prepare('SELECT wrapped FROM data_keys WHERE subject = ?').pluck();
    this.putStmt = db.prepare('INSERT OR REPLACE INTO data_keys (subject, wrapped) VALUES (?, ?)');
    this.delStmt = db.prepare('DELETE FROM data_keys WHERE subject = ?');
  }
  getWrappedKey(subject: string): Buffer | undefined {
    return this.getStmt.get(subject) as Buffer | undefined;
  }
  getWrappedKeys(subjects: readonly string[]): Map<string, Buffer> {
    const found = new Map<string, Buffer>();
    for (let at = 0; at < subjects.length; at += KEY_ROWS) {
      const part = subjects.slice(at, at + KEY_ROWS);
      let stmt = this.getMany.get(part.length);
      if (!stmt) {
        stmt = this.db
          .prepare(
            `SELECT subject, wrapped FROM data_keys WHERE subject IN (${Array(part.length).fill('?').join(',')})`,
          )
          .raw();
        this.getMany.set(part.length, stmt);
      }
      for (const [subject, wrapped] of stmt.all(part) as [string, Buffer][])
        found.set(subject, wrapped);
    }
    return found;
  }
  putWrappedKey(subject: string, wrapped: Buffer): void {
    this.putStmt.run(subject, wrapped);
  }
  putWrappedKeys(rows: readonly (readonly [subject: string, wrapped: Buffer])[]): void {
    const params: unknown[] = [];
    for (let at = 0; at < rows.length; at += KEY_ROWS) {
      const end = Math.min(at + KEY_ROWS, rows.length);
      params.length = 0;
      for (let i = at; i < end; i++) params.push(rows[i]![0], rows[i]![1]);
      let stmt = this.putMany.get(end - at);
      if (!stmt) {
        // OR REPLACE, in order, as one `putWrappedKey` after another (a subject twice: the last)
        stmt = this.db.prepare(
          `INSERT OR REPLACE INTO data_keys (subject, wrapped) VALUES ${Array(end - at)
            .fill('(?, ?)')
            .join(',')}`,
        );
        this.putMany.set(end - at, stmt);
      }
      stmt.run(params);
    }
  }
  deleteWrappedKeyUnlessHeld(subject: string): Promise<KeyDeletion> {
    try {
      // under the write lock (BEGIN IMMEDIATE, or a savepoint of this connection's open
      // transaction, which holds it already): no other connection can commit a hold between
      // the look-up and the delete
      return Promise.resolve(
        this.db
          .transaction(() => {
            const holds = holdsOn(this.db, subject);
            return { holds, deleted: holds.length === 0 && this.delStmt.run(subject).changes > 0 };
          })
          .immediate(),
      );
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
  someWrappedKey(): { subject: string; wrapped: Buffer } | undefined {
    return this.anyStmt.get() as { subject: string; wrapped: Buffer } | undefined;
  }
  holdsOn(subject: string): string[] {
    return holdsOn(this.db, subject);
  }
}

/** Facts about the database itself (`meta` rows), such as the check values of its keys. */
class SqliteMeta implements MetaRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly readOnly: boolean,
  ) {}
  get(name: string): Promise<string | undefined> {
    const value = this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(name);
    return Promise.resolve(value as string | undefined);
  }
  recordIfAbsent(entries: Readonly<Record<string, string>>): Promise<void> {
    const get = this.db.prepare('SELECT 1 FROM meta WHERE key = ?').pluck();
    const missing = Object.keys(entries).some((name) => get.get(name) === undefined);
    if (this.readOnly || !missing) return Promise.resolve(); // no write lock for nothing
    const insert = this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
    this.db
      .transaction(() => {
        for (const [name, value] of Object.entries(entries)) insert.run(name, value);
      })
      .immediate();
    return Promise.resolve();
  }
}

function countOf(db: Database.Database, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}

function readStats(
  db: Database.Database,
  current: SqliteCurrentDirectory,
  ledgerSize: number,
): StoreStats {
  const counts = Object.fromEntries(RECORD_KINDS.map((k) => [k, 0])) as StoreStats['counts'];
  for (const row of current.countsByKind()) counts[row.kind] = row.n;
  counts.event = countOf(db, 'SELECT count(*) AS n FROM events');
  const span = db.prepare('SELECT min(ts) AS first, max(ts) AS last FROM events').get() as {
    first: number | null;
    last: number | null;
  };
  const employeesBySite = current.employeesBySite();
  const eventsByAction = db
    .prepare('SELECT action, count(*) AS events FROM events GROUP BY action ORDER BY events DESC')
    .all() as StoreStats['eventsByAction'];
  const stats: { -readonly [K in keyof StoreStats]: StoreStats[K] } = {
    counts,
    employeesBySite,
    eventsByAction,
    ledgerSize,
    batches: countOf(db, 'SELECT count(*) AS n FROM batches'),
  };
  if (span.first !== null) stats.firstEventTime = formatTime(span.first);
  if (span.last !== null) stats.lastEventTime = formatTime(span.last);
  return stats;
}

/**
 * The settings of every connection to a Warden database: durable WAL writes, waiting for a
 * writer rather than failing, a 64 MiB page cache. Ledger tiles are 16 KiB blobs; on 32 KiB pages
 * each sits in one page instead of a chain of overflow pages (a proof's tile read drops from
 * ~100 µs to a few); the page size takes effect only when the file is new.
 */
export function applyPragmas(db: Database.Database, readOnly: boolean): void {
  if (!readOnly) {
    db.pragma('page_size = 32768');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
}
