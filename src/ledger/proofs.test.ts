import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import { leafHash } from './hash.js';
import { consistencyProof, inclusionProof, treeRoot } from './proofs.js';
import type { NodeReader } from './proofs.js';
import {
  MemoryTiles,
  b64,
  growTree,
  hex,
  listVectorFiles,
  readVectors,
  sparseTreeReader,
  syntheticLeaf,
  vectorsMissing,
} from './test-support.js';
import { TileWriter } from './tile-writer.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

// Origin: transparency-dev/merkle @ 417fb0c (testonly/constants.go, testdata/), via
// ../shared/data (SOURCES.md §1, §2).
interface ReferenceTree {
  readonly leafInputs: string[];
  readonly rootsBySize: { readonly roots: string[] };
}

interface ProofVector {
  readonly leafIdx?: number;
  readonly treeSize?: number;
  readonly size1?: number;
  readonly size2?: number;
  readonly proof: string[] | null;
  readonly wantErr: boolean;
}

const failsToVerify = (run: () => void) => {
  try {
    run();
    return false;
  } catch (error) {
    if (error instanceof LedgerError) return true;
    throw error;
  }
};

/** Counts the node reads a proof needs. */
function counting(reader: NodeReader): NodeReader & { reads: number } {
  const counter = {
    reads: 0,
    node: (level: number, index: number) => {
      counter.reads++;
      return reader.node(level, index);
    },
  };
  return counter;
}

const flipBit = (bytes: Uint8Array, bit: number) => {
  const copy = Buffer.from(bytes);
  const at = Math.floor(bit / 8) % copy.length;
  copy[at] = (copy[at] ?? 0) ^ (1 << (bit % 8));
  return copy;
};

describe.skipIf(vectorsMissing !== undefined)('proofs', () => {
  describe('when built over the RFC 6962 reference tree', () => {
    const tree = readVectors<ReferenceTree>('merkle/rfc6962-reference-tree.json');
    const writer = new TileWriter();
    tree.leafInputs.forEach((input) => writer.append(leafHash(hex(input))));
    const store = new MemoryTiles();
    store.save(writer.takeDirtyTiles());
    const reader = store.reader();
    const roots = tree.rootsBySize.roots.map(hex);
    const leaf = (i: number) => reader.node(0, i);

    it('gives inclusion proofs that verify for every (index, size)', () => {
      for (let size = 1; size <= 8; size++) {
        expect(treeRoot(size, reader)).toEqual(roots[size]);
        for (let index = 0; index < size; index++) {
          const proof = inclusionProof(index, size, reader);
          verifyInclusion(index, size, leaf(index), proof, roots[size] as Buffer);
        }
      }
    });

    it('gives consistency proofs that verify for every size1 <= size2', () => {
      for (let size2 = 1; size2 <= 8; size2++) {
        for (let size1 = 1; size1 <= size2; size1++) {
          const proof = consistencyProof(size1, size2, reader);
          verifyConsistency(size1, size2, roots[size1] as Buffer, roots[size2] as Buffer, proof);
        }
      }
    });

    it('gives byte for byte the proofs of the valid transparency-dev vectors', () => {
      const files = listVectorFiles('merkle/transparency-dev-testdata').filter(
        (file) => !file.includes('single-entry'),
      );
      const valid = files.map((file) => readVectors<ProofVector>(file)).filter((v) => !v.wantErr);
      expect(valid.length).toBeGreaterThanOrEqual(10);
      for (const v of valid) {
        const want = (v.proof ?? []).map(b64);
        const got =
          v.leafIdx !== undefined && v.treeSize !== undefined
            ? inclusionProof(v.leafIdx, v.treeSize, reader)
            : consistencyProof(v.size1 ?? 0, v.size2 ?? 0, reader);
        expect(got).toEqual(want);
      }
    });
  });
});

describe('proofs', () => {
  describe('when built over random trees of up to 3,000 leaves', () => {
    const { store, roots } = growTree(3000);
    const reader = store.reader();
    const pair = fc
      .integer({ min: 1, max: 3000 })
      .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));

    it('gives inclusion and consistency proofs that verify against the writer roots', () => {
      fc.assert(
        fc.property(pair, fc.integer({ min: 1, max: 3000 }), ([size, index], other) => {
          const root = roots[size] as Buffer;
          expect(treeRoot(size, reader)).toEqual(root);
          verifyInclusion(
            index,
            size,
            syntheticLeaf(index),
            inclusionProof(index, size, reader),
            root,
          );
          const [size1, size2] = other <= size ? [other, size] : [size, other];
          const proof = consistencyProof(size1, size2, reader);
          verifyConsistency(size1, size2, roots[size1] as Buffer, roots[size2] as Buffer, proof);
        }),
        { numRuns: 500 },
      );
    });

    it('fails verification when any one bit of a proof, leaf hash or root flips', () => {
      fc.assert(
        fc.property(pair, fc.nat(), fc.nat(255), ([size, index], pick, bit) => {
          const proof = inclusionProof(index, size, reader);
          const leaf = syntheticLeaf(index);
          const root = roots[size] as Buffer;
          const at = pick % (proof.length + 2);
          const tampered =
            at < proof.length
              ? () => {
                  const bad = proof.map((h, i) => (i === at ? flipBit(h, bit) : h));
                  verifyInclusion(index, size, leaf, bad, root);
                }
              : at === proof.length
                ? () => verifyInclusion(index, size, flipBit(leaf, bit), proof, root)
                : () => verifyInclusion(index, size, leaf, proof, flipBit(root, bit));
          expect(failsToVerify(tampered)).toBe(true);
          const size1 = 1 + (pick % size);
          const consistency = consistencyProof(size1, size, reader);
          const root1 = roots[size1] as Buffer;
          if (consistency.length > 0) {
            const bad = consistency.map((h, i) =>
              i === pick % consistency.length ? flipBit(h, bit) : h,
            );
            expect(failsToVerify(() => verifyConsistency(size1, size, root1, root, bad))).toBe(
              true,
            );
          }
          expect(
            failsToVerify(() =>
              verifyConsistency(size1, size, flipBit(root1, bit), root, consistency),
            ),
          ).toBe(true);
        }),
        { numRuns: 500 },
      );
    });

    it('reads O(log n) nodes per inclusion proof', () => {
      for (const [index, size] of [
        [0, 3000],
        [2999, 3000],
        [1234, 2999],
        [1, 2047],
      ] as const) {
        const reads = counting(reader);
        inclusionProof(index, size, reads);
        expect(reads.reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size)));
      }
    });
  });

  describe('when built over huge sparse trees (up to 2^52 leaves)', () => {
    const big = fc.integer({ min: 2, max: 2 ** 52 });

    it('gives proofs that verify, beyond every 32-bit boundary', () => {
      fc.assert(
        fc.property(big, big, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, at) => {
          const [size1, size2] = a <= b ? [a, b] : [b, a];
          const index = Math.min(size2 - 1, Math.floor(at * size2));
          const reader = sparseTreeReader([index, size1 - 1, size2 - 1, Math.floor(size1 / 2)]);
          const root1 = treeRoot(size1, reader);
          const root2 = treeRoot(size2, reader);
          verifyInclusion(
            index,
            size2,
            syntheticLeaf(index),
            inclusionProof(index, size2, reader),
            root2,
          );
          verifyConsistency(size1, size2, root1, root2, consistencyProof(size1, size2, reader));
          const wrongIndex = index === 0 ? 1 : index - 1;
          expect(
            failsToVerify(() =>
              verifyInclusion(
                wrongIndex,
                size2,
                syntheticLeaf(index),
                inclusionProof(index, size2, reader),
                root2,
              ),
            ),
          ).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('when asked for impossible proofs', () => {
    it('throws typed errors', () => {
      const reader = growTree(10).store.reader();
      const code = (run: () => unknown) => {
        try {
          run();
          return 'ok';
        } catch (error) {
          return error instanceof LedgerError ? error.code : 'crash';
        }
      };
      expect(code(() => inclusionProof(10, 10, reader))).toBe('INDEX_OUT_OF_RANGE');
      expect(code(() => inclusionProof(0, 11, reader))).toBe('NODE_MISSING');
      expect(code(() => consistencyProof(5, 4, reader))).toBe('SIZE_OUT_OF_RANGE');
      expect(consistencyProof(0, 10, reader)).toEqual([]);
      expect(consistencyProof(10, 10, reader)).toEqual([]);
    });
  });
});
