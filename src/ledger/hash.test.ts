import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, nodeHash } from './hash.js';
import { hex, readVectors, vectorsMissing } from './test-support.js';

// Origin: transparency-dev/merkle rfc6962/rfc6962_test.go, via ../shared/data (SOURCES.md §2).
interface HasherVector {
  readonly desc: string;
  readonly kind: 'emptyRoot' | 'leaf' | 'node';
  readonly inputAscii?: string;
  readonly leftAscii?: string;
  readonly rightAscii?: string;
  readonly want: string;
}

describe('hash', () => {
  describe.skipIf(vectorsMissing !== undefined)('when given the RFC 6962 hasher vectors', () => {
    const { hasherVectors } = readVectors<{ hasherVectors: HasherVector[] }>(
      'merkle/rfc6962-reference-tree.json',
    );

    it.each(hasherVectors)('computes $desc', (vector) => {
      const ascii = (text = '') => Buffer.from(text, 'ascii');
      const got =
        vector.kind === 'emptyRoot'
          ? EMPTY_ROOT
          : vector.kind === 'leaf'
            ? leafHash(ascii(vector.inputAscii))
            : nodeHash(ascii(vector.leftAscii), ascii(vector.rightAscii));
      expect(got.toString('hex')).toBe(hex(vector.want).toString('hex'));
    });
  });

  describe('when hashing 32-byte children twice in a row', () => {
    it('does not leak the shared scratch buffer between calls', () => {
      const a = Buffer.alloc(32, 1);
      const b = Buffer.alloc(32, 2);
      const first = nodeHash(a, b);
      nodeHash(b, a);
      expect(nodeHash(a, b)).toEqual(first);
      expect(nodeHash(a, b)).not.toEqual(nodeHash(b, a));
    });
  });
});
