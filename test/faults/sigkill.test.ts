import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import {
  landed,
  median,
  verify,
  warden,
  writeBatch,
  type ProcessRun,
  type SpawnOptions,
} from './harness.js';

const KILLS = 100;
const EVENTS = 2000; // per batch: one employee and its events, so a half batch shows
const LANES = 2; // databases killed side by side (two cores)
const RUNS_PER_DB = 10; // then a fresh database: another first run, and verify stays quick

interface Tally {
  kills: number;
  firstRunKills: number;
  /** Kills after the command started its work (keys, schema, import), not in start-up. */
  killsInWork: number;
  runs: number;
  acknowledged: number;
  killTimes: number[];
  nextBatch: number;
}

/**
 * When to kill a run: one in ten during start-up (module loading); the rest during the work,
 * spread over its measured length and a little past it (so that some runs finish and are
 * acknowledged); a first run's kill falls in its first 60 ms half of the time, where it makes
 * the keys and the schema.
 */
function killTime(workMs: number, firstRun: boolean, bootMs: number): SpawnOptions {
  if (Math.random() < 0.1) return { killAfterMs: Math.random() * bootMs };
  if (firstRun && Math.random() < 0.5) return { killAfterWorkMs: Math.random() * 60 };
  return { killAfterWorkMs: Math.random() * workMs * 1.15 };
}

/** Every acknowledged batch whole, every other batch whole or absent, and the log verifies. */
async function expectIntact(db: string, acked: ReadonlySet<number>): Promise<void> {
  const l = landed(db);
  for (const n of acked) {
    expect(l.events.get(n), `acknowledged batch ${n} in ${db}`).toBe(EVENTS);
    expect(l.employees.has(n)).toBe(true);
  }
  for (const [n, count] of l.events) {
    expect(count, `batch ${n} in ${db} is half there`).toBe(EVENTS);
    expect(l.employees.has(n)).toBe(true);
  }
  for (const n of l.employees) expect(l.events.get(n)).toBe(EVENTS);
  expect(l.ledgerSize).toBe(l.events.size * EVENTS + l.employees.size);
  if (!l.schema) return; // killed before the database had its tables: nothing to verify
  const v = await verify(db);
  expect(v.err).toBe('');
  expect(v.ok).toBe(true);
  expect(v.size).toBe(l.ledgerSize);
}

// The fault: the power cord, at any moment of an import, the very first run included (while
// it makes the keys and the schema). One file per process, so a batch is acknowledged exactly
// when its process said so; kill times are spread over the measured length of a run.
describe('ingest under 100 SIGKILLs', () => {
  const dir = tempDir('warden-faults-kill-');
  afterAll(() => dir.cleanup());

  it('loses no acknowledged batch, shows no half batch, and verifies after every kill', async () => {
    // measured here, in this run: start-up, and the work of a first and of a later import
    const calibration = join(dir.path, 'calibration.db');
    const ingest = (n: number): Promise<ProcessRun> =>
      warden(['ingest', writeBatch(dir.path, n, EVENTS), '--db', calibration], { markStart: true });
    const first = await ingest(0);
    const next = await ingest(1);
    expect([first.code, next.code]).toEqual([0, 0]);
    const boot = first.startedAt ?? 0;
    const work = { first: first.ms - boot, next: next.ms - (next.startedAt ?? 0) };
    const tally: Tally = {
      kills: 0,
      firstRunKills: 0,
      killsInWork: 0,
      runs: 0,
      acknowledged: 0,
      killTimes: [],
      nextBatch: 2,
    };

    async function killOnce(db: string, acked: Set<number>): Promise<void> {
      const n = tally.nextBatch++;
      const file = writeBatch(dir.path, n, EVENTS);
      const firstRun = !existsSync(`${db}.keys`);
      // every sixth run is left to finish, so that acknowledged batches accumulate however
      // slow the machine is today; the others die at a random moment
      const when =
        tally.runs % 6 === 5 ? {} : killTime(firstRun ? work.first : work.next, firstRun, boot);
      const run = await warden(['ingest', file, '--db', db], { markStart: true, ...when });
      tally.runs++;
      if (run.signal === 'SIGKILL') {
        tally.kills++;
        tally.killTimes.push(when.killAfterWorkMs ?? -(when.killAfterMs ?? 0));
        if (firstRun) tally.firstRunKills++;
        if (run.startedAt !== undefined) tally.killsInWork++;
      } else {
        expect(run.err, `batch ${n} ended on its own, but not well`).toBe('');
        expect(run.code).toBe(0);
      }
      if (run.out.includes(`${file}: imported as one batch`)) {
        acked.add(n);
        tally.acknowledged++;
      }
      rmSync(file);
      await expectIntact(db, acked);
    }

    async function lane(no: number): Promise<void> {
      for (let epoch = 0; tally.kills < KILLS; epoch++) {
        const db = join(dir.path, `lane${no}-${epoch}.db`);
        const acked = new Set<number>();
        for (let r = 0; r < RUNS_PER_DB && tally.kills < KILLS; r++) await killOnce(db, acked);
      }
    }

    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
    process.stderr.write(
      `sigkill: ${tally.kills} kills in ${tally.runs} runs (${tally.firstRunKills} during a first run, ` +
        `${tally.killsInWork} once its work had started), ${tally.acknowledged} batches acknowledged; ` +
        `start-up ${boot.toFixed(0)} ms, work of a first import ${work.first.toFixed(0)} ms, of a later one ` +
        `${work.next.toFixed(0)} ms; median kill ${median(tally.killTimes).toFixed(0)} ms into the work\n`,
    );
    expect(tally.kills).toBeGreaterThanOrEqual(KILLS);
    expect(tally.firstRunKills).toBeGreaterThanOrEqual(5);
    expect(tally.killsInWork).toBeGreaterThanOrEqual(KILLS * 0.75);
    expect(tally.acknowledged).toBeGreaterThanOrEqual(15);
  }, 480_000);
});
