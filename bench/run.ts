import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchIngest } from './ingest.js';
import { benchAppends, benchBuild, benchProofs } from './ledger.js';

/**
 * `npm run bench [-- NAME...]`: the benchmarks, each against a baseline measured in the same
 * run. Names: ingest, ledger. Sizes can be lowered for a quick look with BENCH_SCALE=0.1.
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
  if (want('ledger')) {
    console.log('\n== ledger');
    await benchAppends(dir, Math.round(1_000_000 * scale), rounds);
    benchBuild(Math.round(1_000_000 * scale), rounds);
    await benchProofs(dir, Math.round(10_000_000 * scale), 2000);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
