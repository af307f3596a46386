import type Database from 'better-sqlite3';
import type { StreamPosition, StreamPositionRepository } from './ports.js';

/** Where a partition ledger's leaves came from in the event stream, on SQLite. */
export class SqliteStreamPositions implements StreamPositionRepository {
  constructor(private readonly db: Database.Database) {}

  lastSeq(): Promise<number> {
    // leaves are appended in stream order, so the last leaf's message is the highest (an index read)
    const row = this.db
      .prepare('SELECT seq FROM stream_positions ORDER BY leaf DESC LIMIT 1')
      .get() as { seq: number } | undefined;
    return Promise.resolve(row?.seq ?? 0);
  }

  all(): Promise<StreamPosition[]> {
    return Promise.resolve(
      this.db
        .prepare('SELECT leaf, seq FROM stream_positions ORDER BY leaf')
        .all() as StreamPosition[],
    );
  }
}

/** Records positions (inside the caller's transaction). */
export function putStreamPositions(db: Database.Database, rows: readonly StreamPosition[]): void {
  const put = db.prepare('INSERT INTO stream_positions (leaf, seq) VALUES (?, ?)');
  for (const r of rows) put.run(r.leaf, r.seq);
}
