/**
 * Building proofs (RFC 9162 §2.1.3.1 PATH, §2.1.4.1 SUBPROOF) from stored complete
 * subtrees, without rebuilding the tree.
 *
 * The recursions of the RFC are walked top-down. Each step emits the hash of one subtree:
 * a left subtree is always complete (one `node` read); a right subtree may be cut by the
 * right edge of the tree, and is then folded from its aligned power-of-two chunks. Only the
 * first step that descends left can meet such a cut subtree (below it everything is
 * complete), so an inclusion proof costs at most 2·log2(n) reads: O(log n).
 */
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, nodeHash } from './hash.js';
import {
  assertLeafIndex,
  assertTreeSize,
  bitAt,
  largestPowerOfTwoBelow,
  log2Exact,
  pow2,
  shiftRight,
} from './tree-math.js';

/** Storage of complete subtree hashes, for example a `TileReader`. */
export interface NodeReader {
  /**
   * The hash of the complete subtree of 2^level leaves that starts at leaf
   * `index · 2^level` (level 0: leaf hashes). Throws if it is not stored.
   */
  node(level: number, index: number): Buffer;
}

/** The audit path of leaf `index` in the tree of `size` leaves, leaf's sibling first. */
export function inclusionProof(index: number, size: number, reader: NodeReader): Buffer[] {
  assertTreeSize(size);
  assertLeafIndex(index, size);
  const topDown: Buffer[] = [];
  let begin = 0;
  let count = size; // the subtree over leaves [begin, begin + count)
  while (count > 1) {
    const k = largestPowerOfTwoBelow(count);
    if (index < begin + k) {
      topDown.push(rangeHash(begin + k, begin + count, reader));
      count = k;
    } else {
      topDown.push(completeNode(begin, k, reader));
      begin += k;
      count -= k;
    }
  }
  return topDown.reverse();
}

/**
 * The proof that the tree of `size2` leaves extends the one of `size1` (RFC 9162 §2.1.4.1).
 * Empty when `size1` is 0 or equals `size2`, as the Go reference does.
 */
export function consistencyProof(size1: number, size2: number, reader: NodeReader): Buffer[] {
  assertTreeSize(size1, 'size1');
  assertTreeSize(size2, 'size2');
  if (size2 < size1) {
    throw new LedgerError('SIZE_OUT_OF_RANGE', `size2 ${String(size2)} < size1 ${String(size1)}`);
  }
  if (size1 === 0 || size1 === size2) return [];
  const topDown: Buffer[] = [];
  let begin = 0;
  let m = size1; // leaves of the old tree inside [begin, begin + count)
  let count = size2;
  let startsAtOldRoot = true; // SUBPROOF's b
  while (m !== count) {
    const k = largestPowerOfTwoBelow(count);
    if (m <= k) {
      topDown.push(rangeHash(begin + k, begin + count, reader));
      count = k;
    } else {
      topDown.push(completeNode(begin, k, reader));
      begin += k;
      m -= k;
      count -= k;
      startsAtOldRoot = false;
    }
  }
  if (!startsAtOldRoot) topDown.push(rangeHash(begin, begin + count, reader));
  return topDown.reverse();
}

/** The Merkle Tree Hash of the first `size` leaves (RFC 9162 §2.1.1). */
export function treeRoot(size: number, reader: NodeReader): Buffer {
  assertTreeSize(size);
  return size === 0 ? Buffer.from(EMPTY_ROOT) : rangeHash(0, size, reader);
}

/**
 * MTH of leaves [begin, end), where `begin` is a multiple of the largest power of two
 * below `end - begin` (true of every subtree of the RFC recursion): the range splits into
 * aligned complete chunks, largest first, hashed together from the right.
 */
function rangeHash(begin: number, end: number, reader: NodeReader): Buffer {
  let hash: Buffer | undefined;
  const width = end - begin;
  for (let level = 0; pow2(level) <= width; level++) {
    if (bitAt(width, level) === 0) continue;
    const chunkBegin = begin + shiftRight(width, level + 1) * pow2(level + 1);
    const chunk = reader.node(level, chunkBegin / pow2(level));
    hash = hash === undefined ? Buffer.from(chunk) : nodeHash(chunk, hash);
  }
  if (hash === undefined) throw new LedgerError('NODE_MISSING', 'empty range has no hash');
  return hash;
}

/** The complete subtree of `width` (a power of two) leaves starting at leaf `begin`. */
function completeNode(begin: number, width: number, reader: NodeReader): Buffer {
  return Buffer.from(reader.node(log2Exact(width), begin / width));
}
