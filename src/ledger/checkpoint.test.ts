import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkpointTreeSize,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
} from './checkpoint.js';
import { LedgerError } from './errors.js';
import { leafHash } from './hash.js';
import {
  ecdsaP256Verifier,
  generateSignerKey,
  parseVerifierKey,
  signNote,
  verifierKeyFromSigner,
} from './signed-note.js';
import type { NoteVerifier } from './signed-note.js';
import { b64, readVectors, vectorsMissing } from './test-support.js';
import { verifyInclusion } from './verify.js';

// Origin: transparency-dev/formats log/checkpoint_test.go, trillian-tessera parse_test.go,
// golang/mod note_test.go, sigstore/sigstore-conformance bundles; via ../shared/data
// (SOURCES.md §3–5).
interface ParseCase {
  readonly desc: string;
  readonly body: string;
  readonly wantOk: boolean;
  readonly want?: { origin: string; size: string; rootHashBase64: string };
  readonly wantRest?: string;
}

interface RekorKey {
  readonly alg: 'ed25519' | 'ecdsa-p256-sha256';
  readonly keyName: string;
  readonly keyIdHex: string;
  readonly vkey?: string;
  readonly spkiDerBase64: string;
}

interface RekorCase {
  readonly name: string;
  readonly leafIndex: string;
  readonly treeSize: string;
  readonly leafDataBase64: string;
  readonly proofBase64: string[];
  readonly rootHashBase64: string;
  readonly checkpointNote: string | null;
  readonly expect: {
    readonly inclusionProofValid: boolean;
    readonly checkpointSignatureValid: boolean | null;
    readonly checkpointMatchesProof: boolean | null;
  };
}

// C2SP forbids empty extension lines; this Go parser accepts them (SOURCES.md §4).
const STRICTER_THAN_GO = new Set(['valid with trailing newlines']);

const code = (run: () => unknown) => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof LedgerError ? error.code : 'crash';
  }
};

describe.skipIf(vectorsMissing !== undefined)('checkpoint', () => {
  describe('when parsing the Go parser vectors', () => {
    const { cases } = readVectors<{ cases: ParseCase[] }>(
      'checkpoint/checkpoint-parse-vectors.json',
    );
    const kept = cases
      .filter((c) => !STRICTER_THAN_GO.has(c.desc))
      .map((c) => [c.desc, c] as const);

    it.each(kept)('matches "%s"', (_desc, c) => {
      if (!c.wantOk) {
        expect(code(() => parseCheckpoint(c.body))).toBe('MALFORMED_CHECKPOINT');
        return;
      }
      const checkpoint = parseCheckpoint(c.body);
      expect(checkpoint.origin).toBe(c.want?.origin);
      expect(checkpoint.size.toString()).toBe(c.want?.size);
      expect(checkpoint.rootHash.toString('base64')).toBe(c.want?.rootHashBase64);
      const rest = checkpoint.extensions.map((line) => `${line}\n`).join('');
      expect(rest).toBe(c.wantRest ?? '');
    });
  });

  describe('when opening the real sum.golang.org checkpoint', () => {
    it('verifies it and reads its size and root', () => {
      const { cases } = readVectors<{
        cases: {
          name: string;
          verifierKeys?: string[];
          note?: string;
          wantCheckpoint?: { origin: string; size: string; rootHashBase64: string };
        }[];
      }>('checkpoint/signed-note-vectors.json');
      const c = cases.find((x) => x.name === 'sum-golang-org-real-checkpoint');
      const { checkpoint } = openCheckpoint(c?.note ?? '', c?.verifierKeys ?? []);
      expect(checkpoint.origin).toBe(c?.wantCheckpoint?.origin);
      expect(checkpoint.size.toString()).toBe(c?.wantCheckpoint?.size);
      expect(checkpoint.rootHash.toString('base64')).toBe(c?.wantCheckpoint?.rootHashBase64);
    });
  });

  describe('when given the 22 Sigstore conformance bundles', () => {
    const { keys, cases } = readVectors<{ keys: Record<string, RekorKey>; cases: RekorCase[] }>(
      'checkpoint/sigstore-rekor-vectors.json',
    );
    const verifiers: NoteVerifier[] = Object.values(keys).map((key) =>
      key.alg === 'ed25519'
        ? parseVerifierKey(key.vkey ?? '')
        : ecdsaP256Verifier(key.keyName, b64(key.spkiDerBase64)),
    );

    it('derives the key ids the trust roots state', () => {
      expect(cases).toHaveLength(22);
      const hexIds = verifiers.map((v) => v.keyId.toString(16).padStart(8, '0'));
      expect(hexIds).toEqual(Object.values(keys).map((key) => key.keyIdHex));
    });

    it.each(cases.map((c) => [c.name, c] as const))('checks %s', (_name, c) => {
      const leaf = leafHash(b64(c.leafDataBase64));
      const [index, size] = [Number(c.leafIndex), Number(c.treeSize)];
      const proof = c.proofBase64.map(b64);
      const root = b64(c.rootHashBase64);
      expect(code(() => verifyInclusion(index, size, leaf, proof, root)) === 'ok').toBe(
        c.expect.inclusionProofValid,
      );
      if (c.checkpointNote === null) return;
      const signatureValid = code(() => openCheckpoint(c.checkpointNote ?? '', verifiers)) === 'ok';
      expect(signatureValid).toBe(c.expect.checkpointSignatureValid);
      // Whether the body commits to the proof's tree does not depend on the signature.
      const body = c.checkpointNote.slice(0, c.checkpointNote.lastIndexOf('\n\n') + 1);
      let matches = false;
      if (code(() => parseCheckpoint(body)) === 'ok') {
        const checkpoint = parseCheckpoint(body);
        matches = checkpointTreeSize(checkpoint) === size && checkpoint.rootHash.equals(root);
      }
      expect(matches).toBe(c.expect.checkpointMatchesProof);
    });
  });
});

describe('checkpoint', () => {
  describe('when formatting any valid checkpoint', () => {
    it('parses back to the same fields', () => {
      const line = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\n'));
      fc.assert(
        fc.property(
          line,
          fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.array(line, { maxLength: 3 }),
          (origin, size, rootHash, extensions) => {
            const parsed = parseCheckpoint(
              formatCheckpoint({ origin, size, rootHash, extensions }),
            );
            expect(parsed).toEqual({ origin, size, rootHash: Buffer.from(rootHash), extensions });
          },
        ),
      );
    });
  });

  describe('when signing and opening a checkpoint of our own', () => {
    it('round-trips through signNote and openCheckpoint', () => {
      const skey = generateSignerKey('warden.example/log');
      const body = formatCheckpoint({
        origin: 'warden.example/log',
        size: 42,
        rootHash: Buffer.alloc(32, 9),
      });
      const { checkpoint } = openCheckpoint(signNote(body, [skey]), [verifierKeyFromSigner(skey)]);
      expect(checkpointTreeSize(checkpoint)).toBe(42);
    });
  });

  describe('when given hostile fields', () => {
    it('throws MALFORMED_CHECKPOINT or SIZE_OUT_OF_RANGE', () => {
      const root = Buffer.alloc(32);
      expect(code(() => formatCheckpoint({ origin: '', size: 1, rootHash: root }))).toBe(
        'MALFORMED_CHECKPOINT',
      );
      expect(code(() => formatCheckpoint({ origin: 'a', size: -1, rootHash: root }))).toBe(
        'MALFORMED_CHECKPOINT',
      );
      expect(code(() => formatCheckpoint({ origin: 'a', size: 1.5, rootHash: root }))).toBe(
        'MALFORMED_CHECKPOINT',
      );
      expect(code(() => formatCheckpoint({ origin: 'a', size: 2n ** 64n, rootHash: root }))).toBe(
        'MALFORMED_CHECKPOINT',
      );
      expect(
        code(() => formatCheckpoint({ origin: 'a', size: 1, rootHash: root.subarray(1) })),
      ).toBe('MALFORMED_CHECKPOINT');
      expect(
        code(() => formatCheckpoint({ origin: 'a', size: 1, rootHash: root, extensions: [''] })),
      ).toBe('MALFORMED_CHECKPOINT');
      for (const body of [
        'a\n+1\nAA==\n',
        'a\n 1\nAA==\n',
        'a\n1\n\n',
        'a\n1\nAA==\n\n',
        'a\n18446744073709551616\nAA==\n',
      ]) {
        expect(
          code(() => parseCheckpoint(body)),
          body,
        ).toBe('MALFORMED_CHECKPOINT');
      }
      expect(parseCheckpoint('a\n18446744073709551615\nAA==\n').size).toBe(2n ** 64n - 1n);
      expect(parseCheckpoint('a\n007\nAA==\n').size).toBe(7n);
      expect(code(() => checkpointTreeSize(parseCheckpoint('a\n9007199254740992\nAA==\n')))).toBe(
        'SIZE_OUT_OF_RANGE',
      );
    });
  });
});
