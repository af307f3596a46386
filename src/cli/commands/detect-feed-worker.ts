import { parentPort, workerData } from 'node:worker_threads';
import type { InterchangeRecord } from '../../domain/index.js';
import { SqliteStore } from '../../store/index.js';
import { FeedEncoder } from './detect-feed-codec.js';
import {
  FEED_WINDOW,
  type FeedMessage,
  type FeedRequest,
  type FeedWorkerData,
} from './detect-feed-protocol.js';

/**
 * The detection feed's worker (`prepareFeedThread`): opens the SQLite file given, read-only,
 * waits for the range to read (its first message), and posts the records a chunk at a time
 * (encoded: `FeedEncoder`), at most `FEED_WINDOW` chunks ahead of the engine; then, if asked,
 * the directory part built from the directory records it read.
 */
const { path } = workerData as FeedWorkerData;
const port = parentPort!;
// the connection opens while the engine is made; then the range comes, then room for chunks
const store = SqliteStore.open(path, { readonly: true });
const request = await new Promise<FeedRequest>((resolve) =>
  port.once('message', (m: FeedRequest) => resolve(m)),
);
let room = FEED_WINDOW;
let wake: (() => void) | undefined;
port.on('message', (more: number) => {
  room += more;
  wake?.();
});

/** The directory records of the part (reviewers hold personal data; employees are saved apart). */
const DIRECTORY = ['event', 'reviewer', 'employee'] as const;

const post = (m: FeedMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

async function feed(store: SqliteStore, view: View | undefined): Promise<void> {
  // the part covers [0, to): the leaves before the range (read by the engine's thread) first
  if (view !== undefined)
    for await (const records of store.ledger.recordChunks(0, request.from, DIRECTORY))
      view.replay(records.map((r) => r.record));
  const encoder = new FeedEncoder();
  for (const chunk of store.recordRowChunks(request.from, request.to, request.skip)) {
    while (room === 0) await new Promise<void>((resolve) => (wake = resolve));
    room--;
    // each directory record parsed once: for the engine's tape, then for the part
    const directory: InterchangeRecord[] = [];
    for (const row of chunk.rows) {
      if (row.length !== 3) {
        encoder.event(row);
        continue;
      }
      const body = JSON.parse(row[2]) as Record<string, unknown>;
      encoder.version(row[1], body, row[2]);
      if (view !== undefined && !DIRECTORY.includes(row[1] as (typeof DIRECTORY)[number]))
        directory.push({ kind: row[1], body } as unknown as InterchangeRecord);
    }
    const code = encoder.end();
    post({ code, last: chunk.last }, [
      code.ops.buffer as ArrayBuffer,
      code.lengths.buffer as ArrayBuffer,
    ]);
    // the records `directoryPartOf` replays, while the engine decodes and consumes the chunk
    view?.replay(directory);
  }
  post({ done: true });
}

// detection's modules are loaded only to build the part
const detect = request.directoryPart ? await import('../../detect/index.js') : undefined;
type View = InstanceType<NonNullable<typeof detect>['DirectoryView']>;
const view = detect === undefined ? undefined : new detect.DirectoryView();
let fed = false;
try {
  await feed(store, view);
  fed = true;
} catch (error) {
  post({ error: error instanceof Error ? error.message : String(error), during: 'feed' });
}
await store.close();
if (fed && detect !== undefined && view !== undefined) {
  try {
    const bytes = detect.snapshotDirectoryView(view);
    const copy = new Uint8Array(bytes);
    post({ part: copy }, [copy.buffer]);
  } catch (error) {
    post({ error: error instanceof Error ? error.message : String(error), during: 'part' });
  }
}
