import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { formatTime, recordKey, type InterchangeRecord } from '../src/domain/index.js';
import { fileSource, importSource } from '../src/ingest/index.js';
import { Ledger, generateSignerKey } from '../src/ledger/index.js';
import { EmailHashes, Vault } from '../src/privacy/index.js';
import { resolveOptions, writeSimulation } from '../src/sim/index.js';
import { SqliteStore } from '../src/store/index.js';
import { removeDb } from './ingest.js';
import { elapsed, fmtRate, median, verdict } from './stats.js';

const FLOOR = 0.5;

type Line = Record<string, unknown> & { kind: string };

/**
 * `ingest-mixed`: the simulator's medium stream (seed 1) as one file, in its natural mix of
 * directory records and events, through Warden's whole import (as `warden ingest` runs it:
 * with the keyed index of reviewer addresses); and its directory records
 * alone. Each against a baseline that reads the same file and inserts the same lines with bare
 * prepared statements (events into `events`; directory records into `directory_versions` and
 * `directory_current`), 10,000 lines per transaction, same schema and durability, in the same
 * run. Alternating rounds; medians of the paired ratios.
 */
export async function benchIngestMixed(
  dir: string,
  scale: number,
  rounds: number,
): Promise<Record<string, number>> {
  const { mixed, directory } = await writeStreams(dir, scale);
  const out: Record<string, number> = {};
  for (const [name, file] of [
    ['mixed stream', mixed],
    ['directory records alone', directory],
  ] as const) {
    const lines = await countLines(file);
    const ratio = await compare(dir, name, file, lines, rounds);
    out[name] = ratio;
  }
  return out;
}

async function writeStreams(
  dir: string,
  scale: number,
): Promise<{ mixed: string; directory: string }> {
  const employees = Math.max(50, Math.round(1000 * scale));
  const simDir = join(dir, 'mixed-sim');
  const sim = writeSimulation(simDir, resolveOptions({ preset: 'medium', seed: 1, employees }));
  const mixed = join(dir, 'mixed.ndjson');
  const directory = join(dir, 'directory.ndjson');
  const all = createWriteStream(mixed);
  const dirOnly = createWriteStream(directory);
  for (const f of sim.manifest.files) {
    const text = readFileSync(join(simDir, f), 'utf8');
    all.write(text);
    for (const line of text.split('\n')) {
      if (line !== '' && !line.includes('"kind":"event"')) dirOnly.write(`${line}\n`);
    }
  }
  all.end();
  dirOnly.end();
  await Promise.all([once(all, 'finish'), once(dirOnly, 'finish')]);
  return { mixed, directory };
}

async function compare(
  dir: string,
  name: string,
  file: string,
  n: number,
  rounds: number,
): Promise<number> {
  const base: number[] = [];
  const warden: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) base.push(await baseline(join(dir, `mb-${r}.db`), file));
    warden.push(await wardenIngest(join(dir, `mw-${r}.db`), file));
    if (r % 2 === 1) base.push(await baseline(join(dir, `mb-${r}.db`), file));
    console.log(
      `  ${name} round ${r + 1}/${rounds}: baseline ${fmtRate(n / base[r]!)}, warden ${fmtRate(n / warden[r]!)}, ratio ${(base[r]! / warden[r]!).toFixed(2)}`,
    );
  }
  const ratio = median(base.map((b, r) => b / warden[r]!));
  console.log(
    `ingest-mixed, ${name}, ${n.toLocaleString('en-US')} lines: baseline ${fmtRate(n / median(base))}, warden ${fmtRate(n / median(warden))} (medians); median paired ratio ${ratio.toFixed(2)} (floor ${FLOOR}: ${verdict(ratio >= FLOOR)})`,
  );
  return ratio;
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
  }
  return n;
}

async function baseline(path: string, file: string): Promise<number> {
  await SqliteStore.open(path).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const event = db.prepare(
    `INSERT INTO events (leaf, id, ts, time, actor, action, target_type, target_id, outcome, ticket, context, attrs)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const version = db.prepare(
    'INSERT INTO directory_versions (leaf, kind, key, payload) VALUES (?, ?, ?, ?)',
  );
  const current = db.prepare(
    'INSERT OR REPLACE INTO directory_current (kind, key, leaf) VALUES (?, ?, ?)',
  );
  const start = process.hrtime.bigint();
  let leaf = 0;
  let inTx = 0;
  db.exec('BEGIN');
  for await (const text of createInterface({
    input: createReadStream(file),
    crlfDelay: Infinity,
  })) {
    const o = JSON.parse(text) as Line;
    if (o.kind === 'event') insertEvent(event, leaf++, o);
    else {
      const { v: _v, kind, ...body } = o;
      const key = recordKey({ kind, body } as unknown as InterchangeRecord);
      version.run(leaf, kind, key, JSON.stringify(body));
      current.run(kind, key, leaf++);
    }
    if (++inTx === 10_000) {
      db.exec('COMMIT; BEGIN');
      inTx = 0;
    }
  }
  db.exec('COMMIT');
  const seconds = elapsed(start);
  db.close();
  removeDb(path);
  return seconds;
}

function insertEvent(insert: Database.Statement, leaf: number, o: Line): void {
  const target = o['target'] as { type: string; id: string };
  insert.run(
    leaf,
    o['id'],
    Date.parse(o['time'] as string),
    o['time'],
    o['actor'],
    o['action'],
    target.type,
    target.id,
    o['outcome'] ?? null,
    o['ticket'] ?? null,
    o['context'] ? JSON.stringify(o['context']) : null,
    o['attrs'] ? JSON.stringify(o['attrs']) : null,
  );
}

async function wardenIngest(path: string, file: string): Promise<number> {
  const store = SqliteStore.open(path);
  const ledger = await Ledger.open(store, generateSignerKey('bench.local/log'));
  const masterKey = randomBytes(32);
  const vault = new Vault(masterKey, store.dataKeys);
  const start = process.hrtime.bigint();
  await importSource(store, ledger, vault, fileSource(file), {
    now: () => formatTime(Date.now()),
    emailHashes: new EmailHashes(masterKey),
  });
  const seconds = elapsed(start);
  await ledger.close();
  await store.close();
  removeDb(path);
  return seconds;
}
