import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FEED_THREAD_MIN_LEAVES,
  readingThreadWanted,
} from '../src/cli/commands/detect-engine-start.js';
import { FEED_HEAD_LEAVES, headOf } from '../src/cli/commands/detect-feed.js';
import type * as CodecModule from '../src/cli/commands/detect-feed-codec.js';
import { PART_ROWS } from '../src/cli/commands/detect-feed-protocol.js';
import type * as DetectModule from '../src/detect/index.js';
import type * as FeedModule from '../src/cli/commands/detect-feed.js';
import type * as StoreModule from '../src/store/index.js';
import { runCli, tempDir } from './helpers.js';
import { BIN, DIST, savedState, simulatedLedger } from './detect-support.js';

const built = existsSync(join(DIST, 'cli', 'commands', 'detect-feed-worker.js'));

const dir = tempDir('warden-feed-');
const db = join(dir.path, 'ledger.db');
let files: string[] = [];
afterAll(() => dir.cleanup());

beforeAll(async () => {
  files = await simulatedLedger(dir.path, 4, db);
});

describe('the detection feed on a reading thread', () => {
  describe('when asked whether to start it', () => {
    it('starts it for a long feed on two cores or more, or as WARDEN_DETECT_THREADS says', () => {
      expect(readingThreadWanted(FEED_THREAD_MIN_LEAVES, {}, 2)).toBe(true);
      expect(readingThreadWanted(FEED_THREAD_MIN_LEAVES - 1, {}, 2)).toBe(false);
      expect(readingThreadWanted(0, { WARDEN_DETECT_THREADS: '1' }, 1)).toBe(true);
      expect(readingThreadWanted(10 ** 7, { WARDEN_DETECT_THREADS: '0' }, 8)).toBe(false);
      expect(readingThreadWanted(10 ** 7, {}, 1)).toBe(false);
    });

    it('reads at most a quarter of the feed here, in whole chunks, while the thread starts', () => {
      expect(headOf(39_999)).toBe(0);
      expect(headOf(80_000)).toBe(20_000);
      expect(headOf(10 ** 7)).toBe(FEED_HEAD_LEAVES);
      expect(headOf(FEED_THREAD_MIN_LEAVES)).toBeLessThan(FEED_THREAD_MIN_LEAVES);
    });
  });

  describe.runIf(built || process.env['CI'])('when run from the build', () => {
    const compiled = async (): Promise<{
      feed: typeof FeedModule;
      stores: typeof StoreModule;
      codec: typeof CodecModule;
    }> => ({
      feed: (await import(join(DIST, 'cli', 'commands', 'detect-feed.js'))) as typeof FeedModule,
      stores: (await import(join(DIST, 'store', 'index.js'))) as typeof StoreModule,
      codec: (await import(
        join(DIST, 'cli', 'commands', 'detect-feed-codec.js')
      )) as typeof CodecModule,
    });

    it('gives the records read here (what detection reads of them), each read in its parts', async () => {
      const { feed, stores, codec } = await compiled();
      const store = stores.SqliteStore.open(db, { readonly: true });
      try {
        const size = await store.ledger.size();
        expect(size).toBeGreaterThan(20_000);
        for (const [from, to] of [
          [0, size],
          [5_003, size - 7],
        ] as const) {
          const thread = feed.feedInThread(store, from, to, { WARDEN_DETECT_THREADS: '1' });
          expect(thread).toBeDefined();
          const { got, lasts } = await drain(thread!.chunks);
          const want: unknown[] = [];
          const wantLasts: number[] = [];
          // each read of the ledger sent in parts of at most PART_ROWS records
          for await (const c of store.ledger.recordChunks(from, to, ['reviewer'])) {
            want.push(...c.map((r) => r.record));
            for (let at = 0; at < c.length; at += PART_ROWS)
              wantLasts.push(c[Math.min(at + PART_ROWS, c.length) - 1]!.leaf);
          }
          // the directory records come with the members detection reads (the head's whole)
          const project = projection(codec.DIRECTORY_MEMBERS);
          expect(JSON.stringify(got.map(project))).toBe(JSON.stringify(want.map(project)));
          expect(got.some((r, i) => JSON.stringify(r) !== JSON.stringify(want[i]))).toBe(true);
          expect(lasts).toEqual(wantLasts);
        }
        const none = feed.feedInThread(store, 0, size, { WARDEN_DETECT_THREADS: '0' });
        expect(none).toBeUndefined();
      } finally {
        await store.close();
      }
    });

    it('starts no thread at all for a range too short for one (a short resume)', async () => {
      const { feed, stores } = await compiled();
      const store = stores.SqliteStore.open(db, { readonly: true });
      const started: unknown[] = [];
      const count = (w: unknown): void => void started.push(w);
      process.on('worker', count);
      try {
        const size = await store.ledger.size();
        const short = 1_000;
        // threads neither forced nor refused: the range alone says no (on this machine's cores;
        // with one core, no thread was ever wanted, and this half tells nothing)
        expect(readingThreadWanted(short, {}, 2)).toBe(false);
        expect(feed.feedInThread(store, size - short, size, {})).toBeUndefined();
        await new Promise((resolve) => setImmediate(resolve)); // the event comes on a next tick
        expect(started).toEqual([]);
        // a range the thread is wanted for does start one (the count can see it)
        const forced = feed.feedInThread(store, size - short, size, { WARDEN_DETECT_THREADS: '1' });
        expect(forced).toBeDefined();
        await new Promise((resolve) => setImmediate(resolve));
        expect(started).toHaveLength(1);
        await drain(forced!.chunks);
      } finally {
        process.off('worker', count);
        await store.close();
      }
    });

    it("reads a head here while the thread starts, then the thread's chunks, as one reader", async () => {
      const { feed, stores } = await compiled();
      const path = join(dir.path, 'long.db');
      const store = stores.SqliteStore.open(path);
      try {
        const leaves = 45_000; // a head of one chunk (headOf)
        expect(feed.headOf(leaves)).toBe(10_000);
        const tx = await store.begin();
        await tx.insertEvents(
          Array.from({ length: leaves }, (_, i) => ({
            id: `ev-${i}`,
            time: '2026-03-02T09:14:05Z',
            actor: `e-${i % 13}`,
            action: 'seller.metrics.view' as const,
            target: { type: 'seller' as const, id: `s-${i % 17}` },
            ...(i % 3 === 0 ? { context: { ip: `10.0.0.${i % 250}` } } : {}),
          })),
          0,
        );
        await tx.commit();
        const thread = feed.feedInThread(store, 0, leaves, { WARDEN_DETECT_THREADS: '1' });
        const { got, lasts } = await drain(thread!.chunks);
        const want: unknown[] = [];
        for await (const c of store.ledger.recordChunks(0, leaves, ['reviewer']))
          want.push(...c.map((r) => r.record));
        expect(got.length).toBe(leaves);
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        // the head read here whole, the rest in the thread's parts
        const parts = Array.from(
          { length: (leaves - 10_000) / PART_ROWS },
          (_, k) => 10_000 + (k + 1) * PART_ROWS - 1,
        );
        expect(lasts).toEqual([9_999, ...parts]);
      } finally {
        await store.close();
      }
    });

    it('feeds an engine straight from its chunks to the state their records give', async () => {
      const { feed, stores } = await compiled();
      const detect = (await import(join(DIST, 'detect', 'index.js'))) as typeof DetectModule;
      const store = stores.SqliteStore.open(db, { readonly: true });
      try {
        const size = await store.ledger.size();
        const options = { WARDEN_DETECT_THREADS: '1' };
        const into = new detect.DetectionEngine(undefined, { seed: 9 });
        const consumed = new detect.DetectionEngine(undefined, { seed: 9 });
        let some: { readonly records: readonly unknown[] } | undefined;
        for await (const c of feed.feedInThread(store, 0, size, options)!.chunks) {
          c.into(into);
          some = c;
        }
        // asked for after: the records were never made
        expect(() => some!.records).toThrow(/keeps no records/);
        // taken without asking (the next chunk then decodes after it), and fed after
        const taken: FeedModule.FedChunk[] = [];
        for await (const c of feed.feedInThread(store, 0, size, options)!.chunks) taken.push(c);
        for (const c of taken) c.into(consumed);
        const state = (e: DetectModule.DetectionEngine): string[] => [
          Buffer.from(detect.snapshotDirectoryView(e.directory)).toString('base64'),
          Buffer.from(detect.snapshotEngine(e)).toString('base64'),
          JSON.stringify(e.findings()),
        ];
        expect(into.directory.ticketCount).toBeGreaterThan(0);
        expect(state(into)).toEqual(state(consumed));
      } finally {
        await store.close();
      }
    });

    it('stops the thread when the feed is left early', async () => {
      const { feed, stores } = await compiled();
      const store = stores.SqliteStore.open(db, { readonly: true });
      try {
        const thread = feed.feedInThread(store, 0, await store.ledger.size(), {
          WARDEN_DETECT_THREADS: '1',
        });
        let chunks = 0;
        for await (const c of thread!.chunks) {
          expect(c.records.length).toBeGreaterThan(0);
          if (++chunks === 1) break;
        }
      } finally {
        await store.close();
      }
    });

    it('gives a resumed `warden detect` the saved state, risk and alerts of one thread', async () => {
      // half the stream detected and saved, then the rest ingested: the feed starts past leaf 0
      const half = join(dir.path, 'half.db');
      const cut = Math.ceil(files.length / 2);
      expect((await runCli(['ingest', ...files.slice(0, cut), '--db', half])).code).toBe(0);
      expect([0, 1]).toContain(detect(half, '0').status);
      expect((await runCli(['ingest', ...files.slice(cut), '--db', half])).code).toBe(0);
      const runs = ['1', '0'].map((threads) => {
        const copy = join(dir.path, `resume-${threads}.db`);
        cpSync(half, copy);
        cpSync(`${half}.keys`, `${copy}.keys`, { recursive: true });
        const run = detect(copy, threads);
        const ask = (cmd: string): string =>
          spawnSync(process.execPath, [BIN, cmd, '--json', '--db', copy], {
            env: { ...process.env, NO_COLOR: '1', WARDEN_DETECT_THREADS: threads },
            encoding: 'utf8',
          }).stdout;
        return { run, risk: ask('risk'), alerts: ask('alerts'), state: savedState(copy) };
      });
      const [threaded, one] = runs as [(typeof runs)[0], (typeof runs)[0]];
      expect(threaded.run.stderr).toBe('');
      expect((JSON.parse(threaded.run.stdout) as { resumedAt: number }).resumedAt).toBeGreaterThan(
        0,
      );
      expect(threaded.state.rest.length).toBeGreaterThan(0);
      expect(threaded.state).toEqual(one.state);
      expect(threaded.risk).toBe(one.risk);
      expect(threaded.alerts).toBe(one.alerts);
      expect(JSON.parse(threaded.risk)).not.toEqual([]);
    });
  });
});

/** `warden detect --json` in a process of its own, from the build, threads as said. */
function detect(path: string, threads: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, 'detect', '--json', '--db', path], {
    env: { ...process.env, NO_COLOR: '1', WARDEN_DETECT_THREADS: threads },
    encoding: 'utf8',
  });
}

/** A record as the feed's thread gives it: a directory record with the members listed only. */
function projection(
  members: Readonly<Record<string, Readonly<Record<string, boolean>>>>,
): (r: unknown) => unknown {
  return (r) => {
    const { kind, body } = r as { kind: string; body: Record<string, unknown> };
    const listed = members[kind];
    if (listed === undefined) return r;
    return { kind, body: Object.fromEntries(Object.keys(listed).map((m) => [m, body[m]])) };
  };
}

/** Every record a feed's chunks carry, in order, and each chunk's last leaf. */
async function drain(
  chunks: AsyncIterable<{ records: readonly unknown[]; last: number }>,
): Promise<{ got: unknown[]; lasts: number[] }> {
  const got: unknown[] = [];
  const lasts: number[] = [];
  for await (const c of chunks) {
    got.push(...c.records);
    lasts.push(c.last);
  }
  return { got, lasts };
}
