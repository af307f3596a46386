import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DirectoryView, snapshotDirectoryView } from '../../detect/index.js';
import type { Store } from '../../store/index.js';
import { threadableStore } from './detect-threads.js';

/**
 * The detection state's directory part as of `size` leaves, built from its source: a view fed
 * the directory records of leaves [0, size) alone, then saved. Its bytes are those
 * `snapshotDirectory` gives for an engine fed the whole ledger up to `size` (the part is a
 * function of the directory records; `snapshot.ts`), without that engine.
 */
export async function directoryPartOf(store: Store, size: number, seed: number): Promise<Buffer> {
  const holds = await store.ledger.size();
  if (holds < size)
    throw new Error(`the store holds ${holds} leaves, not the ${size} the directory part covers`);
  const view = new DirectoryView(seed);
  // reviewers (personal data) and employees (saved with the rest) are not even read
  for await (const chunk of store.ledger.recordChunks(0, size, SKIP))
    view.replay(chunk.map((r) => r.record));
  return snapshotDirectoryView(view);
}

const SKIP = ['event', 'reviewer', 'employee'] as const;

/** The compiled worker beside this module; absent when running from TypeScript sources. */
const WORKER_FILE = fileURLToPath(new URL('./detect-directory-worker.js', import.meta.url));

/** What the worker is given, and what it answers. */
export interface DirectoryPartRequest {
  readonly path: string;
  readonly size: number;
  readonly seed: number;
}
export type DirectoryPartReply = { readonly bytes: Uint8Array } | { readonly error: string };

/**
 * Is a second core free for the directory part? `WARDEN_DETECT_THREADS=1` says yes, `=0` no;
 * by default, when the machine has one more core than its load (1-minute average) keeps busy.
 * The thread reads and applies the directory records a second time (~+20 % CPU in all, for
 * ~−17 % on this thread): on a machine with no core to spare that only costs.
 */
export function secondCoreFree(
  env: NodeJS.ProcessEnv = process.env,
  cores = availableParallelism(),
  load = loadavg()[0] ?? 0,
): boolean {
  const forced = env['WARDEN_DETECT_THREADS'];
  if (forced === '0' || forced === '1') return forced === '1';
  return cores >= 2 && load <= cores - 1;
}

/**
 * Starts building the directory part on another thread (`directoryPartOf` over a read-only
 * connection of its own), so that its reading and saving run on a second core while this
 * thread feeds the engine. A SQLite file only, from the compiled build (where the worker file
 * exists), when `secondCoreFree`; otherwise undefined, and the caller saves the engine's own
 * directory. The promise never rejects: a failure answers undefined, and the caller falls back
 * to the same.
 */
export function directoryPartInThread(
  store: Store,
  size: number,
  seed: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer | undefined> | undefined {
  const sqlite = threadableStore(store, WORKER_FILE);
  if (sqlite === undefined || !secondCoreFree(env)) return undefined;
  const request: DirectoryPartRequest = { path: sqlite.path, size, seed };
  // Not unref'd: a resume may await the part with nothing else keeping the process alive (a
  // run that fails meanwhile waits for the worker's end before exiting).
  const worker = new Worker(WORKER_FILE, { workerData: request });
  return new Promise((resolve) => {
    const done = (bytes: Buffer | undefined): void => {
      resolve(bytes);
      void worker.terminate();
    };
    worker.once('message', (reply: DirectoryPartReply) =>
      done('bytes' in reply ? asBuffer(reply.bytes) : undefined),
    );
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined));
  });
}

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
