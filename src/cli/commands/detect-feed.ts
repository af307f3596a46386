import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DirectoryKind, InterchangeRecord } from '../../domain/index.js';
import { SqliteStore, type Store } from '../../store/index.js';
import { secondCoreFree } from './detect-directory.js';

/** A chunk of records in ledger order, as the engine consumes them, and its last leaf. */
export interface FedChunk {
  readonly records: readonly InterchangeRecord[];
  readonly last: number;
}

/** A feed read on another thread: its chunks, and the directory part when it builds one. */
export interface FeedThread {
  readonly chunks: AsyncIterable<FedChunk>;
  /** The directory part at `to` (`directoryPartOf`'s bytes); undefined if it failed. */
  readonly directoryPart?: Promise<Buffer | undefined>;
}

/** What the worker is started with: the SQLite file. */
export interface FeedWorkerData {
  readonly path: string;
}

/** What the worker is then asked (its first message): the range, and whether to build the part. */
export interface FeedRequest {
  readonly from: number;
  readonly to: number;
  readonly skip: readonly (DirectoryKind | 'event')[];
  /** Build the directory part of leaves [0, to) from the directory records read (from is 0). */
  readonly directoryPart: boolean;
}

/** What the worker answers, in this order: chunks, the end, then the part if asked. */
export type FeedMessage =
  | { readonly text: string; readonly last: number }
  | { readonly done: true }
  | { readonly part: Uint8Array }
  | { readonly error: string; readonly during: 'feed' | 'part' };

/** Chunks the worker may read ahead of the engine (about 2 MB of text each). */
export const FEED_WINDOW = 4;

const WORKER_FILE = fileURLToPath(new URL('./detect-feed-worker.js', import.meta.url));

/**
 * Below this many leaves a feed is read on the engine's thread: starting a worker (its modules,
 * its connection) costs about what reading them here does, and a resume with few new leaves
 * would wait for it.
 */
export const FEED_THREAD_MIN_LEAVES = 50_000;

/**
 * Is a reading thread worth starting for `leaves` leaves? `WARDEN_DETECT_THREADS=0` says no,
 * `=1` yes; by default, yes on a machine of two cores or more for a feed of at least
 * `FEED_THREAD_MIN_LEAVES`. Unlike the directory part's thread (`secondCoreFree`), it duplicates
 * no work: it moves the reading (SQLite rows, the records' text) off the engine's thread, which
 * then parses one JSON text per chunk.
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
 * Starts reading the records of leaves [`from`, `to`) on another thread (a read-only
 * connection of its own), so that SQLite and the writing of the records' text run on a second
 * core while this thread parses and detects. Reviewers (personal data) are not read. With
 * `directoryPart` (and `from` 0, and a second core free: `secondCoreFree`) the thread also
 * builds the directory part as of `to` from the directory records it reads, the bytes
 * `directoryPartOf` gives. A SQLite file only, from the compiled build, when
 * `readingThreadWanted`; otherwise undefined.
 */
export function feedInThread(
  store: Store,
  from: number,
  to: number,
  options: { readonly directoryPart: boolean; readonly env?: NodeJS.ProcessEnv },
): FeedThread | undefined {
  return prepareFeedThread(store, options.env)?.start(from, to, options);
}

/** A feed thread started before its range is known: its modules and connection load meanwhile. */
export interface FeedStarter {
  /** `feedInThread` for this range; undefined, the thread stopped, when none is wanted for it. */
  start(
    from: number,
    to: number,
    options: { readonly directoryPart: boolean },
  ): FeedThread | undefined;
  /** Stops the thread unused. */
  cancel(): void;
}

/**
 * Starts the feed's worker ahead of its range (while the engine is made or restored), when a
 * thread may be wanted at all (a SQLite file, the compiled build, threads not turned off). It
 * does not hold the process open until it is given its range.
 */
export function prepareFeedThread(
  store: Store,
  env: NodeJS.ProcessEnv = process.env,
): FeedStarter | undefined {
  if (!(store instanceof SqliteStore) || !readingThreadWanted(Infinity, env)) return undefined;
  // another connection to an in-memory database would open another, empty, database
  if (store.path === '' || store.path.startsWith(':memory:') || store.path.startsWith('file:'))
    return undefined;
  if (!existsSync(WORKER_FILE)) return undefined;
  return startWorker(store.path, env);
}

function startWorker(path: string, env: NodeJS.ProcessEnv): FeedStarter {
  const worker = new Worker(WORKER_FILE, { workerData: { path } satisfies FeedWorkerData });
  worker.unref();
  const queue: FeedMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let request: FeedRequest | undefined;
  let settle: (part: Buffer | undefined) => void = () => {};
  const part = new Promise<Buffer | undefined>((resolve) => (settle = resolve));
  const stop = (): void => {
    settle(undefined);
    void worker.terminate();
  };
  worker.on('message', (m: FeedMessage) => {
    if ('part' in m) {
      settle(Buffer.from(m.part.buffer, m.part.byteOffset, m.part.byteLength));
      stop();
      return;
    }
    if ('error' in m && m.during === 'part') return stop(); // the caller saves its own
    queue.push(m);
    wake?.();
  });
  worker.once('error', (error) => {
    failure = error;
    settle(undefined);
    wake?.();
  });
  worker.once('exit', () => {
    failure ??= new Error('the detection feed thread stopped before the end of the ledger');
    settle(undefined);
    wake?.();
  });
  async function* chunks(asked: FeedRequest): AsyncGenerator<FedChunk> {
    let ended = false;
    try {
      for (;;) {
        while (queue.length === 0 && failure === undefined)
          await new Promise<void>((resolve) => (wake = resolve));
        const m = queue.shift();
        if (m === undefined) throw failure!;
        if ('done' in m) {
          ended = true;
          return;
        }
        if ('error' in m) throw new Error(`the detection feed thread failed: ${m.error}`);
        if (!('text' in m)) continue;
        worker.postMessage(1); // room for one more chunk ahead
        yield { records: JSON.parse(m.text) as InterchangeRecord[], last: m.last };
      }
    } finally {
      // the part, if asked, comes after the end; a feed left early stops the thread
      if (!ended || !asked.directoryPart) stop();
    }
  }
  return {
    start(from, to, options) {
      // a thread that failed before its start (or was started already) reads nothing here
      if (request !== undefined || failure !== undefined || !readingThreadWanted(to - from, env)) {
        stop();
        return undefined;
      }
      request = {
        from,
        to,
        skip: ['reviewer'],
        directoryPart: options.directoryPart && from === 0 && secondCoreFree(env),
      };
      worker.ref();
      worker.postMessage(request);
      return {
        chunks: chunks(request),
        ...(request.directoryPart ? { directoryPart: part } : {}),
      };
    },
    cancel: stop,
  };
}
