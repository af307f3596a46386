import { chmodSync, closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { formatTime } from '../src/domain/index.js';
import { fileSource, importSource } from '../src/ingest/index.js';
import { Ledger, generateSignerKey } from '../src/ledger/index.js';
import { Vault } from '../src/privacy/index.js';
import { SqliteStore, loadPostgresStore, type Store } from '../src/store/index.js';
import { resolveOptions, simulate } from '../src/sim/index.js';
import { elapsed, fmtRate, median, verdict } from './stats.js';
import { backendCpu, backendOf, fmtCpu, processCpu, spent } from './pg-cpu.js';

/** Issue 18's floor: Warden's PostgreSQL ingest ≥ 0.3 × a bare COPY of the same lines. */
const FLOOR = 0.3;
const SERVER = process.env['WARDEN_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * `pg`: the simulator's medium preset (seed 1) as one NDJSON file in stream order (the first
 * `scale` of its lines), three ways per round: Warden's whole import into a fresh PostgreSQL
 * schema; a bare server-side `COPY` of the same lines, one text row each, into a fresh table
 * (the floor's baseline); and Warden's whole import into a fresh SQLite file (single process,
 * side by side). Rounds alternate the order; medians and the median of paired ratios. Beside
 * the wall times, the CPU seconds each spent (this process's threads, and the server process of
 * the connection, read from /proc when the server is on this machine): on a loaded machine wall
 * time is mostly waiting for a core, CPU time is the work.
 */
export async function benchPg(dir: string, scale: number, rounds: number): Promise<void> {
  const file = join(dir, 'pg-medium.ndjson');
  const lines = writeMedium(file, scale);
  // the server reads the file for COPY as its own user: let it (synthetic data)
  chmodSync(dir, 0o755);
  chmodSync(file, 0o644);
  console.log(`  medium preset (seed 1), ${lines.toLocaleString('en-US')} lines`);
  const copy: number[] = [];
  const onPg: Spent[] = [];
  const onSqlite: Spent[] = [];
  const copyCpu: (number | undefined)[] = [];
  for (let r = 0; r < rounds; r++) {
    const steps = [
      async () => {
        const c = await bareCopy(file, r);
        copy.push(c.seconds);
        copyCpu.push(c.server);
      },
      async () => onPg.push(await wardenIngest(await openPg(r), file)),
      async () => onSqlite.push(await wardenIngest(openSqlite(dir, r), file)),
    ];
    for (const step of r % 2 === 0 ? steps : steps.reverse()) await step();
    const [p, q] = [onPg[r]!, onSqlite[r]!];
    console.log(
      `  round ${r + 1}/${rounds}: COPY ${fmtRate(lines / copy[r]!)}, Warden on PostgreSQL ${fmtRate(lines / p.seconds)}, Warden on SQLite ${fmtRate(lines / q.seconds)}`,
    );
    console.log(
      `    CPU: COPY server ${fmtCpu(copyCpu[r])}; Warden on PostgreSQL ${fmtCpu(p.own)} + server ${fmtCpu(p.server)}; on SQLite ${fmtCpu(q.own)}`,
    );
  }
  const ratio = median(copy.map((c, r) => c / onPg[r]!.seconds));
  const versus = median(onSqlite.map((s, r) => s.seconds / onPg[r]!.seconds));
  // the work, not the wait: COPY's server CPU over Warden's own and its server's, per round
  const cpuRatio = medianOf(
    copyCpu.map((c, r) => {
      const server = onPg[r]!.server;
      return c === undefined || server === undefined ? undefined : c / (onPg[r]!.own + server);
    }),
  );
  console.log(
    `pg CPU (medians): COPY server ${fmtCpu(medianOf(copyCpu))}; Warden on PostgreSQL ${fmtCpu(median(onPg.map((w) => w.own)))} + server ${fmtCpu(medianOf(onPg.map((w) => w.server)))}; on SQLite ${fmtCpu(median(onSqlite.map((w) => w.own)))}; COPY / Warden on PostgreSQL in CPU ${cpuRatio === undefined ? 'n/a' : cpuRatio.toFixed(3)}`,
  );
  console.log(
    `pg ${lines.toLocaleString('en-US')} lines: COPY ${fmtRate(lines / median(copy))}, Warden on PostgreSQL ${fmtRate(lines / median(onPg.map((w) => w.seconds)))}, on SQLite ${fmtRate(lines / median(onSqlite.map((w) => w.seconds)))} (medians); PostgreSQL / COPY median paired ratio ${ratio.toFixed(2)} (floor ${FLOOR}: ${verdict(ratio >= FLOOR)}); PostgreSQL / SQLite ${versus.toFixed(2)}`,
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

/** The median of the known values, if any. */
function medianOf(xs: readonly (number | undefined)[]): number | undefined {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length === 0 ? undefined : median(known);
}

/** Seconds for `COPY` of every line, as it is, into a new one-column table (one transaction), and its server CPU. */
async function bareCopy(
  file: string,
  round: number,
): Promise<{ seconds: number; server: number | undefined }> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  const table = `warden_bench_copy_${process.pid}_${round}`;
  try {
    await client.query(`CREATE TABLE ${table} (line text NOT NULL)`);
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]
      ?.pid;
    const before = backendCpu(pid);
    const start = process.hrtime.bigint();
    // CSV with quote and delimiter bytes that never occur in the NDJSON: each line is one value
    await client.query(
      `COPY ${table} (line) FROM '${file.replace(/'/g, "''")}' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`,
    );
    return { seconds: elapsed(start), server: spent(before, backendCpu(pid)) };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  }
}

interface Opened {
  readonly store: Store;
  /** The server process of the store's connection (PostgreSQL on this machine only). */
  readonly backend?: number;
  readonly drop: () => Promise<void>;
}

/** Wall seconds of an import, and the CPU seconds of this process and of the server's backend. */
interface Spent {
  readonly seconds: number;
  readonly own: number;
  readonly server: number | undefined;
}

async function openPg(round: number): Promise<Opened> {
  const schema = `warden_bench_${process.pid}_${round}_${randomBytes(2).toString('hex')}`;
  const url = new URL(SERVER);
  url.searchParams.set('schema', schema);
  url.searchParams.set('application_name', schema); // to find its server process
  const store = await (await loadPostgresStore()).open(url.toString());
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  const backend = await backendOf(admin, schema).finally(() => admin.end());
  return {
    store,
    ...(backend === undefined ? {} : { backend }),
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

/** Warden's whole import of the file (parse, validate, seal, ledger, commit): wall and CPU. */
async function wardenIngest(opened: Opened, file: string): Promise<Spent> {
  const { store } = opened;
  try {
    const ledger = await Ledger.open(store, generateSignerKey('bench.local/log'));
    const vault = new Vault(randomBytes(32), store.dataKeys);
    const own = processCpu();
    const server = backendCpu(opened.backend);
    const start = process.hrtime.bigint();
    await importSource(store, ledger, vault, fileSource(file), {
      now: () => formatTime(Date.now()),
    });
    const seconds = elapsed(start);
    const spentHere = {
      own: processCpu() - own,
      server: spent(server, backendCpu(opened.backend)),
    };
    await ledger.close();
    return { seconds, ...spentHere };
  } finally {
    await store.close();
    await opened.drop();
  }
}
