import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDb, employee, event, runCli, tempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/warden.js', import.meta.url));

interface Verify {
  ok: boolean;
  problems: { index: number; code: string }[];
}

const READ_ONLY: string[][] = [
  ['stats'],
  ['risk'],
  ['alerts'],
  ['explain', 'e-1'],
  ['ledger', 'verify'],
  ['ledger', 'prove', '--index', '0'],
  ['ledger', 'consistency', '1', '2'],
  ['ledger', 'export-checkpoint'],
];

// A command that only reads never creates a database or a key, never writes, never hangs.
describe('commands that only read', () => {
  const dir = tempDir('warden-read-only-');
  const db = join(dir.path, 'r.db');
  let verifierKey = '';

  beforeAll(async () => {
    const a = join(dir.path, 'a.ndjson');
    writeFileSync(
      a,
      [employee('e-1'), ...Array.from({ length: 700 }, (_, i) => event(`a-${i}`))].join('\n'),
    );
    expect((await runCli(['ingest', a, '--db', db])).code).toBe(0);
    const out = await runCli(['ledger', 'export-checkpoint', '--db', db, '--json']);
    verifierKey = (JSON.parse(out.out) as { verifierKey: string }).verifierKey;
  });
  afterAll(() => dir.cleanup());

  /** A copy of the database (its keys only if asked), WAL folded in. */
  function copy(withKeys: boolean): string {
    const path = join(dir.path, `c${readdirSync(dir.path).length}.db`);
    const src = new Database(db);
    src.pragma('wal_checkpoint(TRUNCATE)');
    src.close();
    copyFileSync(db, path);
    if (withKeys) cpSync(`${db}.keys`, `${path}.keys`, { recursive: true });
    return path;
  }

  describe('when the database path is mistyped', () => {
    it.each(READ_ONLY)('%s … exits 2 naming the path, and creates nothing', async (...args) => {
      const typo = join(dir.path, 'typo.db');
      const r = await runCli([...args, '--db', typo]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`no database at ${typo}`);
      expect(existsSync(typo)).toBe(false);
      expect(existsSync(`${typo}.keys`)).toBe(false);
    });
  });

  describe('when the database has no keys beside it', () => {
    it.each(READ_ONLY)('%s … exits 2 naming the missing key, and creates none', async (...args) => {
      const path = copy(false);
      const r = await runCli([...args, '--db', path]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('KEY_MISSING');
      expect(r.err).toContain(`${path}.keys`);
      expect(existsSync(`${path}.keys`)).toBe(false);
    });

    it('verifies with --key as the exported verifier key, a file holding it, or a key folder', async () => {
      const path = copy(false);
      const keyFile = join(dir.path, 'verifier.key');
      writeFileSync(keyFile, `${verifierKey}\n`);
      for (const key of [verifierKey, keyFile, `${db}.keys`]) {
        const r = await runCli(['ledger', 'verify', '--db', path, '--key', key, '--json']);
        expect(r.code).toBe(0);
      }
      expect(existsSync(`${path}.keys`)).toBe(false);
    });

    it('fails against another log’s key, and refuses a --key that is no key (exit 2)', async () => {
      const other = join(dir.path, 'other.db');
      await runCli(['ingest', join(dir.path, 'a.ndjson'), '--db', other]);
      const theirs = await runCli(['ledger', 'export-checkpoint', '--db', other, '--json']);
      const key = (JSON.parse(theirs.out) as { verifierKey: string }).verifierKey;
      const r = await runCli(['ledger', 'verify', '--db', copy(false), '--key', key, '--json']);
      expect(r.code).toBe(1);
      const codes = (JSON.parse(r.out) as Verify).problems.map((p) => p.code);
      expect(codes).toEqual(['UNSIGNED_TAIL', 'CHECKPOINT_SIGNATURE']);
      const bad = await runCli(['ledger', 'verify', '--db', copy(false), '--key', 'nonsense']);
      expect(bad.code).toBe(2);
    });
  });

  describe('when run on an intact database', () => {
    it('verify, stats, prove and export-checkpoint leave the database file byte for byte', async () => {
      const path = copy(true);
      const before = sha256(path);
      const rows = dumpDb(path);
      for (const args of [['ledger', 'verify'], ['stats'], ['ledger', 'prove', '--index', '3']]) {
        expect((await runCli([...args, '--db', path])).code).toBe(0);
      }
      expect((await runCli(['ledger', 'export-checkpoint', '--db', path])).code).toBe(0);
      expect(sha256(path)).toBe(before);
      expect(dumpDb(path)).toBe(rows);
    });
  });

  describe('when the highest tile row is deleted', () => {
    it('verify reports TILE_MISSING with its index and exits 1; no process hangs', () => {
      const path = copy(true);
      // the compiled command hashes on its worker thread: intact, the log verifies
      const intact = spawnSync(process.execPath, [BIN, 'ledger', 'verify', '--db', path], {
        timeout: 60_000,
        encoding: 'utf8',
      });
      expect(intact.status).toBe(0);
      const edit = new Database(path);
      edit.exec('DELETE FROM ledger_tiles WHERE id = (SELECT max(id) FROM ledger_tiles)');
      edit.close();
      const verify = spawnSync(
        process.execPath,
        [BIN, 'ledger', 'verify', '--db', path, '--json'],
        {
          timeout: 60_000,
          encoding: 'utf8',
        },
      );
      expect(verify.status).toBe(1);
      const report = JSON.parse(verify.stdout) as Verify;
      expect(report.problems).toContainEqual(
        expect.objectContaining({ index: 0, code: 'TILE_MISSING' }),
      );
      for (const args of [['stats'], ['risk']]) {
        const r = spawnSync(process.execPath, [BIN, ...args, '--db', path], {
          timeout: 60_000,
          encoding: 'utf8',
        });
        expect(r.signal).toBeNull(); // not killed by the timeout
        expect(r.status).toBe(1);
        expect(r.stderr).toContain('NODE_MISSING');
      }
    }, 120_000);
  });
});

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
