/**
 * The stored findings in SQLite: the latest run's risk and alerts, one row (`findings`),
 * replaced by each save; written alone (`SqliteFindings.save`) or in the transaction that also
 * stores the detection state they were computed with (`StoreTransaction.putFindings`).
 */
import type Database from 'better-sqlite3';
import { FINDINGS_COLUMNS, findingsOf, findingsValues, type FindingsRow } from './findings-rows.js';
import type { FindingsRepository, StoredFindings } from './ports.js';

/**
 * Replaces the stored findings (`FindingsRepository.save`'s rows), in the transaction open on
 * `db`: alone, or with the detection state they were computed with (`putFindings`).
 */
export function writeFindings(db: Database.Database, f: StoredFindings): void {
  db.prepare('DELETE FROM findings').run();
  db.prepare(`INSERT INTO findings (${FINDINGS_COLUMNS}) VALUES (?, ?, ?, ?, ?)`).run(
    ...findingsValues(f),
  );
}

export class SqliteFindings implements FindingsRepository {
  constructor(private readonly db: Database.Database) {}

  save(f: StoredFindings): Promise<void> {
    this.db.transaction(() => writeFindings(this.db, f)).immediate();
    return Promise.resolve();
  }

  latest(): Promise<StoredFindings | undefined> {
    const row = this.db
      .prepare(`SELECT ${FINDINGS_COLUMNS} FROM findings ORDER BY id DESC LIMIT 1`)
      .get() as FindingsRow | undefined;
    return Promise.resolve(row && findingsOf(row));
  }
}
