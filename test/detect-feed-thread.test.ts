import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingThreadWanted } from '../src/cli/commands/detect-feed.js';
import type * as FeedModule from '../src/cli/commands/detect-feed.js';
import type * as DirectoryModule from '../src/cli/commands/detect-directory.js';
import type * as StoreModule from '../src/store/index.js';
import { runCli, tempDir } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/warden.js', import.meta.url));
// The worker runs only from the compiled build (`npm test` builds first).
const DIST = fileURLToPath(new URL('../dist/src/', import.meta.url));
const built = existsSync(join(DIST, 'cli', 'commands', 'detect-feed-worker.js'));

const dir = tempDir('warden-feed-');
const db = join(dir.path, 'ledger.db');
afterAll(() => dir.cleanup());

beforeAll(async () => {
  const sim = join(dir.path, 'sim');
  expect((await runCli(['simulate', '--preset', 'small', '--seed', '4', '--out', sim])).code).toBe(
    0,
  );
  const files = readdirSync(join(sim, 'stream'))
    .sort()
    .map((f) => join(sim, 'stream', f));
  expect((await runCli(['ingest', ...files, '--db', db])).code).toBe(0);
});

describe('the detection feed on a reading thread', () => {
  describe('when asked whether to start it', () => {
    it('starts it on two cores or more, unless WARDEN_DETECT_THREADS=0', () => {
      expect(readingThreadWanted({}, 2)).toBe(true);
      expect(readingThreadWanted({ WARDEN_DETECT_THREADS: '1' }, 2)).toBe(true);
      expect(readingThreadWanted({ WARDEN_DETECT_THREADS: '0' }, 8)).toBe(false);
      expect(readingThreadWanted({}, 1)).toBe(false);
    });
  });

  describe.runIf(built || process.env['CI'])('when run from the build', () => {
    const compiled = async (): Promise<{
      feed: typeof FeedModule;
      directory: typeof DirectoryModule;
      stores: typeof StoreModule;
    }> => ({
      feed: (await import(join(DIST, 'cli', 'commands', 'detect-feed.js'))) as typeof FeedModule,
      directory: (await import(
        join(DIST, 'cli', 'commands', 'detect-directory.js')
      )) as typeof DirectoryModule,
      stores: (await import(join(DIST, 'store', 'index.js'))) as typeof StoreModule,
    });

    it('gives the records read here, chunk for chunk, and the directory part built from its source', async () => {
      const { feed, directory, stores } = await compiled();
      const store = stores.SqliteStore.open(db, { readonly: true });
      try {
        const size = await store.ledger.size();
        expect(size).toBeGreaterThan(20_000);
        for (const [from, to] of [
          [0, size],
          [5_003, size - 7],
        ] as const) {
          const thread = feed.feedInThread(store, from, to, {
            directoryPart: true,
            env: { WARDEN_DETECT_THREADS: '1' },
          });
          expect(thread).toBeDefined();
          const got: unknown[] = [];
          const lasts: number[] = [];
          for await (const c of thread!.chunks) {
            got.push(...c.records);
            lasts.push(c.last);
          }
          const want: unknown[] = [];
          const wantLasts: number[] = [];
          for await (const c of store.ledger.recordChunks(from, to, ['reviewer'])) {
            want.push(...c.map((r) => r.record));
            wantLasts.push(c[c.length - 1]!.leaf);
          }
          expect(JSON.stringify(got)).toBe(JSON.stringify(want));
          expect(lasts).toEqual(wantLasts);
          // the part covers [0, to): built only by a feed from leaf 0
          if (from === 0) {
            const part = await thread!.directoryPart;
            expect(part?.equals(await directory.directoryPartOf(store, to))).toBe(true);
          } else expect(thread!.directoryPart).toBeUndefined();
        }
        const none = feed.feedInThread(store, 0, size, {
          directoryPart: true,
          env: { WARDEN_DETECT_THREADS: '0' },
        });
        expect(none).toBeUndefined();
      } finally {
        await store.close();
      }
    });

    it('stops the thread when the feed is left early, and gives no part', async () => {
      const { feed, stores } = await compiled();
      const store = stores.SqliteStore.open(db, { readonly: true });
      try {
        const thread = feed.feedInThread(store, 0, await store.ledger.size(), {
          directoryPart: true,
          env: { WARDEN_DETECT_THREADS: '1' },
        });
        let chunks = 0;
        for await (const c of thread!.chunks) {
          expect(c.records.length).toBeGreaterThan(0);
          if (++chunks === 1) break;
        }
        expect(await thread!.directoryPart).toBeUndefined();
      } finally {
        await store.close();
      }
    });

    it('gives `warden detect --full` the saved state, risk and alerts of one thread', () => {
      const runs = ['default', 'one'].map((name) => {
        const copy = join(dir.path, `${name}.db`);
        cpSync(db, copy);
        cpSync(`${db}.keys`, `${copy}.keys`, { recursive: true });
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
        delete env['WARDEN_DETECT_THREADS'];
        if (name === 'one') env['WARDEN_DETECT_THREADS'] = '0';
        const detect = spawnSync(
          process.execPath,
          [BIN, 'detect', '--full', '--json', '--db', copy],
          { env, encoding: 'utf8' },
        );
        const ask = (cmd: string): string =>
          spawnSync(process.execPath, [BIN, cmd, '--json', '--db', copy], { env, encoding: 'utf8' })
            .stdout;
        return { detect, risk: ask('risk'), alerts: ask('alerts'), state: savedState(copy) };
      });
      const [threaded, one] = runs as [(typeof runs)[0], (typeof runs)[0]];
      expect(threaded.detect.stderr).toBe('');
      expect(threaded.state.rest.length).toBeGreaterThan(0);
      expect(threaded.state).toEqual(one.state);
      expect(threaded.risk).toBe(one.risk);
      expect(threaded.alerts).toBe(one.alerts);
      expect(JSON.parse(threaded.risk)).not.toEqual([]);
    });
  });
});

/** Both parts of the saved state, their bytes and MACs, as stored. */
function savedState(path: string): { directory: Buffer; rest: Buffer; macs: unknown[] } {
  const d = new Database(path, { readonly: true });
  try {
    const joined = (table: string): Buffer =>
      Buffer.concat(d.prepare(`SELECT data FROM ${table} ORDER BY seq`).pluck().all() as Buffer[]);
    return {
      directory: joined('detector_directory_chunks'),
      rest: joined('detector_state_chunks'),
      macs: [
        d.prepare('SELECT mac FROM detector_directory').pluck().get(),
        d.prepare('SELECT mac FROM detector_state').pluck().get(),
      ],
    };
  } finally {
    d.close();
  }
}
