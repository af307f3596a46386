import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
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
 * paired ratios 2 workers / 1 worker.
 */
export async function benchNats(dir: string, preset: string, rounds: number): Promise<void> {
  const sim = join(dir, 'nats-sim');
  await cli(['simulate', '--preset', preset, '--seed', '1', '--out', sim], {});
  const files = readdirSync(join(sim, 'stream'))
    .sort()
    .map((f) => join(sim, 'stream', f));
  const one: number[] = [];
  const two: number[] = [];
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    const steps = [
      async () => one.push(await drain(dir, files, [['0,1']])),
      async () => two.push(await drain(dir, files, [['0'], ['1']])),
    ];
    for (const step of r % 2 === 0 ? steps : steps.reverse()) await step();
    events = lastEvents;
    console.log(
      `  round ${r + 1}/${rounds}: 1 worker ${Math.round(events / one[r]!)} events/s, 2 workers ${Math.round(events / two[r]!)} events/s`,
    );
  }
  const ratio = median(two.map((t, r) => one[r]! / t));
  console.log(
    `nats ${preset} preset, ${events.toLocaleString('en-US')} events: 1 worker ${Math.round(events / median(one))} events/s, 2 workers ${Math.round(events / median(two))} events/s (medians); 2 / 1 median paired ratio ${ratio.toFixed(2)} (floor ${FLOOR}: ${verdict(ratio >= FLOOR)})`,
  );
}

let lastEvents = 0;

/** Publishes the files to a fresh stream, runs the workers to the end; returns their seconds. */
async function drain(dir: string, files: string[], workers: string[][]): Promise<number> {
  const run = `bench_${randomBytes(4).toString('hex')}`;
  const env = { WARDEN_KEY_DIR: join(dir, `${run}.keys`), WARDEN_NATS_URL: NATS };
  const url = new URL(PG);
  url.searchParams.set('schema', run);
  try {
    const out = await cli(
      ['ingest', '--publish', ...files, '--stream', run, '--partition-count', '2', '--json'],
      env,
    );
    const report = JSON.parse(out) as { files: { events: number }[] };
    lastEvents = report.files.reduce((a, f) => a + f.events, 0);
    const started = performance.now();
    await Promise.all(
      workers.map((parts) =>
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
        ),
      ),
    );
    return (performance.now() - started) / 1000;
  } finally {
    await dropAll(run);
  }
}

function cli(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`warden ${args[0]} exited ${code}`)),
    );
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
