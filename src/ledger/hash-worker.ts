import { parentPort, workerData } from 'node:worker_threads';
import { leafSourceHash } from './leaf.js';
import { TileWriter } from './tile-writer.js';
import type { WorkerReply, WorkerRequest } from './hash-worker-protocol.js';

/**
 * The hashing worker: holds the right edge of the tiles and appends leaves to it, so that
 * canonical encoding and SHA-256 run on another core than parsing and SQLite. Pure: no I/O
 * but its port.
 */
let writer = new TileWriter();
let error: string | undefined;
// Appends done so far, shared with the caller, who reads it to see how far behind we are.
const done = new Int32Array((workerData as { progress: SharedArrayBuffer }).progress);

parentPort?.on('message', (m: WorkerRequest) => {
  if (m.type === 'init') {
    const edge = new Map(m.edge);
    error = undefined;
    try {
      writer = new TileWriter(m.size, (l, i) => edge.get(`${l}/${i}`));
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  } else if (m.type === 'append') {
    if (error === undefined) {
      try {
        for (const record of m.records ?? []) writer.append(leafSourceHash(record));
        const hashes = m.hashes ?? new Uint8Array();
        for (let at = 0; at < hashes.length; at += 32) writer.append(hashes.subarray(at, at + 32));
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    Atomics.add(done, 0, 1);
  } else {
    reply(m.id);
  }
});

function reply(id: number): void {
  if (error !== undefined) {
    parentPort?.postMessage({ id, error } satisfies WorkerReply);
    return;
  }
  const tiles = writer.takeDirtyTiles();
  const message: WorkerReply = { id, size: writer.size, root: writer.root(), tiles };
  // Copied, not transferred: small Buffers share Node's pool, which must not be detached.
  parentPort?.postMessage(message);
}
