/**
 * The detection engine of two builds, A and B, over one stream, each run in a fresh process
 * of its own, their order alternated round by round: what `detect` measures (`consume` of
 * every record plus `findings()`, the records parsed with `parseRecord` beforehand, untimed),
 * as a paired comparison on a noisy machine. Each build's own `dist/` is loaded, so A can be a
 * copy of an older build.
 *
 *   node dist/bench/detect-ab.js STREAM_DIR ROUNDS DIST_A DIST_B
 *
 * STREAM_DIR: the `stream/` folder `warden simulate` writes (its files in name order are the
 * stream); ROUNDS: how many rounds (each runs A and B once); DIST_A, DIST_B: the builds' `dist`
 * folders. Prints each run (wall and CPU seconds, events/s, a digest of the findings, which
 * must agree), the medians, the median of the per-round ratios B ÷ A, and the load average
 * seen. Arguments are checked before anything runs; a wrong one exits 2 saying which.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { elapsed, fmtRate, median } from './stats.js';

const USAGE = 'usage: node dist/bench/detect-ab.js STREAM_DIR ROUNDS DIST_A DIST_B';
/**
 * What the parent passes first to the process it runs each build in, so that a child is never
 * told apart from the parent by how many arguments it was given (a build left out).
 */
const CHILD = '--child';
/** The modules of a build the child loads. */
const ENTRIES = ['src/ingest/index.js', 'src/detect/index.js'];

interface Arguments {
  readonly streamDir: string;
  readonly rounds: number;
  readonly a: string;
  readonly b: string;
}

interface Run {
  wall: number;
  cpu: number;
  events: number;
  findings: string;
}

/** In a child: parse the stream with DIST's ingest, run DIST's engine once, print a `Run`. */
async function child(streamDir: string, dist: string): Promise<void> {
  const load = async (path: string): Promise<Record<string, unknown>> =>
    (await import(pathToFileURL(join(dist, path)).href)) as Record<string, unknown>;
  const { parseRecord } = (await load('src/ingest/index.js')) as {
    parseRecord: (line: string) => { ok: boolean; record?: unknown; message?: string };
  };
  const { DetectionEngine } = (await load('src/detect/index.js')) as {
    DetectionEngine: new () => {
      consume(records: unknown[]): void;
      findings(): unknown;
      readonly events: number;
    };
  };
  const records: unknown[] = [];
  for (const file of readdirSync(streamDir).sort())
    for (const line of readFileSync(join(streamDir, file), 'utf8').split('\n')) {
      if (line === '') continue;
      const parsed = parseRecord(line);
      if (!parsed.ok) throw new Error(`${file}: ${parsed.message}`);
      records.push(parsed.record);
    }
  globalThis.gc?.();
  const engine = new DetectionEngine();
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  engine.consume(records);
  const findings = engine.findings();
  const used = process.cpuUsage(cpu);
  const run: Run = {
    wall: elapsed(start),
    cpu: (used.user + used.system) / 1e6,
    events: engine.events,
    findings: createHash('sha256').update(JSON.stringify(findings)).digest('hex').slice(0, 16),
  };
  console.log(JSON.stringify(run));
}

function parent({ streamDir, rounds, a, b }: Arguments): void {
  const runs = new Map<string, Run[]>([
    [a, []],
    [b, []],
  ]);
  const loads: number[] = [];
  for (let r = 0; r < rounds; r++)
    for (const dist of r % 2 === 0 ? [a, b] : [b, a]) {
      loads.push(loadavg()[0]!);
      const out = execFileSync(
        process.execPath,
        [
          '--expose-gc',
          '--max-old-space-size=16384',
          fileURLToPath(import.meta.url),
          CHILD,
          streamDir,
          dist,
        ],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      );
      const run = JSON.parse(out.trim().split('\n').at(-1)!) as Run;
      runs.get(dist)!.push(run);
      console.log(
        `round ${r + 1} ${dist}: ${run.wall.toFixed(2)} s wall (events ${fmtRate(run.events / run.wall)}), ${run.cpu.toFixed(2)} s CPU, ${run.events} events, findings ${run.findings}, load ${loads.at(-1)!.toFixed(1)}`,
      );
    }
  const [ra, rb] = [runs.get(a)!, runs.get(b)!];
  if (new Set([...ra, ...rb].map((x) => x.findings)).size !== 1)
    throw new Error('detect-ab: the builds disagree on the findings');
  for (const [dist, rs] of runs) {
    const wall = median(rs.map((x) => x.wall));
    console.log(
      `${dist}: wall median ${wall.toFixed(2)} s = events ${fmtRate(rs[0]!.events / wall)}; CPU median ${median(rs.map((x) => x.cpu)).toFixed(2)} s`,
    );
  }
  const ratios = (k: 'wall' | 'cpu'): string => {
    const rs = ra.map((x, i) => rb[i]![k] / x[k]);
    return `${rs.map((x) => x.toFixed(2)).join(', ')}; median ${median(rs).toFixed(2)}`;
  };
  console.log(`B ÷ A per round, wall: ${ratios('wall')}; CPU: ${ratios('cpu')}`);
  console.log(`load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
}

/** The parent's arguments, checked before any run: them, or what is wrong with them. */
function parseArguments(args: readonly string[]): Arguments | string {
  if (args.length !== 4) return `expected 4 arguments, got ${args.length}`;
  const [stream, rounds, a, b] = args as [string, string, string, string];
  if (!isFolder(stream))
    return `STREAM_DIR ${stream} is not a folder (the stream/ folder \`warden simulate\` writes)`;
  if (readdirSync(stream).length === 0) return `STREAM_DIR ${stream} holds no file`;
  if (!/^[1-9][0-9]*$/.test(rounds))
    return `ROUNDS must be a whole number of rounds, 1 or more (got "${rounds}")`;
  for (const [name, dist] of [
    ['DIST_A', a],
    ['DIST_B', b],
  ] as const) {
    const missing = ENTRIES.find((entry) => !existsSync(join(dist, entry)));
    if (missing !== undefined)
      return `${name} ${dist} is not a build's dist folder: it has no ${missing} (npm run build makes one)`;
  }
  if (resolve(a) === resolve(b)) return `DIST_A and DIST_B are the same folder (${resolve(a)})`;
  return { streamDir: resolve(stream), rounds: Number(rounds), a: resolve(a), b: resolve(b) };
}

function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

const args = process.argv.slice(2);
if (args[0] === CHILD && args.length === 3) await child(resolve(args[1]!), resolve(args[2]!));
else {
  const parsed = parseArguments(args);
  if (typeof parsed === 'string') {
    console.error(`detect-ab: ${parsed}\n${USAGE}`);
    process.exit(2);
  }
  parent(parsed);
}
