import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore, feedLeaf } from '../../store/index.js';
import { FeedEncoder, encodeRows } from './detect-feed-codec.js';
import {
  FEED_WINDOW,
  PART_ROWS,
  type FeedMessage,
  type FeedRequest,
  type FeedWorkerData,
} from './detect-feed-protocol.js';

/**
 * The detection feed's worker (`prepareFeedThread`): opens the SQLite file given, read-only,
 * waits for the range to read (its first message), and posts the records a chunk at a time
 * (encoded: `FeedEncoder`), at most `FEED_WINDOW` chunks ahead of the engine.
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

const post = (m: FeedMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

async function feed(store: SqliteStore): Promise<void> {
  const encoder = new FeedEncoder();
  for (const chunk of store.recordRowChunks(request.from, request.to, request.skip))
    for (let at = 0; at < chunk.rows.length; at += PART_ROWS) {
      while (room === 0) await new Promise<void>((resolve) => (wake = resolve));
      room--;
      const end = Math.min(at + PART_ROWS, chunk.rows.length);
      encodeRows(encoder, chunk.rows, store, at, end);
      const code = encoder.end();
      post({ code, last: feedLeaf(chunk.rows[end - 1]!) }, [
        code.ops.buffer as ArrayBuffer,
        code.lengths.buffer as ArrayBuffer,
        code.times.buffer as ArrayBuffer,
      ]);
    }
  post({ done: true });
}

try {
  await feed(store);
} catch (error) {
  post({ error: error instanceof Error ? error.message : String(error) });
}
await store.close();
