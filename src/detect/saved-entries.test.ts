import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { DirectoryView } from './directory-view.js';
import { LazyMap } from './lazy-map.js';
import { referenceEntryTable } from './entry-table-test-support.js';
import { SavedEntries, entryTable, type EntryTable } from './saved-entries.js';
import { ENGINE_CLASSES, restoreEngine } from './snapshot.js';
import { TapeReader } from './snapshot-decode.js';
import { TapeWriter } from './snapshot-encode.js';
import { TAPE_FORMAT } from './snapshot-format.js';
import { Stream, at } from './test-support.js';

/** A table as the directory part holds it: through V8's serializer and back. */
const saved = (m: Map<string, unknown>): EntryTable =>
  deserialize(serialize(entryTable(m, ENGINE_CLASSES, 'm')!)) as EntryTable;

/** Every entry of `table` read by its key, as a resume reads the entries it touches. */
const readAll = (table: EntryTable): unknown[] => {
  const entries = new SavedEntries(table, ENGINE_CLASSES);
  return Array.from({ length: entries.size }, (_, i) => entries.valueAt(entries.find(`k${i}`)));
};

const corrupt = expect.objectContaining({ code: 'CORRUPT' }) as Error;

const ofValues = (values: unknown[]): Map<string, unknown> =>
  new Map(values.map((v, i) => [`k${i}`, v]));

/** Saves `values` as a table, checks it keeps `perEntry` starts for each, and reads them all back. */
const savesWithStarts = (values: unknown[], perEntry: 2 | 4): void => {
  const table = saved(ofValues(values));
  expect(table.startsPerEntry).toBe(perEntry);
  expect(table.starts).toHaveLength(perEntry * values.length);
  expect(readAll(table)).toStrictEqual(values);
};

const reviewLike = (i: number): unknown => {
  const tags = new Set(['a', `t${i}`]);
  return { seller: `s-${i % 7}`, stars: (i % 5) + 1, tags, again: tags, flags: [true, null] };
};

describe('SavedEntries', () => {
  describe('when a table holds no doubles and no bigints', () => {
    it('saves two starts per entry and reads every entry back', () => {
      savesWithStarts(
        Array.from({ length: 50 }, (_, i) => reviewLike(i)),
        2,
      );
    });
  });

  describe('when a Map numbers its keys (each value its position)', () => {
    it('saves no values and reads each key back as its position, as a LazyMap over it does', () => {
      const numbering = new Map(Array.from({ length: 40 }, (_, i) => [`k${(i * 7) % 40}`, i]));
      const table = saved(numbering);
      expect(table.numbering).toBe(true);
      expect(table.starts).toHaveLength(0);
      expect(table.values.ops).toHaveLength(0);
      const entries = new SavedEntries(table, ENGINE_CLASSES);
      for (const [k, v] of numbering) expect(entries.valueAt(entries.find(k))).toBe(v);
      const lazy = new LazyMap<number>(entries);
      expect([...lazy]).toEqual([...numbering]);
    });

    it('saves the values of a Map whose numbers are not its positions', () => {
      for (const values of [
        [1, 0],
        [0, 2],
        [0, '1'],
        [0, 1.5],
      ]) {
        const table = saved(ofValues(values));
        expect(table.numbering).toBe(false);
        expect(readAll(table)).toStrictEqual(values);
      }
    });

    it('refuses a numbering table with values or starts, or without its flag', () => {
      const t = saved(ofValues([0, 1, 2]));
      const other = saved(ofValues([5, 6, 7]));
      const cases: EntryTable[] = [
        { ...t, starts: new Int32Array(6) },
        { ...t, values: other.values },
        { ...t, numbering: undefined as unknown as boolean },
        { ...other, numbering: true },
      ];
      for (const c of cases) expect(() => new SavedEntries(c, ENGINE_CLASSES)).toThrow(corrupt);
    });
  });

  describe('when a table holds doubles or bigints', () => {
    it('saves four starts per entry and reads every entry back', () => {
      for (const odd of [0.5, 10n ** 20n, new Date(Date.UTC(2026, 8, 7))]) {
        savesWithStarts(
          Array.from({ length: 30 }, (_, i) => (i % 10 === 3 ? { odd, n: i } : reviewLike(i))),
          4,
        );
      }
    });
  });

  describe('when the ops fit in 16 bits, and when one does not', () => {
    it('saves Int16 ops when all fit (negatives included), else Int32, and reads both', () => {
      const small = Array.from({ length: 20 }, (_, i) => ({ n: i - 10, list: [32767, -32768] }));
      const narrow = saved(ofValues(small));
      expect(narrow.values.ops).toBeInstanceOf(Int16Array);
      expect(readAll(narrow)).toStrictEqual(small);
      for (const big of [32768, -32769, 70000, 2 ** 31 - 1]) {
        const values = [...small, { n: big, list: [] }];
        const wide = saved(ofValues(values));
        expect(wide.values.ops).toBeInstanceOf(Int32Array);
        expect(readAll(wide)).toStrictEqual(values);
      }
    });

    it('saves string lengths in 8, 16 or 32 bits as the longest string needs, and reads them', () => {
      for (const [n, kind] of [
        [255, Uint8Array],
        [256, Uint16Array],
        [65535, Uint16Array],
        [65536, Int32Array],
      ] as const) {
        const values = ['', 'é', 'x'.repeat(n), { s: 'ab\0c' }];
        const table = saved(ofValues(values));
        expect(table.values.stringLengths).toBeInstanceOf(kind);
        expect(readAll(table)).toStrictEqual(values);
      }
    });

    it('keeps sharing within an entry in both widths (REF ordinals)', () => {
      const list = [1, 2];
      for (const n of [1, 100_000]) {
        const [v] = readAll(saved(ofValues([{ a: list, b: list, n }]))) as {
          a: number[];
          b: number[];
        }[];
        expect(v!.a).toBe(v!.b);
      }
    });
  });

  describe('the bytes of a table, against a straightforward reference', () => {
    /** Serialized as the directory part holds it: what must not change by a byte. */
    const bytes = (table: EntryTable | undefined): Buffer => serialize(table);
    // (`equals`, not `toEqual`: a deep comparison of every byte takes seconds on the larger)
    const expectSame = (a: EntryTable | undefined, b: EntryTable): void =>
      expect(bytes(a).equals(bytes(b))).toBe(true);

    const unit = fc.constantFrom('a', 'b', 'Z', '-', '0', '9', 'é', 'ÿ', '\0', '“', '😀');
    const text = fc.oneof(
      { weight: 8, arbitrary: fc.string({ unit, maxLength: 8 }) },
      {
        weight: 1,
        arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 250, maxLength: 300 }),
      },
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer({ min: -40_000, max: 40_000 }),
        fc.constantFrom(0.5, -0, NaN, 2 ** 40, 1788519664000, Infinity),
        fc.constantFrom(true, false, null, undefined, 7n, new Date(0)),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.sparseArray(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'sellerId', 'rating'), tie('value'), {
          maxKeys: 3,
        }),
        fc
          .dictionary(fc.constantFrom('a', 'b'), tie('value'), { maxKeys: 2 })
          .map((o) => Object.assign(Object.create(null) as object, o)),
        fc
          .tuple(fc.dictionary(fc.constantFrom('a', 'b'), tie('value'), { maxKeys: 2 }), fc.nat(2))
          .map(([o, how]) => [Object.freeze, Object.seal, Object.preventExtensions][how]!(o)),
        fc.array(fc.tuple(text, tie('value')), { maxLength: 3 }).map((e) => new Map(e)),
        fc.array(fc.oneof(text, fc.integer()), { maxLength: 3 }).map((e) => new Set(e)),
        // one object twice in an entry: a REF to it
        tie('value').map((v) => ({ a: v, b: [v, v] })),
      ),
    }));

    it("writes the reference's bytes for any Map of such values, keys in order or not", () => {
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.string({ unit, maxLength: 6 }), { maxLength: 40 }),
          fc.array(value, { minLength: 40, maxLength: 40 }),
          fc.boolean(),
          (keys, values, sorted) => {
            if (sorted) keys.sort();
            const map = new Map(keys.map((k, i) => [k, values[i]]));
            expectSame(entryTable(map, ENGINE_CLASSES, 'm'), referenceEntryTable(map));
          },
        ),
        { numRuns: 300 },
      );
    });

    it("writes the reference's bytes for every table of a directory fed a stream", () => {
      // tickets, reviews and reports in an order that is not their ids' (as a ledger holds
      // them), some reviews written twice, one reviewer with many reviews
      const s = new Stream();
      for (let i = 0; i < 40; i++)
        s.seller(`s-${String(i).padStart(3, '0')}`, i % 3 ? 'toys' : 'garden');
      for (let i = 0; i < 600; i++) {
        const id = `r-${String((i * 7919) % 600).padStart(4, '0')}`;
        const reviewer = i % 5 === 0 ? 'u-many' : `u-${i % 97}`;
        s.review(id, `s-${String(i % 40).padStart(3, '0')}`, reviewer, ((i % 5) + 1) as 1);
        if (i % 11 === 0) s.report(id, at(i % 9, i % 24));
      }
      for (let i = 0; i < 300; i++) {
        const seller = `s-${String((i * 13) % 40).padStart(3, '0')}`;
        s.ticket(`t-${String((i * 37) % 300).padStart(4, '0')}`, seller, `e-${i % 7}`, {
          ...(i % 3 ? { closedAt: at(i % 5, 3) } : {}),
          ...(i % 4 ? { reviewId: `r-${String(i).padStart(4, '0')}` } : {}),
        });
        if (i % 9 === 0) s.assign(`e-${i % 7}`, seller);
      }
      const view = new DirectoryView();
      view.replay(s.records);
      const record = view as unknown as Record<string, unknown>;
      const maps = Object.keys(view).filter((k) => record[k] instanceof Map && k !== 'employees');
      // sellers' categories and numbers, people's numbers, assignments (the kinds counted in
      // hundreds of thousands are `StringNumbering`s, saved as their own columns)
      expect(maps.length).toBeGreaterThanOrEqual(4);
      for (const k of maps) {
        const map = record[k] as Map<string, unknown>;
        expect(map.size).toBeGreaterThan(0);
        expectSame(entryTable(map, ENGINE_CLASSES, k), referenceEntryTable(map));
      }
    });

    it('writes the same bytes when its ops and string lengths must widen late in the table', () => {
      // thousands of narrow entries first: the buffers are sized and narrow by then
      const values: unknown[] = Array.from({ length: 5000 }, (_, i) => reviewLike(i));
      for (const late of [{ n: 40_000 }, { s: 'x'.repeat(300) }, { s: 'y'.repeat(70_000) }]) {
        const map = ofValues([...values, late, reviewLike(1)]);
        expectSame(entryTable(map, ENGINE_CLASSES, 'm'), referenceEntryTable(map));
        expect(readAll(saved(map)).at(-2)).toStrictEqual(late);
      }
      // more entries than the count said: the starts grow (to an even size) as they must
      const many = ofValues(values.slice(0, 3001));
      const told = TapeWriter.writeEntries(many.values(), ENGINE_CLASSES, 'm', 7);
      const exact = entryTable(many, ENGINE_CLASSES, 'm')!;
      expect(Array.from(told.starts)).toEqual(Array.from(exact.starts));
      expect(serialize(told.tape).equals(serialize(exact.values))).toBe(true);
      // a shape numbered past 16 bits: its id is written after the object's values
      const shapes = ofValues(Array.from({ length: 33_000 }, (_, i) => ({ [`f${i}`]: i % 100 })));
      expectSame(entryTable(shapes, ENGINE_CLASSES, 'm'), referenceEntryTable(shapes));
    });
  });

  describe('when the table is damaged', () => {
    const base = (): EntryTable =>
      saved(ofValues(Array.from({ length: 5 }, (_, i) => ({ i, s: `v${i}` }))));
    const wide = (): EntryTable =>
      saved(ofValues(Array.from({ length: 5 }, (_, i) => ({ i: i * 100_000, d: i + 0.5 }))));

    it('refuses starts of the wrong length for the width it declares, or an unknown width', () => {
      const t = base();
      expect(t.startsPerEntry).toBe(2);
      const cases: EntryTable[] = [
        { ...t, startsPerEntry: 4 },
        { ...t, startsPerEntry: 3 as 2 },
        { ...t, startsPerEntry: undefined as unknown as 2 },
        { ...t, starts: t.starts.subarray(0, t.starts.length - 1) },
        { ...wide(), startsPerEntry: 2 },
        { ...t, starts: new Uint32Array(t.starts) as unknown as Int32Array },
      ];
      for (const c of cases) expect(() => new SavedEntries(c, ENGINE_CLASSES)).toThrow(corrupt);
    });

    it('refuses two starts per entry over a tape with doubles or bigints', () => {
      const t = wide();
      const pairs = new Int32Array(10);
      for (let i = 0; i < 5; i++) pairs.set(t.starts.subarray(4 * i, 4 * i + 2), 2 * i);
      const c: EntryTable = { ...t, starts: pairs, startsPerEntry: 2 };
      expect(() => new SavedEntries(c, ENGINE_CLASSES)).toThrow(corrupt);
    });

    it('refuses string lengths of another type, or beyond the strings', () => {
      const t = base();
      for (const stringLengths of [
        Float64Array.from(t.values.stringLengths!),
        Int16Array.from(t.values.stringLengths!),
        Uint8Array.from(t.values.stringLengths!, (n, i) => (i === 0 ? n + 1 : n)),
      ]) {
        const c = { ...t, values: { ...t.values, stringLengths } } as unknown as EntryTable;
        expect(() => new SavedEntries(c, ENGINE_CLASSES)).toThrow(corrupt);
      }
    });

    it('refuses ops of another type', () => {
      const t = base();
      for (const ops of [
        new Uint16Array(t.values.ops),
        new Uint32Array(t.values.ops),
        new Float64Array(t.values.ops),
        Array.from(t.values.ops),
      ]) {
        const c = { ...t, values: { ...t.values, ops } } as unknown as EntryTable;
        expect(() => new SavedEntries(c, ENGINE_CLASSES)).toThrow(corrupt);
      }
    });

    it('refuses truncated arrays, at once or when the entry is read', () => {
      for (const t of [base(), wide()]) {
        const cut = <T extends { subarray(a: number, b: number): T; length: number }>(a: T): T =>
          a.subarray(0, a.length - 1);
        for (const c of [
          { ...t, keyEnds: cut(t.keyEnds) },
          { ...t, order: cut(t.order) },
          { ...t, starts: cut(t.starts) },
          { ...t, keys: t.keys.slice(0, -1) },
        ])
          expect(() => new SavedEntries(c, ENGINE_CLASSES)).toThrow(corrupt);
        const shortOps: EntryTable = {
          ...t,
          values: { ...t.values, ops: cut(t.values.ops as Int32Array) },
        };
        expect(() => readAll(shortOps)).toThrow(corrupt);
        const noDoubles = { ...t, values: { ...t.values, doubles: new Float64Array(0) } };
        if (t.startsPerEntry === 4) expect(() => readAll(noDoubles)).toThrow(corrupt);
      }
    });

    it('refuses starts out of order or beyond the ops', () => {
      for (const t of [base(), wide()]) {
        const w = t.startsPerEntry;
        const swapped = Int32Array.from(t.starts);
        [swapped[w], swapped[2 * w]] = [swapped[2 * w]!, swapped[w]!];
        const beyond = Int32Array.from(t.starts);
        beyond[4 * w] = t.values.ops.length + 3;
        for (const starts of [swapped, beyond])
          expect(() => readAll({ ...t, starts })).toThrow(corrupt);
      }
    });

    it('refuses an entry whose ops run on past its value (the next entry moved later)', () => {
      for (const t of [base(), wide()]) {
        const w = t.startsPerEntry;
        const later = Int32Array.from(t.starts);
        later[w]! += 1; // entry 0 now claims the first op of entry 1
        const entries = new SavedEntries({ ...t, starts: later }, ENGINE_CLASSES);
        expect(() => entries.valueAt(0)).toThrow(corrupt);
        expect(() => entries.valueAt(0)).toThrow(/ops left over/);
      }
    });

    it('refuses an Int16 tape read whole', () => {
      const t = base();
      expect(t.values.ops).toBeInstanceOf(Int16Array);
      expect(() => TapeReader.read(t.values, ENGINE_CLASSES)).toThrow(corrupt);
    });
  });

  describe('when the directory part was saved in an older format', () => {
    it('is refused as CORRUPT before any of it is read', () => {
      const old = serialize({ format: TAPE_FORMAT - 1, fields: [], parts: [] });
      expect(() => restoreEngine(Buffer.alloc(0), old)).toThrow(corrupt);
    });
  });
});
