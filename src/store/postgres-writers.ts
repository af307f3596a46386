import { createHash } from 'node:crypto';
import type { AccessEvent, DirectoryKind } from '../domain/index.js';
import { parseTime } from '../domain/index.js';
import { chunked } from './chunks.js';
import type { DetectorState, StoredDirectoryVersion, StoredTile } from './ports.js';
import type { PgConnection } from './postgres-connection.js';

/** Rows per statement: each column goes as one array parameter (`unnest`), one round trip. */
const ROWS = 5_000;

/** Bytes per detector state chunk row (as on SQLite). */
const STATE_CHUNK_BYTES = 4 << 20;

/**
 * Inserts the events whose ids are new, the i-th new one at leaf `firstLeaf + i`: one query
 * for which ids are stored, then one INSERT per 5,000 rows. A repeated id is a duplicate.
 */
export async function insertEvents(
  c: PgConnection,
  events: readonly AccessEvent[],
  firstLeaf: number,
): Promise<boolean[]> {
  const stored = new Set<string>();
  for (const ids of chunked(
    events.map((e) => e.id),
    ROWS * 4,
  )) {
    const rows = await c.arrays<[string]>('SELECT id FROM events WHERE id = ANY($1::text[])', [
      ids,
    ]);
    for (const [id] of rows) stored.add(id);
  }
  const fresh: AccessEvent[] = [];
  const isNew = events.map((e) => {
    if (stored.has(e.id)) return false;
    stored.add(e.id);
    fresh.push(e);
    return true;
  });
  for (let at = 0; at < fresh.length; at += ROWS) {
    await c.run(
      `INSERT INTO events (leaf, id, ts, time, actor, action, target_type, target_id, outcome, ticket, context, attrs)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
         $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])`,
      eventColumns(fresh.slice(at, at + ROWS), firstLeaf + at),
    );
  }
  return isNew;
}

function eventColumns(events: readonly AccessEvent[], firstLeaf: number): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 12 }, () => []);
  events.forEach((e, i) => {
    const row = [
      firstLeaf + i,
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
 * Appends directory versions and points each record at its newest. One upsert may not touch
 * a row twice, so only the last version of each record in a chunk moves its pointer.
 */
export async function insertDirectoryVersions(
  c: PgConnection,
  versions: readonly StoredDirectoryVersion[],
): Promise<void> {
  for (const chunk of chunked(versions, ROWS)) {
    const keys = chunk.map((v) => Buffer.from(v.key));
    await c.run(
      `INSERT INTO directory_versions (leaf, kind, key, payload)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::text[])`,
      [chunk.map((v) => v.leaf), chunk.map((v) => v.kind), keys, chunk.map((v) => v.payload)],
    );
    const last = new Map<string, number>();
    chunk.forEach((v, i) => last.set(`${v.kind}\u0000${v.key}`, i));
    const newest = [...last.values()];
    await c.run(
      `INSERT INTO directory_current (kind, key, leaf)
       SELECT * FROM unnest($1::text[], $2::bytea[], $3::bigint[])
       ON CONFLICT (kind, key) DO UPDATE SET leaf = EXCLUDED.leaf`,
      [
        newest.map((i) => chunk[i]!.kind),
        newest.map((i) => keys[i]),
        newest.map((i) => chunk[i]!.leaf),
      ],
    );
  }
}

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

/** Replaces the detection state inside the caller's transaction: header and chunks together. */
export async function writeDetectorState(c: PgConnection, s: DetectorState): Promise<void> {
  await c.run('DELETE FROM detector_state');
  await c.run('DELETE FROM detector_state_chunks');
  let chunks = 0;
  for (let at = 0; at < s.data.length; at += STATE_CHUNK_BYTES) {
    await c.run('INSERT INTO detector_state_chunks (seq, data) VALUES ($1, $2)', [
      chunks++,
      s.data.subarray(at, at + STATE_CHUNK_BYTES),
    ]);
  }
  await c.run(
    `INSERT INTO detector_state (id, ledger_size, root_hash, version, events, saved_at, bytes, chunks, sha256)
     VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      s.ledgerSize,
      s.rootHash,
      s.version,
      s.events,
      s.savedAt,
      s.data.length,
      chunks,
      createHash('sha256').update(s.data).digest(),
    ],
  );
}
