import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { employee, event, runCli, tempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/warden.js', import.meta.url));
const PER_FILE = 3000;
const RUNS = 50;

interface Verify {
  ok: boolean;
  size: number;
}

/** Runs `warden ingest FILES` in a child process and SIGKILLs it after `ms`; returns the files it acknowledged. */
function ingestAndKill(db: string, files: string[], ms: number): Promise<string[]> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'ingest', ...files, '--db', db], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(files.filter((f) => out.includes(`${f}: imported as one batch`)));
    });
  });
}

// Acknowledged writes survive a kill -9: kill an import at random moments, then check that
// every acknowledged batch is there, nothing half-written is visible, and verify passes.
describe('ingest under SIGKILL', () => {
  const dir = tempDir('warden-crash-');
  afterAll(() => dir.cleanup());

  it(`loses no acknowledged batch and never shows half a batch, over ${RUNS} kills`, async () => {
    // a fresh database every 10 kills keeps each verification small
    const dbOf = (run: number): string => join(dir.path, `crash-${Math.floor(run / 10)}.db`);
    const acknowledged = new Map<string, string>();
    let fileNo = 0;
    const makeFile = (): string => {
      const f = join(dir.path, `batch-${fileNo}.ndjson`);
      const lines = [employee(`e-${fileNo}`)];
      for (let i = 0; i < PER_FILE; i++)
        lines.push(event(`b${fileNo}-${i}`, { actor: `e-${fileNo}` }));
      writeFileSync(f, lines.join('\n'));
      fileNo++;
      return f;
    };
    let killedMidway = 0;
    for (let run = 0; run < RUNS; run++) {
      const files = [makeFile(), makeFile(), makeFile()];
      const db = dbOf(run);
      const acked = await ingestAndKill(db, files, 150 + Math.floor(Math.random() * 700));
      for (const f of acked) acknowledged.set(f, db);
      if (acked.length < files.length) killedMidway++;
      const read = await runCli(['stats', '--db', db, '--json']);
      const anyAcknowledged = [...acknowledged.values()].includes(db);
      // killed before the database was made: there is nothing to read, and stats (which
      // never creates a database) says so with exit 2
      if (!anyAcknowledged && read.code === 2) continue;
      const stats = JSON.parse(read.out) as {
        counts: { event: number; employee: number };
      };
      // every batch is all or nothing: one employee and PER_FILE events each
      expect(stats.counts.event).toBe(stats.counts.employee * PER_FILE);
      expect(stats.counts.employee).toBeGreaterThanOrEqual(
        [...acknowledged.values()].filter((d) => d === db).length,
      );
      const verify = await runCli(['ledger', 'verify', '--db', db, '--json']);
      const report = JSON.parse(verify.out) as Verify;
      expect(report.ok).toBe(true);
      expect(report.size).toBe(stats.counts.event + stats.counts.employee);
    }
    for (const [f, db] of acknowledged) {
      const n = f.match(/batch-(\d+)/)?.[1] ?? '';
      const r = await runCli(['ledger', 'prove', '--record', `b${n}-0`, '--db', db, '--json']);
      expect(r.code).toBe(0);
    }
    // the test is only meaningful if some kills landed in the middle of an import
    expect(killedMidway).toBeGreaterThan(5);
  }, 300_000);
});
