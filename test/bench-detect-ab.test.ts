import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

// The bench runs from the compiled build (`npm test` builds first), as it is run by hand.
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const BENCH = join(DIST, 'bench', 'detect-ab.js');
const SAMPLE = fileURLToPath(new URL('../samples/sample-week.ndjson', import.meta.url));

describe.runIf(existsSync(BENCH) || process.env['CI'])('bench/detect-ab', () => {
  const dir = tempDir('warden-detect-ab-');
  afterAll(() => dir.cleanup());
  const stream = join(dir.path, 'stream');
  mkdirSync(stream);
  copyFileSync(SAMPLE, join(stream, '0001.ndjson'));
  // the same build under another name: a paired run whose findings must agree
  const other = join(dir.path, 'dist-b');
  symlinkSync(DIST, other);

  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8' });

  describe('when an argument is missing or wrong', () => {
    it.each([
      [[stream, '3', DIST], 'expected 4 arguments, got 3'],
      [[stream, '3'], 'expected 4 arguments, got 2'],
      [[stream, 'three', DIST, other], 'ROUNDS must be a whole number of rounds, 1 or more'],
      [[stream, '0', DIST, other], 'ROUNDS must be a whole number of rounds, 1 or more'],
      [[join(dir.path, 'none'), '1', DIST, other], 'is not a folder'],
      [[stream, '1', DIST, dir.path], `DIST_B ${dir.path} is not a build's dist folder`],
      [[stream, '1', DIST, DIST], 'DIST_A and DIST_B are the same folder'],
    ])('%j: exits 2 saying what is wrong, before any run', (args, message) => {
      const result = run(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain('usage: node dist/bench/detect-ab.js');
      expect(result.stdout).toBe('');
    });
  });

  describe('when the arguments are right', () => {
    it('runs each build once a round and agrees on the findings', () => {
      const result = run(stream, '1', DIST, other);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^round 1 .*events [\d,]+\/s.*findings [0-9a-f]{16}/m);
      expect(result.stdout).toContain('B ÷ A per round');
    });
  });
});
