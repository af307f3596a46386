import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessEvent, DirectoryKind } from '../domain/index.js';
import type { StoredApproval } from './ports.js';
import { SqliteStore } from './sqlite-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * Every statement the SQLite adapter prepares, collected by wrapping `Database#prepare` while
 * a workload calls every method of the store, then planned with `EXPLAIN QUERY PLAN`. A full
 * scan inside a correlated subquery runs once per outer row (quadratic: `ledger verify` once
 * spent 226 s of 3 min in one); a full scan of a table that grows with the log is allowed
 * only for statements that read the whole table by design, each listed with its reason.
 */

/** Tables whose size grows with the log or the directory. */
const BIG_TABLES = [
  'events',
  'directory_versions',
  'directory_current',
  'ledger_tiles',
  'ledger_checkpoints',
  'approvals',
  'relay_aliases',
  'data_keys',
  'api_tokens',
  'reviewer_email_hashes',
];

/** Statements that read a whole big table on purpose (a fragment of their SQL → why). */
const WHOLE_TABLE_READS: readonly (readonly [string, string])[] = [
  ['SELECT count(*) AS n FROM events', 'counting every event is linear by nature'],
  ['SELECT min(ts) AS first, max(ts) AS last FROM events', 'stats: one pass for the time span'],
  ['SELECT action, count(*) AS events FROM events GROUP BY action', 'stats: one pass'],
  ['SELECT kind, count(*) AS n FROM directory_current GROUP BY kind', 'stats: one pass'],
  ['FROM ledger_tiles\n       ORDER BY id', 'tiles(): every tile, in order, once'],
  ['FROM ledger_checkpoints ORDER BY id', 'checkpoints(): every checkpoint, in order, once'],
  ['FROM ledger_checkpoints ORDER BY id DESC LIMIT 1', 'the rowid order from its end: one row'],
  ['FROM directory_versions GROUP BY kind, key', 'verify: one ordered scan of the directory'],
  ['SELECT * FROM approvals ORDER BY created_at DESC, id', 'approvals(): lists them all'],
  ['SELECT subject, wrapped FROM data_keys LIMIT 1', 'any one data key: one row'],
  ['FROM detector_state_chunks ORDER BY seq', 'the saved detection state: read whole, by design'],
  ['DELETE FROM detector_state_chunks', 'the saved detection state is replaced whole'],
  [
    'SELECT * FROM relay_aliases ORDER BY issued_at, rowid',
    'allAliasIssues(): verify holds every row of the alias index to the ledger',
  ],
  ['SELECT * FROM api_tokens ORDER BY created_at DESC, id', 'tokens.list(): lists them all'],
  [
    'SELECT count(DISTINCT reviewer) FROM reviewer_email_hashes',
    'attribution.hashedReviewers(): counting is linear by nature',
  ],
];

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

/** What is wrong with a statement's plan, or nothing. */
export function planProblems(sql: string, plan: readonly PlanRow[]): string[] {
  const problems: string[] = [];
  const byId = new Map(plan.map((r) => [r.id, r]));
  const insideCorrelated = (row: PlanRow): boolean => {
    for (let p = byId.get(row.parent); p; p = byId.get(p.parent)) {
      if (p.detail.includes('CORRELATED')) return true;
    }
    return false;
  };
  for (const row of plan) {
    const correlated = insideCorrelated(row);
    const scanned = fullRead(row.detail, correlated);
    if (scanned === undefined) continue;
    const table = tableOf(sql, scanned);
    if (correlated) {
      problems.push(`full scan of ${table} inside a correlated subquery: ${row.detail}`);
    } else if (
      BIG_TABLES.includes(table) &&
      !WHOLE_TABLE_READS.some(([fragment]) => squash(sql).includes(squash(fragment)))
    ) {
      problems.push(`full scan of ${table} where a search is expected: ${row.detail}`);
    }
  }
  return problems;
}

/**
 * The table a plan row reads whole: `SCAN t` (by rowid or by an index, covering or not).
 * Inside a correlated subquery also `SEARCH t` with no index: the min/max optimisation
 * walking the rowid order from its end until a row matches (the old check of current
 * pointers did this once per record); alone, with no WHERE, it reads one row.
 */
function fullRead(detail: string, correlated: boolean): string | undefined {
  return (
    /^SCAN (\w+)/.exec(detail)?.[1] ?? (correlated ? /^SEARCH (\w+)$/.exec(detail)?.[1] : undefined)
  );
}

/** The table behind an alias of the statement (`FROM directory_current c` → c). */
function tableOf(sql: string, name: string): string {
  if (BIG_TABLES.includes(name)) return name;
  const alias = new RegExp(`\\b(\\w+)\\s+(?:AS\\s+)?${name}\\b`, 'i').exec(sql);
  return alias?.[1] !== undefined && BIG_TABLES.includes(alias[1]) ? alias[1] : name;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The SQL literals passed to `prepare` in the adapter's sources, `${…}` as wildcards. */
function preparedLiterals(): RegExp[] {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const found: RegExp[] = [];
  for (const file of readdirSync(dir).filter((f) => /^sqlite-.*(?<!\.test)\.ts$/.test(f))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const m of text.matchAll(/prepare\(\s*(['`"])([\s\S]*?)\1\s*,?\s*\)/g)) {
      const parts = (m[2] ?? '').split(/\$\{[^}]*\}/).map((p) => escape(squash(p)));
      found.push(new RegExp(`^${parts.join('.*')}$`, 's'));
    }
  }
  return found;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ev = (id: string, leaf: number, actor = 'e-1'): [AccessEvent, number] => [
  {
    id,
    time: '2026-03-02T09:14:05Z',
    actor,
    action: 'seller.metrics.view',
    target: { type: 'seller', id: `s-${leaf % 7}` },
  },
  leaf,
];

const approval: StoredApproval = {
  id: 'ap-1',
  requester: 'e-1',
  action: 'review.delete',
  targetType: 'review',
  targetId: 'r-1',
  request: '{}',
  sellers: ['s-1'],
  createdAt: '2026-03-02T09:14:05Z',
  expiresAt: '2026-03-03T09:14:05Z',
  status: 'pending',
  requestEvent: 'ev-0',
};

/** Calls every method of the store over a few thousand rows. */
async function workload(store: SqliteStore): Promise<void> {
  const tx = await store.begin();
  const events = Array.from({ length: 1500 }, (_, i) => ev(`ev-${i}`, i));
  await tx.insertEvents(
    events.map(([e]) => e),
    0,
  );
  const kinds: DirectoryKind[] = ['employee', 'assignment', 'seller'];
  await tx.insertDirectoryVersions(
    Array.from({ length: 900 }, (_, i) => ({
      leaf: 1500 + i,
      kind: kinds[i % 3] as DirectoryKind,
      key: i % 3 === 1 ? `e-1\u0000s-${i % 50}\u00002026-01-01` : `k-${i % 300}`,
      payload: `{"id":"k-${i}"}`,
    })),
  );
  await tx.currentPayloads('employee', ['k-0', 'k-3']);
  await tx.putTiles([{ tileLevel: 0, tileIndex: 0, data: Buffer.alloc(32) }]);
  await tx.setLedgerSize(2400);
  await tx.putCheckpoint({ size: 2400, rootHash: Buffer.alloc(32), note: 'n', createdAt: 'x' });
  await tx.recordBatch({
    source: 'f',
    startedAt: 'a',
    finishedAt: 'b',
    records: 1,
    events: 1,
    duplicates: 0,
    rejected: 0,
    ledgerSize: 2400,
  });
  const rest = {
    ledgerSize: 2400,
    rootHash: Buffer.alloc(32),
    version: 'v',
    events: 1,
    savedAt: 'now',
    data: Buffer.alloc(16),
    mac: Buffer.alloc(32),
  };
  const part = { ledgerSize: 2400, data: Buffer.alloc(16), mac: Buffer.alloc(32) };
  await tx.putDetectorState({ ...rest, directory: part });
  // a directory part staged, then the rest naming it (the engine thread's save)
  const staged = await tx.stageDetectorDirectory({ ...part, mac: Buffer.alloc(32, 1) });
  await tx.putStagedDetectorState(rest, staged);
  await tx.putApproval(approval);
  await tx.recordAliasIssue({
    alias: 'a@x',
    viewer: 'e-1',
    reviewer: 'rv-1',
    issuedAt: 'now',
    eventId: 'ev-1',
  });
  await tx.putPolicySet({ hash: 'ab'.repeat(32), files: { 'a.cedar': '' }, createdAt: 'now' });
  await tx.putToken({
    id: 'tok-1',
    employee: 'e-1',
    secretHash: Buffer.alloc(32),
    createdAt: 'now',
    eventId: 'ev-2',
  });
  await tx.putCanaries(['enc:v1:x']);
  await tx.putEmailHashes([{ hash: Buffer.alloc(32), reviewer: 'rv-1' }]);
  await tx.putStreamPositions([{ leaf: 0, seq: 1 }]);
  const caseRow = {
    id: 'case-1',
    title: 't',
    status: 'open' as const,
    openedBy: 'e-1',
    openedAt: 'now',
    eventId: 'ev-1',
  };
  await tx.putCase(caseRow);
  await tx.putCaseMember({
    caseId: 'case-1',
    kind: 'employee',
    ref: 'e-1',
    addedAt: 'now',
    eventId: 'ev-1',
  });
  await tx.addCaseNote({ caseId: 'case-1', author: 'e-2', text: 'n', at: 'now', eventId: 'ev-1' });
  await tx.putTriage({
    alertId: 'al-1',
    detector: 'd',
    employee: 'e-1',
    state: 'dismissed',
    by: 'e-2',
    at: 'now',
    until: 'later',
    eventId: 'ev-1',
  });
  await tx.putErasureRequest({
    subject: 'rv-1',
    requestedBy: 'e-2',
    requestedAt: 'now',
    eventId: 'ev-1',
  });
  await tx.deleteErasureRequest('rv-9');
  await tx.putAccess('e-1', 'suspended', 'ev-1');
  await tx.putAccess('e-2', undefined, 'ev-1');
  await tx.putOutbox({
    id: 'ob-1',
    caseId: 'case-1',
    measure: 'm',
    payload: '{}',
    createdAt: 'now',
    eventId: 'ev-1',
    attempts: 0,
  });
  await tx.outboxAttempt('ob-1', { error: 'refused' });
  await tx.outboxAttempt('ob-1', { deliveredAt: 'now' });
  await tx.putAppeal({
    id: 'apl-1',
    caseId: 'case-1',
    measureEvent: 'ev-1',
    appellant: 's-1',
    grounds: 'g',
    filedBy: 'e-2',
    filedAt: 'now',
    eventId: 'ev-1',
  });
  await tx.commit();
  await readEverything(store);
}

async function readEverything(store: SqliteStore): Promise<void> {
  await store.events.count();
  await store.events.actorsOf(['ev-1', 'ev-2']);
  await store.directory.count('employee');
  await store.directory.get('employee', 'k-0');
  await store.directory.existing('seller', ['k-2', 'nope']);
  await store.directory.assignmentsOf('e-1');
  await store.ledger.size();
  await store.ledger.getTile(0, 0);
  for await (const _ of store.ledger.tiles());
  for await (const _ of store.ledger.records(100));
  for await (const _ of store.ledger.recordChunks(0, 2400));
  for await (const _ of store.ledger.recordChunks(0, 2400, ['reviewer']));
  for (const _ of store.recordRowChunks(0, 2400, ['reviewer']));
  for (const _ of store.recordRowChunks(0, 2400, ['event', 'reviewer']));
  store.eventLineRow(3);
  store.versionLineRow(3);
  await store.events.byIds(['ev-1', 'ev-2']);
  await store.detectorState.describe();
  await store.detectorState.load();
  await store.detectorState.clear();
  await store.ledger.leafOf('ev-3');
  await store.ledger.leafOf('employee:k-0');
  await store.ledger.checkpoints();
  await store.ledger.latestCheckpoint();
  await store.ledger.staleCurrentPointers();
  await store.batches.list();
  store.dataKeys.putWrappedKey('rv-1', Buffer.alloc(8));
  store.dataKeys.getWrappedKey('rv-1');
  store.dataKeys.putWrappedKeys([['rv-2', Buffer.alloc(8)]]);
  store.dataKeys.getWrappedKeys(['rv-1', 'rv-2']);
  await store.dataKeys.deleteWrappedKeyUnlessHeld('rv-1');
  await store.findings.save({
    computedAt: 'now',
    ledgerSize: 1,
    events: 1,
    findings: { risk: [], alerts: [] },
  });
  await store.findings.latest();
  await store.guard.approval('ap-1');
  await store.guard.approvals();
  await store.guard.approvals('pending');
  await store.guard.aliasIssues('a@x');
  for await (const _ of store.guard.allAliasIssues());
  await store.guard.approvalEvents('ap-1');
  await store.guard.lastEvent('seller.metrics.view', 'allowed');
  for await (const _ of store.guard.eventsOf('reviewer.contact.view', 'allowed'));
  for await (const _ of store.guard.eventsOf('reviewer.contact.view', 'allowed', true));
  await store.tokens.get('tok-1');
  await store.tokens.list();
  await store.policySets.get('ab'.repeat(32));
  await store.attribution.canaries();
  await store.attribution.reviewersByEmailHash([Buffer.alloc(32)]);
  await store.attribution.hashedReviewers();
  await store.streamPositions.lastSeq();
  await store.streamPositions.all();
  for await (const _ of store.attribution.eventsOn('reviewer', new Set(['rv-1'])));
  await store.attribution.currentRecords('seller');
  await store.meta.recordIfAbsent({ 'plans.check': 'x' });
  await store.meta.get('plans.check');
  await store.stats();
  await store.cases.get('case-1');
  await store.cases.list();
  await store.cases.members('case-1');
  await store.cases.notes('case-1');
  await store.cases.triage('al-1');
  await store.cases.dismissals();
  await store.cases.casesOf('employee', 'e-1');
  await store.cases.eventsAbout(['e-1'], ['k-2']);
  await store.cases.erasureRequests();
  await store.cases.accessOf('e-1');
  await store.cases.outbox('pending');
  await store.cases.outbox('all');
  await store.cases.appeal('apl-1');
  await store.cases.appeals();
  await store.cases.triages();
  await store.cases.accessRows();
  await store.cases.catalogueOf(['s-1']);
  store.dataKeys.holdsOn('e-1');
}

describe('the SQLite adapter’s query plans', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-plans-'));
  const seen = new Set<string>();
  let db: Database.Database;

  beforeAll(async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its `this` below
    const prepare = Database.prototype.prepare;
    Database.prototype.prepare = function (this: Database.Database, sql: string) {
      seen.add(sql);
      return prepare.call(this, sql);
    } as typeof prepare;
    try {
      const store = SqliteStore.open(join(dir, 'plans.db'));
      await workload(store);
      await store.close();
      const reader = SqliteStore.open(join(dir, 'plans.db'), { readonly: true });
      await reader.ledger.size();
      await reader.close();
    } finally {
      Database.prototype.prepare = prepare;
    }
    db = new Database(join(dir, 'plans.db'), { readonly: true });
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const statements = (): string[] =>
    [...seen].filter((sql) => /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql));

  describe('when every method of the store has run', () => {
    it('has prepared every SQL literal of the adapter’s sources', () => {
      const prepared = statements().map(squash);
      const missed = preparedLiterals().filter((re) => !prepared.some((sql) => re.test(sql)));
      expect(missed.map(String)).toEqual([]);
      expect(prepared.length).toBeGreaterThan(30);
    });

    it('plans no full scan inside a correlated subquery, and no scan where a search is expected', () => {
      const problems = statements().flatMap((sql) =>
        planProblems(sql, explain(db, sql)).map((p) => `${squash(sql).slice(0, 120)}: ${p}`),
      );
      expect(problems).toEqual([]);
    });
  });

  describe('when given the quadratic check of current pointers it replaced', () => {
    it('flags it', () => {
      const old = `SELECT c.kind, c.key, c.leaf FROM directory_current c
        WHERE c.leaf IS NOT (SELECT max(v.leaf) FROM directory_versions v WHERE v.kind = c.kind AND v.key = c.key)`;
      const scratch = new Database(':memory:');
      scratch.exec(`CREATE TABLE directory_versions (leaf INTEGER PRIMARY KEY, kind TEXT, key TEXT);
        CREATE TABLE directory_current (kind TEXT, key TEXT, leaf INTEGER, PRIMARY KEY (kind, key)) WITHOUT ROWID;`);
      expect(planProblems(old, explain(scratch, old))).toEqual([
        expect.stringContaining('full scan of directory_versions inside a correlated subquery'),
      ]);
      scratch.close();
    });
  });

  describe('when a lookup has no index to use', () => {
    it('flags the scan', () => {
      const sql = 'SELECT leaf FROM events WHERE ticket = ?'; // actor is indexed since migration 7
      expect(planProblems(sql, explain(db, sql))).toEqual([
        expect.stringContaining('full scan of events where a search is expected'),
      ]);
    });
  });
});

/** The plan of a statement, its parameters bound to NULL. */
function explain(db: Database.Database, sql: string): PlanRow[] {
  const stmt = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const params = (sql.match(/\?/g) ?? []).length;
  return stmt.all(...Array<null>(params).fill(null)) as PlanRow[];
}
