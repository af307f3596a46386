import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDirectory, canonicalDirectoryLine, canonicalJson } from './canonical.js';
import { hashedLeafSource, leafHashOfText, leafSourceHash } from './leaf.js';

// Member names around and equal to the prefixes of "kind" and "v", where the two inserted
// members must land: the sort is by UTF-16 code units.
const nearNames = fc.constantFrom(
  '',
  'a',
  'id',
  'k',
  'kin',
  'kind0',
  'kinda',
  'kine',
  'u',
  'v0',
  'va',
  'w',
  'V',
  'Kind',
  'é',
  '\u{1F600}',
  'z',
);
const name = fc.oneof(nearNames, fc.string({ unit: 'grapheme-composite', maxLength: 8 }));
const body = fc
  .dictionary(name, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 12 })
  .filter((b) => !('v' in b) && !('kind' in b));
const kind = fc.constantFrom('employee', 'reviewer', 'ticket', 'assignment');

describe('canonicalDirectory', () => {
  it('gives canonicalJson of the body and of { v: 1, kind, ...body }, whatever the members', () => {
    fc.assert(
      fc.property(kind, body, (k, b) => {
        const [payload, leaf] = canonicalDirectory(k, b);
        expect(payload).toBe(canonicalJson(b));
        expect(leaf).toBe(canonicalJson({ v: 1, kind: k, ...b }));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves out undefined members, as canonicalJson does', () => {
    const b = { a: undefined, id: 'x', z: undefined };
    expect(canonicalDirectory('seller', b)).toEqual([
      '{"id":"x"}',
      '{"id":"x","kind":"seller","v":1}',
    ]);
    expect(canonicalDirectory('seller', {})).toEqual(['{}', '{"kind":"seller","v":1}']);
  });

  it('refuses a body that holds v or kind (it would hide the record’s own)', () => {
    expect(() => canonicalDirectory('seller', { v: 2 })).toThrow(TypeError);
    expect(() => canonicalDirectory('seller', { kind: 'employee' })).toThrow(TypeError);
  });
});

describe('canonicalDirectoryLine', () => {
  it('gives canonicalDirectory of the body, wherever the line has its v and kind', () => {
    fc.assert(
      fc.property(kind, body, fc.nat(), fc.nat(), (k, b, at1, at2) => {
        const members = Object.entries(b);
        members.splice(at1 % (members.length + 1), 0, ['kind', k]);
        members.splice(at2 % (members.length + 1), 0, ['v', 1]);
        const line = JSON.parse(JSON.stringify(Object.fromEntries(members))) as Record<
          string,
          unknown
        >;
        expect(canonicalDirectoryLine(k, line)).toEqual(canonicalDirectory(k, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a line whose v or kind is not the record’s', () => {
    expect(() => canonicalDirectoryLine('seller', { v: 2, kind: 'seller' })).toThrow(TypeError);
    expect(() => canonicalDirectoryLine('seller', { v: 1, kind: 'employee' })).toThrow(TypeError);
    expect(() => canonicalDirectoryLine('seller', { kind: 'seller' })).toThrow(TypeError);
  });
});

describe('hashedLeafSource', () => {
  it('carries a leaf hash to the hashing thread unchanged, whatever its bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (h) => {
        expect(leafSourceHash(hashedLeafSource(h))).toEqual(Buffer.from(h));
      }),
    );
    const h = leafHashOfText('{"id":"s-1","kind":"seller","v":1}');
    expect(leafSourceHash(hashedLeafSource(h))).toEqual(h);
  });

  it('refuses a hash that is not 32 bytes, either way', () => {
    expect(() => hashedLeafSource(new Uint8Array(31))).toThrow(TypeError);
    expect(() => leafSourceHash(`\u0002${'x'.repeat(31)}`)).toThrow(TypeError);
  });
});
