import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, cpSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/index.js';
import { resolveOptions, simulate, type PresetName } from '../src/sim/index.js';
import { median } from './stats.js';

const BIN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));
/** The floor (issue 14 item 7): a resumed `warden detect` after 1 % more events ≤ 10 % of a full replay. */
const FLOOR = 0.1;

interface Timed {
  wall: number;
  cpu: number;
}

/**
 * `detect-incremental`: the preset's stream (seed 1) as one NDJSON file in stream order, cut so
 * that the tail holds the last 1 % of its events; the head is ingested and detected (which
 * saves the engine's state), then the tail is ingested. Each round copies that database twice
 * and times, in this process, `warden detect` resuming from the saved state (restore, the new
 * leaves, findings, saving the new state) and `warden detect --full` (the whole replay, which
 * saves too). Both include opening the database and the ledger. Rounds alternate their order;
 * medians of wall and CPU time and of the paired ratios. Each round also runs both as whole
 * processes (`node bin/warden.js detect`, in the round's order): what a user waits, node's
 * start, the modules' loading and code not yet optimised included, which the process that
 * has just run a full replay no longer pays. Both ratios are held to the floor.
 */
export async function benchDetectIncremental(
  dir: string,
  preset: PresetName,
  rounds: number,
): Promise<void> {
  const head = join(dir, 'incr-head.ndjson');
  const tail = join(dir, 'incr-tail.ndjson');
  const { events, tailEvents } = writeStream(preset, head, tail);
  const base = join(dir, 'incr-base.db');
  await cli(['ingest', head, '--db', base]);
  await cli(['detect', '--db', base]);
  await cli(['ingest', tail, '--db', base]);
  console.log(
    `  ${preset} (seed 1): ${events.toLocaleString('en-US')} events; the state saved after the first ${(events - tailEvents).toLocaleString('en-US')}, then ${tailEvents.toLocaleString('en-US')} more (${((100 * tailEvents) / events).toFixed(2)} %) appended`,
  );
  const resumed: Timed[] = [];
  const full: Timed[] = [];
  const processes: { resumed: number; full: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    const run = async (flags: string[]): Promise<Timed> => {
      const db = copyDb(base, join(dir, `incr-${r}-${flags.length}.db`));
      const t = await timed(() => cli(['detect', '--db', db, ...flags]));
      removeDb(db);
      return t;
    };
    if (r % 2 === 0) resumed.push(await run([]));
    full.push(await run(['--full']));
    if (r % 2 === 1) resumed.push(await run([]));
    const p = wholeProcess(base, dir, r % 2 === 0);
    processes.push(p);
    console.log(
      `  round ${r + 1}/${rounds}: resumed ${fmt(resumed[r]!)}, full replay ${fmt(full[r]!)}, ratio ${(resumed[r]!.wall / full[r]!.wall).toFixed(3)} (CPU ${(resumed[r]!.cpu / full[r]!.cpu).toFixed(3)}); whole processes ${p.resumed.toFixed(2)} s against ${p.full.toFixed(2)} s, ratio ${(p.resumed / p.full).toFixed(3)}`,
    );
  }
  const ratio = median(resumed.map((x, r) => x.wall / full[r]!.wall));
  const cpuRatio = median(resumed.map((x, r) => x.cpu / full[r]!.cpu));
  const processRatio = median(processes.map((p) => p.resumed / p.full));
  const verdict = (x: number): string => (x <= FLOOR ? 'meets the floor' : 'BELOW THE FLOOR');
  console.log(
    `detect-incremental ${preset}: in this process, resumed ${median(resumed.map((x) => x.wall)).toFixed(2)} s vs full replay ${median(full.map((x) => x.wall)).toFixed(2)} s (medians); median paired ratio ${ratio.toFixed(3)} wall, ${cpuRatio.toFixed(3)} CPU (floor ${FLOOR}: ${verdict(ratio)})`,
  );
  console.log(
    `detect-incremental ${preset}: whole processes, resumed ${median(processes.map((p) => p.resumed)).toFixed(2)} s vs full replay ${median(processes.map((p) => p.full)).toFixed(2)} s (medians); median paired ratio ${processRatio.toFixed(3)} (floor ${FLOOR}: ${verdict(processRatio)})`,
  );
  removeDb(base);
}

/** Writes the stream's lines, the last 1 % of its events (and what comes between them) as the tail. */
function writeStream(
  preset: PresetName,
  headFile: string,
  tailFile: string,
): { events: number; tailEvents: number } {
  const lines: string[] = [];
  simulate(resolveOptions({ preset, seed: 1 }), {
    write: (_f, l) => {
      for (const x of l) lines.push(x);
    },
  });
  const isEvent = lines.map((l) => l.includes('"kind":"event"'));
  const events = isEvent.filter(Boolean).length;
  let cut = lines.length;
  let tailEvents = 0;
  while (cut > 0 && tailEvents < Math.ceil(events / 100)) if (isEvent[--cut]) tailEvents++;
  writeLines(headFile, lines.slice(0, cut));
  writeLines(tailFile, lines.slice(cut));
  return { events, tailEvents };
}

function writeLines(file: string, lines: readonly string[]): void {
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < lines.length; i += 4096)
      writeSync(fd, `${lines.slice(i, i + 4096).join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}

async function cli(args: string[]): Promise<void> {
  let err = '';
  const code = await main(['node', 'warden', ...args], {
    out: () => {},
    err: (t) => void (err += t),
    stdin: Readable.from([]),
  });
  // detect exits 1 when an alert stands: that is a finding, not a failure
  if (code > 1) throw new Error(`warden ${args.join(' ')} failed (${code}): ${err}`);
}

async function timed(f: () => Promise<void>): Promise<Timed> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await f();
  const cpu = process.cpuUsage(cpu0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** One resume and one full replay, each as a whole process; `resumedFirst`: in that order. */
function wholeProcess(
  base: string,
  dir: string,
  resumedFirst: boolean,
): { resumed: number; full: number } {
  const once = (flags: string[]): number => {
    const db = copyDb(base, join(dir, `incr-process-${flags.length}.db`));
    const t0 = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [BIN, 'detect', '--db', db, ...flags], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // detect exits 1 when an alert stands; a run that failed has no time worth quoting
    if (run.status === null || run.status > 1)
      throw new Error(
        `warden detect ${flags.join(' ')} failed (${run.status}): ${String(run.stderr)}`,
      );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    removeDb(db);
    return seconds;
  };
  if (resumedFirst) {
    const resumed = once([]);
    return { resumed, full: once(['--full']) };
  }
  const full = once(['--full']);
  return { resumed: once([]), full };
}

/**
 * A copy of the database, flushed to disk before it is timed: else the first fsync of the run
 * (the checkpoint when the store closes) writes back the whole fresh copy, hundreds of MB no
 * user's database has waiting, and the kernel's writeback of it competes with the run's reads.
 */
function copyDb(from: string, to: string): string {
  copyFileSync(from, to);
  const fd = openSync(to, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  cpSync(`${from}.keys`, `${to}.keys`, { recursive: true });
  return to;
}

function removeDb(path: string): void {
  for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}.keys`])
    rmSync(p, { recursive: true, force: true });
}

const fmt = (t: Timed): string => `${t.wall.toFixed(2)} s (CPU ${t.cpu.toFixed(2)} s)`;
