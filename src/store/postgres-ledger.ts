import type { DirectoryKind, InterchangeRecord, LeafRow } from '../domain/index.js';
import type { LeafRecord, LedgerRepository, StoredCheckpoint, StoredTile } from './ports.js';
import type { PgConnection } from './postgres-connection.js';
import {
  EVENT_COLUMNS,
  EVENT_LINE_COLUMNS,
  mergeRows,
  rawEventRecord,
  type EventLineRow,
} from './sqlite-rows.js';

/** Leaves per range read: one round trip per table per range. */
const RANGE = 10_000;

type VersionRow = [leaf: number, kind: DirectoryKind, payload: string];

const CHECKPOINT =
  'SELECT size, root_hash AS "rootHash", note, created_at AS "createdAt" FROM ledger_checkpoints';

/** The ledger's storage in PostgreSQL: tiles, checkpoints, and records in leaf order. */
export class PgLedgerRepository implements LedgerRepository {
  constructor(private readonly c: PgConnection) {}

  async size(): Promise<number> {
    const value = await this.c.value<string>("SELECT value FROM meta WHERE key = 'ledger.size'");
    return value === undefined ? 0 : Number(value);
  }

  getTile(tileLevel: number, tileIndex: number): Promise<Buffer | undefined> {
    return this.c.value<Buffer>(
      'SELECT data FROM ledger_tiles WHERE tile_level = $1 AND tile_index = $2',
      [tileLevel, tileIndex],
    );
  }

  async *tiles(): AsyncIterable<StoredTile> {
    // by key ranges, so that a large ledger's tiles are never all in memory at once
    let after: [number, number] = [-1, -1];
    for (;;) {
      const rows = await this.c.rows<StoredTile>(
        `SELECT tile_level AS "tileLevel", tile_index AS "tileIndex", data FROM ledger_tiles
         WHERE (tile_level, tile_index) > ($1, $2) ORDER BY tile_level, tile_index LIMIT 1000`,
        after,
      );
      yield* rows;
      const last = rows.at(-1);
      if (last === undefined) return;
      after = [last.tileLevel, last.tileIndex];
    }
  }

  /** Events and directory versions read in leaf ranges and merged (a gap shows as one). */
  async *records(from = 0): AsyncIterable<LeafRecord> {
    const maxLeaf = await this.maxLeaf();
    if (maxLeaf === null) return;
    for (let lo = from; lo <= maxLeaf; lo += RANGE) {
      const [events, versions] = await this.range<unknown[]>(EVENT_COLUMNS, lo, lo + RANGE, []);
      // on a leaf held twice (damage), the event first, as SQLite's records() orders them
      yield* mergeByLeaf(events, versions, true);
    }
  }

  async *leafRows(from = 0): AsyncIterable<readonly LeafRow[]> {
    const maxLeaf = await this.maxLeaf();
    if (maxLeaf === null) return;
    for (let lo = from; lo <= maxLeaf; lo += RANGE) {
      const [e, v] = await this.range<EventLineRow>(EVENT_LINE_COLUMNS, lo, lo + RANGE, []);
      yield mergeRows(e, v);
    }
  }

  async *recordChunks(
    from: number,
    to: number,
    skip: readonly (DirectoryKind | 'event')[] = [],
  ): AsyncIterable<readonly LeafRecord[]> {
    const noEvents = skip.includes('event');
    const kinds = skip.filter((k): k is DirectoryKind => k !== 'event');
    for (let lo = from; lo < to; lo += RANGE) {
      const [events, versions] = await this.range<unknown[]>(
        EVENT_COLUMNS,
        lo,
        Math.min(to, lo + RANGE),
        kinds,
        noEvents,
      );
      const chunk = mergeByLeaf(events, versions, false);
      if (chunk.length > 0) yield chunk;
    }
  }

  /** The events (as `columns`) and directory versions with leaves in [lo, hi). */
  private async range<E extends unknown[]>(
    columns: string,
    lo: number,
    hi: number,
    skip: readonly DirectoryKind[],
    noEvents = false,
  ): Promise<[E[], VersionRow[]]> {
    return Promise.all([
      noEvents
        ? Promise.resolve([])
        : this.c.arrays<E>(
            `SELECT ${columns} FROM events WHERE leaf >= $1 AND leaf < $2 ORDER BY leaf`,
            [lo, hi],
          ),
      this.c.arrays<VersionRow>(
        `SELECT leaf, kind, payload FROM directory_versions
         WHERE leaf >= $1 AND leaf < $2 AND kind <> ALL($3::text[]) ORDER BY leaf`,
        [lo, hi, skip],
      ),
    ]);
  }

  private async maxLeaf(): Promise<number | null> {
    const max = await this.c.value<number | null>(
      'SELECT greatest((SELECT max(leaf) FROM events), (SELECT max(leaf) FROM directory_versions))',
    );
    return max ?? null;
  }

  async leafOf(recordId: string): Promise<number | undefined> {
    const event = await this.c.value<number>('SELECT leaf FROM events WHERE id = $1', [recordId]);
    if (event !== undefined) return event;
    const sep = recordId.indexOf(':');
    if (sep < 0) return undefined;
    return this.c.value<number>('SELECT leaf FROM directory_current WHERE kind = $1 AND key = $2', [
      recordId.slice(0, sep),
      Buffer.from(recordId.slice(sep + 1)),
    ]);
  }

  checkpoints(): Promise<StoredCheckpoint[]> {
    return this.c.rows<StoredCheckpoint>(`${CHECKPOINT} ORDER BY id`);
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const [row] = await this.c.rows<StoredCheckpoint>(`${CHECKPOINT} ORDER BY id DESC LIMIT 1`);
    return row;
  }

  /** The same two joins as SQLite's (`sqlite-ledger.ts`), `IS NOT` spelled `IS DISTINCT FROM`. */
  async staleCurrentPointers(): Promise<{ kind: DirectoryKind; key: string; leaf: number }[]> {
    const rows = await this.c.arrays<[DirectoryKind, Buffer, number]>(
      `SELECT n.kind, n.key, coalesce(c.leaf, n.leaf) AS leaf
       FROM (SELECT kind, key, max(leaf) AS leaf FROM directory_versions GROUP BY kind, key) n
       LEFT JOIN directory_current c ON c.kind = n.kind AND c.key = n.key
       WHERE c.leaf IS DISTINCT FROM n.leaf
       UNION
       SELECT c.kind, c.key, c.leaf FROM directory_current c
       LEFT JOIN directory_versions v ON v.leaf = c.leaf
       WHERE v.leaf IS NULL OR v.kind IS DISTINCT FROM c.kind OR v.key IS DISTINCT FROM c.key`,
    );
    return rows.map(([kind, key, leaf]) => ({ kind, key: key.toString('utf8'), leaf }));
  }
}

/** Two row lists in leaf order (events, directory versions), merged into one. */
function mergeByLeaf(
  events: unknown[][],
  versions: VersionRow[],
  eventFirstOnTie: boolean,
): LeafRecord[] {
  const out = new Array<LeafRecord>(events.length + versions.length);
  let e = 0;
  let v = 0;
  for (let i = 0; i < out.length; i++) {
    const ev = events[e];
    const ve = versions[v];
    const leaf = ev?.[0] as number | undefined;
    const eventNext =
      ve === undefined ||
      (leaf !== undefined && (leaf < ve[0] || (eventFirstOnTie && leaf === ve[0])));
    if (eventNext) {
      out[i] = { leaf: ev![0] as number, record: rawEventRecord(ev!) };
      e++;
    } else {
      out[i] = { leaf: ve[0], record: versionRecord(ve[1], ve[2]) };
      v++;
    }
  }
  return out;
}

function versionRecord(kind: DirectoryKind, payload: string): InterchangeRecord {
  return { kind, body: JSON.parse(payload) as unknown } as InterchangeRecord;
}
