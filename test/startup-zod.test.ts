import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

// Loading zod costs more than the rest of a short command's startup, and `detect` and `risk`
// validate nothing with it unless an org profile or a canary exists; `alerts` validates nothing
// with it at all (the guard's policy tables, whose parser it loads, are read only by `policy
// test` and `policy explain`). This test runs the CLI as `warden` does, linked into dist/cli
// (scripts/bundle-cli.ts; `npm test` builds first), so a chunk that imports zod at startup shows,
// in a fresh process, where nothing else has loaded zod yet: an import of zod is reported on stderr by
// a resolve hook, a require() of it shows in the require cache.
const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const built = existsSync(MAIN);

const HOOK = `export async function resolve(specifier, context, next) {
  if (specifier === 'zod' || specifier.startsWith('zod/'))
    process.stderr.write('zod imported by ' + context.parentURL + '\\n');
  return next(specifier, context);
}`;

const CHILD = `import { createRequire, register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));
const [main, ...args] = process.argv.slice(1);
let err = '';
const io = { out: () => {}, err: (t) => void (err += t), stdin: process.stdin };
const code = await (await import(main)).main(['node', 'warden', ...args], io);
const zod = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('/zod/'));
process.stdout.write(JSON.stringify({ code, err, zod }));`;

interface Fresh {
  readonly code: number;
  readonly err: string;
  /** zod's files in the require cache. */
  readonly zod: string[];
  /** The modules that imported zod. */
  readonly importers: string[];
}

async function runFresh(args: string[]): Promise<Fresh> {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [
    '--input-type=module',
    '--eval',
    CHILD,
    pathToFileURL(MAIN).href,
    ...args,
  ]);
  const importers = [...stderr.matchAll(/^zod imported by (.*)$/gm)].map((m) => m[1]!);
  return { ...(JSON.parse(stdout) as Omit<Fresh, 'importers'>), importers };
}

describe.runIf(built || process.env['CI'])('zod at startup', () => {
  const dir = tempDir('warden-startup-');
  const db = join(dir.path, 'w.db');
  afterAll(() => dir.cleanup());

  describe('when there is no org profile and no canary', () => {
    it('is not loaded by detect, nor by risk, nor by alerts', async () => {
      for (const args of [['detect'], ['risk', '--json'], ['alerts', '--json']])
        expect(await runFresh([...args, '--db', db])).toEqual({
          code: 0,
          err: '',
          zod: [],
          importers: [],
        });
    });
  });

  describe('when an org profile lies beside the database', () => {
    const profile = (does: string): void =>
      writeFileSync(
        join(dir.path, 'warden.org.json'),
        JSON.stringify({ detection: { jobFunctions: [{ does, teams: ['legal-*'] }] } }),
      );

    it('is loaded by detect to validate it', async () => {
      profile('legal-holds');
      const r = await runFresh(['detect', '--db', db]);
      // The profile is part of detection's configuration: the saved state is replayed, said so.
      expect(r).toMatchObject({ code: 0, importers: [] });
      expect(r.err).toMatch(/^(warden: detection state discarded: [^\n]*\n)?$/);
      expect(r.zod.length).toBeGreaterThan(0);
    });

    it('still refuses a wrong profile, naming the field', async () => {
      profile('juggling');
      const r = await runFresh(['detect', '--db', db]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('[ORG_PROFILE_INVALID]');
      expect(r.err).toContain(
        'warden.org.json: field detection.jobFunctions.0.does: Invalid option',
      );
      expect(r.zod.length).toBeGreaterThan(0);
    });
  });
});
