import type { AccessEvent, DirectoryKind } from '../domain/index.js';
import { StoreError } from './errors.js';
import type {
  AliasIssue,
  BatchSummary,
  DetectorStateUpdate,
  EmailHash,
  StoreTransaction,
  StoredApproval,
  StoredCheckpoint,
  StoredDirectoryVersion,
  StoredFindings,
  StoredPolicySet,
  StoredTile,
  StoredToken,
} from './ports.js';
import { putCanaries, putEmailHashes } from './postgres-attribution.js';
import type { StreamPosition } from './ports.js';
import { putStreamPositions } from './postgres-stream-positions.js';
import { PgCaseTransaction } from './postgres-case-transaction.js';
import type { PgHolds } from './postgres-cases.js';
import { noteGrowth } from './postgres-statistics.js';
import type { PgConnection } from './postgres-connection.js';
import type { PgDataKeys } from './postgres-data-keys.js';
import { putApproval, recordAliasIssue } from './postgres-guard.js';
import { putPolicySet, putToken } from './postgres-trust.js';
import {
  currentPayloads,
  insertDirectoryVersions,
  insertEvents,
  putTiles,
} from './postgres-writers.js';
import { writeDetectorState } from './postgres-detector-state.js';
import { writeFindings } from './postgres-reads.js';

/**
 * The one open write transaction of a PostgreSQL store (`BEGIN` … `COMMIT` on its one
 * connection). The ledger's records, tiles, size and checkpoint are written through it and
 * land together or not at all, as on SQLite.
 */
export class PgTransaction extends PgCaseTransaction implements StoreTransaction {
  private open = true;
  /** Rows this transaction adds to the tables whose statistics `noteGrowth` keeps. */
  private grown = 0;

  constructor(
    c: PgConnection,
    private readonly dataKeys: PgDataKeys,
    holds: PgHolds,
    private readonly onEnd: () => void,
  ) {
    super(c, holds);
  }

  insertEvents(events: readonly AccessEvent[], firstLeaf: number): Promise<boolean[]> {
    this.grown += events.length;
    return this.step(() => insertEvents(this.c, events, firstLeaf));
  }

  /**
   * Issues the writes and returns without waiting for the server: the import goes on hashing
   * and parsing while they run (the connection runs statements in the order issued, so every
   * later read sees them). A failure is thrown by the transaction's next step or its commit.
   */
  insertDirectoryVersions(versions: readonly StoredDirectoryVersion[]): Promise<void> {
    this.grown += versions.length;
    return this.step(() => {
      this.defer(insertDirectoryVersions(this.c, versions));
      return Promise.resolve();
    });
  }

  currentPayloads(kind: DirectoryKind, keys: readonly string[]): Promise<Map<string, string>> {
    return this.step(() => currentPayloads(this.c, kind, keys));
  }

  putTiles(tiles: readonly StoredTile[]): Promise<void> {
    return this.step(() => putTiles(this.c, tiles));
  }

  setLedgerSize(size: number): Promise<void> {
    return this.exec(
      `INSERT INTO meta (key, value) VALUES ('ledger.size', $1)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [String(size)],
    );
  }

  putCheckpoint(cp: StoredCheckpoint): Promise<void> {
    return this.exec(
      'INSERT INTO ledger_checkpoints (size, root_hash, note, created_at) VALUES ($1, $2, $3, $4)',
      [cp.size, cp.rootHash, cp.note, cp.createdAt],
    );
  }

  recordBatch(b: BatchSummary): Promise<void> {
    return this.exec(
      `INSERT INTO batches (source, started_at, finished_at, records, events, duplicates, rejected, ledger_size)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        b.source,
        b.startedAt,
        b.finishedAt,
        b.records,
        b.events,
        b.duplicates,
        b.rejected,
        b.ledgerSize,
      ],
    );
  }

  putApproval(approval: StoredApproval): Promise<void> {
    return this.step(() => putApproval(this.c, approval));
  }

  recordAliasIssue(issue: AliasIssue): Promise<void> {
    return this.step(() => recordAliasIssue(this.c, issue));
  }

  putDetectorState(state: DetectorStateUpdate): Promise<void> {
    return this.step(() => writeDetectorState(this.c, state));
  }

  putFindings(findings: StoredFindings): Promise<void> {
    return this.step(() => writeFindings(this.c, findings));
  }

  putPolicySet(set: StoredPolicySet): Promise<void> {
    return this.step(() => putPolicySet(this.c, set));
  }

  putToken(token: StoredToken): Promise<void> {
    return this.step(() => putToken(this.c, token));
  }

  putCanaries(sealed: readonly string[]): Promise<void> {
    return this.step(() => putCanaries(this.c, sealed));
  }

  putEmailHashes(rows: readonly EmailHash[]): Promise<void> {
    return this.step(() => putEmailHashes(this.c, rows));
  }

  putStreamPositions(rows: readonly StreamPosition[]): Promise<void> {
    return this.step(() => putStreamPositions(this.c, rows));
  }

  /** Commits, after the vault's data key writes issued in the transaction have run. */
  async commit(): Promise<void> {
    this.ensureOpen();
    this.open = false;
    try {
      await Promise.all(this.deferred);
      this.throwDeferred();
      await this.dataKeys.flush();
      // after a failed statement PostgreSQL answers COMMIT by rolling back, without an error
      const result = await this.c.query('COMMIT');
      if (result.command !== 'COMMIT') {
        throw new StoreError(
          'NO_TRANSACTION',
          `${this.c.target.label}: the transaction had failed and was rolled back, nothing was written`,
        );
      }
      this.dataKeys.committed();
    } catch (error) {
      await this.c.run('ROLLBACK').catch(() => undefined);
      this.dataKeys.rolledBack();
      await this.forgetHolds();
      throw error;
    } finally {
      this.onEnd();
    }
    // after the commit, outside the transaction: the batch has landed whatever this costs
    await noteGrowth(this.c, this.grown).catch(() => undefined);
  }

  async rollback(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    try {
      await this.dataKeys.flush().catch(() => undefined);
      await this.c.run('ROLLBACK');
      await this.forgetHolds();
    } finally {
      this.dataKeys.rolledBack();
      this.onEnd();
    }
  }

  protected async step<T>(f: () => Promise<T>): Promise<T> {
    this.ensureOpen();
    this.throwDeferred();
    try {
      return await f();
    } catch (error) {
      // a write issued earlier may have failed first (this one then met an aborted transaction)
      await Promise.all(this.deferred);
      throw this.deferredFailure ?? error;
    }
  }

  /** Writes issued and not waited for, and the first of them that failed. */
  private deferred: Promise<void>[] = [];
  private deferredFailure: Error | undefined;

  private defer(write: Promise<unknown>): void {
    this.deferred.push(
      write.then(
        () => undefined,
        (error: unknown) => {
          this.deferredFailure ??= error instanceof Error ? error : new Error(String(error));
        },
      ),
    );
  }

  private throwDeferred(): void {
    if (this.deferredFailure !== undefined) throw this.deferredFailure;
  }

  /** A statement run for its effect alone. */
  private exec(sql: string, params: readonly unknown[]): Promise<void> {
    return this.step(async () => {
      await this.c.run(sql, params);
    });
  }

  private ensureOpen(): void {
    if (!this.open) throw new StoreError('NO_TRANSACTION', 'this transaction has ended');
  }
}
