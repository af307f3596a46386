import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashDetectionModules } from '../src/cli/commands/detection-code.js';
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

    // a scheduled or scripted run shows no bar: cli-progress (7–12 ms to load) is not loaded
    it('loads no progress-bar module when stderr is not a terminal, and the table module it uses', () => {
      const r = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '--eval',
          `import { createRequire } from 'node:module';
const { main } = await import(${JSON.stringify(join(LINKED, 'main.js'))});
await main(['node', 'warden', 'detect', '--db', ${JSON.stringify(db)}], { out() {}, err() {} });
const loaded = Object.keys(createRequire(import.meta.url).cache);
process.stdout.write(JSON.stringify(['cli-progress', 'cli-table3'].map((m) => loaded.some((k) => k.includes('/node_modules/' + m + '/')))));`,
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(r.stderr).toBe('');
      // the table module shows the check sees what a command loads
      expect(JSON.parse(r.stdout)).toEqual([false, true]);
    });
  });
});

describe('the detection code’s hash (a saved state’s version)', () => {
  const dir = tempDir('warden-modules-');
  afterAll(() => dir.cleanup());

  it.runIf(built || process.env['CI'])(
    'is written into the linked CLI as the hash of the modules it was linked from',
    () => {
      const hash = hashDetectionModules(join(DIST, 'detect'));
      expect(hash).toMatch(/^[0-9a-f]{16}$/);
      const chunks = readdirSync(LINKED).filter((f) => f.endsWith('.js'));
      const carrying = chunks.filter((f) => readFileSync(join(LINKED, f), 'utf8').includes(hash));
      expect(carrying.length).toBeGreaterThan(0);
      // and no chunk reads a folder of modules to hash at run time
      expect(
        chunks.filter((f) =>
          readFileSync(join(LINKED, f), 'utf8').includes('WARDEN_DETECTION_CODE'),
        ),
      ).toEqual([]);
    },
  );

  it('changes with any byte of a module, not with a test beside them', () => {
    const copy = join(dir.path, 'detect');
    cpSync(fileURLToPath(new URL('../src/detect/', import.meta.url)), copy, { recursive: true });
    const before = hashDetectionModules(copy);
    writeFileSync(join(copy, 'extra.test.ts'), 'it.todo("not code")\n');
    expect(hashDetectionModules(copy)).toBe(before);
    const engine = join(copy, 'engine.ts');
    const text = readFileSync(engine, 'utf8');
    writeFileSync(
      engine,
      text.replace(/(\d)/, (d) => String((Number(d) + 1) % 10)),
    );
    expect(hashDetectionModules(copy)).not.toBe(before);
  });
});
