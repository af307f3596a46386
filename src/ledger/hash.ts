import { hash } from 'node:crypto';

// One-shot `crypto.hash` over a scratch buffer beats `createHash().update().digest()` here:
// 33 B 1.3–1.5 µs vs 2.1–2.5 µs, 65 B 1.4–1.9 µs vs 1.9–2.8 µs (Node 20.20, 2 vCPU).

/** Size in bytes of every hash of the log (SHA-256). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** The root of the empty tree, SHA-256 of the empty string (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

/** The hash of one log entry, SHA-256(0x00 || data) (RFC 9162 §2.1.1). */
export function leafHash(data: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return hash('sha256', input, 'buffer');
}

// Reused by nodeHash: the hot path of the tile writer hashes ~1 node per appended leaf.
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
    return hash('sha256', scratch, 'buffer');
  }
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return hash('sha256', input, 'buffer');
}

/**
 * `nodeHash` of two 32-byte children stored in `source` at the given byte offsets. The
 * tile writer's hot path: copying 32 bytes in a loop costs less than making two views.
 */
export function nodeHashAt(source: Uint8Array, leftOffset: number, rightOffset: number): Buffer {
  for (let i = 0; i < HASH_SIZE; i++) {
    scratch[1 + i] = source[leftOffset + i] as number;
    scratch[1 + HASH_SIZE + i] = source[rightOffset + i] as number;
  }
  return hash('sha256', scratch, 'buffer');
}
