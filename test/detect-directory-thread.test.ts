import { spawnSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionEngine, snapshotDirectory } from '../src/detect/index.js';
import { SqliteStore } from '../src/store/index.js';
import { directoryPartOf, secondCoreFree } from '../src/cli/commands/detect-directory.js';
import type * as DirectoryModule from '../src/cli/commands/detect-directory.js';
import type * as StoreModule from '../src/store/index.js';
import { numberingSeed } from '../src/cli/commands/detect-state-mac.js';
import { wire } from '../src/cli/wiring.js';
import { runCli, tempDir } from './helpers.js';
import { BIN, DIST, savedState, simulatedLedger } from './detect-support.js';

const built = existsSync(join(DIST, 'cli', 'commands', 'detect-directory-worker.js'));

const dir = tempDir('warden-dirpart-');
const db = join(dir.path, 'ledger.db');
let files: string[] = [];
afterAll(() => dir.cleanup());

beforeAll(async () => {
  files = await simulatedLedger(dir.path, 6, db);
});

/** A hash seed for the parts these tests compare (a run's is its database's: `numberingSeed`). */
const SEED = 0x5eed;

/** The directory part of an engine fed every record of leaves [0, size), as a full replay saves it. */
async function engineDirectoryPart(store: SqliteStore, size: number): Promise<Buffer> {
  const engine = new DetectionEngine(undefined, { seed: SEED });
  for await (const chunk of store.ledger.recordChunks(0, size, ['reviewer']))
    engine.consume(chunk.map((r) => r.record));
  return snapshotDirectory(engine);
}

describe('the directory part built from its source', () => {
  describe('when built from the directory records alone', () => {
    it('has the bytes of the part saved from an engine fed every record, at any size', async () => {
      const store = SqliteStore.open(db, { readonly: true });
      try {
        const size = await store.ledger.size();
        expect(size).toBeGreaterThan(1000);
        for (const at of [size, Math.floor(size / 3), 1]) {
          const fromSource = await directoryPartOf(store, at, SEED);
          expect(fromSource.equals(await engineDirectoryPart(store, at))).toBe(true);
        }
        // a directory record changes the part: the comparison above could fail
        const before = await directoryPartOf(store, Math.floor(size / 3), SEED);
        expect(before.equals(await directoryPartOf(store, size, SEED))).toBe(false);
        // so does the seed: the part's hashes are under it
        const reseeded = await directoryPartOf(store, size, SEED + 1);
        expect(reseeded.equals(await directoryPartOf(store, size, SEED))).toBe(false);
        // a store that does not hold the leaves asked for (another file) gives no part
        await expect(directoryPartOf(store, size + 1, SEED)).rejects.toThrow(/holds \d+ leaves/);
      } finally {
        await store.close();
      }
    });
  });

  describe('when a second core is free', () => {
    it('is taken by default when the load leaves one idle, or as WARDEN_DETECT_THREADS says', () => {
      expect(secondCoreFree({}, 2, 0.3)).toBe(true);
      expect(secondCoreFree({}, 2, 1.2)).toBe(false);
      expect(secondCoreFree({}, 8, 5.2)).toBe(true);
      expect(secondCoreFree({}, 8, 7.5)).toBe(false);
      expect(secondCoreFree({}, 1, 0)).toBe(false);
      expect(secondCoreFree({ WARDEN_DETECT_THREADS: '1' }, 2, 18)).toBe(true);
      expect(secondCoreFree({ WARDEN_DETECT_THREADS: '0' }, 8, 0)).toBe(false);
    });
  });

  describe.runIf(built || process.env['CI'])('when built on a worker thread', () => {
    it('answers the same bytes as this thread', async () => {
      const compiled = (await import(
        join(DIST, 'cli', 'commands', 'detect-directory.js')
      )) as typeof DirectoryModule;
      const stores = (await import(join(DIST, 'store', 'index.js'))) as typeof StoreModule;
      const store = stores.SqliteStore.open(db, { readonly: true });
      try {
        const size = await store.ledger.size();
        const pending = compiled.directoryPartInThread(store, size, SEED, {
          WARDEN_DETECT_THREADS: '1',
        });
        expect(pending).toBeDefined();
        const bytes = await pending;
        expect(bytes?.equals(await compiled.directoryPartOf(store, size, SEED))).toBe(true);
        expect(
          compiled.directoryPartInThread(store, size, SEED, { WARDEN_DETECT_THREADS: '0' }),
        ).toBe(undefined);
      } finally {
        await store.close();
      }
    });

    it("waits for it in a resume past the 5 % (the engine done first), saving the full replay's part", async () => {
      const grown = join(dir.path, 'grown.db');
      const half = Math.ceil(files.length / 2);
      expect((await runCli(['ingest', ...files.slice(0, half), '--db', grown])).code).toBe(0);
      expect(detectInProcess(grown).resumedAt).toBe(0);
      const first = savedState(grown);
      expect((await runCli(['ingest', ...files.slice(half), '--db', grown])).code).toBe(0);
      const resumed = detectInProcess(grown);
      expect(resumed.resumedAt).toBeGreaterThan(0);
      expect([0, 1]).toContain(resumed.code);
      // the part of the whole ledger, under the grown database's own seed
      const w = await wire(grown);
      const seed = numberingSeed(w.stateKey);
      await w.close();
      const store = SqliteStore.open(db, { readonly: true });
      try {
        const whole = await directoryPartOf(store, await store.ledger.size(), seed);
        expect(savedState(grown).directory.equals(whole)).toBe(true);
        expect(first.directory.equals(whole)).toBe(false);
      } finally {
        await store.close();
      }
    });

    it('gives `warden detect --full` the same saved state, risk and alerts as one thread', () => {
      const runs = ['thread', 'one'].map((name) => {
        const copy = join(dir.path, `${name}.db`);
        cpSync(db, copy);
        cpSync(`${db}.keys`, `${copy}.keys`, { recursive: true });
        const env = {
          ...process.env,
          NO_COLOR: '1',
          WARDEN_DETECT_THREADS: name === 'one' ? '0' : '1',
        };
        const detect = spawnSync(
          process.execPath,
          [BIN, 'detect', '--full', '--json', '--db', copy],
          {
            env,
            encoding: 'utf8',
          },
        );
        const ask = (cmd: string): string =>
          spawnSync(process.execPath, [BIN, cmd, '--json', '--db', copy], { env, encoding: 'utf8' })
            .stdout;
        return { detect, risk: ask('risk'), alerts: ask('alerts'), state: savedState(copy) };
      });
      const [thread, one] = runs as [(typeof runs)[0], (typeof runs)[0]];
      expect(thread.detect.stderr).toBe('');
      expect(thread.state.directory.length).toBeGreaterThan(0);
      expect(thread.state).toEqual(one.state);
      expect(thread.risk).toBe(one.risk);
      expect(thread.alerts).toBe(one.alerts);
      expect(JSON.parse(thread.risk)).not.toEqual([]);
    });
  });
});

/** `warden detect --json` in a process of its own, from the build, with the thread. */
function detectInProcess(path: string): { code: number | null; resumedAt: number } {
  const env = { ...process.env, NO_COLOR: '1', WARDEN_DETECT_THREADS: '1' };
  const r = spawnSync(process.execPath, [BIN, 'detect', '--json', '--db', path], {
    env,
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  return { code: r.status, ...(JSON.parse(r.stdout) as { resumedAt: number }) };
}
