import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parsePgUrl } from '../../src/store/index.js';
import { TEST_PG_URL, pgTestSchemas } from '../../src/store/postgres-test-support.js';
import { employee, event, runCli, tempDir } from '../helpers.js';

/**
 * `kill -9` of `warden ingest --pg` mid-batch: the server rolls the batch back whole (the
 * connection dies with its transaction); every batch acknowledged before is there; the next
 * run goes on and the ledger verifies. Runs the compiled `bin/warden.js` (`npm run build`).
 */
const BIN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));
const EVENTS = 3000;
const schemas = await pgTestSchemas();
const dir = tempDir('warden-pg-kill-');
const keyDir = join(dir.path, 'keys');

function batch(n: number): string {
  const file = join(dir.path, `b${n}.ndjson`);
  const lines = [employee(`e-${n}`)];
  for (let i = 0; i < EVENTS; i++) lines.push(event(`b${n}-${i}`, { actor: `e-${n}` }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Runs the ingest as its own process, killed with SIGKILL after `ms` (if still running). */
function ingestKilledAfter(url: string, file: string, ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'ingest', file, '--pg', url], {
      env: { ...process.env, WARDEN_KEY_DIR: keyDir },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Runs the ingest, and kills it as soon as it holds the schema's writer lock (`begin()`). */
async function ingestKilledInTransaction(url: string, file: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  const child = spawn(process.execPath, [BIN, 'ingest', file, '--pg', url], {
    env: { ...process.env, WARDEN_KEY_DIR: keyDir },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  let killed = false;
  try {
    for (let i = 0; i < 3000 && child.exitCode === null; i++) {
      const { rows } = await client.query(
        `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
           AND objid = ((hashtext('warden.write.' || $1)::bigint) & 4294967295)::text::oid`,
        [parsePgUrl(url).schema],
      );
      if (rows.length > 0) {
        killed = child.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await exited;
    await client.end();
  }
  return killed;
}

if ('skip' in schemas) {
  describe.skip(`kill -9 of an import into PostgreSQL (${schemas.skip})`, () => {
    it('needs the server', () => undefined);
  });
} else {
  afterAll(async () => {
    await schemas.dropAll();
    dir.cleanup();
  });

  describe('kill -9 of an import into PostgreSQL', () => {
    it('leaves each batch whole or absent, the acknowledged ones there, and a ledger that verifies', async () => {
      const url = schemas.url();
      const cli = async (args: string[]) => {
        process.env['WARDEN_KEY_DIR'] = keyDir;
        try {
          return await runCli([...args, '--pg', url]);
        } finally {
          delete process.env['WARDEN_KEY_DIR'];
        }
      };
      expect((await cli(['ingest', batch(0)])).code).toBe(0); // keys and schema made
      const acknowledged = new Set([0]);
      // kills spread from start-up to past the end of a run
      for (const [n, ms] of [
        [1, 300],
        [2, 900],
        [3, 1500],
        [4, 2500],
        [5, 60_000],
      ] as const) {
        if ((await ingestKilledAfter(url, batch(n), ms)) === 0) acknowledged.add(n);
      }
      expect(acknowledged.has(5)).toBe(true); // not killed: it finished
      // and one killed for certain inside its transaction: once it holds the writer lock
      expect(await ingestKilledInTransaction(url, batch(7))).toBe(true);
      const stats = JSON.parse((await cli(['stats', '--json'])).out) as {
        counts: { event: number; employee: number };
        ledgerSize: number;
      };
      // whole batches only: as many events as employees' batches times EVENTS
      expect(stats.counts.event).toBe(stats.counts.employee * EVENTS);
      expect(stats.counts.employee).toBeGreaterThanOrEqual(acknowledged.size);
      expect(stats.ledgerSize).toBe(stats.counts.event + stats.counts.employee);
      const verify = await cli(['ledger', 'verify', '--json']);
      expect(verify.code).toBe(0);
      // and the next run goes on
      expect((await cli(['ingest', batch(6)])).code).toBe(0);
      expect((await cli(['ledger', 'verify'])).code).toBe(0);
    }, 300_000);
  });
}
