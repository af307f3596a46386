/**
 * Offline proof verification (RFC 9162 §2.1.3.2, §2.1.4.2), following the conventions of
 * transparency-dev/merkle's Go `proof` package so that its test vectors pass unchanged.
 */
import { LedgerError } from './errors.js';
import { HASH_SIZE, nodeHash } from './hash.js';
import {
  assertLeafIndex,
  assertTreeSize,
  bitAt,
  popCount,
  pow2,
  shiftRight,
  trailingZeros,
  xorBitLength,
} from './tree-math.js';

/**
 * Checks that `leafHash` is the leaf at `leafIndex` of the tree of `treeSize` leaves
 * whose root is `root`. Throws a `LedgerError` if not.
 *
 * @example verifyInclusion(5, 8, leafHash(entry), proof, checkpoint.rootHash);
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  if (!sameBytes(computed, root)) {
    throw new LedgerError(
      'INCLUSION_PROOF_MISMATCH',
      `inclusion proof of leaf ${String(leafIndex)} leads to another root than the one of tree size ${String(treeSize)}`,
    );
  }
}

/** The root that an inclusion proof of `leafHash` at `leafIndex` commits to (RFC 9162 §2.1.3.2). */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer {
  assertTreeSize(treeSize);
  assertLeafIndex(leafIndex, treeSize);
  if (leafHash.length !== HASH_SIZE) {
    throw new LedgerError(
      'BAD_HASH_LENGTH',
      `leaf hash is ${String(leafHash.length)} bytes, want ${String(HASH_SIZE)}`,
    );
  }
  const { inner, border } = decomposeInclusionProof(leafIndex, treeSize);
  assertProofShape(proof, inner + border, 'inclusion');
  const seed = chainInner(leafHash, proof.slice(0, inner), leafIndex);
  return chainBorderRight(seed, proof.slice(inner));
}

/**
 * Checks that the tree of `size2` leaves with root `root2` extends the tree of `size1`
 * leaves with root `root1`. Throws a `LedgerError` if not.
 *
 * Conventions of the Go reference verifier, pinned by its test vectors: `size1 = 0` is an
 * error (a proof from the empty tree is meaningless); equal sizes need an empty proof and
 * byte-equal roots, of any length.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  assertTreeSize(size1, 'size1');
  assertTreeSize(size2, 'size2');
  if (size2 < size1) throw sizeError(`size2 ${String(size2)} < size1 ${String(size1)}`);
  if (size1 === 0) throw sizeError('a consistency proof from the empty tree is meaningless');
  if (size1 === size2) {
    assertProofShape(proof, 0, 'consistency');
    if (!sameBytes(root1, root2)) throw consistencyMismatch(size1, size2);
    return;
  }
  if (proof.length === 0) {
    throw new LedgerError('MALFORMED_PROOF', 'consistency proof between different sizes is empty');
  }
  const decomposed = decomposeInclusionProof(size1 - 1, size2);
  const shift = trailingZeros(size1);
  const inner = decomposed.inner - shift; // shift < inner because size1 < size2
  // The proof starts with the root of the 2^shift subtree ending at size1, unless size1
  // is that very subtree, whose hash the verifier already holds as root1 (§2.1.4.2 step 2).
  const seedIsRoot1 = size1 === pow2(shift);
  const start = seedIsRoot1 ? 0 : 1;
  assertProofShape(proof, start + inner + decomposed.border, 'consistency');
  const seed = seedIsRoot1 ? root1 : (proof[0] as Uint8Array);
  const rest = proof.slice(start);
  const mask = shiftRight(size1 - 1, shift);
  const hash1 = chainBorderRight(
    chainInnerRight(seed, rest.slice(0, inner), mask),
    rest.slice(inner),
  );
  const hash2 = chainBorderRight(chainInner(seed, rest.slice(0, inner), mask), rest.slice(inner));
  if (!sameBytes(hash1, root1) || !sameBytes(hash2, root2)) {
    throw consistencyMismatch(size1, size2);
  }
}

/** Lengths of the two parts of an inclusion proof: below and above the right border. */
function decomposeInclusionProof(index: number, size: number): { inner: number; border: number } {
  const inner = xorBitLength(index, size - 1);
  return { inner, border: popCount(shiftRight(index, inner)) };
}

function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: number): Buffer {
  let hash: Buffer = Buffer.from(seed);
  proof.forEach((sibling, level) => {
    hash = bitAt(index, level) === 0 ? nodeHash(hash, sibling) : nodeHash(sibling, hash);
  });
  return hash;
}

function chainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: number): Buffer {
  let hash: Buffer = Buffer.from(seed);
  proof.forEach((sibling, level) => {
    if (bitAt(index, level) === 1) hash = nodeHash(sibling, hash);
  });
  return hash;
}

function chainBorderRight(seed: Buffer, proof: readonly Uint8Array[]): Buffer {
  let hash = seed;
  for (const sibling of proof) hash = nodeHash(sibling, hash);
  return hash;
}

function assertProofShape(proof: readonly Uint8Array[], want: number, kind: string): void {
  if (proof.length !== want) {
    throw new LedgerError(
      'MALFORMED_PROOF',
      `${kind} proof has ${String(proof.length)} hashes, want ${String(want)}`,
    );
  }
  const bad = proof.findIndex((element) => element.length !== HASH_SIZE);
  if (bad >= 0) {
    throw new LedgerError('MALFORMED_PROOF', `${kind} proof hash ${String(bad)} is not 32 bytes`);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function sizeError(message: string): LedgerError {
  return new LedgerError('SIZE_OUT_OF_RANGE', message);
}

function consistencyMismatch(size1: number, size2: number): LedgerError {
  return new LedgerError(
    'CONSISTENCY_PROOF_MISMATCH',
    `consistency proof does not join the roots of tree sizes ${String(size1)} and ${String(size2)}`,
  );
}
