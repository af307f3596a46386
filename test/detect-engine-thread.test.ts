import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typedError, threadFault } from '../src/cli/commands/detect-engine-thread.js';
import { UsageError } from '../src/cli/exit.js';
import { LedgerError } from '../src/ledger/index.js';
import { StoreError } from '../src/store/index.js';
import type * as DetectModule from '../src/cli/commands/detect.js';
import type * as ThreadModule from '../src/cli/commands/detect-engine-thread.js';
import type * as StoreModule from '../src/store/index.js';
import type * as WiringModule from '../src/cli/wiring.js';
import type * as EarlyModule from '../src/cli/commands/detect-engine-start.js';
import { tempDir, withEnv } from './helpers.js';
import { BIN, DIST, savedState, simulatedLedger } from './detect-support.js';

// A long detection runs on a thread of its own (`detectInThread`): what it stores, what the
// command shows and how it fails must be those of the same run on the command's thread.

const built = existsSync(join(DIST, 'cli', 'commands', 'detect-engine-worker.js'));

describe('an error crossing the engine thread', () => {
  it('is made again of its class, with its code and message', () => {
    const full = typedError(threadFault(new StoreError('DISK_FULL', 'w.db: database is full')));
    expect(full).toBeInstanceOf(StoreError);
    expect(full).toMatchObject({ code: 'DISK_FULL', message: 'w.db: database is full' });
    expect((full as StoreError).category).toBe('infrastructure');
    expect((typedError(threadFault(new StoreError('CORRUPT', 'x'))) as StoreError).category).toBe(
      'integrity',
    );
    const size = typedError(threadFault(new LedgerError('SIZE_OUT_OF_RANGE', 'asked 9')));
    expect(size).toBeInstanceOf(LedgerError);
    expect(size).toMatchObject({ code: 'SIZE_OUT_OF_RANGE', message: 'asked 9' });
    expect(typedError(threadFault(new UsageError('bad flag')))).toBeInstanceOf(UsageError);
  });

  it('keeps the name, message and code of an error of no Warden class', () => {
    const sqlite = Object.assign(new Error('disk I/O error'), {
      name: 'SqliteError',
      code: 'SQLITE_IOERR',
    });
    const again = typedError(threadFault(sqlite));
    expect(again).not.toBeInstanceOf(StoreError);
    expect(again).toMatchObject({
      name: 'SqliteError',
      message: 'disk I/O error',
      code: 'SQLITE_IOERR',
    });
    expect(typedError(threadFault('thrown text')).message).toBe('thrown text');
  });
});

describe.runIf(built || process.env['CI'])('a detection run on an engine thread', () => {
  const dir = tempDir('warden-engine-thread-');
  const db = join(dir.path, 'ledger.db');
  afterAll(() => dir.cleanup());
  beforeAll(async () => {
    await simulatedLedger(dir.path, 6, db);
  });

  let copies = 0;
  /** A fresh copy of the simulated database and its keys. */
  const copy = (from = db): string => {
    const to = join(dir.path, `copy-${++copies}.db`);
    cpSync(from, to);
    cpSync(`${from}.keys`, `${to}.keys`, { recursive: true });
    return to;
  };

  /** `warden ARGS` from the build, in a process of its own, threads as said. */
  const warden = (args: string[], threads: string, env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', WARDEN_DETECT_THREADS: threads, ...env },
      encoding: 'utf8',
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const withoutTime = (out: string): string => out.replace(/"computedAt": "[^"]+"/, '');

  /** The modules as built (a worker runs only from the build). */
  const compiled = async () => ({
    detect: (await import(join(DIST, 'cli', 'commands', 'detect.js'))) as typeof DetectModule,
    thread: (await import(
      join(DIST, 'cli', 'commands', 'detect-engine-thread.js')
    )) as typeof ThreadModule,
    wiring: (await import(join(DIST, 'cli', 'wiring.js'))) as typeof WiringModule,
    stores: (await import(join(DIST, 'store', 'index.js'))) as typeof StoreModule,
  });

  describe('when its worker is started before the run (`earlyEngine`)', () => {
    const early = async () =>
      (await import(join(DIST, 'cli', 'commands', 'detect-engine-start.js'))) as typeof EarlyModule;

    it('starts one only for a full replay of a SQLite file big enough to want it, unless told not to', async () => {
      const { earlyEngine, FEED_THREAD_MIN_LEAVES, FILE_BYTES_PER_LEAF } = await early();
      // the size from which a file's leaves (about) want a thread
      const wanted = FEED_THREAD_MIN_LEAVES * FILE_BYTES_PER_LEAF;
      const small = copy();
      expect(statSync(small).size).toBeLessThan(wanted);
      const env = { WARDEN_DETECT_THREADS: '' };
      expect(earlyEngine(small, true, env)).toBeUndefined();
      expect(earlyEngine(join(dir.path, 'no-such.db'), true, env)).toBeUndefined();
      expect(earlyEngine(small, true, { WARDEN_DETECT_THREADS: '0' })).toBeUndefined();
      expect(
        earlyEngine(undefined, true, { ...env, WARDEN_PG_URL: 'postgres://u@127.0.0.1:5432/test' }),
      ).toBeUndefined();
      const big = join(dir.path, 'big.db');
      cpSync(small, big);
      truncateSync(big, wanted - 1); // the size is all that is read
      expect(earlyEngine(big, true, env)).toBeUndefined();
      truncateSync(big, wanted);
      // not for a run that may resume (its saved state's header decides, once open)
      expect(earlyEngine(big, false, env)).toBeUndefined();
      const started = earlyEngine(big, true, env);
      expect(started).toBeDefined();
      const worker = started!.take();
      const exited = new Promise<string>((resolve) => worker.once('exit', () => resolve('ended')));
      started!.stop();
      // stopped: it ends within seconds, whatever it was loading
      const late = new AbortController();
      const running = delay(10_000, 'still running', { signal: late.signal }).catch(() => '');
      expect(await Promise.race([exited, running])).toBe('ended');
      late.abort();
    });

    it('runs the detection it is then given, as one started for it would', async () => {
      const { detect, thread, wiring } = await compiled();
      const { earlyEngine } = await early();
      const [here, there] = [copy(), copy()];
      const w = await wiring.wire(here);
      const local = await detect.runDetection(w).finally(() => w.close());
      const started = earlyEngine(there, false, { WARDEN_DETECT_THREADS: '1' });
      expect(started).toBeDefined();
      const v = await wiring.wire(there);
      const remote = await thread
        .detectInThread(v, await detect.detectionInputs(v), false, undefined, started)
        .finally(() => v.close());
      expect({ ...remote.stored, computedAt: '' }).toEqual({ ...local.stored, computedAt: '' });
      expect(savedState(there)).toEqual(savedState(here));
    });
  });

  describe('when called in-process', () => {
    it('stores the findings and the state the run on this thread stores', async () => {
      const { detect, thread, wiring } = await compiled();
      const [here, there] = [copy(), copy()];
      const w = await wiring.wire(here);
      const local = await detect.runDetection(w).finally(() => w.close());
      const v = await wiring.wire(there);
      let notes = '';
      const io = { err: (t: string) => void (notes += t) };
      const remote = await thread
        .detectInThread(v, await detect.detectionInputs(v), false, io)
        .finally(() => v.close());
      expect(remote.resumedAt).toBe(local.resumedAt);
      expect({ ...remote.stored, computedAt: '' }).toEqual({ ...local.stored, computedAt: '' });
      expect(remote.stored.findings.alerts.length).toBeGreaterThan(0);
      expect(notes).toBe('');
      expect(savedState(there)).toEqual(savedState(here));
      expect(savedState(there).rest.length).toBeGreaterThan(0);
    });

    it('gives a failure in the worker as the typed error the run here throws', async () => {
      const { detect, thread, wiring, stores } = await compiled();
      const [here, there] = [copy(), copy()];
      // a size cap at the file's size: the findings' save finds the disk full
      const conn = new Database(here, { readonly: true });
      const pages = String(conn.pragma('page_count', { simple: true }));
      conn.close();
      const failure = async (path: string, threaded: boolean): Promise<unknown> =>
        withEnv({ WARDEN_MAX_DB_PAGES: pages }, async () => {
          const w = await wiring.wire(path);
          try {
            if (threaded) await thread.detectInThread(w, await detect.detectionInputs(w), false);
            else await detect.runDetection(w);
            return undefined;
          } catch (error) {
            return error;
          } finally {
            await w.close();
          }
        });
      const local = await failure(here, false);
      const remote = await failure(there, true);
      // the run here throws SQLite's error, which the command's wiring makes a store error of
      // (`runWired`); the worker's comes as that store error, named as the command names the file
      const typed = stores.sqliteFault(local, here);
      expect(typed).toBeInstanceOf(stores.StoreError);
      expect(remote).toBeInstanceOf(stores.StoreError);
      expect((remote as StoreError).code).toBe('DISK_FULL');
      expect((remote as StoreError).code).toBe(typed!.code);
      expect((remote as Error).message).toBe(typed!.message.replaceAll(here, there));
    });
  });

  describe('when run as `warden`', () => {
    it('shows and stores what the run on the command thread does: detect, risk, alerts', () => {
      const runs = ['1', '0'].map((threads) => {
        const path = copy();
        // risk first: it detects itself (currentFindings), and detect then resumes
        const risk = warden(['risk', '--json', '--db', path], threads);
        const full = warden(['detect', '--full', '--json', '--db', path], threads);
        const alerts = warden(['alerts', '--json', '--db', path], threads);
        return {
          risk,
          full: { ...full, out: withoutTime(full.out) },
          alerts,
          state: savedState(path),
        };
      });
      const [threaded, one] = runs as [(typeof runs)[0], (typeof runs)[0]];
      expect(threaded).toEqual(one);
      expect(threaded.full.err).toBe('');
      expect(JSON.parse(threaded.risk.out)).not.toEqual([]);
      expect(threaded.alerts.code).toBe(1);
    });

    it('says so on stderr when the saved state is not resumed, as the command thread does', () => {
      const runs = ['1', '0'].map((threads) => {
        const path = copy();
        expect(warden(['detect', '--json', '--db', path], '0').code).toBe(1);
        const d = new Database(path);
        d.prepare('UPDATE detector_state SET events = events + 1').run();
        d.close();
        const again = warden(['detect', '--json', '--db', path], threads);
        return { ...again, out: withoutTime(again.out), state: savedState(path) };
      });
      const [threaded, one] = runs as [(typeof runs)[0], (typeof runs)[0]];
      expect(threaded.err).toMatch(/^warden: detection state discarded: its MAC does not match/);
      expect(threaded).toEqual(one);
    });

    it('refuses a bad --org, and fails on a full disk, with the message and exit code of the command thread', () => {
      const conn = new Database(db, { readonly: true });
      const pages = String(conn.pragma('page_count', { simple: true }));
      conn.close();
      const cases = [
        { args: ['--org', join(dir.path, 'no-such-org.yaml')], env: {} },
        { args: [], env: { WARDEN_MAX_DB_PAGES: pages } },
      ];
      for (const { args, env } of cases) {
        const [threaded, one] = ['1', '0'].map((threads) => {
          const path = copy();
          const r = warden(['detect', '--json', '--db', path, ...args], threads, env);
          return { ...r, err: r.err.replaceAll(path, 'DB') };
        }) as [ReturnType<typeof warden>, ReturnType<typeof warden>];
        expect(threaded).toEqual(one);
        expect(threaded.code).toBe(2);
        expect(threaded.err).toMatch(/^warden: .*(--org|\[DISK_FULL\])/);
      }
    });
  });
});
