/**
 * The stored findings in SQLite: the latest run's risk and alerts, one row (`findings`),
 * replaced by each save; written alone (`SqliteFindings.save`) or in the transaction that also
 * stores the detection state they were computed with (`StoreTransaction.putFindings`).
 */
import type Database from 'better-sqlite3';
import type { Findings } from '../domain/index.js';
import type { FindingsRepository, StoredFindings } from './ports.js';

/**
 * Replaces the stored findings (`FindingsRepository.save`'s rows), in the transaction open on
 * `db`: alone, or with the detection state they were computed with (`putFindings`).
 */
export function writeFindings(db: Database.Database, f: StoredFindings): void {
  db.prepare('DELETE FROM findings').run();
  db.prepare(
    'INSERT INTO findings (computed_at, ledger_size, events, risk, alerts) VALUES (?, ?, ?, ?, ?)',
  ).run(
    f.computedAt,
    f.ledgerSize,
    f.events,
    JSON.stringify(f.findings.risk),
    JSON.stringify(f.findings.alerts),
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
      .prepare(
        'SELECT computed_at, ledger_size, events, risk, alerts FROM findings ORDER BY id DESC LIMIT 1',
      )
      .get() as
      | { computed_at: string; ledger_size: number; events: number; risk: string; alerts: string }
      | undefined;
    if (!row) return Promise.resolve(undefined);
    return Promise.resolve({
      computedAt: row.computed_at,
      ledgerSize: row.ledger_size,
      events: row.events,
      findings: {
        risk: JSON.parse(row.risk) as Findings['risk'],
        alerts: JSON.parse(row.alerts) as Findings['alerts'],
      },
    });
  }
}
