import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectionModules } from '../src/cli/commands/detect-state.js';
import { tempDir } from './helpers.js';
import { BIN, DIST, simulatedLedger } from './detect-support.js';

// `warden` runs the CLI linked into dist/cli (scripts/bundle-cli.ts) from tsc's output
// (dist/src). These tests hold the linked CLI to what the modules do unlinked.
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const LINKED = fileURLToPath(new URL('../dist/cli/', import.meta.url));
const UNLINKED_MAIN = join(DIST, 'cli', 'main.js');
const built = existsSync(join(LINKED, 'main.js')) && existsSync(UNLINKED_MAIN);

/** Every worker thread's entry a module names beside itself, as `src/...: name.js`. */
function workersNamed(): { file: string; name: string }[] {
  const named: { file: string; name: string }[] = [];
  for (const entry of readdirSync(SRC, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const text = readFileSync(path, 'utf8');
    if (!text.includes('new Worker(')) continue;
    for (const m of text.matchAll(/new URL\('\.\/([\w.-]+\.js)', import\.meta\.url\)/g))
      named.push({ file: relative(SRC, path), name: m[1]! });
  }
  return named;
}

describe.runIf(built || process.env['CI'])('the linked CLI', () => {
  it('holds, beside its chunks, every worker entry a module starts by name', () => {
    const named = workersNamed();
    // the five threads of ingest and detection, at least: a pattern that found none would pass anything
    expect(named.length).toBeGreaterThanOrEqual(5);
    const missing = named.filter((w) => !existsSync(join(LINKED, w.name)));
    expect(missing).toEqual([]);
  });

  it('is what bin/warden.js runs', () => {
    expect(readFileSync(BIN, 'utf8')).toMatch(/from '\.\.\/dist\/cli\/main\.js'/);
  });

  describe('and the detection state', () => {
    const dir = tempDir('warden-linked-');
    const db = join(dir.path, 'w.db');
    beforeAll(async () => {
      await simulatedLedger(dir.path, 11, db);
    });
    afterAll(() => dir.cleanup());

    const run = (entry: string, args: string[]) => {
      const r = spawnSync(
        process.execPath,
        entry === BIN
          ? [BIN, ...args]
          : [
              '--input-type=module',
              '--eval',
              `const { main } = await import(${JSON.stringify(entry)}); process.exitCode = await main(['node', 'warden', ...process.argv.slice(1)]);`,
              ...args,
            ],
        { encoding: 'utf8' },
      );
      return { code: r.status, out: r.stdout, err: r.stderr };
    };

    // a state whose version differed would be discarded, said so on stderr, and replayed from leaf 0
    it('saved by the unlinked modules, is resumed by the linked CLI (one detection code)', () => {
      const first = run(UNLINKED_MAIN, ['detect', '--json', '--db', db]);
      expect(first.err).toBe('');
      const saved = JSON.parse(first.out) as { ledgerSize: number; resumedAt: number };
      expect(saved.resumedAt).toBe(0);
      const next = run(BIN, ['detect', '--json', '--db', db]);
      expect(next.err).toBe('');
      expect((JSON.parse(next.out) as { resumedAt: number }).resumedAt).toBe(saved.ledgerSize);
      // and both read the same findings off it
      expect(run(BIN, ['risk', '--json', '--db', db]).out).toBe(
        run(UNLINKED_MAIN, ['risk', '--json', '--db', db]).out,
      );
    });
  });
});

describe('the detection modules hashed into a saved state’s version', () => {
  const dir = tempDir('warden-modules-');
  afterAll(() => dir.cleanup());

  it('are the ones beside the running module when it runs from the sources or tsc’s output', () => {
    const sources = fileURLToPath(new URL('../src/detect/', import.meta.url));
    expect(detectionModules(sources)).toBe(sources);
    expect(detectionModules(join(DIST, 'detect'))).toBe(join(DIST, 'detect'));
  });

  it('are tsc’s output, in the same package, where the running module is linked (no folder beside it)', () => {
    const beside = fileURLToPath(new URL('../detect/', import.meta.url)); // from dist/cli/…
    expect(existsSync(beside)).toBe(false);
    expect(detectionModules(beside)).toBe(join(DIST, 'detect'));
  });

  it('refuse, naming the build, when neither is there', () => {
    const root = join(dir.path, 'pkg');
    mkdirSync(join(root, 'detect'), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{}');
    expect(() => detectionModules(join(root, 'detect'))).toThrow(
      /neither at .*detect.* nor in the build \(dist\/src\/detect\): run npm run build/,
    );
  });
});
