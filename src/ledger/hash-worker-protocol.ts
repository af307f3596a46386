import type { LeafSource } from './leaf.js';

/** Messages to the hashing worker, processed in the order they were posted. */
export type WorkerRequest =
  | {
      readonly type: 'init';
      readonly id: number;
      readonly size: number;
      readonly edge: [string, Buffer][];
    }
  | {
      readonly type: 'append';
      readonly id: number;
      /** Records (or event lines) to encode and hash, or (when the caller hashed them) their leaf hashes. */
      readonly records?: readonly LeafSource[];
      readonly hashes?: Uint8Array;
    }
  | { readonly type: 'flush'; readonly id: number };

/** The worker's answer to a flush: the head and the tiles changed since the last flush. */
export interface WorkerReply {
  readonly id: number;
  readonly error?: string;
  readonly size?: number;
  readonly root?: Uint8Array;
  readonly tiles?: { tileLevel: number; tileIndex: number; data: Uint8Array }[];
}
