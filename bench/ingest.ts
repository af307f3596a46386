import { createReadStream, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { formatTime } from '../src/domain/index.js';
import { fileSource, importSource } from '../src/ingest/index.js';
import { Ledger, generateSignerKey } from '../src/ledger/index.js';
import { Vault } from '../src/privacy/index.js';
import { SqliteStore } from '../src/store/index.js';
import { writeEventsFile } from './data.js';
import { elapsed, fmtRate, median, verdict } from './stats.js';

const FLOOR = 0.5;

interface BenchLine {
  kind: string;
  id: string;
  time: string;
  actor: string;
  action: string;
  target: { type: string; id: string };
  ticket?: string;
  context?: object;
  attrs?: object;
}

/**
 * `ingest`: N interchange events from a file into a fresh SQLite database through Warden's
 * whole import (parse, validate, dedupe, ledger, checkpoint), against a baseline that reads
 * the same file and inserts the same rows with one bare prepared statement, 10,000 rows per
 * transaction, into the same schema with the same durability. Alternating rounds; medians.
 */
export async function benchIngest(
  dir: string,
  n: number,
  rounds: number,
): Promise<Record<string, number>> {
  const file = join(dir, 'events.ndjson');
  await writeEventsFile(file, n);
  const base: number[] = [];
  const warden: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // adjacent runs, order alternated, so that the machine's drift falls on both sides
    if (r % 2 === 0) base.push(await baseline(join(dir, `base-${r}.db`), file));
    warden.push(await wardenIngest(join(dir, `warden-${r}.db`), file));
    if (r % 2 === 1) base.push(await baseline(join(dir, `base-${r}.db`), file));
    console.log(
      `  round ${r + 1}/${rounds}: baseline ${fmtRate(n / base[r]!)}, warden ${fmtRate(n / warden[r]!)}`,
    );
  }
  const baseRate = n / median(base);
  const wardenRate = n / median(warden);
  // the ratio of each round's pair, then their median: robust to a noisy machine
  const ratio = median(base.map((b, r) => b / warden[r]!));
  console.log(
    `ingest ${n.toLocaleString('en-US')} events: baseline ${fmtRate(baseRate)}, warden ${fmtRate(wardenRate)} (medians); median paired ratio ${ratio.toFixed(2)} (floor ${FLOOR}: ${verdict(ratio >= FLOOR)})`,
  );
  return { baseRate, wardenRate, ratio };
}

async function baseline(path: string, file: string): Promise<number> {
  await SqliteStore.open(path).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const insert = db.prepare(
    `INSERT INTO events (leaf, id, ts, time, actor, action, target_type, target_id, outcome, ticket, context, attrs)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const start = process.hrtime.bigint();
  let leaf = 0;
  let inTx = 0;
  db.exec('BEGIN');
  for await (const text of createInterface({
    input: createReadStream(file),
    crlfDelay: Infinity,
  })) {
    const o = JSON.parse(text) as BenchLine;
    if (o.kind !== 'event') continue;
    insert.run(
      leaf++,
      o.id,
      Date.parse(o.time),
      o.time,
      o.actor,
      o.action,
      o.target.type,
      o.target.id,
      null,
      o.ticket ?? null,
      o.context ? JSON.stringify(o.context) : null,
      o.attrs ? JSON.stringify(o.attrs) : null,
    );
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

async function wardenIngest(path: string, file: string): Promise<number> {
  const store = SqliteStore.open(path);
  const ledger = await Ledger.open(store, generateSignerKey('bench.local/log'));
  const vault = new Vault(randomBytes(32), store.dataKeys);
  const start = process.hrtime.bigint();
  await importSource(store, ledger, vault, fileSource(file), { now: () => formatTime(Date.now()) });
  const seconds = elapsed(start);
  await ledger.close();
  await store.close();
  removeDb(path);
  return seconds;
}

export function removeDb(path: string): void {
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
}
