import { fork } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PRESETS, PRESET_NAMES, resolveOptions, writeSimulation } from '../src/sim/index.js';
import type { PresetName } from '../src/sim/index.js';
import { MIN_EMPLOYEES } from '../src/sim/presets.js';
import { elapsed, fmtRate, median, verdict } from './stats.js';

/** Issue #4: the large preset (3,000 employees × 30 days) must be written in under a minute. */
const FLOOR_SECONDS = 60;
const SEED = 1; // the CLI's default seed
const CHUNK_LINES = 4096; // as `writeSimulation` writes its files

/** One measured run, in a child process of its own (a fresh heap, so that its peak RSS is its own). */
type Job =
  | { kind: 'sim'; dir: string; preset: PresetName; employees?: number }
  | { kind: 'base'; dir: string; lines: number; files: number };

interface RunResult {
  /** Wall time of the work alone, measured in the child (not its start-up). */
  seconds: number;
  /** Every byte written under the run's directory. */
  bytes: number;
  /** Lines in the stream files (records of every kind, events included). */
  lines: number;
  events: number;
  files: number;
  employees: number;
  days: number;
  /** `process.resourceUsage().maxRSS` of the child, KiB. */
  maxRssKiB: number;
}

export interface SimPresetResult {
  preset: PresetName;
  employees: number;
  days: number;
  rounds: number;
  records: number;
  events: number;
  bytes: number;
  baseBytes: number;
  seconds: number;
  baseSeconds: number;
  rssMiB: number;
  baseRssMiB: number;
  /** Median of the per-round ratios baseline time / simulator time. */
  ratio: number;
}

/**
 * `sim`: generation speed of each preset. The simulator writes the preset (seed 1) to a fresh
 * directory with `writeSimulation`; the baseline serialises a fixed, representative interchange
 * event (`JSON.stringify`, a new id per line) as many times as the simulator wrote stream lines,
 * into as many files, with the same 4,096-line chunked `writeSync`s: the cost of just writing
 * that much. Each run is a child process of its own; rounds alternate their order; medians, and
 * the median of the per-round paired ratios. BENCH_SCALE shrinks the employees (days stay).
 */
export async function benchSim(
  dir: string,
  scale: number,
  rounds: number,
  largeRounds: number,
): Promise<SimPresetResult[]> {
  const results: SimPresetResult[] = [];
  for (const preset of PRESET_NAMES) {
    const n = preset === 'large' ? largeRounds : rounds;
    const employees =
      scale === 1
        ? undefined
        : Math.max(MIN_EMPLOYEES, Math.round(PRESETS[preset].employees * scale));
    const simJob = (d: string): Job => ({
      kind: 'sim',
      dir: d,
      preset,
      ...(employees === undefined ? {} : { employees }),
    });
    const sims: RunResult[] = [];
    const bases: RunResult[] = [];
    for (let r = 0; r < n; r++) {
      // adjacent runs, order alternated; the simulator goes first in round 1, which tells the
      // baseline how many lines and files to write (the same seed gives the same stream)
      if (r % 2 === 0) sims.push(await runIn(dir, simJob));
      const { lines, files } = sims[0]!;
      bases.push(await runIn(dir, (d) => ({ kind: 'base', dir: d, lines, files })));
      if (r % 2 === 1) sims.push(await runIn(dir, simJob));
      const s = sims[r]!;
      const b = bases[r]!;
      if (s.lines !== lines)
        throw new Error(
          `sim ${preset}: round ${r + 1} wrote ${s.lines} lines, round 1 ${lines}: the simulator changed during the run (was dist/ rebuilt?)`,
        );
      console.log(
        `  ${preset} round ${r + 1}/${n}: simulator ${s.seconds.toFixed(2)} s (events ${fmtRate(s.events / s.seconds)}, ${mbps(s.bytes, s.seconds)} MB/s, peak RSS ${mib(s.maxRssKiB)} MiB), baseline ${b.seconds.toFixed(2)} s (${mbps(b.bytes, b.seconds)} MB/s), ratio ${(b.seconds / s.seconds).toFixed(3)}`,
      );
    }
    const first = sims[0]!;
    results.push({
      preset,
      employees: first.employees,
      days: first.days,
      rounds: n,
      records: first.lines,
      events: first.events,
      bytes: first.bytes,
      baseBytes: bases[0]!.bytes,
      seconds: median(sims.map((s) => s.seconds)),
      baseSeconds: median(bases.map((b) => b.seconds)),
      rssMiB: median(sims.map((s) => s.maxRssKiB)) / 1024,
      baseRssMiB: median(bases.map((b) => b.maxRssKiB)) / 1024,
      ratio: median(bases.map((b, r) => b.seconds / sims[r]!.seconds)),
    });
  }
  printTable(results);
  const large = results.find((r) => r.preset === 'large');
  if (large)
    console.log(
      scale === 1
        ? `sim large (${large.employees.toLocaleString('en-US')} employees × ${large.days} days): median ${large.seconds.toFixed(1)} s (floor ${FLOOR_SECONDS} s: ${verdict(large.seconds < FLOOR_SECONDS)})`
        : `sim large at BENCH_SCALE ${scale} (${large.employees.toLocaleString('en-US')} employees × ${large.days} days): median ${large.seconds.toFixed(1)} s (no verdict: the ${FLOOR_SECONDS} s floor is for the full preset, BENCH_SCALE=1)`,
    );
  return results;
}

function printTable(results: readonly SimPresetResult[]): void {
  const header = [
    'preset',
    'size',
    'rounds',
    'records (events)',
    'MB written',
    'simulator',
    'events/s',
    'MB/s',
    'peak RSS',
    'baseline',
    'baseline MB/s',
    'paired ratio',
  ];
  const rows = results.map((r) => [
    r.preset,
    `${r.employees.toLocaleString('en-US')} × ${r.days} d`,
    String(r.rounds),
    `${r.records.toLocaleString('en-US')} (${r.events.toLocaleString('en-US')})`,
    (r.bytes / 1e6).toFixed(1),
    `${r.seconds.toFixed(2)} s`,
    fmtRate(r.events / r.seconds),
    mbps(r.bytes, r.seconds),
    `${r.rssMiB.toFixed(0)} MiB`,
    `${r.baseSeconds.toFixed(2)} s`,
    mbps(r.baseBytes, r.baseSeconds),
    r.ratio.toFixed(3),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(
    'medians; MB = 10^6 bytes; paired ratio = median of per-round (baseline s / simulator s)',
  );
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
  for (const r of results)
    console.log(
      `  ${r.preset}: baseline wrote ${(r.baseBytes / 1e6).toFixed(1)} MB in ${r.records.toLocaleString('en-US')} lines (peak RSS ${r.baseRssMiB.toFixed(0)} MiB)`,
    );
}

const mbps = (bytes: number, seconds: number): string => (bytes / 1e6 / seconds).toFixed(1);
const mib = (kib: number): string => (kib / 1024).toFixed(0);

/** Runs one job in a child process, in a fresh directory under `dir`, deleted after. */
async function runIn(dir: string, job: (dir: string) => Job): Promise<RunResult> {
  const runDir = mkdtempSync(join(dir, 'sim-'));
  try {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(job(runDir))], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return await new Promise<RunResult>((resolve, reject) => {
      let result: RunResult | undefined;
      child.on('message', (m) => (result = m as RunResult));
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        if (code === 0 && result) resolve(result);
        else reject(new Error(`sim bench child failed (exit ${code ?? signal})`));
      });
    });
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** In the child: runs the job, reports its result to the parent. */
function child(job: Job): void {
  let result: RunResult;
  if (job.kind === 'sim') {
    const options = resolveOptions({
      preset: job.preset,
      seed: SEED,
      ...(job.employees === undefined ? {} : { employees: job.employees }),
    });
    const start = process.hrtime.bigint();
    const sim = writeSimulation(job.dir, options);
    const seconds = elapsed(start);
    const maxRssKiB = process.resourceUsage().maxRSS;
    const m = sim.manifest;
    result = {
      seconds,
      bytes: dirBytes(job.dir),
      lines: Object.values(m.counts).reduce((a, b) => a + b, 0),
      events: m.counts['event'] ?? 0,
      files: m.files.length,
      employees: m.employees,
      days: m.days,
      maxRssKiB,
    };
  } else {
    const start = process.hrtime.bigint();
    baseline(job.dir, job.lines, job.files);
    const seconds = elapsed(start);
    const maxRssKiB = process.resourceUsage().maxRSS;
    result = {
      seconds,
      bytes: dirBytes(job.dir),
      lines: job.lines,
      events: job.lines,
      files: job.files,
      employees: 0,
      days: 0,
      maxRssKiB,
    };
  }
  process.send?.(result, () => process.disconnect());
}

/**
 * The baseline: `lines` serialised events over `files` files, each file's lines built in memory
 * and written in 4,096-line chunks, as the simulator does with a day.
 */
function baseline(dir: string, lines: number, files: number): void {
  const stream = join(dir, 'stream');
  mkdirSync(stream, { recursive: true });
  const perFile = Math.ceil(lines / files);
  let n = 0;
  for (let f = 0; f < files; f++) {
    const batch: string[] = [];
    for (let k = 0; k < perFile && n < lines; k++) batch.push(JSON.stringify(event(++n)));
    writeLines(join(stream, `${String(f).padStart(4, '0')}.ndjson`), batch);
  }
}

/** A representative interchange event, 205 bytes with its newline (the simulator averages ~195 a line). */
function event(n: number): Record<string, unknown> {
  return {
    v: 1,
    kind: 'event',
    id: `ev-${String(n).padStart(9, '0')}`,
    time: '2026-09-15T10:32:56Z',
    actor: 'e-01234',
    action: 'review.view',
    target: { type: 'review', id: 'r-0000961' },
    context: { ip: '10.2.0.32', session: 'ss-14' },
  };
}

/** As `src/sim/output.ts` writes a file. */
function writeLines(path: string, lines: readonly string[]): void {
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < lines.length; i += CHUNK_LINES)
      writeSync(fd, `${lines.slice(i, i + CHUNK_LINES).join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}

function dirBytes(path: string): number {
  let bytes = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    bytes += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return bytes;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  child(JSON.parse(process.argv[2] ?? '') as Job);
