import type { DirectoryKind, TargetType } from '../domain/index.js';
import { chunked } from './chunks.js';
import type { AttributionRepository, EmailHash, LeafEvent } from './ports.js';
import type { PgConnection } from './postgres-connection.js';
import { rowToEvent, type EventRow } from './sqlite-rows.js';

/** Rows per statement (each column one array parameter) and events per page of `eventsOn`. */
const ROWS = 5_000;

/** Whether a table exists: a schema opened read-only as it is may predate migration 3. */
async function hasTable(c: PgConnection, name: string): Promise<boolean> {
  const found = await c.value<string | null>('SELECT to_regclass($1)::text', [name]);
  return found !== undefined && found !== null;
}

/**
 * Attribution's sealed canary list and keyed e-mail hashes on PostgreSQL, read side: the same
 * answers, in the same order, as `SqliteAttribution` (reviewers and directory keys compare
 * byte by byte, as SQLite's BINARY collation does).
 */
export class PgAttribution implements AttributionRepository {
  constructor(private readonly c: PgConnection) {}

  async canaries(): Promise<string[]> {
    if (!(await hasTable(this.c, 'attribution_canaries'))) return [];
    const rows = await this.c.arrays<[string]>(
      'SELECT sealed FROM attribution_canaries ORDER BY seq',
    );
    return rows.map(([s]) => s);
  }

  async reviewersByEmailHash(hashes: readonly Buffer[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (hashes.length === 0 || !(await hasTable(this.c, 'reviewer_email_hashes'))) return out;
    for (const part of chunked(hashes, ROWS)) {
      const rows = await this.c.arrays<[Buffer, string]>(
        `SELECT hash, reviewer FROM reviewer_email_hashes WHERE hash = ANY($1::bytea[])
         ORDER BY reviewer, hash`,
        [part],
      );
      for (const [hash, reviewer] of rows) {
        const key = hash.toString('hex');
        const list = out.get(key) ?? [];
        if (!list.includes(reviewer)) list.push(reviewer); // a hash asked for twice, in two chunks
        out.set(key, list);
      }
    }
    return out;
  }

  async hashedReviewers(): Promise<number> {
    if (!(await hasTable(this.c, 'reviewer_email_hashes'))) return 0;
    return (
      (await this.c.value<number>('SELECT count(DISTINCT reviewer) FROM reviewer_email_hashes')) ??
      0
    );
  }

  /**
   * The server filters by target and id (through `events_target`, the cases' index of
   * migration 4, where it exists), a page of leaves at a time so that memory stays bounded.
   */
  async *eventsOn(type: TargetType, ids: ReadonlySet<string>): AsyncIterable<LeafEvent> {
    if (ids.size === 0) return;
    const wanted = [...ids];
    let after = -1;
    for (;;) {
      const rows = await this.c.rows<EventRow>(
        `SELECT * FROM events WHERE target_type = $1 AND target_id = ANY($2::text[]) AND leaf > $3
         ORDER BY leaf LIMIT ${ROWS}`,
        [type, wanted, after],
      );
      for (const row of rows) yield { leaf: row.leaf, event: rowToEvent(row) };
      const last = rows.at(-1);
      if (last === undefined || rows.length < ROWS) return;
      after = last.leaf;
    }
  }

  async currentRecords(kind: DirectoryKind): Promise<string[]> {
    const rows = await this.c.arrays<[string]>(
      `SELECT v.payload FROM directory_current c JOIN directory_versions v ON v.leaf = c.leaf
       WHERE c.kind = $1 ORDER BY c.key`,
      [kind],
    );
    return rows.map(([p]) => p);
  }
}

/**
 * Appends sealed canaries after those stored, in the order given. Their numbers are taken
 * explicitly (not from a sequence) so that the order is the order given, whatever the plan;
 * the store's writer lock keeps any other writer out meanwhile.
 */
export async function putCanaries(c: PgConnection, sealed: readonly string[]): Promise<void> {
  for (const part of chunked(sealed, ROWS)) {
    await c.run(
      `INSERT INTO attribution_canaries (seq, sealed)
       SELECT (SELECT coalesce(max(seq), 0) FROM attribution_canaries) + ord, s
       FROM unnest($1::text[]) WITH ORDINALITY AS t(s, ord)`,
      [part],
    );
  }
}

/** Records keyed e-mail hashes; a (hash, reviewer) pair already stored, or given twice, is kept once. */
export async function putEmailHashes(c: PgConnection, rows: readonly EmailHash[]): Promise<void> {
  for (const part of chunked(rows, ROWS)) {
    await c.run(
      `INSERT INTO reviewer_email_hashes (hash, reviewer)
       SELECT DISTINCT * FROM unnest($1::bytea[], $2::text[])
       ON CONFLICT (hash, reviewer) DO NOTHING`,
      [part.map((r) => r.hash), part.map((r) => r.reviewer)],
    );
  }
}
