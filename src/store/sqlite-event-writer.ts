import type Database from 'better-sqlite3';
import type { AccessEvent } from '../domain/index.js';
import { parseTime } from '../domain/index.js';

const COLUMNS =
  '(leaf, id, ts, time, actor, action, target_type, target_id, outcome, ticket, context, attrs)';
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
/** Rows per multi-row INSERT: 64 × 12 parameters, well under SQLite's limit. */
const ROWS = 64;
/** Ids per existence query. */
const IDS = 500;

/**
 * Writes events in bulk: which ids are new is asked once per 500 events, and the new ones go
 * in 64 rows per INSERT, so that the per-statement cost is paid once per group, not per row.
 * A repeated id (already stored, or twice in one call) is a duplicate delivery: not written.
 */
export class SqliteEventWriter {
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;
  private readonly lookups = new Map<number, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    this.many = db.prepare(
      `INSERT INTO events ${COLUMNS} VALUES ${Array(ROWS).fill(ROW).join(',')}`,
    );
    this.one = db.prepare(`INSERT INTO events ${COLUMNS} VALUES ${ROW}`);
  }

  /** Inserts the new events, the i-th new one at leaf `firstLeaf + i`; returns which were new. */
  insert(events: readonly AccessEvent[], firstLeaf: number): boolean[] {
    const stored = this.storedIds(events);
    const fresh: AccessEvent[] = [];
    const seen = new Set<string>();
    const isNew = events.map((e) => {
      if (stored.has(e.id) || seen.has(e.id)) return false;
      seen.add(e.id);
      fresh.push(e);
      return true;
    });
    let at = 0;
    const params: unknown[] = [];
    for (; at + ROWS <= fresh.length; at += ROWS) {
      params.length = 0;
      for (let k = 0; k < ROWS; k++) pushRow(params, fresh[at + k]!, firstLeaf + at + k);
      this.many.run(params);
    }
    for (; at < fresh.length; at++) {
      params.length = 0;
      pushRow(params, fresh[at]!, firstLeaf + at);
      this.one.run(params);
    }
    return isNew;
  }

  private storedIds(events: readonly AccessEvent[]): Set<string> {
    const found = new Set<string>();
    for (let i = 0; i < events.length; i += IDS) {
      const ids = events.slice(i, i + IDS).map((e) => e.id);
      for (const id of this.lookup(ids.length).all(ids) as string[]) found.add(id);
    }
    return found;
  }

  private lookup(n: number): Database.Statement {
    let stmt = this.lookups.get(n);
    if (!stmt) {
      stmt = this.db
        .prepare(`SELECT id FROM events WHERE id IN (${Array(n).fill('?').join(',')})`)
        .pluck();
      this.lookups.set(n, stmt);
    }
    return stmt;
  }
}

/** Epoch ms of a validated time: V8's native ISO parser, or ours for what it refuses (:60). */
function epochMs(time: string): number {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? (parseTime(time) ?? 0) : ms;
}

function pushRow(params: unknown[], e: AccessEvent, leaf: number): void {
  params.push(
    leaf,
    e.id,
    epochMs(e.time),
    e.time,
    e.actor,
    e.action,
    e.target.type,
    e.target.id,
    e.outcome ?? null,
    e.ticket ?? null,
    e.context === undefined ? null : JSON.stringify(e.context),
    e.attrs === undefined ? null : JSON.stringify(e.attrs),
  );
}
