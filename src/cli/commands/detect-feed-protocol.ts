import type { DirectoryKind } from '../../domain/index.js';
import type { FeedCode } from './detect-feed-codec.js';

/**
 * What the detection feed's thread (`detect-feed.ts`) and its worker (`detect-feed-worker.ts`)
 * say to each other; apart, so that the worker loads no more than it reads with.
 */

/** What the worker is started with: the SQLite file. */
export interface FeedWorkerData {
  readonly path: string;
}

/** What the worker is then asked (its first message): the range. */
export interface FeedRequest {
  readonly from: number;
  readonly to: number;
  readonly skip: readonly (DirectoryKind | 'event')[];
}

/** What the worker answers: chunks (`FeedCode`s, decoded by a `FeedDecoder`), then the end. */
export type FeedMessage =
  | { readonly code: FeedCode; readonly last: number }
  | { readonly done: true }
  | { readonly error: string };

/**
 * Records per chunk the worker sends (a read of the ledger, ~10,000 records, is sent in parts):
 * a part's strings (~90 KB of text) stay below V8's large-object size (128 KiB), so that the
 * worker's join, the message's copy and the engine's string take pages already in use rather
 * than fresh ones, three times a chunk (docs/detection.md, "Fresh pages").
 */
export const PART_ROWS = 2_500;

/** Chunks the worker may read ahead of the engine (`PART_ROWS` records each). */
export const FEED_WINDOW = 32;

/**
 * Room is given back this many chunks at a time: each message wakes the worker, and a wake per
 * chunk showed as ~3 % of the engine's thread on a busy machine.
 */
export const FEED_ROOM_BATCH = 16;
