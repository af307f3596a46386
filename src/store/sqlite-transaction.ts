import type Database from 'better-sqlite3';
import type { AccessEvent, DirectoryKind } from '../domain/index.js';
import { StoreError } from './errors.js';
import type {
  AliasIssue,
  DetectorDirectoryState,
  DetectorStateUpdate,
  EmailHash,
  StoredApproval,
  StoredFindings,
  StoredPolicySet,
  StoredToken,
  BatchSummary,
  StoreTransaction,
  StoredCheckpoint,
  StoredDirectoryVersion,
  StoredTile,
} from './ports.js';
import { SqliteDirectoryWriter } from './sqlite-directory-writer.js';
import { SqliteEventWriter } from './sqlite-event-writer.js';
import { SqliteGuardWriter } from './sqlite-guard.js';
import { SqliteTrustWriter } from './sqlite-trust.js';
import { tileId } from './sqlite-ledger.js';
import {
  stageDetectorDirectory,
  writeDetectorState,
  type StagedDirectory,
} from './sqlite-detector-state.js';
import { writeFindings } from './sqlite-findings.js';
import { SqliteAttributionWriter } from './sqlite-attribution.js';
import type { StreamPosition } from './ports.js';
import { putStreamPositions } from './sqlite-stream-positions.js';
import {
  SqliteCasesWriter,
  deleteErasureRequest,
  outboxAttempt,
  putAccess,
  putErasureRequest,
  putOutbox,
  putAppeal,
} from './sqlite-cases.js';
import type {
  AlertTriage,
  CaseMember,
  CaseNote,
  AccessState,
  ErasureRequest,
  OutboxCommand,
  Appeal,
  StoredCase,
} from './ports-cases.js';

/**
 * The statements a store's write transactions share, prepared once per connection rather than
 * once per transaction (the event writer's 64-row INSERT and 500-id look-up cost about a
 * millisecond to prepare: a batch of the HTTP route paid it every time). They hold no state of
 * a transaction.
 */
export class SqliteWriteStatements {
  private eventWriter: SqliteEventWriter | undefined;
  private tile: Database.Statement | undefined;

  constructor(private readonly db: Database.Database) {}

  get events(): SqliteEventWriter {
    this.eventWriter ??= new SqliteEventWriter(this.db);
    return this.eventWriter;
  }

  get putTile(): Database.Statement {
    this.tile ??= this.db.prepare(
      'INSERT OR REPLACE INTO ledger_tiles (id, tile_level, tile_index, data) VALUES (?, ?, ?, ?)',
    );
    return this.tile;
  }
}

/** The one open write transaction (`BEGIN IMMEDIATE` … `COMMIT`) of a SQLite store. */
export class SqliteTransaction implements StoreTransaction {
  private open = true;
  private directoryWriter: SqliteDirectoryWriter | undefined;
  private guardWriter: SqliteGuardWriter | undefined;
  private trustWriter: SqliteTrustWriter | undefined;
  private attributionWriter: SqliteAttributionWriter | undefined;
  private casesWriter: SqliteCasesWriter | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly onEnd: () => void,
    private readonly shared: SqliteWriteStatements,
    /** The saved detection state's rows, at most this many bytes each (`SqliteStoreOptions`). */
    private readonly stateChunkBytes: number,
  ) {}

  /** The directory writer keeps state of this transaction (see `SqliteDirectoryWriter`): its own. */
  private get directory(): SqliteDirectoryWriter {
    this.directoryWriter ??= new SqliteDirectoryWriter(this.db);
    return this.directoryWriter;
  }

  insertEvents(events: readonly AccessEvent[], firstLeaf: number): Promise<boolean[]> {
    return this.step(() => this.shared.events.insert(events, firstLeaf));
  }

  insertDirectoryVersions(versions: readonly StoredDirectoryVersion[]): Promise<void> {
    return this.step(() => this.directory.insert(versions));
  }

  currentPayloads(kind: DirectoryKind, keys: readonly string[]): Promise<Map<string, string>> {
    return this.step(() => this.directory.currentPayloads(kind, keys));
  }

  putTiles(tiles: readonly StoredTile[]): Promise<void> {
    return this.step(() => {
      const putTile = this.shared.putTile;
      for (const t of tiles)
        putTile.run(tileId(t.tileLevel, t.tileIndex), t.tileLevel, t.tileIndex, t.data);
    });
  }

  setLedgerSize(size: number): Promise<void> {
    return this.step(() => {
      this.db
        .prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('ledger.size', ?)")
        .run(String(size));
    });
  }

  putCheckpoint(c: StoredCheckpoint): Promise<void> {
    return this.step(() => {
      this.db
        .prepare(
          'INSERT INTO ledger_checkpoints (size, root_hash, note, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(c.size, c.rootHash, c.note, c.createdAt);
    });
  }

  recordBatch(b: BatchSummary): Promise<void> {
    return this.step(() => {
      this.db
        .prepare(
          `INSERT INTO batches (source, started_at, finished_at, records, events, duplicates, rejected, ledger_size)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          b.source,
          b.startedAt,
          b.finishedAt,
          b.records,
          b.events,
          b.duplicates,
          b.rejected,
          b.ledgerSize,
        );
    });
  }

  putApproval(approval: StoredApproval): Promise<void> {
    return this.step(() => this.guard().putApproval(approval));
  }

  recordAliasIssue(issue: AliasIssue): Promise<void> {
    return this.step(() => this.guard().recordAliasIssue(issue));
  }

  putDetectorState(state: DetectorStateUpdate): Promise<void> {
    return this.step(() => {
      writeDetectorState(this.db, state, this.stateChunkBytes);
    });
  }

  /**
   * A detection state's directory part, written beside the saved state without touching it
   * (its own transaction's commit makes it durable): a later `putStagedDetectorState` names it.
   */
  stageDetectorDirectory(directory: DetectorDirectoryState): Promise<StagedDirectory> {
    return this.step(() => ({
      slot: stageDetectorDirectory(this.db, directory, this.stateChunkBytes),
      mac: directory.mac,
    }));
  }

  /**
   * `putDetectorState` naming the directory part `staged` (whose MAC the rest's binds);
   * `false`, nothing written, when that part is no longer there as staged (another run staged
   * its own in its place since).
   */
  putStagedDetectorState(
    state: Omit<DetectorStateUpdate, 'directory'>,
    staged: StagedDirectory,
  ): Promise<boolean> {
    return this.step(() => writeDetectorState(this.db, state, this.stateChunkBytes, staged));
  }

  putFindings(findings: StoredFindings): Promise<void> {
    return this.step(() => writeFindings(this.db, findings));
  }

  putPolicySet(set: StoredPolicySet): Promise<void> {
    return this.step(() => this.trust().putPolicySet(set));
  }

  putToken(token: StoredToken): Promise<void> {
    return this.step(() => this.trust().putToken(token));
  }

  putCanaries(sealed: readonly string[]): Promise<void> {
    return this.step(() => this.attribution().putCanaries(sealed));
  }

  putEmailHashes(rows: readonly EmailHash[]): Promise<void> {
    return this.step(() => this.attribution().putEmailHashes(rows));
  }

  putStreamPositions(rows: readonly StreamPosition[]): Promise<void> {
    return this.step(() => putStreamPositions(this.db, rows));
  }

  private attribution(): SqliteAttributionWriter {
    this.attributionWriter ??= new SqliteAttributionWriter(this.db);
    return this.attributionWriter;
  }

  putCase(c: StoredCase): Promise<void> {
    return this.step(() => this.cases().putCase(c));
  }

  putCaseMember(m: CaseMember): Promise<void> {
    return this.step(() => this.cases().putCaseMember(m));
  }

  addCaseNote(n: CaseNote): Promise<void> {
    return this.step(() => this.cases().addCaseNote(n));
  }

  putTriage(t: AlertTriage): Promise<void> {
    return this.step(() => this.cases().putTriage(t));
  }

  putErasureRequest(r: ErasureRequest): Promise<void> {
    return this.step(() => putErasureRequest(this.db, r));
  }

  putAccess(employee: string, state: AccessState | undefined, eventId: string): Promise<void> {
    return this.step(() => putAccess(this.db, employee, state, eventId));
  }

  putAppeal(a: Appeal): Promise<void> {
    return this.step(() => putAppeal(this.db, a));
  }

  putOutbox(c: OutboxCommand): Promise<void> {
    return this.step(() => putOutbox(this.db, c));
  }

  outboxAttempt(id: string, result: { deliveredAt: string } | { error: string }): Promise<void> {
    return this.step(() => outboxAttempt(this.db, id, result));
  }

  deleteErasureRequest(subject: string): Promise<void> {
    return this.step(() => deleteErasureRequest(this.db, subject));
  }

  private cases(): SqliteCasesWriter {
    this.casesWriter ??= new SqliteCasesWriter(this.db);
    return this.casesWriter;
  }

  private trust(): SqliteTrustWriter {
    this.trustWriter ??= new SqliteTrustWriter(this.db);
    return this.trustWriter;
  }

  private guard(): SqliteGuardWriter {
    this.guardWriter ??= new SqliteGuardWriter(this.db);
    return this.guardWriter;
  }

  commit(): Promise<void> {
    return this.step(() => {
      // the current pointers of the versions written since it last did (none: it never wrote)
      this.directoryWriter?.settle();
      this.end('COMMIT');
    });
  }

  rollback(): Promise<void> {
    this.directoryWriter?.discard();
    if (this.open) this.end('ROLLBACK');
    return Promise.resolve();
  }

  private end(sql: 'COMMIT' | 'ROLLBACK'): void {
    this.open = false;
    try {
      // SQLite has already rolled back after some errors (SQLITE_FULL, SQLITE_CORRUPT):
      // a second ROLLBACK would fail and hide the error that caused it
      if (sql === 'ROLLBACK' && !this.db.inTransaction) return;
      this.db.exec(sql);
    } finally {
      this.onEnd();
    }
  }

  /** Runs a step of the transaction; a failure becomes a rejected promise, as the port promises. */
  private step<T>(f: () => T): Promise<T> {
    try {
      this.ensureOpen();
      return Promise.resolve(f());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private ensureOpen(): void {
    if (!this.open) throw new StoreError('NO_TRANSACTION', 'this transaction has ended');
  }
}
