import { chmodSync, closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { formatTime } from '../src/domain/index.js';
import { fileSource, importSource } from '../src/ingest/index.js';
import { Ledger, generateSignerKey } from '../src/ledger/index.js';
import { Vault } from '../src/privacy/index.js';
import { PostgresStore, SqliteStore, type Store } from '../src/store/index.js';
import { resolveOptions, simulate } from '../src/sim/index.js';
import { elapsed, fmtRate, median, verdict } from './stats.js';

/** Issue 18's floor: Warden's PostgreSQL ingest ≥ 0.3 × a bare COPY of the same lines. */
const FLOOR = 0.3;
const SERVER = process.env['WARDEN_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * `pg`: the simulator's medium preset (seed 1) as one NDJSON file in stream order (the first
 * `scale` of its lines), three ways per round: Warden's whole import into a fresh PostgreSQL
 * schema; a bare server-side `COPY` of the same lines, one text row each, into a fresh table
 * (the floor's baseline); and Warden's whole import into a fresh SQLite file (single process,
 * side by side). Rounds alternate the order; medians and the median of paired ratios.
 */
export async function benchPg(dir: string, scale: number, rounds: number): Promise<void> {
  const file = join(dir, 'pg-medium.ndjson');
  const lines = writeMedium(file, scale);
  // the server reads the file for COPY as its own user: let it (synthetic data)
  chmodSync(dir, 0o755);
  chmodSync(file, 0o644);
  console.log(`  medium preset (seed 1), ${lines.toLocaleString('en-US')} lines`);
  const copy: number[] = [];
  const onPg: number[] = [];
  const onSqlite: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const steps = [
      async () => copy.push(await bareCopy(file, r)),
      async () => onPg.push(await wardenIngest(await openPg(r), file)),
      async () => onSqlite.push(await wardenIngest(openSqlite(dir, r), file)),
    ];
    for (const step of r % 2 === 0 ? steps : steps.reverse()) await step();
    console.log(
      `  round ${r + 1}/${rounds}: COPY ${fmtRate(lines / copy[r]!)}, Warden on PostgreSQL ${fmtRate(lines / onPg[r]!)}, Warden on SQLite ${fmtRate(lines / onSqlite[r]!)}`,
    );
  }
  const ratio = median(copy.map((c, r) => c / onPg[r]!));
  const versus = median(onSqlite.map((s, r) => s / onPg[r]!));
  console.log(
    `pg ${lines.toLocaleString('en-US')} lines: COPY ${fmtRate(lines / median(copy))}, Warden on PostgreSQL ${fmtRate(lines / median(onPg))}, on SQLite ${fmtRate(lines / median(onSqlite))} (medians); PostgreSQL / COPY median paired ratio ${ratio.toFixed(2)} (floor ${FLOOR}: ${verdict(ratio >= FLOOR)}); PostgreSQL / SQLite ${versus.toFixed(2)}`,
  );
}

/** Writes the medium preset's lines (the first `scale` of them); returns how many. */
function writeMedium(file: string, scale: number): number {
  const lines: string[] = [];
  simulate(resolveOptions({ preset: 'medium', seed: 1 }), {
    write: (_f, l) => {
      for (const x of l) lines.push(x);
    },
  });
  const kept = lines.slice(0, Math.max(1, Math.round(lines.length * Math.min(1, scale))));
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < kept.length; i += 4096)
      writeSync(fd, `${kept.slice(i, i + 4096).join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  return kept.length;
}

/** Seconds for `COPY` of every line, as it is, into a new one-column table (one transaction). */
async function bareCopy(file: string, round: number): Promise<number> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  const table = `warden_bench_copy_${process.pid}_${round}`;
  try {
    await client.query(`CREATE TABLE ${table} (line text NOT NULL)`);
    const start = process.hrtime.bigint();
    // CSV with quote and delimiter bytes that never occur in the NDJSON: each line is one value
    await client.query(
      `COPY ${table} (line) FROM '${file.replace(/'/g, "''")}' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`,
    );
    return elapsed(start);
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  }
}

interface Opened {
  readonly store: Store;
  readonly drop: () => Promise<void>;
}

async function openPg(round: number): Promise<Opened> {
  const schema = `warden_bench_${process.pid}_${round}_${randomBytes(2).toString('hex')}`;
  const url = new URL(SERVER);
  url.searchParams.set('schema', schema);
  const store = await PostgresStore.open(url.toString());
  return {
    store,
    drop: async () => {
      const client = new pg.Client({ connectionString: SERVER });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

function openSqlite(dir: string, round: number): Opened {
  const path = join(dir, `pg-bench-${round}.db`);
  return {
    store: SqliteStore.open(path),
    drop: () => {
      for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
      return Promise.resolve();
    },
  };
}

/** Seconds for Warden's whole import of the file (parse, validate, seal, ledger, commit). */
async function wardenIngest(opened: Opened, file: string): Promise<number> {
  const { store } = opened;
  try {
    const ledger = await Ledger.open(store, generateSignerKey('bench.local/log'));
    const vault = new Vault(randomBytes(32), store.dataKeys);
    const start = process.hrtime.bigint();
    await importSource(store, ledger, vault, fileSource(file), {
      now: () => formatTime(Date.now()),
    });
    const seconds = elapsed(start);
    await ledger.close();
    return seconds;
  } finally {
    await store.close();
    await opened.drop();
  }
}
