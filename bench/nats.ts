import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { exitedChildrenCpu, pidCpu, serverCpu } from './proc-cpu.js';
import { median, verdict } from './stats.js';

/** Issue 18's floor: two workers drain the stream ≥ 1.6 × as fast as one (on 2 cores). */
const FLOOR = 1.6;
const PG = process.env['WARDEN_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS = process.env['WARDEN_BENCH_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const BIN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));

/**
 * `nats`: the simulator's `preset` (seed 1) published to a two-partition stream, then drained
 * into PostgreSQL partition ledgers by one worker process consuming both partitions, and by
 * two worker processes, one partition each (a fresh stream and schemas per run; detection in
 * the workers off, `--detect-every 0`: this measures the ledger path). Events per second from
 * the workers' start to the last one's exit; rounds alternate the order; the median of the
 * paired ratios 2 workers / 1 worker. Beside the wall time, CPU seconds from `/proc`: each
 * worker process (every thread), the PostgreSQL server and the NATS server, so that on a
 * machine of 2 cores the arithmetic of what a second worker can buy is on the page.
 */
export async function benchNats(dir: string, preset: string, rounds: number): Promise<void> {
  const sim = join(dir, 'nats-sim');
  await cli(['simulate', '--preset', preset, '--seed', '1', '--out', sim], {});
  const files = readdirSync(join(sim, 'stream'))
    .sort()
    .map((f) => join(sim, 'stream', f));
  const one: Drain[] = [];
  const two: Drain[] = [];
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    const steps = [
      async () => one.push(await drain(dir, files, [['0,1']])),
      async () => two.push(await drain(dir, files, [['0'], ['1']])),
    ];
    for (const step of r % 2 === 0 ? steps : steps.reverse()) await step();
    events = lastEvents;
    console.log(
      `  round ${r + 1}/${rounds}: 1 worker ${Math.round(events / one[r]!.seconds)} events/s (${cpuLine(one[r]!)}), 2 workers ${Math.round(events / two[r]!.seconds)} events/s (${cpuLine(two[r]!)})`,
    );
  }
  const ratio = median(two.map((t, r) => one[r]!.seconds / t.seconds));
  console.log(
    `nats ${preset} preset, ${events.toLocaleString('en-US')} events: 1 worker ${Math.round(events / median(one.map((d) => d.seconds)))} events/s, 2 workers ${Math.round(events / median(two.map((d) => d.seconds)))} events/s (medians); 2 / 1 median paired ratio ${ratio.toFixed(2)} (floor ${FLOOR}: ${verdict(ratio >= FLOOR)})`,
  );
}

/** One drain: its wall seconds and the CPU seconds of each part. */
interface Drain {
  readonly seconds: number;
  /** Each worker process, all its threads (sampled until it exits). */
  readonly workers: readonly number[];
  /** The workers' own PostgreSQL backends (sampled until each connection closes). */
  readonly postgres: number | undefined;
  /** Every PostgreSQL process, other clients' backends included. */
  readonly postgresServer: number | undefined;
  readonly nats: number | undefined;
}

function cpuLine(d: Drain): string {
  const f = (n: number | undefined): string => (n === undefined ? 'n/a' : n.toFixed(1));
  const sum = [...d.workers, d.postgres ?? 0, d.nats ?? 0].reduce((a, b) => a + b, 0);
  return `wall ${d.seconds.toFixed(1)} s; CPU s: worker ${d.workers.map(f).join(' + ')}, their postgres backends ${f(d.postgres)} (server-wide ${f(d.postgresServer)}), nats ${f(d.nats)}; ${(sum / d.seconds).toFixed(2)} cores busy`;
}

let lastEvents = 0;

/** Publishes the files to a fresh stream, runs the workers to the end; returns their seconds and CPU. */
async function drain(dir: string, files: string[], workers: string[][]): Promise<Drain> {
  const run = `bench_${randomBytes(4).toString('hex')}`;
  const env = { WARDEN_KEY_DIR: join(dir, `${run}.keys`), WARDEN_NATS_URL: NATS };
  const url = new URL(PG);
  url.searchParams.set('schema', run);
  url.searchParams.set('application_name', run); // to find the workers' backends
  try {
    const out = await cli(
      ['ingest', '--publish', ...files, '--stream', run, '--partition-count', '2', '--json'],
      env,
    );
    const report = JSON.parse(out) as { files: { events: number }[] };
    lastEvents = report.files.reduce((a, f) => a + f.events, 0);
    const pg0 = serverCpu('postgres');
    const nats0 = serverCpu('nats-server');
    const children0 = exitedChildrenCpu();
    const cpu = workers.map(() => 0);
    const backends = await watchBackends(run);
    const started = performance.now();
    await Promise.all(
      workers.map((parts, i) =>
        cli(
          [
            'worker',
            '--partitions',
            parts[0]!,
            '--pg',
            url.toString(),
            '--stream',
            run,
            '--drain',
            '--detect-every',
            '0',
          ],
          env,
          (pid) => (cpu[i] = Math.max(cpu[i]!, pidCpu(pid) ?? 0)),
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const postgres = await backends.stop();
    const children = exitedChildrenCpu();
    // one worker: exact from the wait; two: each as last sampled (within 0.1 s of its end)
    if (workers.length === 1 && children !== undefined && children0 !== undefined)
      cpu[0] = children - children0;
    return {
      seconds,
      workers: cpu,
      postgres,
      postgresServer: minus(serverCpu('postgres'), pg0),
      nats: minus(serverCpu('nats-server'), nats0),
    };
  } finally {
    await dropAll(run);
  }
}

/**
 * Samples, every 0.2 s, the CPU of each PostgreSQL backend whose connection named itself
 * `name`; `stop` returns their sum (`undefined` when the server is not on this machine).
 */
async function watchBackends(name: string): Promise<{ stop: () => Promise<number | undefined> }> {
  const client = new pg.Client({ connectionString: PG });
  await client.connect();
  const seen = new Map<number, number>();
  let local = true;
  const sample = async (): Promise<void> => {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    for (const { pid } of rows) {
      const c = pidCpu(pid);
      if (c === undefined) local = false;
      else seen.set(pid, Math.max(seen.get(pid) ?? 0, c));
    }
  };
  let busy: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    busy = busy.then(sample).catch(() => undefined);
  }, 200);
  return {
    stop: async () => {
      clearInterval(timer);
      await busy;
      await client.end();
      return local ? [...seen.values()].reduce((a, b) => a + b, 0) : undefined;
    },
  };
}

function minus(b: number | undefined, a: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : b - a;
}

function cli(
  args: string[],
  env: Record<string, string>,
  sample?: (pid: number) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    const timer =
      sample && child.pid !== undefined ? setInterval(() => sample(child.pid!), 100) : undefined;
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      clearInterval(timer);
      return code === 0 ? resolve(out) : reject(new Error(`warden ${args[0]} exited ${code}`));
    });
  });
}

async function dropAll(run: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname = $1 OR nspname LIKE $1 || '\\_p%'",
      [run],
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA ${nspname} CASCADE`);
  } finally {
    await client.end();
  }
  const { connect } = await import('nats');
  const nc = await connect({ servers: NATS });
  try {
    await (await nc.jetstreamManager()).streams.delete(run).catch(() => false);
  } finally {
    await nc.close();
  }
}
