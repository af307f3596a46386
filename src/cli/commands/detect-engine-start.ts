import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { resolveStoreTarget } from '../store-target.js';

/**
 * The start of a detection run's engine thread (`detect-engine-thread.ts`), apart and light:
 * `warden detect` starts the worker before it loads the rest of its modules and opens the
 * database, so that the worker loads its own meanwhile.
 */

/** The compiled worker beside this module; absent when running from TypeScript sources. */
export const ENGINE_WORKER_FILE = fileURLToPath(
  new URL('./detect-engine-worker.js', import.meta.url),
);

/**
 * The engine thread's young generation (MiB). Most of what a replay allocates survives (the
 * directory's views, the engine's windows), and each scavenge copies what survives: on the
 * main thread, with V8's default (16 MiB semi-spaces), the large preset's full replay ran 95
 * scavenges and 8 full collections, ~2.2 s of pauses (`--trace-gc`, a busy two-core machine).
 * On this thread: 128 MiB ran 50 scavenges and 7 full collections, ~1.4 s; 192 MiB 47 and 7,
 * ~1.1 s; 256 MiB 41 and 7, ~1.0 s. Whole `detect --full` processes, five rounds each: medians
 * 16.2 / 11.9 / 9.7 s (bests 9.2 / 9.1 / 9.0 s; the machine's load made the spread), peak
 * memory ~1.0 / ~1.0 / ~1.1 GB.
 */
export const ENGINE_YOUNG_GENERATION_MB = 256;

/**
 * Below this many leaves a feed is read on the engine's thread: starting a worker (its modules,
 * its connection) costs about what reading them here does, and a resume with few new leaves
 * would wait for it.
 */
export const FEED_THREAD_MIN_LEAVES = 100_000;

/**
 * Is a reading thread (and so an engine's thread) worth starting for `leaves` leaves?
 * `WARDEN_DETECT_THREADS=0` says no, `=1` yes; by default, yes on a machine of two cores or
 * more for a feed of at least `FEED_THREAD_MIN_LEAVES`. Unlike the directory part's thread
 * (`secondCoreFree`), it duplicates no work: it moves the reading (SQLite rows, the records'
 * text, their encoding) off the engine's thread, which then decodes the worker's tape
 * (`FeedDecoder`). Here, beside the early start, so that both ask the one question.
 */
export function readingThreadWanted(
  leaves: number,
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
): boolean {
  const forced = env['WARDEN_DETECT_THREADS'];
  if (forced === '0' || forced === '1') return forced === '1';
  return cores >= 2 && leaves >= FEED_THREAD_MIN_LEAVES;
}

/**
 * A SQLite file's bytes per leaf, about (~330 at both simulated worlds' large presets: rows,
 * indexes and tiles): how many leaves a full replay will feed, judged before the file is
 * opened, from its size.
 */
export const FILE_BYTES_PER_LEAF = 330;

/**
 * An engine's worker, started before the run knows whether it wants one: it loads its modules,
 * then waits for its run (`detectInThread` sends it). Unreferenced until used, so that a run
 * that ends otherwise (on one thread, or on an error) is not kept alive by it; a run on one
 * thread stops it (`EarlyEngine.stop`).
 */
export interface EarlyEngine {
  /** The worker, referenced again: the run will use it. */
  take(): Worker;
  /** Stops the worker, unused. */
  stop(): void;
}

/**
 * `warden detect`'s early worker for the database `dbFlag` names: for a full replay (`full`:
 * `--full`) of a SQLite file whose leaves (about: `FILE_BYTES_PER_LEAF`) want a thread
 * (`readingThreadWanted`), from the compiled build; or whenever `WARDEN_DETECT_THREADS=1`;
 * never with `=0`. Else undefined: the run starts one later if it wants one. A run without
 * `--full` mostly resumes a saved state and often feeds too few leaves for a thread (which only
 * its header tells, read once the database is open): a worker started for it in vain cost a
 * resume ~20 ms.
 */
export function earlyEngine(
  dbFlag: string | undefined,
  full: boolean,
  env: NodeJS.ProcessEnv = process.env,
): EarlyEngine | undefined {
  if (!full && env['WARDEN_DETECT_THREADS'] !== '1') return undefined;
  if (!existsSync(ENGINE_WORKER_FILE)) return undefined;
  try {
    const target = resolveStoreTarget(dbFlag, env);
    if (target.kind !== 'sqlite') return undefined;
    const leaves = Math.floor(statSync(target.path).size / FILE_BYTES_PER_LEAF);
    if (!readingThreadWanted(leaves, env)) return undefined;
  } catch {
    return undefined; // no such file, or a bad target: the run says so, as it would have
  }
  const worker = startEngineWorker();
  worker.unref();
  return {
    take: () => {
      worker.ref();
      return worker;
    },
    stop: () => void worker.terminate(),
  };
}

/** An engine's worker, waiting for its run (its first message: `{ start: EngineWorkerData }`). */
export function startEngineWorker(): Worker {
  return new Worker(ENGINE_WORKER_FILE, {
    resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB },
  });
}
