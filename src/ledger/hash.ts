import { hash } from 'node:crypto';

// One-shot `crypto.hash` with a 'binary' string digest is the fastest SHA-256 in Node 20.20
// (best of 4 × 2e6, 2 vCPU): 33 B 0.80 µs vs 1.07 µs ('buffer' digest) vs 1.94 µs
// (createHash); 65 B 1.10 µs vs 2.14 µs vs 2.19 µs. The 'buffer' digest pays for a fresh
// ArrayBuffer per hash, the string goes through V8's one-byte string fast path.

/** Size in bytes of every hash of the log (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

function sha256(input: Uint8Array): Buffer {
  return Buffer.from(hash('sha256', input, 'binary'), 'binary');
}

/** The root of the empty tree, SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = sha256(Buffer.alloc(0));

/** The hash of one log entry, SHA-256(0x00 || data) (RFC 9162 §2.1.1). */
export function leafHash(data: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

// Reused by the node hashes: the tile writer hashes ~1 node per appended leaf.
const scratch = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
scratch[0] = NODE_PREFIX;

/**
 * The hash of an interior node, SHA-256(0x01 || left || right) (RFC 9162 §2.1.1).
 * The children are usually 32 bytes but need not be (the RFC test vectors use 4).
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    scratch.set(left, 1);
    scratch.set(right, 1 + HASH_SIZE);
    return sha256(scratch);
  }
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/**
 * Writes `nodeHash` of the two 32-byte children at `leftOffset` and `rightOffset` of `tile`
 * to `targetOffset` of `tile`. The tile writer's hot path: byte loops instead of views and
 * no Buffer per hash: 0.87 M appends/s against 0.30 M/s for `nodeHash` on subarrays.
 */
export function writeNodeHashAt(
  tile: Uint8Array,
  leftOffset: number,
  rightOffset: number,
  targetOffset: number,
): void {
  for (let i = 0; i < HASH_SIZE; i++) {
    scratch[1 + i] = tile[leftOffset + i] as number;
    scratch[1 + HASH_SIZE + i] = tile[rightOffset + i] as number;
  }
  const digest = hash('sha256', scratch, 'binary');
  for (let i = 0; i < HASH_SIZE; i++) tile[targetOffset + i] = digest.charCodeAt(i);
}
