import type { AccessEvent, DirectoryKind } from '../domain/index.js';
import { RECORD_KINDS, formatTime } from '../domain/index.js';
import type {
  BatchRepository,
  BatchSummary,
  DirectoryRepository,
  EventRepository,
  FindingsRepository,
  MetaRepository,
  StoreStats,
  StoredFindings,
} from './ports.js';
import type { PgConnection } from './postgres-connection.js';
import { rowToEvent, type EventRow } from './sqlite-rows.js';
import { FINDINGS_COLUMNS, findingsOf, findingsValues, type FindingsRow } from './findings-rows.js';

/** Ids per `= ANY($1)` query: one round trip each. */
const IDS = 20_000;

/** Runs statements in a transaction of their own, or in the one already open. */
export type Atomically = <T>(f: () => Promise<T>) => Promise<T>;

export class PgEvents implements EventRepository {
  constructor(private readonly c: PgConnection) {}

  async count(): Promise<number> {
    return (await this.c.value<number>('SELECT count(*) FROM events')) ?? 0;
  }

  async actorsOf(ids: readonly string[]): Promise<Map<string, string>> {
    const actors = new Map<string, string>();
    for (const chunk of distinctChunks(ids)) {
      const rows = await this.c.arrays<[string, string]>(
        'SELECT id, actor FROM events WHERE id = ANY($1::text[])',
        [chunk],
      );
      for (const [id, actor] of rows) actors.set(id, actor);
    }
    return actors;
  }

  async byIds(ids: readonly string[]): Promise<Map<string, AccessEvent>> {
    const events = new Map<string, AccessEvent>();
    for (const chunk of distinctChunks(ids)) {
      const rows = await this.c.rows<EventRow>('SELECT * FROM events WHERE id = ANY($1::text[])', [
        chunk,
      ]);
      for (const row of rows) events.set(row.id, rowToEvent(row));
    }
    return events;
  }
}

const CURRENT = `SELECT v.payload FROM directory_current c JOIN directory_versions v ON v.leaf = c.leaf`;

export class PgDirectory implements DirectoryRepository {
  constructor(private readonly c: PgConnection) {}

  async count(kind: DirectoryKind): Promise<number> {
    return (
      (await this.c.value<number>('SELECT count(*) FROM directory_current WHERE kind = $1', [
        kind,
      ])) ?? 0
    );
  }

  get(kind: DirectoryKind, key: string): Promise<string | undefined> {
    return this.c.value<string>(`${CURRENT} WHERE c.kind = $1 AND c.key = $2`, [
      kind,
      Buffer.from(key),
    ]);
  }

  async assignmentsOf(employeeId: string): Promise<string[]> {
    // assignment keys are `employee NUL seller NUL from`: a range of the primary key, bytewise
    const rows = await this.c.arrays<[string]>(
      `${CURRENT} WHERE c.kind = 'assignment' AND c.key >= $1 AND c.key < $2`,
      [Buffer.from(`${employeeId}\u0000`), Buffer.from(`${employeeId}\u0001`)],
    );
    return rows.map(([p]) => p);
  }

  async existing(kind: DirectoryKind, ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const chunk of distinctChunks(ids)) {
      const rows = await this.c.arrays<[Buffer]>(
        'SELECT key FROM directory_current WHERE kind = $1 AND key = ANY($2::bytea[])',
        [kind, chunk.map((id) => Buffer.from(id))],
      );
      for (const [key] of rows) found.add(key.toString('utf8'));
    }
    return found;
  }
}

export class PgBatches implements BatchRepository {
  constructor(private readonly c: PgConnection) {}

  list(): Promise<(BatchSummary & { id: number })[]> {
    return this.c.rows(
      `SELECT id, source, started_at AS "startedAt", finished_at AS "finishedAt", records, events,
              duplicates, rejected, ledger_size AS "ledgerSize" FROM batches ORDER BY id`,
    );
  }
}

/** Facts about the store itself (`meta` rows), such as the check values of its keys. */
export class PgMeta implements MetaRepository {
  constructor(
    private readonly c: PgConnection,
    private readonly readOnly: boolean,
  ) {}

  get(name: string): Promise<string | undefined> {
    return this.c.value<string>('SELECT value FROM meta WHERE key = $1', [name]);
  }

  async recordIfAbsent(entries: Readonly<Record<string, string>>): Promise<void> {
    if (this.readOnly) return;
    // one statement: atomic, and a name already recorded keeps its first value
    await this.c.run(
      `INSERT INTO meta (key, value) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (key) DO NOTHING`,
      [Object.keys(entries), Object.values(entries)],
    );
  }
}

/**
 * Replaces the stored findings with `f`, in the caller's transaction: alone (`PgFindings.save`)
 * or with the detection state they were computed with (`putFindings`).
 */
export async function writeFindings(c: PgConnection, f: StoredFindings): Promise<void> {
  await c.run('DELETE FROM findings');
  await c.run(
    `INSERT INTO findings (${FINDINGS_COLUMNS}) VALUES ($1, $2, $3, $4, $5)`,
    findingsValues(f),
  );
}

export class PgFindings implements FindingsRepository {
  constructor(
    private readonly c: PgConnection,
    private readonly atomically: Atomically,
  ) {}

  save(f: StoredFindings): Promise<void> {
    return this.atomically(() => writeFindings(this.c, f));
  }

  async latest(): Promise<StoredFindings | undefined> {
    const [row] = await this.c.rows<FindingsRow>(
      `SELECT ${FINDINGS_COLUMNS} FROM findings ORDER BY id DESC LIMIT 1`,
    );
    return row && findingsOf(row);
  }
}

const EMPLOYEES_BY_SITE = `
  SELECT site, team, count(*) AS employees FROM (
    SELECT p ->> 'site' AS site, p ->> 'team' AS team FROM (
      SELECT replace(v.payload, '\\u0000', '\\ufffd')::json AS p
      FROM directory_current c JOIN directory_versions v ON v.leaf = c.leaf
      WHERE c.kind = 'employee') e) f
  GROUP BY site, team ORDER BY site COLLATE "C" NULLS FIRST, team COLLATE "C" NULLS FIRST`;

/**
 * Counts per kind, the events' time span, employees per site and team (as SQLite's). The
 * JSON escape of NUL, which PostgreSQL's JSON operators refuse, is read as U+FFFD (text in
 * PostgreSQL cannot hold NUL): a site or team named with it is the one difference.
 */
export async function readStats(c: PgConnection, ledgerSize: number): Promise<StoreStats> {
  const counts = Object.fromEntries(RECORD_KINDS.map((k) => [k, 0])) as StoreStats['counts'];
  const kinds = await c.arrays<[DirectoryKind, number]>(
    'SELECT kind, count(*) FROM directory_current GROUP BY kind',
  );
  for (const [kind, n] of kinds) counts[kind] = n;
  const [span] = await c.arrays<[number, number | null, number | null]>(
    'SELECT count(*), min(ts), max(ts) FROM events',
  );
  counts.event = span?.[0] ?? 0;
  const employeesBySite = await c.rows<StoreStats['employeesBySite'][number]>(EMPLOYEES_BY_SITE);
  const eventsByAction = await c.rows<StoreStats['eventsByAction'][number]>(
    'SELECT action, count(*) AS events FROM events GROUP BY action ORDER BY events DESC',
  );
  const batches = (await c.value<number>('SELECT count(*) FROM batches')) ?? 0;
  const stats: { -readonly [K in keyof StoreStats]: StoreStats[K] } = {
    counts,
    employeesBySite,
    eventsByAction,
    ledgerSize,
    batches,
  };
  if (span?.[1] != null) stats.firstEventTime = formatTime(span[1]);
  if (span?.[2] != null) stats.lastEventTime = formatTime(span[2]);
  return stats;
}

function* distinctChunks(ids: readonly string[]): Generator<string[]> {
  const distinct = [...new Set(ids)];
  for (let i = 0; i < distinct.length; i += IDS) yield distinct.slice(i, i + IDS);
}
