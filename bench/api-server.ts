import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { main } from '../src/cli/index.js';
import { wireReadOnly } from '../src/cli/read-only.js';
import { serverDeps } from '../src/cli/serve-wiring.js';
import { wire } from '../src/cli/wiring.js';
import { buildApp } from '../src/server/index.js';
import { SqliteStore, applyPragmas } from '../src/store/index.js';

/**
 * The server side of `bench/api.ts`, in its own process so that autocannon does not share its
 * event loop: `echo` (a bare Fastify app that parses the same NDJSON payload and sends it back
 * as JSON), `insert` (a bare Fastify app that inserts it durably: see `insertApp`) or `api`
 * (Warden's app over a fresh database). Tells its parent the port, the token, and its resident
 * memory every second.
 */
const mode = process.argv[2];
const send = (m: object): void => void process.send?.(m);
setInterval(() => send({ rss: process.memoryUsage.rss() }), 1000).unref();

let token = '';
const app = mode === 'echo' ? echoApp() : mode === 'insert' ? await insertApp() : await apiApp();
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
send({ ready: true, port, token });
if (!process.send) console.log(JSON.stringify({ port, token })); // run alone, for profiling
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));

function echoApp(): FastifyInstance {
  const echo = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  echo.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_r, body, done) =>
    done(null, body),
  );
  echo.post('/echo', (request) => {
    const records = (request.body as string)
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown);
    return { events: records.length, records };
  });
  // the read baseline: a constant answer of an inclusion proof's size
  const proof = {
    index: 1,
    treeSize: 2,
    leafHash: 'x'.repeat(44),
    rootHash: 'x'.repeat(44),
    proof: Array.from({ length: 21 }, () => 'x'.repeat(44)),
  };
  echo.get('/read', () => proof);
  return echo;
}

/**
 * What any durable ingest route can do here: the same NDJSON body, each line `JSON.parse`d and
 * inserted with one prepared statement into Warden's own schema (the `events` table and its
 * indexes, made by the store's migrations), with the pragmas the store sets on its writing
 * connection (WAL, `synchronous=FULL`, …); one transaction per request, answered after its
 * commit (fsynced). No validation, dedupe, ledger, checkpoint or authentication. Reads are
 * answered as the echo answers them.
 */
async function insertApp(): Promise<FastifyInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-insert-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'bare.db');
  await SqliteStore.open(path).close(); // the schema (and page size) of a Warden database
  const db = new Database(path);
  applyPragmas(db, false); // the store's own connection settings
  const insert = db.prepare(
    `INSERT INTO events (leaf, id, ts, time, actor, action, target_type, target_id, outcome, ticket, context, attrs)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let leaf = 0;
  const app = echoApp();
  app.addHook('onClose', (_instance, done) => {
    db.close();
    done();
  });
  app.post('/insert', (request) => {
    const lines = (request.body as string).split('\n');
    db.exec('BEGIN IMMEDIATE');
    try {
      let events = 0;
      for (const line of lines) {
        if (line === '') continue;
        const e = JSON.parse(line) as BenchEvent;
        insert.run(
          leaf++,
          e.id,
          Date.parse(e.time),
          e.time,
          e.actor,
          e.action,
          e.target.type,
          e.target.id,
          null,
          null,
          null,
          null,
        );
        events++;
      }
      db.exec('COMMIT');
      return { events };
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  });
  return app;
}

interface BenchEvent {
  readonly id: string;
  readonly time: string;
  readonly actor: string;
  readonly action: string;
  readonly target: { readonly type: string; readonly id: string };
}

async function apiApp(): Promise<FastifyInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-bench-api-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'warden.db');
  writeFileSync(
    join(dir, 'warden.org.json'),
    JSON.stringify({ api: { grants: [{ role: 'feeder', scopes: ['ingest', 'ledger'] }] } }),
  );
  const people = Array.from({ length: 10 }, (_v, i) => ({
    v: 1,
    kind: 'employee',
    id: `e${i}`,
    team: 'support',
    role: 'agent',
    site: 'X',
  }));
  const directory = [
    { v: 1, kind: 'employee', id: 'feed', team: 'systems', role: 'feeder', site: 'X' },
    ...people,
    { v: 1, kind: 'seller', id: 's1', category: 'toys', region: 'EU' },
  ];
  writeFileSync(
    join(dir, 'directory.ndjson'),
    `${directory.map((d) => JSON.stringify(d)).join('\n')}\n`,
  );
  let out = '';
  const io = { out: (t: string) => void (out += t), err: () => {}, stdin: Readable.from([]) };
  await main(['node', 'warden', 'ingest', join(dir, 'directory.ndjson'), '--db', db], io);
  out = '';
  await main(['node', 'warden', 'token', 'create', 'feed', '--db', db, '--json'], io);
  token = (JSON.parse(out) as { token: string }).token;
  const w = await wire(db);
  const reader = await wireReadOnly(db);
  const api = await buildApp({
    ...(await serverDeps(w, reader, {})),
    logger: false,
    limits: { perMinute: 10_000_000 },
  });
  api.addHook('onClose', async () => {
    await reader.close();
    await w.close();
  });
  return api;
}
