import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

/**
 * `--pg` and `--db` on one command line: each names where the data lives, so giving both is a
 * usage error naming the two flags, before any store is opened or created (no server needed:
 * the URL's port answers nothing, and the refusal must come first).
 */
const dir = tempDir('warden-store-flags-');
afterAll(() => dir.cleanup());

const nowhere = 'postgres://postgres@127.0.0.1:1/test?schema=warden_flags';

describe('the store flags', () => {
  describe('when --pg and --db are both given', () => {
    it.each([
      ['after the command', ['stats', '--db', 'DB', '--pg', nowhere]],
      ['--pg before the command', ['--pg', nowhere, 'ingest', 'none.ndjson', '--db', 'DB']],
      ['on a sub-command', ['ledger', 'verify', '--pg', nowhere, '--db', 'DB']],
    ])('refuses with exit 2 naming both (%s), creating nothing', async (_where, args) => {
      const db = join(dir.path, `w-${args[0]!.replace(/\W/g, '')}.db`);
      const run = await runCli(args.map((a) => (a === 'DB' ? db : a)));
      const err = stripVTControlCharacters(run.err);
      expect(run.code).toBe(2);
      expect(err).toContain('--pg');
      expect(err).toContain('--db');
      expect(err).not.toContain('127.0.0.1:1'); // refused before trying the server
      expect(existsSync(db)).toBe(false);
    });
  });

  describe('when only one is given', () => {
    it('uses --db alone, as before', async () => {
      const db = join(dir.path, 'alone.db');
      const made = await runCli(['ingest', '-', '--db', db], '');
      expect(stripVTControlCharacters(made.err)).not.toContain('--pg');
      expect(existsSync(db)).toBe(true);
    });

    it('tries the server of --pg alone, as before', async () => {
      const run = await runCli(['stats', '--pg', nowhere]);
      expect(run.code).not.toBe(0);
      expect(stripVTControlCharacters(run.err)).toMatch(/WARDEN_KEY_DIR|127\.0\.0\.1:1/);
    });
  });
});
