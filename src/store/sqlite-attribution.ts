import type Database from 'better-sqlite3';
import type { DirectoryKind, TargetType } from '../domain/index.js';
import type { AttributionRepository, EmailHash, LeafEvent } from './ports.js';
import { chunked } from './chunks.js';
import { hasTable } from './sqlite-tables.js';
import { rowToEvent, type EventRow } from './sqlite-rows.js';
import type { SqliteCurrentDirectory } from './sqlite-directory-current.js';

const IN_CHUNK = 500;

/** Attribution's sealed canary list and keyed e-mail hashes, read side. */
export class SqliteAttribution implements AttributionRepository {
  constructor(
    private readonly db: Database.Database,
    private readonly current: SqliteCurrentDirectory,
  ) {}

  canaries(): Promise<string[]> {
    if (!hasTable(this.db, 'attribution_canaries')) return Promise.resolve([]);
    const rows = this.db
      .prepare('SELECT sealed FROM attribution_canaries ORDER BY seq')
      .pluck()
      .all() as string[];
    return Promise.resolve(rows);
  }

  reviewersByEmailHash(hashes: readonly Buffer[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (hashes.length === 0 || !hasTable(this.db, 'reviewer_email_hashes'))
      return Promise.resolve(out);
    for (const part of chunked(hashes, IN_CHUNK)) {
      const rows = this.db
        .prepare(
          `SELECT hash, reviewer FROM reviewer_email_hashes WHERE hash IN (${part.map(() => '?').join(',')}) ORDER BY reviewer`,
        )
        .all(...part) as { hash: Buffer; reviewer: string }[];
      for (const row of rows) {
        const key = row.hash.toString('hex');
        const list = out.get(key) ?? [];
        list.push(row.reviewer);
        out.set(key, list);
      }
    }
    return Promise.resolve(out);
  }

  hashedReviewers(): Promise<number> {
    if (!hasTable(this.db, 'reviewer_email_hashes')) return Promise.resolve(0);
    const n = this.db
      .prepare('SELECT count(DISTINCT reviewer) FROM reviewer_email_hashes')
      .pluck()
      .get() as number;
    return Promise.resolve(n);
  }

  /**
   * Through `events_target` (target id, leaf): a chunk of ids at a time, so the cost follows
   * the events on those targets, not the whole table; merged back into leaf order.
   */
  async *eventsOn(type: TargetType, ids: ReadonlySet<string>): AsyncIterable<LeafEvent> {
    if (ids.size === 0) return;
    const found: LeafEvent[] = [];
    for (const part of chunked([...ids], IN_CHUNK)) {
      const rows = this.db
        .prepare(
          `SELECT * FROM events WHERE target_id IN (${part.map(() => '?').join(',')}) AND target_type = ?`,
        )
        .all(...part, type) as EventRow[];
      for (const row of rows) found.push({ leaf: row.leaf, event: rowToEvent(row) });
    }
    found.sort((a, b) => a.leaf - b.leaf);
    for (const e of found) yield await Promise.resolve(e);
  }

  currentRecords(kind: DirectoryKind): Promise<string[]> {
    return Promise.resolve(this.current.payloads(kind));
  }
}

const HASH_ROWS = 256;

/** Attribution's writes, inside a store transaction. */
export class SqliteAttributionWriter {
  private readonly putCanary: Database.Statement;
  /** Per number of rows (up to `HASH_ROWS`): the statement inserting that many hashes. */
  private readonly putHashes = new Map<number, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.putCanary = db.prepare('INSERT INTO attribution_canaries (sealed) VALUES (?)');
  }

  putCanaries(sealed: readonly string[]): void {
    for (const s of sealed) this.putCanary.run(s);
  }

  /** Many rows per statement: an import writes one per reviewer (each `OR IGNORE` on its own). */
  putEmailHashes(rows: readonly EmailHash[]): void {
    const params: unknown[] = [];
    for (let at = 0; at < rows.length; at += HASH_ROWS) {
      const end = Math.min(at + HASH_ROWS, rows.length);
      params.length = 0;
      for (let i = at; i < end; i++) params.push(rows[i]!.hash, rows[i]!.reviewer);
      this.putHashesOf(end - at).run(params);
    }
  }

  private putHashesOf(n: number): Database.Statement {
    let stmt = this.putHashes.get(n);
    if (!stmt) {
      stmt = this.db.prepare(
        `INSERT OR IGNORE INTO reviewer_email_hashes (hash, reviewer) VALUES ${Array(n).fill('(?, ?)').join(',')}`,
      );
      this.putHashes.set(n, stmt);
    }
    return stmt;
  }
}
