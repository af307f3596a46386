import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import { leafHash } from './hash.js';
import { b64, listVectorFiles, readVectors, vectorsMissing } from './test-support.js';
import { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify.js';

// Origin: transparency-dev/merkle @ 417fb0c testdata/{inclusion,consistency} (SOURCES.md §1)
// and sigstore/sigstore-conformance bundles (SOURCES.md §5), via ../shared/data.
interface InclusionVector {
  readonly leafIdx: number;
  readonly treeSize: number;
  readonly root: string;
  readonly leafHash: string;
  readonly proof: string[] | null;
  readonly desc: string;
  readonly wantErr: boolean;
}

interface ConsistencyVector {
  readonly size1: number;
  readonly size2: number;
  readonly root1: string;
  readonly root2: string;
  readonly proof: string[] | null;
  readonly desc: string;
  readonly wantErr: boolean;
}

interface RekorCase {
  readonly name: string;
  readonly leafIndex: string;
  readonly treeSize: string;
  readonly leafDataBase64: string;
  readonly proofBase64: string[];
  readonly rootHashBase64: string;
  readonly expect: { readonly inclusionProofValid: boolean };
}

const TESTDATA = 'merkle/transparency-dev-testdata';

/** The thrown LedgerError's code, or 'ok'. */
function outcome(run: () => void): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof LedgerError) return error.code;
    throw error;
  }
}

const named = (files: string[]) =>
  files.map(
    (file) => [path.basename(path.dirname(file)) + '/' + path.basename(file), file] as const,
  );

describe.skipIf(vectorsMissing !== undefined)('verify', () => {
  describe('when given every transparency-dev inclusion vector', () => {
    const files = listVectorFiles(`${TESTDATA}/inclusion`);

    it('finds all 98 files', () => expect(files).toHaveLength(98));

    it.each(named(files))('accepts %s iff wantErr is false', (_name, file) => {
      const v = readVectors<InclusionVector>(file);
      const proof = (v.proof ?? []).map(b64);
      const result = outcome(() =>
        verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), proof, b64(v.root)),
      );
      expect(result === 'ok', `${v.desc}: ${result}`).toBe(!v.wantErr);
    });
  });

  describe('when given every transparency-dev consistency vector', () => {
    const files = listVectorFiles(`${TESTDATA}/consistency`);

    it('finds all 98 files', () => expect(files).toHaveLength(98));

    it.each(named(files))('accepts %s iff wantErr is false', (_name, file) => {
      const v = readVectors<ConsistencyVector>(file);
      const proof = (v.proof ?? []).map(b64);
      const result = outcome(() =>
        verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), proof),
      );
      expect(result === 'ok', `${v.desc}: ${result}`).toBe(!v.wantErr);
    });
  });

  describe('when given real Rekor inclusion proofs (trees up to 1,340,288,195 leaves)', () => {
    const { cases } = readVectors<{ cases: RekorCase[] }>('checkpoint/sigstore-rekor-vectors.json');

    it.each(cases.map((c) => [c.name, c] as const))('checks %s', (_name, c) => {
      const run = () =>
        verifyInclusion(
          Number(c.leafIndex),
          Number(c.treeSize),
          leafHash(b64(c.leafDataBase64)),
          c.proofBase64.map(b64),
          b64(c.rootHashBase64),
        );
      expect(outcome(run)).toBe(c.expect.inclusionProofValid ? 'ok' : 'INCLUSION_PROOF_MISMATCH');
    });
  });
});

describe('verify', () => {
  const hash = Buffer.alloc(32, 7);

  describe('when given out-of-range or malformed arguments', () => {
    it('throws typed errors, never crashes', () => {
      const include = (index: number, size: number, leaf: Uint8Array, proof: Uint8Array[]) =>
        outcome(() => rootFromInclusionProof(index, size, leaf, proof));
      expect(include(0, 0, hash, [])).toBe('INDEX_OUT_OF_RANGE');
      expect(include(-1, 4, hash, [])).toBe('INDEX_OUT_OF_RANGE');
      expect(include(0.5, 4, hash, [])).toBe('INDEX_OUT_OF_RANGE');
      expect(include(0, 2 ** 53, hash, [])).toBe('SIZE_OUT_OF_RANGE');
      expect(include(0, Number.NaN, hash, [])).toBe('SIZE_OUT_OF_RANGE');
      expect(include(0, 1, hash.subarray(1), [])).toBe('BAD_HASH_LENGTH');
      expect(include(0, 2, hash, [])).toBe('MALFORMED_PROOF');
      expect(include(0, 2, hash, [hash.subarray(0, 31)])).toBe('MALFORMED_PROOF');
      expect(include(0, 1, hash, [])).toBe('ok');
      const consistent = (s1: number, s2: number, proof: Uint8Array[]) =>
        outcome(() => verifyConsistency(s1, s2, hash, hash, proof));
      expect(consistent(2, 1, [])).toBe('SIZE_OUT_OF_RANGE');
      expect(consistent(0, 0, [])).toBe('SIZE_OUT_OF_RANGE');
      expect(consistent(3, 3, [hash])).toBe('MALFORMED_PROOF');
      expect(consistent(3, 4, [])).toBe('MALFORMED_PROOF');
      expect(consistent(3, 4, [hash, hash, Buffer.alloc(3)])).toBe('MALFORMED_PROOF');
      expect(consistent(3, 4, [hash, hash, hash])).toBe('CONSISTENCY_PROOF_MISMATCH');
    });
  });

  describe('when a leaf index or tree size exceeds 2^32', () => {
    it('expects the proof length of the true sizes, not of sizes wrapped to 32 bits', () => {
      // (2^32 + 5, 2^32 + 7): inner = len(5 ^ 6) = 2, border = popcount(2^30 + 1) = 2, so 4
      // hashes; wrapped to (5, 7) a 32-bit verifier would want 2 + popcount(1) = 3.
      const proof = [1, 2, 3, 4].map((n) => Buffer.alloc(32, n));
      const root = rootFromInclusionProof(2 ** 32 + 5, 2 ** 32 + 7, hash, proof);
      expect(outcome(() => verifyInclusion(2 ** 32 + 5, 2 ** 32 + 7, hash, proof, root))).toBe(
        'ok',
      );
      expect(outcome(() => verifyInclusion(5, 7, hash, proof, root))).toBe('MALFORMED_PROOF');
    });
  });
});
