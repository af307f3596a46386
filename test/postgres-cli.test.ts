import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parsePgUrl } from '../src/store/index.js';
import { TEST_PG_URL, pgTestSchemas } from '../src/store/postgres-test-support.js';
import { runCli, runCliWith, tempDir, type CliResult } from './helpers.js';

/**
 * The same simulated stream through SQLite and through PostgreSQL (`--pg`, and
 * `WARDEN_PG_URL`): the same risk, alerts and stats, and each ledger verifies.
 */
const schemas = await pgTestSchemas();
const dir = tempDir('warden-pg-cli-');
const sim = join(dir.path, 'sim');
const sqlite = ['--db', join(dir.path, 'w.db')];
const keyDir = join(dir.path, 'pg.keys');

const json = (r: CliResult): unknown => {
  expect(r.err).toBe('');
  return JSON.parse(r.out) as unknown;
};

if ('skip' in schemas) {
  describe.skip(`warden on PostgreSQL (${schemas.skip})`, () => {
    it('needs the server', () => undefined);
  });
} else {
  const pgUrl = schemas.url();
  const pgFlag = ['--pg', pgUrl];
  const onPg = (args: string[]): Promise<CliResult> =>
    runCliWith({ WARDEN_KEY_DIR: keyDir }, [...args, ...pgFlag]);

  beforeAll(async () => {
    const made = await runCli(['simulate', '--preset', 'small', '--seed', '7', '--out', sim]);
    expect(made.code).toBe(0);
    const files = readdirSync(join(sim, 'stream'))
      .sort()
      .map((f) => join(sim, 'stream', f));
    const half = Math.ceil(files.length / 2);
    // in two parts with a detection between: the saved detector state is resumed on both
    for (const part of [files.slice(0, half), files.slice(half)]) {
      expect((await runCli(['ingest', ...part, ...sqlite])).code).toBe(0);
      expect((await onPg(['ingest', ...part])).code).toBe(0);
      expect((await runCli(['detect', ...sqlite, '--json'])).code).toBeLessThan(2);
      expect((await onPg(['detect', '--json'])).code).toBeLessThan(2);
    }
  }, 300_000);
  afterAll(async () => {
    await schemas.dropAll();
    dir.cleanup();
  });

  describe('warden on PostgreSQL', () => {
    it('gives the very risk, alerts and stats that SQLite gives for the same stream', async () => {
      for (const command of ['risk', 'alerts', 'stats']) {
        const a = json(await runCli([command, ...sqlite, '--json']));
        const b = json(await onPg([command, '--json']));
        expect(b, command).toEqual(a);
      }
      const alerts = json(await onPg(['alerts', '--json'])) as unknown[];
      expect(alerts.length).toBeGreaterThan(0);
    });

    // not the same root: personal data is sealed under each store's own keys, with random IVs
    it('keeps a ledger that verifies, of the same size as SQLite', async () => {
      const a = await runCli(['ledger', 'verify', ...sqlite, '--json']);
      const b = await onPg(['ledger', 'verify', '--json']);
      expect(a.code).toBe(0);
      expect(b.code).toBe(0);
      const pick = (r: CliResult) => {
        const v = json(r) as { ok: boolean; size: number; recordsChecked: number };
        return { ok: v.ok, size: v.size, records: v.recordsChecked };
      };
      expect(pick(b)).toEqual(pick(a));
      expect(pick(b).size).toBeGreaterThan(1000);
    });

    it('finds an event changed on the server behind its back (exit 1), and passes once it is put back', async () => {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      const events = `${parsePgUrl(pgUrl).schema}.events`;
      try {
        const { rows } = await client.query<{ leaf: number; actor: string }>(
          `SELECT leaf, actor FROM ${events} ORDER BY leaf DESC LIMIT 1`,
        );
        const { leaf, actor } = rows[0]!;
        await client.query(`UPDATE ${events} SET actor = 'e-someone-else' WHERE leaf = $1`, [leaf]);
        const tampered = await onPg(['ledger', 'verify', '--json']);
        expect(tampered.code).toBe(1);
        expect((JSON.parse(tampered.out) as { firstBadIndex: number }).firstBadIndex).toBe(
          Number(leaf),
        );
        await client.query(`UPDATE ${events} SET actor = $2 WHERE leaf = $1`, [leaf, actor]);
        expect((await onPg(['ledger', 'verify', '--json'])).code).toBe(0);
      } finally {
        await client.end();
      }
    });

    it('is selected by WARDEN_PG_URL as by --pg', async () => {
      const viaEnv = await runCliWith({ WARDEN_KEY_DIR: keyDir, WARDEN_PG_URL: pgUrl }, [
        'risk',
        '--json',
      ]);
      expect(json(viaEnv)).toEqual(json(await onPg(['risk', '--json'])));
    });

    it('refuses, with exit 2 naming what is missing, a bad URL or no key folder', async () => {
      const bad = await runCliWith({ WARDEN_KEY_DIR: keyDir }, ['risk', '--pg', 'mysql://x/y']);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('--pg');
      const noKeys = await runCli(['risk', '--pg', pgUrl]);
      expect(noKeys.code).toBe(2);
      expect(noKeys.err).toContain('WARDEN_KEY_DIR');
    });

    it('refuses the wrong keys for an existing store, and a server that does not answer', async () => {
      const wrong = await runCliWith({ WARDEN_KEY_DIR: join(dir.path, 'other.keys') }, [
        'ingest',
        join(sim, 'stream', readdirSync(join(sim, 'stream')).sort()[0]!),
        ...pgFlag,
      ]);
      expect(wrong.code).not.toBe(0);
      expect(wrong.err).toContain('KEY_FILE_MISSING');
      const down = await runCliWith({ WARDEN_KEY_DIR: keyDir }, [
        'stats',
        '--pg',
        'postgres://postgres@127.0.0.1:1/test',
      ]);
      expect(down.code).not.toBe(0);
      expect(down.err).toContain('127.0.0.1:1');
    });
  });
}
