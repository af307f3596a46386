import type { PgConnection } from './postgres-connection.js';

/**
 * Keeps the planner's statistics of the tables an import grows. Every batch looks its
 * directory ids up with `key = ANY($2::bytea[])` (references, unchanged versions); on tables
 * never analysed (autovacuum off, or behind a fast import) PostgreSQL plans those look-ups
 * badly, and their cost grows with the table: measured on a partition worker, 1,900 records a
 * second before an `ANALYZE` and 13,600 after (BENCHMARKS.md, `nats`). So a store analyses
 * them itself once the rows it added since the last time reach the rows it had counted then
 * (at least `FIRST` rows): at most a logarithmic number of analyses as the tables grow.
 */
const FIRST = 10_000;
const added = new WeakMap<PgConnection, { since: number; base: number }>();

/** Counts `rows` committed into the import's tables, and analyses them when they have doubled. */
export async function noteGrowth(c: PgConnection, rows: number): Promise<void> {
  if (rows === 0) return;
  const s = added.get(c) ?? { since: 0, base: 0 };
  s.since += rows;
  added.set(c, s);
  if (s.since < Math.max(FIRST, s.base)) return;
  s.base += s.since;
  s.since = 0;
  await c.run('ANALYZE directory_current, directory_versions, events');
}
