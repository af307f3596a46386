import type { AccessEvent, DirectoryKind } from '../domain/index.js';
import { parseTime } from '../domain/index.js';
import { chunked } from './chunks.js';
import type { StoredDirectoryVersion, StoredTile } from './ports.js';
import type { PgConnection } from './postgres-connection.js';

/** Rows per statement: each column goes as one array parameter (`unnest`), one round trip. */
const ROWS = 5_000;

/**
 * Inserts the events whose ids are new, the i-th new one at leaf `firstLeaf + i`: one
 * statement per 5,000 events when all are new (the server skips a stored id, and then the
 * chunk is taken back and numbered again by a statement that leaves duplicates out). The
 * first of a repeated id is new, the rest duplicates; the store's writer lock (`begin`) keeps
 * any other writer out meanwhile.
 */
export async function insertEvents(
  c: PgConnection,
  events: readonly AccessEvent[],
  firstLeaf: number,
): Promise<boolean[]> {
  const isNew: boolean[] = [];
  let leaf = firstLeaf;
  for (const chunk of chunked(events, ROWS)) {
    const columns = eventColumns(chunk);
    // the common case, every id new: numbered as given, one plain statement
    const all = await c.arrays<[string]>(INSERT_ALL_NEW, [leaf, ...columns]);
    if (all.length === chunk.length) {
      for (let i = 0; i < chunk.length; i++) isNew.push(true);
      leaf += chunk.length;
      continue;
    }
    // a duplicate left a gap in the numbering: take the chunk back, number the new ones only
    await c.run('DELETE FROM events WHERE leaf >= $1 AND leaf < $2', [leaf, leaf + chunk.length]);
    const rows = await c.arrays<[string]>(INSERT_NEW_EVENTS, [leaf, ...columns]);
    const inserted = new Set(rows.map(([id]) => id));
    for (const e of chunk) {
      const fresh = inserted.delete(e.id); // the first occurrence only
      isNew.push(fresh);
      if (fresh) leaf++;
    }
  }
  return isNew;
}

const EVENT_INPUT = `unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
  $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
  $14::boolean[]) WITH ORDINALITY AS t(id, ts, time, actor, action, target_type, target_id,
  outcome, ticket, context, attrs, approval_id, decided, ord)`;
const EVENT_TARGET = `events (leaf, id, ts, time, actor, action, target_type, target_id,
  outcome, ticket, context, attrs, approval_id, decided)`;

/** `$1` the first leaf; then one array per column. Each at `$1 + i`; a stored id is left out. */
const INSERT_ALL_NEW = `
  INSERT INTO ${EVENT_TARGET}
  SELECT $1::bigint + ord - 1, id, ts, time, actor, action, target_type, target_id, outcome,
    ticket, context, attrs, approval_id, decided FROM ${EVENT_INPUT}
  ON CONFLICT (id) DO NOTHING RETURNING id`;

/** `$1` the first leaf; then one array per column. New ids, first occurrences, numbered in order. */
const INSERT_NEW_EVENTS = `
  WITH input AS (SELECT * FROM ${EVENT_INPUT}), fresh AS (
    SELECT DISTINCT ON (id) * FROM input i
    WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = i.id) ORDER BY id, ord
  )
  INSERT INTO ${EVENT_TARGET}
  SELECT $1::bigint + row_number() OVER (ORDER BY ord) - 1, id, ts, time, actor, action,
    target_type, target_id, outcome, ticket, context, attrs, approval_id, decided
  FROM fresh ORDER BY ord
  RETURNING id`;

function eventColumns(events: readonly AccessEvent[]): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 13 }, () => []);
  events.forEach((e) => {
    const row = [
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
      // what SQLite's json_extract(attrs, '$.approvalId') = ? and '$.decision' IS NOT NULL see
      typeof e.attrs?.['approvalId'] === 'string' ? e.attrs['approvalId'] : null,
      e.attrs?.['decision'] !== undefined && e.attrs['decision'] !== null,
    ];
    for (let k = 0; k < row.length; k++) cols[k]!.push(row[k]);
  });
  return cols;
}

/** Epoch ms of a validated time: V8's native ISO parser, or ours for what it refuses (:60). */
function epochMs(time: string): number {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? (parseTime(time) ?? 0) : ms;
}

/**
 * Appends directory versions and points each record at its newest, its statements issued
 * before it returns (see `PgTransaction.insertDirectoryVersions`). One upsert may not touch a
 * row twice, so only the last version of each record in a chunk moves its pointer.
 */
export function insertDirectoryVersions(
  c: PgConnection,
  versions: readonly StoredDirectoryVersion[],
): Promise<unknown> {
  // every chunk's statement issued now, in order: nothing issued later can run between them
  const runs = [...chunked(versions, ROWS)].map((chunk) => {
    const keys = chunk.map((v) => Buffer.from(v.key));
    const last = new Map<string, number>();
    chunk.forEach((v, i) => last.set(`${v.kind}\u0000${v.key}`, i));
    const newest = [...last.values()];
    return c.run(INSERT_VERSIONS, [
      chunk.map((v) => v.leaf),
      chunk.map((v) => v.kind),
      keys,
      chunk.map((v) => v.payload),
      newest.map((i) => chunk[i]!.kind),
      newest.map((i) => keys[i]),
      newest.map((i) => chunk[i]!.leaf),
    ]);
  });
  return Promise.all(runs);
}

/** The versions (`$1`–`$4`) and the pointers of the newest of each record (`$5`–`$7`), one round trip. */
const INSERT_VERSIONS = `
  WITH versions AS (
    INSERT INTO directory_versions (leaf, kind, key, payload)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::text[])
  )
  INSERT INTO directory_current (kind, key, leaf)
  SELECT * FROM unnest($5::text[], $6::bytea[], $7::bigint[])
  ON CONFLICT (kind, key) DO UPDATE SET leaf = EXCLUDED.leaf`;

/** The current payload of each of `keys` that has one. */
export async function currentPayloads(
  c: PgConnection,
  kind: DirectoryKind,
  keys: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunked(keys, ROWS * 4)) {
    const rows = await c.arrays<[Buffer, string]>(
      `SELECT c.key, v.payload FROM directory_current c JOIN directory_versions v ON v.leaf = c.leaf
       WHERE c.kind = $1 AND c.key = ANY($2::bytea[])`,
      [kind, chunk.map((k) => Buffer.from(k))],
    );
    for (const [key, payload] of rows) found.set(key.toString('utf8'), payload);
  }
  return found;
}

/** Stores tiles, a tile given twice (in one call or across calls) keeping the last data. */
export async function putTiles(c: PgConnection, tiles: readonly StoredTile[]): Promise<void> {
  const last = new Map<string, StoredTile>();
  for (const t of tiles) last.set(`${t.tileLevel}/${t.tileIndex}`, t);
  for (const chunk of chunked([...last.values()], 500)) {
    await c.run(
      `INSERT INTO ledger_tiles (tile_level, tile_index, data)
       SELECT * FROM unnest($1::integer[], $2::bigint[], $3::bytea[])
       ON CONFLICT (tile_level, tile_index) DO UPDATE SET data = EXCLUDED.data`,
      [chunk.map((t) => t.tileLevel), chunk.map((t) => t.tileIndex), chunk.map((t) => t.data)],
    );
  }
}
