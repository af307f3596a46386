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

/** Chunks the worker may read ahead of the engine (about 10,000 records each). */
export const FEED_WINDOW = 8;

/**
 * Room is given back this many chunks at a time: each message wakes the worker, and a wake per
 * chunk showed as ~3 % of the engine's thread on a busy machine.
 */
export const FEED_ROOM_BATCH = 4;
