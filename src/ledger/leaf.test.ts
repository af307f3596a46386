import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InterchangeRecord } from '../domain/index.js';
import { canonicalJson } from './canonical.js';
import { directoryLeafSource, leafSourceHash, recordLeafHash } from './leaf.js';

const bodyArb = fc.record(
  {
    id: fc.string({ minLength: 1, maxLength: 12 }),
    team: fc.string(),
    role: fc.string(),
    site: fc.string(),
    name: fc.string(),
    attrs: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
      noNullPrototype: true,
    }),
  },
  { requiredKeys: ['id', 'team', 'role', 'site'] },
);

describe('directoryLeafSource', () => {
  describe('when a directory record is passed as its kind and stored payload', () => {
    it('hashes to the leaf of the record itself', () => {
      fc.assert(
        fc.property(bodyArb, (body) => {
          const record = { kind: 'employee', body } as unknown as InterchangeRecord;
          const source = directoryLeafSource('employee', canonicalJson(body));
          expect(leafSourceHash(source).equals(recordLeafHash(record))).toBe(true);
        }),
      );
    });
  });

  describe('when the text does not hold a directory kind and a body', () => {
    it('refuses it rather than hash something else', () => {
      expect(() => leafSourceHash(directoryLeafSource('event' as 'employee', '{}'))).toThrow(
        TypeError,
      );
      expect(() => leafSourceHash(directoryLeafSource('seller', '{"v":1}'))).toThrow(TypeError);
    });
  });
});
