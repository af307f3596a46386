import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leafRowLine, type EventLineRow, type LeafRow } from '../domain/index.js';
import { canonicalJson } from './canonical.js';
import { canonicalObjectText, directoryLeafText } from './canonical-text.js';
import { leafRowHash, leafSourceHash } from './leaf.js';

// The verifier hashes stored rows straight (`leafRowHash`); what it proves rests on that being
// exactly the hash of the row's interchange line (`leafSourceHash(leafRowLine(row))`), the
// path it replaces, on intact rows and on damaged ones alike: the same hash, or an error both —
// except that a stored JSON column that is not an object on its own is an error, not a line.

const SEEDED = { seed: 20261206, numRuns: 3000 } as const;

/** The result of a hashing: its hex, or that it threw. */
function outcome(hashing: () => Buffer): string {
  try {
    return hashing().toString('hex');
  } catch {
    return 'throws';
  }
}

const lineHash = (row: LeafRow): string => outcome(() => leafSourceHash(leafRowLine(row)));

/** A stored JSON column that is one JSON object on its own (what ingest writes). */
function standsAlone(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * What the row's hash must be: its line's, unless a stored JSON column (whatever the row's other
 * columns) is not an object on its own or (a payload) names `v` or `kind` — spliced into the line,
 * its members would stand in for the row's own columns — which throws.
 */
function expected(row: LeafRow): string {
  if (row.length === 3) {
    const payload = (row as unknown[])[2];
    if (typeof payload !== 'string') return lineHash(row);
    if (!standsAlone(payload)) return 'throws';
    const body = JSON.parse(payload) as Record<string, unknown>;
    if (Object.hasOwn(body, 'v') || Object.hasOwn(body, 'kind')) return 'throws';
    return lineHash(row);
  }
  const cols = row as unknown[];
  // whatever the other columns, a stored JSON column may not splice members into the line
  for (const stored of [cols[9], cols[10]]) {
    if (typeof stored === 'string' && !standsAlone(stored)) return 'throws';
  }
  return lineHash(row);
}
const rowHash = (row: LeafRow): string => outcome(() => leafRowHash(row));

const plainText = fc.string({ unit: 'grapheme-ascii', maxLength: 12 });
const anyText = fc.oneof(
  plainText,
  fc.string({ unit: 'binary', maxLength: 12 }), // lone surrogates and control characters
  fc.string({ unit: 'grapheme-composite', maxLength: 8 }),
  fc.constantFrom('', 'v', 'kind', '__proto__', '1', '10', '9', 'a"b', 'a\\b', '\u2028', '\ud800'),
);
const json = fc.jsonValue({ maxDepth: 3 });
const plainObject = fc.dictionary(plainText, fc.oneof(plainText, fc.integer(), fc.boolean()), {
  maxKeys: 6,
});
/** Members as ingest writes them: names and strings that need no escape in JSON. */
const safeText = plainText.map((t) =>
  [...t].filter((c) => c >= ' ' && c !== '"' && c !== '\\').join(''),
);
const safeObject = fc.dictionary(
  safeText,
  fc.oneof(
    safeText,
    fc.integer({ min: -1e15 + 1, max: 1e15 - 1 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(safeText, { maxLength: 3 }),
    // inner objects as stored JSON holds them: members in order (only the outer ones may not be)
    fc
      .dictionary(
        safeText.map((t) => `k${t}`),
        safeText,
        { maxKeys: 3 },
      )
      .map((d) => JSON.parse(canonicalJson(d)) as unknown),
  ),
  { maxKeys: 6 },
);

/** Stored JSON as ingest writes it, or as someone might have edited it. */
const storedJson = fc.oneof(
  plainObject.map((o) => JSON.stringify(o)), // members in any order
  plainObject.map((o) => canonicalJson(o)),
  fc.dictionary(anyText, json, { maxKeys: 5 }).map((o) => JSON.stringify(o)),
  json.map((v) => JSON.stringify(v)), // not always an object
  fc
    .tuple(plainObject, fc.constantFrom(' ', '\n', '\u00a0', '\ufeff', ',', '}', ',"zzz":2', '{'))
    .map(([o, junk]) => (junk === '{' ? junk + JSON.stringify(o) : JSON.stringify(o) + junk)),
  fc.tuple(plainObject, fc.nat()).map(([o, n]) => {
    const t = JSON.stringify(o);
    return t.slice(0, n % (t.length + 1)); // cut short
  }),
  fc.constantFrom(
    '{}',
    '{ }',
    '{} ',
    ' {"a":1}',
    '{"a":1,"a":2}',
    '{"b":1,"a":{"d":1,"c":2}}',
    '{"a":-0}',
    '{"a":1.0}',
    '{"a":1e3}',
    '{"a":01}',
    '{"a":12345678901234567890}',
    '{"a":1e400}',
    '{"a":"\\u0041"}',
    '{"a":"\\/"}',
    '{"a":[1,{"c":1,"b":2}]}',
    '{"__proto__":{"x":1},"a":1}',
    '{"v":2,"a":1}',
    '{"kind":"event","a":1}',
    '{"a":1},"id":"forged"',
    '{"a":1},"zzz":{"b":2}',
    'null',
    '5',
    '[1,2]',
    '"text"',
    `${'['.repeat(40)}${']'.repeat(40)}`,
    `{"a":${'{"a":'.repeat(300)}1${'}'.repeat(300)}}`,
  ),
);

const column = fc.oneof(
  { weight: 8, arbitrary: anyText },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constant(Buffer.from('ab'))) },
);
const optional = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof(fc.constant(null), a);

const eventRow: fc.Arbitrary<LeafRow> = fc
  .tuple(
    column,
    column,
    column,
    column,
    column,
    column,
    optional(column),
    optional(column),
    optional(storedJson),
    optional(storedJson),
  )
  .map((cols) => [0, ...cols] as unknown as EventLineRow);

const versionRow: fc.Arbitrary<LeafRow> = fc
  .tuple(
    fc.oneof(
      fc.constantFrom('employee', 'review', 'ticket', 'event', 'v', 'a'),
      anyText,
      fc.integer(),
    ),
    fc.oneof({ weight: 8, arbitrary: storedJson }, { weight: 1, arbitrary: column }),
  )
  .map(([kind, payload]) => [0, kind, payload] as unknown as LeafRow);

describe('leafRowHash', () => {
  describe('when given any event row, intact or damaged', () => {
    it('gives what hashing its interchange line gives, or throws as that does, or throws on a splice', () => {
      fc.assert(
        fc.property(eventRow, (row) => {
          expect(rowHash(row)).toBe(expected(row));
        }),
        SEEDED,
      );
    });
  });
  describe('when given any directory version row, intact or damaged', () => {
    it('gives what hashing its interchange line gives, or throws as that does, or throws on a splice', () => {
      fc.assert(
        fc.property(versionRow, (row) => {
          expect(rowHash(row)).toBe(expected(row));
        }),
        SEEDED,
      );
    });
  });
  describe('when given rows as ingest stores them', () => {
    it('gives their lines’ hashes', () => {
      const rows: LeafRow[] = [
        [
          7,
          'ev-1',
          '2026-09-07T00:00:00Z',
          'e-00336',
          'login',
          'dataset',
          'console',
          null,
          null,
          '{"ip":"10.0.1.79","device":"dev-9c-556","session":"ss-co","geo":"CN-GD"}',
          null,
        ],
        [8, 'employee', '{"id":"e-00001","name":"enc:v1:abc","site":"Seattle","team":"x"}'],
        [9, 'review', '{"a":1,"id":"r-1","zz":true}'],
      ];
      for (const row of rows) expect(rowHash(row)).toBe(lineHash(row));
    });
  });
});

describe('canonicalObjectText', () => {
  describe('when given an object of plain members in any order', () => {
    it('reads its canonical form off the text', () => {
      fc.assert(
        fc.property(safeObject, (o) => {
          expect(canonicalObjectText(JSON.stringify(o))).toBe(canonicalJson(o));
        }),
        SEEDED,
      );
    });
  });
  describe('when given any text', () => {
    it('gives the canonical form of its value, or nothing', () => {
      fc.assert(
        fc.property(storedJson, (text) => {
          const read = canonicalObjectText(text);
          if (read !== undefined) expect(read).toBe(canonicalJson(JSON.parse(text)));
        }),
        SEEDED,
      );
    });
  });
  describe('when given text outside its subset', () => {
    it('leaves it to the long way', () => {
      for (const text of ['{"a":1.5}', '{"a":"\\n"}', '{ "a":1}', '{"a":1,"a":1}', '{"a":-0}']) {
        expect(canonicalObjectText(text)).toBeUndefined();
      }
    });
  });
});

describe('directoryLeafText', () => {
  describe('when given a canonical payload without v or kind', () => {
    it('writes the leaf text of { v: 1, kind, ...body }', () => {
      const body = safeObject.filter(
        (o) => Object.keys(o).length > 0 && !('v' in o) && !('kind' in o),
      );
      fc.assert(
        fc.property(fc.constantFrom('employee', 'review', 'a', 'zz'), body, (kind, o) => {
          expect(directoryLeafText(kind, canonicalJson(o))).toBe(
            canonicalJson({ v: 1, kind, ...o }),
          );
        }),
        SEEDED,
      );
    });
  });
});
