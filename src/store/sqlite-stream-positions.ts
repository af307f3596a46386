import type Database from 'better-sqlite3';
import type { StreamPosition, StreamPositionRepository } from './ports.js';

/** Where a partition ledger's leaves came from in the event stream, on SQLite. */
export class SqliteStreamPositions implements StreamPositionRepository {
  constructor(private readonly db: Database.Database) {}

  lastSeq(): Promise<number> {
    const row = this.db.prepare('SELECT max(seq) AS last FROM stream_positions').get() as {
      last: number | null;
    };
    return Promise.resolve(row.last ?? 0);
  }

  all(): Promise<StreamPosition[]> {
    return Promise.resolve(
      this.db
        .prepare('SELECT leaf, seq, position FROM stream_positions ORDER BY leaf')
        .all() as StreamPosition[],
    );
  }
}

/** Records positions (inside the caller's transaction). */
export function putStreamPositions(db: Database.Database, rows: readonly StreamPosition[]): void {
  const put = db.prepare('INSERT INTO stream_positions (leaf, seq, position) VALUES (?, ?, ?)');
  for (const r of rows) put.run(r.leaf, r.seq, r.position);
}
