import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHIFTS, type DirectoryKind, type InterchangeRecord } from '../domain/index.js';
import { recordLeafHash } from '../ledger/index.js';
import { parseDirectoryFast } from './fast-directory.js';
import { isPlainAsciiId } from './ids.js';
import { parseRecord, parseWithSchema } from './parse-record.js';
import {
  anyIdArb,
  attrsArb,
  edgyAttrsTextArb,
  idArb,
  shuffled,
  text,
  timeArb,
} from './test-support.js';

type Json = Record<string, unknown>;
type Gen = fc.Arbitrary<unknown>;

const text1 = text.filter((t) => t !== '');
const email = fc
  .tuple(fc.stringMatching(/^[^@\s]{1,40}$/), fc.stringMatching(/^[^@\s]{1,40}$/))
  .map(([local, domain]) => `${local}@${domain}`);
const rating = fc.integer({ min: 1, max: 5 });
const ids = fc.array(idArb, { maxLength: 3 });

/** Each kind's members as the contract gives them (required first, then optional). */
const KINDS: Record<DirectoryKind, { req: Record<string, Gen>; opt: Record<string, Gen> }> = {
  employee: {
    req: { id: idArb, team: text1, role: text1, site: text1 },
    opt: {
      name: text,
      manager: idArb,
      hiredAt: timeArb,
      leftAt: timeArb,
      shift: fc.constantFrom(...SHIFTS),
      attrs: attrsArb,
    },
  },
  seller: {
    req: { id: idArb, category: text1, region: text1 },
    opt: { name: text, openedAt: timeArb, attrs: attrsArb },
  },
  product: {
    req: { id: idArb, sellerId: idArb, category: text1 },
    opt: { title: text, attrs: attrsArb },
  },
  reviewer: { req: { id: idArb, email }, opt: { name: text, attrs: attrsArb } },
  review: {
    req: { id: idArb, productId: idArb, reviewerId: idArb, rating, createdAt: timeArb },
    opt: { removedAt: timeArb, attrs: attrsArb },
  },
  assignment: {
    req: { employeeId: idArb, sellerId: idArb, from: timeArb },
    opt: { to: fc.oneof(fc.constant(null), timeArb), attrs: attrsArb },
  },
  ticket: {
    req: { id: idArb, sellerId: idArb, openedAt: timeArb },
    opt: {
      assigneeId: idArb,
      openedBy: idArb,
      closedAt: timeArb,
      topic: text,
      reviewId: idArb,
      relatedSellerIds: ids,
      attrs: attrsArb,
    },
  },
  report: {
    req: { id: idArb, reviewId: idArb, reportedAt: timeArb, reason: text1 },
    opt: { attrs: attrsArb },
  },
};
const KIND_NAMES = Object.keys(KINDS) as DirectoryKind[];

/** A valid directory record's object of any kind, its members in any order. */
const validArb: fc.Arbitrary<Json> = fc.constantFrom(...KIND_NAMES).chain((kind) => {
  const { req, opt } = KINDS[kind];
  return fc
    .record({ ...req, ...opt }, { requiredKeys: Object.keys(req) })
    .chain((members) => shuffled({ v: 1, kind, ...members }));
});

/** Values that break, stretch or merely bend a member's rule. */
const wildArb: Gen = fc.oneof(
  anyIdArb,
  timeArb,
  fc.constantFrom('', null, 0, 1, 5, 6, 1.5, -1, true, [], {}, [1], ['s-1'], 'x'.repeat(4097)),
  fc.constantFrom('a@b', 'no-at', 'a@@b', 'a b@c', '2026-02-30T09:14:05Z', ' s-1', 'Ωμέγα'),
  fc.constantFrom('e\u0301', 'e-1\u202E', 's-\u0435lla', 'a\u{1f600}', 'nightly', 'night'),
  fc.array(anyIdArb, { maxLength: 2 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A valid record with one member replaced, dropped or added (`v`, `kind` and `colour` too). */
const mutatedArb: fc.Arbitrary<Json> = fc
  .tuple(validArb, fc.boolean(), wildArb, fc.nat())
  .map(([record, drop, value, pick]) => {
    const kind = record['kind'] as DirectoryKind;
    const names = [
      'v',
      'kind',
      'colour',
      ...Object.keys(KINDS[kind].req),
      ...Object.keys(KINDS[kind].opt),
    ];
    const name = names[pick % names.length]!;
    const out = { ...record };
    if (drop) delete out[name];
    else out[name] = value;
    return out;
  });

function plainIds(record: Json): boolean {
  return Object.entries(record).every(([key, value]) => {
    if (key === 'relatedSellerIds') return (value as string[]).every(isPlainAsciiId);
    const isId = key === 'id' || key.endsWith('Id') || key === 'manager' || key === 'openedBy';
    return !isId || isPlainAsciiId(value as string);
  });
}

function zodRecord(line: string): InterchangeRecord {
  const obj = JSON.parse(line) as Json;
  const result = parseWithSchema(obj, obj['kind'] as DirectoryKind);
  if (!result.ok) throw new Error(`zod refused a generated line: ${result.code} ${line}`);
  return result.record;
}

describe('parseDirectoryFast', () => {
  describe('when given a valid directory record', () => {
    it('builds what zod builds (members, values, key order), and so the same leaf', () => {
      fc.assert(
        fc.property(validArb, (record) => {
          const line = JSON.stringify(record);
          const fast = parseDirectoryFast(
            JSON.parse(line) as Json,
            record['kind'] as DirectoryKind,
          );
          const expected = zodRecord(line);
          const parsed = parseRecord(line);
          expect(parsed.ok && JSON.stringify(parsed.record)).toBe(JSON.stringify(expected));
          // ids beyond plain ASCII are zod's to judge
          expect(fast === undefined).toBe(!plainIds(record));
          if (fast === undefined) return;
          expect(JSON.stringify(fast)).toBe(JSON.stringify(expected));
          expect(fast).toStrictEqual(expected);
          expect(recordLeafHash(fast).equals(recordLeafHash(expected))).toBe(true);
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('when a member is wrong, missing, unusual or extra', () => {
    it('answers only what zod answers, and defers whenever zod refuses', () => {
      fc.assert(
        fc.property(mutatedArb, (record) => {
          const line = JSON.stringify(record);
          const obj = JSON.parse(line) as Json;
          const kind = record['kind'];
          if (typeof kind !== 'string' || !(kind in KINDS)) {
            expect(parseRecord(line).ok).toBe(false);
            return;
          }
          const fast = parseDirectoryFast(obj, kind as DirectoryKind);
          const full = parseWithSchema(JSON.parse(line) as Json, kind as DirectoryKind);
          const parsed = parseRecord(line);
          if (!full.ok || record['v'] !== 1) {
            expect(fast).toBeUndefined();
            expect(parsed.ok).toBe(false);
          } else {
            expect(parsed.ok && JSON.stringify(parsed.record)).toBe(JSON.stringify(full.record));
            if (fast !== undefined) expect(fast).toStrictEqual(full.record);
          }
        }),
        { numRuns: 3000 },
      );
    });
  });

  describe('when attrs reach the JSON limits', () => {
    it('defers to zod, which refuses exactly the lines past them', () => {
      fc.assert(
        fc.property(validArb, edgyAttrsTextArb, (record, attrs) => {
          const { attrs: _a, ...rest } = record;
          const line = `${JSON.stringify(rest).slice(0, -1)},"attrs":${attrs}}`;
          const kind = record['kind'] as DirectoryKind;
          const fast = parseDirectoryFast(JSON.parse(line) as Json, kind);
          const parsed = parseRecord(line);
          const full = parseWithSchema(JSON.parse(line) as Json, kind);
          if (!full.ok) {
            expect(fast).toBeUndefined();
            expect(parsed.ok).toBe(false);
          } else if (fast !== undefined) {
            expect(JSON.stringify(fast)).toBe(JSON.stringify(full.record));
          }
        }),
        { numRuns: 1000 },
      );
    });
  });
});
