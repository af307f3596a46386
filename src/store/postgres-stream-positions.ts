import { chunked } from './chunks.js';
import type { StreamPosition, StreamPositionRepository } from './ports.js';
import type { PgConnection } from './postgres-connection.js';

const ROWS = 5_000;

/** Where a partition ledger's leaves came from in the event stream, on PostgreSQL. */
export class PgStreamPositions implements StreamPositionRepository {
  constructor(private readonly c: PgConnection) {}

  async lastSeq(): Promise<number> {
    // leaves are appended in stream order, so the last leaf's message is the highest (an index read)
    const last = await this.c.value<string | null>(
      'SELECT seq::text FROM stream_positions ORDER BY leaf DESC LIMIT 1',
    );
    return last === undefined || last === null ? 0 : Number(last);
  }

  async all(): Promise<StreamPosition[]> {
    const rows = await this.c.arrays<[string, string]>(
      'SELECT leaf::text, seq::text FROM stream_positions ORDER BY leaf',
    );
    return rows.map(([leaf, seq]) => ({ leaf: Number(leaf), seq: Number(seq) }));
  }
}

/** Records positions in one statement per chunk (each column one array parameter). */
export async function putStreamPositions(
  c: PgConnection,
  rows: readonly StreamPosition[],
): Promise<void> {
  for (const part of chunked(rows, ROWS)) {
    await c.run(
      `INSERT INTO stream_positions (leaf, seq) SELECT * FROM unnest($1::bigint[], $2::bigint[])`,
      [part.map((r) => r.leaf), part.map((r) => r.seq)],
    );
  }
}
