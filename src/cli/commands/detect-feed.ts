import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { InterchangeRecord } from '../../domain/index.js';
import { LEAF_CHUNK, type SqliteStore, type Store } from '../../store/index.js';
import type { DetectionEngine } from '../../detect/index.js';
import { FeedDecoder, type FeedCode } from './detect-feed-codec.js';
import { threadableStore } from './detect-threads.js';
import { readingThreadWanted } from './detect-engine-start.js';
import {
  FEED_ROOM_BATCH,
  type FeedMessage,
  type FeedRequest,
  type FeedWorkerData,
} from './detect-feed-protocol.js';

/**
 * A chunk of records in ledger order, as the engine consumes them, and its last leaf. Events
 * are whole; the thread's directory records carry only what detection reads of them
 * (`DIRECTORY_MEMBERS`): for the engine, not for a caller that keeps or shows records.
 */
export interface FedChunk {
  /** The records (a thread's are made when first asked for, unless `into` fed them). */
  readonly records: readonly InterchangeRecord[];
  readonly last: number;
  /**
   * Feeds the records to `engine`, in order: the state `engine.consume(records)` gives. A
   * thread's chunk is decoded straight into the engine (`FeedDecoder.decodeInto`), most of its
   * records never made; its `records` cannot be asked for after.
   */
  into(engine: DetectionEngine): void;
}

/** A chunk of records read on this thread. */
export const recordsChunk = (records: readonly InterchangeRecord[], last: number): FedChunk => ({
  records,
  last,
  into: (engine) => engine.consume(records),
});

/**
 * A chunk from the thread: decoded once, either into an engine or into records, and in the
 * order the chunks came (the decoder's table goes on from one to the next: `settle`).
 */
class CodedChunk implements FedChunk {
  private made: readonly InterchangeRecord[] | undefined;
  private fed = false;

  constructor(
    private readonly decoder: FeedDecoder,
    private readonly code: FeedCode,
    readonly last: number,
  ) {}

  get records(): readonly InterchangeRecord[] {
    if (this.made === undefined) {
      if (this.fed) throw new Error('a chunk fed to the engine keeps no records');
      this.made = this.decoder.decode(this.code);
    }
    return this.made;
  }

  into(engine: DetectionEngine): void {
    if (this.made !== undefined || this.fed) engine.consume(this.records);
    else {
      this.fed = true;
      this.decoder.decodeInto(this.code, engine);
    }
  }

  /** Decoded, if the caller took it without asking (before the next chunk is decoded). */
  settle(): void {
    if (this.made === undefined && !this.fed) this.made = this.decoder.decode(this.code);
  }
}

/** A feed read on another thread. */
export interface FeedThread {
  readonly chunks: AsyncIterable<FedChunk>;
}

/**
 * The leaves a feed reads on the engine's thread while its worker starts (its modules, its
 * connection: ~0.25 s, during which this thread would otherwise wait): about that long's work.
 * A multiple of the chunk size, so the chunks are those of one reader.
 */
export const FEED_HEAD_LEAVES = 50_000;

/** The leaves of a feed of `leaves` read on the engine's thread: at most a quarter of it. */
export const headOf = (leaves: number): number =>
  Math.min(FEED_HEAD_LEAVES, LEAF_CHUNK * Math.floor(leaves / (4 * LEAF_CHUNK)));

const WORKER_FILE = fileURLToPath(new URL('./detect-feed-worker.js', import.meta.url));

/**
 * Starts reading the records of leaves [`from`, `to`) on another thread (a read-only
 * connection of its own), so that SQLite and the writing of the records' text run on a second
 * core while this thread decodes and detects. Reviewers (personal data) are not read. A SQLite
 * file only, from the compiled build, when `readingThreadWanted`; otherwise undefined.
 */
export function feedInThread(
  store: Store,
  from: number,
  to: number,
  env: NodeJS.ProcessEnv = process.env,
): FeedThread | undefined {
  // a range too short for a thread starts none (a worker started to be stopped at once cost a
  // resume its start on this thread and its isolate's on the other core)
  if (!readingThreadWanted(to - from, env)) return undefined;
  return prepareFeedThread(store, env)?.start(from, to);
}

/** A feed thread started before its range is known: its modules and connection load meanwhile. */
export interface FeedStarter {
  /** `feedInThread` for this range; undefined, the thread stopped, when none is wanted for it. */
  start(from: number, to: number): FeedThread | undefined;
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
  const sqlite = threadableStore(store, WORKER_FILE);
  if (sqlite === undefined || !readingThreadWanted(Infinity, env)) return undefined;
  return startWorker(sqlite, env);
}

/**
 * The records of leaves [`from`, `head`) read on this thread, then the thread's `rest`; a feed
 * left early (or failing here) stops the thread.
 */
async function* headThen(
  store: Store,
  from: number,
  head: number,
  rest: AsyncGenerator<FedChunk>,
  stop: () => void,
): AsyncGenerator<FedChunk> {
  let finished = false;
  try {
    for await (const chunk of store.ledger.recordChunks(from, head, ['reviewer']))
      yield recordsChunk(
        chunk.map((r) => r.record),
        chunk[chunk.length - 1]!.leaf,
      );
    yield* rest;
    finished = true;
  } finally {
    if (!finished) {
      await rest.return(undefined);
      stop();
    }
  }
}

/**
 * The feed worker's young generation (MiB). A chunk's rows and parsed payloads (~8 MB) are
 * still live at most of its scavenges, which copy them: V8's default (16 MiB semi-spaces) ran
 * ~140 scavenges at the large preset, ~1.0 s of the worker's time; 192 MiB runs ~40, ~0.3 s,
 * for ~+50–100 MB of peak memory.
 */
export const FEED_YOUNG_GENERATION_MB = 192;

function startWorker(store: SqliteStore, env: NodeJS.ProcessEnv): FeedStarter {
  const worker = new Worker(WORKER_FILE, {
    workerData: { path: store.path } satisfies FeedWorkerData,
    resourceLimits: { maxYoungGenerationSizeMb: FEED_YOUNG_GENERATION_MB },
  });
  worker.unref();
  const queue: FeedMessage[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let request: FeedRequest | undefined;
  const stop = (): void => void worker.terminate();
  worker.on('message', (m: FeedMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.once('error', (error) => {
    failure = error;
    wake?.();
  });
  worker.once('exit', () => {
    failure ??= new Error('the detection feed thread stopped before the end of the ledger');
    wake?.();
  });
  async function* chunks(): AsyncGenerator<FedChunk> {
    let taken = 0;
    const decoder = new FeedDecoder();
    try {
      for (;;) {
        while (queue.length === 0 && failure === undefined)
          await new Promise<void>((resolve) => (wake = resolve));
        const m = queue.shift();
        if (m === undefined) throw failure!;
        if ('done' in m) return;
        if ('error' in m) throw new Error(`the detection feed thread failed: ${m.error}`);
        if (++taken % FEED_ROOM_BATCH === 0) worker.postMessage(FEED_ROOM_BATCH); // room ahead
        const chunk = new CodedChunk(decoder, m.code, m.last);
        yield chunk;
        chunk.settle();
      }
    } finally {
      // done, or left early: the thread has nothing more to give
      stop();
    }
  }
  return {
    start(from, to) {
      // a thread that failed before its start (or was started already) reads nothing here
      if (request !== undefined || failure !== undefined || !readingThreadWanted(to - from, env)) {
        stop();
        return undefined;
      }
      // the first leaves are read here while the thread starts; it reads the rest
      const head = from + headOf(to - from);
      request = { from: head, to, skip: ['reviewer'] };
      worker.ref();
      worker.postMessage(request);
      return { chunks: headThen(store, from, head, chunks(), stop) };
    },
    cancel: stop,
  };
}
