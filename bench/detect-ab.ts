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
 * stream); DIST_A, DIST_B: the builds' `dist` folders. Prints each run (wall and CPU seconds,
 * events/s, a digest of the findings, which must agree), the medians, the median of the
 * per-round ratios B ÷ A, and the load average seen.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './stats.js';

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
    wall: Number(process.hrtime.bigint() - start) / 1e9,
    cpu: (used.user + used.system) / 1e6,
    events: engine.events,
    findings: createHash('sha256').update(JSON.stringify(findings)).digest('hex').slice(0, 16),
  };
  console.log(JSON.stringify(run));
}

function parent(streamDir: string, rounds: number, a: string, b: string): void {
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
          streamDir,
          dist,
        ],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      );
      const run = JSON.parse(out.trim().split('\n').at(-1)!) as Run;
      runs.get(dist)!.push(run);
      console.log(
        `round ${r + 1} ${dist}: ${run.wall.toFixed(2)} s wall (${Math.round(run.events / run.wall).toLocaleString('en-US')} events/s), ${run.cpu.toFixed(2)} s CPU, ${run.events} events, findings ${run.findings}, load ${loads.at(-1)!.toFixed(1)}`,
      );
    }
  const [ra, rb] = [runs.get(a)!, runs.get(b)!];
  if (new Set([...ra, ...rb].map((x) => x.findings)).size !== 1)
    throw new Error('detect-ab: the builds disagree on the findings');
  for (const [dist, rs] of runs) {
    const wall = median(rs.map((x) => x.wall));
    console.log(
      `${dist}: wall median ${wall.toFixed(2)} s = ${Math.round(rs[0]!.events / wall).toLocaleString('en-US')} events/s; CPU median ${median(rs.map((x) => x.cpu)).toFixed(2)} s`,
    );
  }
  const ratios = (k: 'wall' | 'cpu'): string => {
    const rs = ra.map((x, i) => rb[i]![k] / x[k]);
    return `${rs.map((x) => x.toFixed(2)).join(', ')}; median ${median(rs).toFixed(2)}`;
  };
  console.log(`B ÷ A per round, wall: ${ratios('wall')}; CPU: ${ratios('cpu')}`);
  console.log(`load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
}

const [streamDir, second, third, fourth] = process.argv.slice(2);
if (streamDir === undefined || second === undefined) {
  console.error('usage: node dist/bench/detect-ab.js STREAM_DIR ROUNDS DIST_A DIST_B');
  process.exit(2);
}
if (third === undefined) await child(resolve(streamDir), resolve(second));
else if (fourth !== undefined)
  parent(resolve(streamDir), Number(second), resolve(third), resolve(fourth));
else {
  console.error('usage: node dist/bench/detect-ab.js STREAM_DIR ROUNDS DIST_A DIST_B');
  process.exit(2);
}
