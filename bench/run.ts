import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchApi } from './api.js';
import { benchDetect } from './detect.js';
import { benchDetectIncremental } from './detect-incremental.js';
import { benchGraph } from './graph.js';
import { benchGuard } from './guard.js';
import { benchIngest } from './ingest.js';
import { benchIngestMixed } from './ingest-mixed.js';
import { benchPg } from './pg.js';
import { benchNats } from './nats.js';
import { benchAppends, benchBuild, benchProofs } from './ledger.js';
import { benchSim } from './sim.js';
import { benchTrace } from './trace.js';

/**
 * `npm run bench [-- NAME...]`: the benchmarks, each against a baseline measured in the same
 * run. Names: ingest, ingest-mixed, ledger, sim, detect, detect-incremental, graph, guard, trace, api (only when named: BENCH_API_SECONDS, BENCH_API_BATCH, BENCH_API_CONNECTIONS). Sizes can be lowered for a quick look
 * with BENCH_SCALE=0.1. BENCH_ROUNDS (default 5) sets the rounds; unless it is set, `sim` runs
 * its large preset 3 times and `detect` its large (memory) run once. `detect-incremental` runs
 * the medium preset (BENCH_PRESET=large for the large one), 3 rounds unless BENCH_ROUNDS is set.
 * `pg` (only when named: it needs the PostgreSQL server, WARDEN_BENCH_PG_URL) runs the medium
 * preset's first BENCH_SCALE of lines, 3 rounds unless BENCH_ROUNDS is set. `nats` (only when
 * named: NATS JetStream and PostgreSQL, WARDEN_BENCH_NATS_URL) drains the small preset
 * (BENCH_PRESET for another) with 1 and 2 workers, 3 rounds unless BENCH_ROUNDS is set.
 */
const scale = Number(process.env['BENCH_SCALE'] ?? '1');
const rounds = Number(process.env['BENCH_ROUNDS'] ?? '5');
const wanted = new Set(process.argv.slice(2));
const want = (name: string): boolean => wanted.size === 0 || wanted.has(name);

const dir = mkdtempSync(join(process.env['BENCH_DIR'] ?? tmpdir(), 'warden-bench-'));
try {
  console.log(
    `Warden benchmarks (node ${process.version}, scale ${scale}, ${rounds} rounds, medians)`,
  );
  if (want('ingest')) {
    console.log('\n== ingest');
    await benchIngest(dir, Math.round(1_000_000 * scale), rounds);
  }
  if (want('ingest-mixed')) {
    console.log('\n== ingest-mixed');
    await benchIngestMixed(dir, scale, rounds);
  }
  if (want('ledger')) {
    console.log('\n== ledger');
    await benchAppends(dir, Math.round(1_000_000 * scale), rounds);
    benchBuild(Math.round(1_000_000 * scale), rounds);
    await benchProofs(dir, Math.round(10_000_000 * scale), 2000);
  }
  if (want('sim')) {
    console.log('\n== sim');
    const largeRounds = process.env['BENCH_ROUNDS'] === undefined ? Math.min(rounds, 3) : rounds;
    await benchSim(dir, scale, rounds, largeRounds);
  }
  if (want('detect')) {
    console.log('\n== detect');
    const largeRounds = process.env['BENCH_ROUNDS'] === undefined ? 1 : rounds;
    await benchDetect(dir, scale, rounds, largeRounds);
  }
  if (wanted.has('detect-incremental')) {
    console.log('\n== detect-incremental');
    const preset = process.env['BENCH_PRESET'] === 'large' ? 'large' : 'medium';
    await benchDetectIncremental(
      dir,
      preset,
      process.env['BENCH_ROUNDS'] === undefined ? 3 : rounds,
    );
  }
  if (wanted.has('pg')) {
    console.log('\n== pg');
    await benchPg(dir, scale, process.env['BENCH_ROUNDS'] === undefined ? 3 : rounds);
  }
  if (wanted.has('nats')) {
    console.log('\n== nats');
    await benchNats(
      dir,
      process.env['BENCH_PRESET'] ?? 'small',
      process.env['BENCH_ROUNDS'] === undefined ? 3 : rounds,
    );
  }
  if (want('graph')) {
    console.log('\n== graph');
    const largeRounds = process.env['BENCH_ROUNDS'] === undefined ? Math.min(rounds, 3) : rounds;
    await benchGraph(dir, scale, rounds, largeRounds);
  }
  if (wanted.has('api')) {
    console.log('\n== api');
    await benchApi(
      Number(process.env['BENCH_API_SECONDS'] ?? '30'),
      Number(process.env['BENCH_API_BATCH'] ?? '1000'),
      Number(process.env['BENCH_API_CONNECTIONS'] ?? '8'),
    );
  }
  if (want('guard')) {
    console.log('\n== guard');
    await benchGuard(scale, rounds);
  }
  if (want('trace')) {
    console.log('\n== trace');
    benchTrace(scale, rounds);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
