import { formatTime } from '../domain/index.js';
import { StoreError } from './errors.js';
import type {
  AttributionRepository,
  BatchRepository,
  DetectorStateRepository,
  DirectoryRepository,
  EventRepository,
  FindingsRepository,
  GuardRepository,
  LedgerRepository,
  MetaRepository,
  PolicySetRepository,
  Store,
  StoreStats,
  StoreTransaction,
  TokenRepository,
} from './ports.js';
import type { StreamPositionRepository } from './ports.js';
import { PgStreamPositions } from './postgres-stream-positions.js';
import { PgAttribution } from './postgres-attribution.js';
import { PgCases, PgHolds } from './postgres-cases.js';
import type { CaseRepository } from './ports-cases.js';
import { PgConnection, parsePgUrl } from './postgres-connection.js';
import { pgFault } from './postgres-faults.js';
import { PgDataKeys } from './postgres-data-keys.js';
import { PgGuard } from './postgres-guard.js';
import { PgLedgerRepository } from './postgres-ledger.js';
import {
  PG_LATEST_SCHEMA_VERSION,
  PG_SCHEMA_VERSIONS,
  checkPgSchema,
  hasPgSchema,
  inTransaction,
  migratePg,
} from './postgres-migrations.js';
import {
  PgBatches,
  PgDirectory,
  PgEvents,
  PgFindings,
  PgMeta,
  readStats,
} from './postgres-reads.js';
import { PgTransaction } from './postgres-transaction.js';
import { PgDetectorState } from './postgres-detector-state.js';
import { PgPolicySets, PgTokens } from './postgres-trust.js';

export interface PostgresStoreOptions {
  /** Returns the current time as RFC 3339 (injected so that tests control the clock). */
  readonly now?: () => string;
  /** Open for reading only: the schema must hold a Warden store; nothing is migrated or written. */
  readonly readonly?: boolean;
}

/**
 * The store on a PostgreSQL server (`postgres://…?schema=NAME`, default schema `warden`):
 * the same tables, ports and ledger semantics as the SQLite store. One connection; one write
 * transaction at a time in a process, and across processes too: `begin()` takes an advisory
 * lock per schema, so that one writer appends to the ledger at a time, as SQLite's
 * `BEGIN IMMEDIATE` makes it. Commits are durable as the server is configured
 * (`synchronous_commit = on` by default).
 */
export class PostgresStore implements Store {
  readonly events: EventRepository;
  readonly directory: DirectoryRepository;
  readonly ledger: LedgerRepository;
  readonly batches: BatchRepository;
  readonly dataKeys: PgDataKeys;
  readonly findings: FindingsRepository;
  readonly guard: GuardRepository;
  readonly meta: MetaRepository;
  readonly detectorState: DetectorStateRepository;
  readonly tokens: TokenRepository;
  readonly policySets: PolicySetRepository;
  readonly attribution: AttributionRepository;
  readonly cases: CaseRepository;
  readonly streamPositions: StreamPositionRepository;
  private readonly holds: PgHolds;
  private inTransaction = false;

  private constructor(
    private readonly c: PgConnection,
    /** Writes are refused (`READ_ONLY`). */
    readonly readOnly: boolean,
  ) {
    const atomically = <T>(f: () => Promise<T>): Promise<T> => this.atomically(f);
    this.events = new PgEvents(c);
    this.directory = new PgDirectory(c);
    this.ledger = new PgLedgerRepository(c);
    this.batches = new PgBatches(c);
    this.holds = new PgHolds(c);
    this.dataKeys = new PgDataKeys(c, this.holds);
    this.findings = new PgFindings(c, atomically);
    this.guard = new PgGuard(c);
    this.meta = new PgMeta(c, readOnly);
    this.detectorState = new PgDetectorState(c, atomically);
    this.tokens = new PgTokens(c);
    this.policySets = new PgPolicySets(c);
    this.attribution = new PgAttribution(c);
    this.cases = new PgCases(c);
    this.streamPositions = new PgStreamPositions(c);
  }

  /** The URL as messages name it (no password). */
  get path(): string {
    return this.c.target.label;
  }

  /** Connects, creates and migrates the schema (unless read-only), and loads the data keys. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const now = options.now ?? (() => formatTime(Date.now()));
    const c = await PgConnection.connect(parsePgUrl(url));
    try {
      if (options.readonly === true) {
        await checkPgSchema(c);
        await c.run('SET default_transaction_read_only = on');
      } else await migratePg(c, now);
      const store = new PostgresStore(c, options.readonly === true);
      await store.dataKeys.load();
      await store.holds.load();
      return store;
    } catch (error) {
      await c.end();
      throw pgFault(error, c.target.label) ?? error;
    }
  }

  /** Does the URL's schema hold a Warden store already (keys are made only with a new one)? */
  static async exists(url: string): Promise<boolean> {
    const c = await PgConnection.connect(parsePgUrl(url));
    try {
      return await hasPgSchema(c);
    } finally {
      await c.end();
    }
  }

  static readonly schemaVersion = PG_LATEST_SCHEMA_VERSION;
  static readonly schemaVersions = PG_SCHEMA_VERSIONS;

  async begin(): Promise<StoreTransaction> {
    if (this.inTransaction) throw new StoreError('BUSY', 'a write transaction is already open');
    if (this.readOnly) {
      throw new StoreError(
        'READ_ONLY',
        `${this.path} is open read-only: writes are refused, reads work`,
      );
    }
    this.inTransaction = true;
    try {
      await this.c.run('BEGIN');
      // one writer per schema across processes (waits up to lock_timeout, then BUSY)
      await this.c.run("SELECT pg_advisory_xact_lock(hashtext('warden.write.' || $1))", [
        this.c.target.schema,
      ]);
      await this.dataKeys.load(); // keys another writer added
      await this.holds.load(); // holds another writer placed or lifted
    } catch (error) {
      await this.c.run('ROLLBACK').catch(() => undefined);
      this.inTransaction = false;
      throw pgFault(error, this.path) ?? error;
    }
    this.dataKeys.began();
    return new PgTransaction(this.c, this.dataKeys, this.holds, () => (this.inTransaction = false));
  }

  async stats(): Promise<StoreStats> {
    return readStats(this.c, await this.ledger.size());
  }

  /** Ends the connection; an open transaction is rolled back, pending key writes are awaited. */
  async close(): Promise<void> {
    try {
      if (this.inTransaction) {
        this.dataKeys.rolledBack(); // held key writes of the abandoned transaction go with it
        await this.c.run('ROLLBACK').catch(() => undefined);
      } else await this.dataKeys.flush();
    } finally {
      await this.c.end();
    }
  }

  /** Statements that must land together outside `begin()`: their own transaction, or the open one. */
  private async atomically<T>(f: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return f();
    this.inTransaction = true;
    try {
      return await inTransaction(this.c, f);
    } finally {
      this.inTransaction = false;
    }
  }
}
