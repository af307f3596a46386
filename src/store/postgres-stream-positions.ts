import { chunked } from './chunks.js';
import type { StreamPosition, StreamPositionRepository } from './ports.js';
import type { PgConnection } from './postgres-connection.js';

const ROWS = 5_000;

/** Where a partition ledger's leaves came from in the event stream, on PostgreSQL. */
export class PgStreamPositions implements StreamPositionRepository {
  constructor(private readonly c: PgConnection) {}

  async lastSeq(): Promise<number> {
    const last = await this.c.value<string | null>('SELECT max(seq)::text FROM stream_positions');
    return last === undefined || last === null ? 0 : Number(last);
  }

  async all(): Promise<StreamPosition[]> {
    const rows = await this.c.arrays<[string, string, string]>(
      'SELECT leaf::text, seq::text, position::text FROM stream_positions ORDER BY leaf',
    );
    return rows.map(([leaf, seq, position]) => ({
      leaf: Number(leaf),
      seq: Number(seq),
      position: Number(position),
    }));
  }
}

/** Records positions in one statement per chunk (each column one array parameter). */
export async function putStreamPositions(
  c: PgConnection,
  rows: readonly StreamPosition[],
): Promise<void> {
  for (const part of chunked(rows, ROWS)) {
    await c.run(
      `INSERT INTO stream_positions (leaf, seq, position)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])`,
      [part.map((r) => r.leaf), part.map((r) => r.seq), part.map((r) => r.position)],
    );
  }
}
