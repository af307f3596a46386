import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnapshotError } from './errors.js';
import { TapeReader } from './snapshot-decode.js';
import { TapeWriter } from './snapshot-encode.js';
import type { ClassRegistry, Tape } from './snapshot-format.js';
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';

class Counter {
  n = 0;
  readonly seen = new Map<string, Counter>();
  bump(): number {
    return ++this.n;
  }
}
class Unlisted {
  x = 1;
}
class Tagged extends Map<string, number> {}

const REGISTRY: ClassRegistry = { Counter, Tagged };

const roundTrip = <T>(value: T, registry = REGISTRY): T =>
  TapeReader.read(deserialize(serialize(TapeWriter.write(value, registry))) as Tape, registry) as T;

const refusal = (value: unknown): string => {
  try {
    TapeWriter.write(value, REGISTRY, 'root');
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as SnapshotError).code).toBe('NOT_SNAPSHOTTABLE');
    return (error as SnapshotError).message;
  }
  throw new Error('expected a refusal');
};

describe('engine snapshots (tape)', () => {
  describe('when the state is data', () => {
    it('restores every supported kind of value exactly', () => {
      const value = {
        s: 'naïve \u0000 “quoted”',
        empty: '',
        ints: [0, -1, 2 ** 31 - 1, -(2 ** 31)],
        doubles: [0.5, -0, NaN, Infinity, -Infinity, 2 ** 53, 1e-300],
        flags: [true, false, null, undefined],
        big: 12345678901234567890n,
        // eslint-disable-next-line no-sparse-arrays
        holes: [1, , 3],
        map: new Map<unknown, unknown>([
          ['a', { x: 1 }],
          [2, [new Set(['p', 'q'])]],
        ]),
        date: new Date(Date.UTC(2026, 8, 7)),
        f64: new Float64Array([1.5, -2]),
        i32: new Int32Array([7, 8, 9]),
        dict: Object.assign(Object.create(null) as object, { k: 'v' }),
        frozen: Object.freeze({ a: 1 }),
        proto: JSON.parse('{"__proto__": {"x": 1}}') as object,
      };
      const back = roundTrip(value);
      expect(back).toStrictEqual(value);
      expect(Object.is(back.doubles[1], -0)).toBe(true);
      expect(1 in back.holes).toBe(false);
      expect(Object.getPrototypeOf(back.dict)).toBeNull();
      expect(Object.isFrozen(back.frozen)).toBe(true);
      expect(Object.getPrototypeOf(back.proto)).toBe(Object.prototype);
      expect(Object.keys(back.proto)).toEqual(['__proto__']);
      expect(back.f64).toBeInstanceOf(Float64Array);
    });

    it('keeps shared references and cycles, and views sharing one buffer', () => {
      const shared = { id: 'e-1' };
      const buffer = new ArrayBuffer(16);
      const graph: Record<string, unknown> = {
        a: shared,
        b: new Map([['k', shared]]),
        c: [shared],
        v1: new Uint8Array(buffer, 0, 8),
        v2: new Uint8Array(buffer, 8, 8),
      };
      graph['self'] = graph;
      const back = roundTrip(graph);
      expect(back['b']).toBeInstanceOf(Map);
      expect((back['b'] as Map<string, unknown>).get('k')).toBe(back['a']);
      expect((back['c'] as unknown[])[0]).toBe(back['a']);
      expect(back['self']).toBe(back);
      expect((back['v1'] as Uint8Array).buffer).toBe((back['v2'] as Uint8Array).buffer);
    });

    it('restores registered classes without their constructors, methods and all', () => {
      const c = new Counter();
      c.bump();
      c.seen.set('me', c);
      const t = new Tagged([['x', 1]]);
      const back = roundTrip({ c, t });
      expect(back.c).toBeInstanceOf(Counter);
      expect(back.c.bump()).toBe(2);
      expect(back.c.seen.get('me')).toBe(back.c);
      expect(back.t).toBeInstanceOf(Tagged);
      expect(back.t.get('x')).toBe(1);
    });

    it('round-trips any graph of JSON-like values, Maps and Sets', () => {
      const { tree } = fc.letrec((tie) => ({
        tree: fc.oneof(
          { depthSize: 'small' },
          fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null)),
          fc.array(tie('tree'), { maxLength: 5 }),
          fc.dictionary(fc.string(), tie('tree'), { maxKeys: 5 }),
          fc.array(fc.tuple(fc.string(), tie('tree')), { maxLength: 5 }).map((e) => new Map(e)),
          fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 5 }).map((e) => new Set(e)),
        ),
      }));
      fc.assert(
        fc.property(tree, (v) => {
          expect(roundTrip(v)).toStrictEqual(v);
        }),
      );
    });
  });

  describe('the bytes it writes', () => {
    /** What the tape's strings were before they were copied as met: the strings, joined. */
    const joined = (strings: readonly string[], withLengths: boolean): Partial<Tape> =>
      !withLengths && strings.length > 0 && !strings.some((s) => s.includes('\0'))
        ? { strings: strings.join('\0'), stringLengths: undefined }
        : { strings: strings.join(''), stringLengths: Int32Array.from(strings, (s) => s.length) };

    it('joins the strings as one string, V8 writing the same bytes, whatever they hold', () => {
      const unit = fc.constantFrom('a', 'Z', '\0', 'é', 'ÿ', '“', '😀', '-');
      fc.assert(
        fc.property(fc.array(fc.string({ unit, maxLength: 6 }), { maxLength: 12 }), (strings) => {
          const whole = TapeWriter.write(strings, REGISTRY);
          const entries = TapeWriter.writeEntries(strings, REGISTRY).tape;
          for (const [tape, withLengths] of [
            [whole, false],
            [entries, true],
          ] as const) {
            const expected = joined(strings, withLengths);
            // an entry tape's lengths are as narrow as its longest string allows
            if (withLengths) expect(tape.stringLengths).toBeInstanceOf(Uint8Array);
            const lengths = tape.stringLengths && Int32Array.from(tape.stringLengths);
            expect(lengths).toEqual(expected.stringLengths);
            // one-byte or two-byte as the join was: the same serialized bytes
            expect(serialize(tape.strings)).toEqual(serialize(expected.strings));
          }
        }),
      );
    });

    it('keeps the sharing inside each entry past the first few objects, and none across', () => {
      const people = Array.from({ length: 40 }, (_, i) => ({ id: `e-${i}`, n: i }));
      const entry = { people, again: [...people].reverse(), first: people[0] };
      const { tape, starts, startsPerEntry } = TapeWriter.writeEntries([entry, entry], REGISTRY);
      expect(startsPerEntry).toBe(2);
      const read = TapeReader.cursor(tape, REGISTRY);
      const at = (i: number): typeof entry =>
        read(
          starts[2 * i]!,
          starts[2 * i + 2] ?? tape.ops.length,
          starts[2 * i + 1]!,
          0,
          0,
        ) as typeof entry;
      const [a, b] = [at(0), at(1)];
      expect(a).toStrictEqual(entry);
      expect(a.again[0]).toBe(a.people[39]);
      expect(a.first).toBe(a.people[0]);
      expect(b.people[0]).toBe(b.first);
      expect(b.people[0]).not.toBe(a.people[0]);
    });

    it('are the bytes it has always written, but for the format (entry tapes: narrow arrays)', () => {
      // SHA-256 of these tapes' serialization: the whole tape's, as written before the strings
      // were copied as met, the seen objects listed and the shapes' trie given single-child
      // slots, once its format number is the old one; the entry tape's too, once its ops (Int16
      // here) and string lengths (Uint8) are widened back to Int32
      const people = Array.from({ length: 40 }, (_, i) => ({
        id: `e-${i}`,
        team: i % 3 === 0 ? 'naïve' : `t${i % 5}`,
        at: i * 1.5,
        n: i,
      }));
      const c = new Counter();
      c.n = 3;
      c.seen.set('me', c);
      const fixture = {
        people,
        again: people.slice(5, 30).reverse(),
        byTeam: new Map(people.map((p) => [p.id, [p, people[(p.n * 7) % 40]]])),
        tags: new Set(['a', '', '\u0000x', '“quoted”', 'z']),
        mixed: [
          1,
          -0,
          2 ** 40,
          'x',
          null,
          undefined,
          true,
          12n,
          new Date(0),
          new Int32Array([1, 2, 3]),
        ],
        shapes: [
          { a: 1 },
          { a: 1, b: 2 },
          { b: 2, a: 1 },
          Object.assign(Object.create(null) as object, { k: 'v' }),
          Object.freeze({ f: 1 }),
        ],
        c,
      };
      const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
      const whole = TapeWriter.write(fixture, REGISTRY);
      expect(whole.ops).toBeInstanceOf(Int32Array);
      expect(sha(serialize({ ...whole, format: 2 }))).toBe(
        '69888ec6a0502b7b22a52c426517addbfde3fe26a7620ac5880df7780c234a0c',
      );
      const entries = TapeWriter.writeEntries(
        [...fixture.byTeam.values(), fixture.people, 'plain', fixture.shapes],
        REGISTRY,
      );
      expect(entries.tape.ops).toBeInstanceOf(Int16Array);
      expect(entries.startsPerEntry).toBe(4); // it holds doubles
      const wide = {
        ...entries.tape,
        format: 2,
        ops: Int32Array.from(entries.tape.ops),
        stringLengths: Int32Array.from(entries.tape.stringLengths!),
      };
      expect(sha(serialize(wide))).toBe(
        'd700d65a3e1e2379e639d9376ae7650ea82594284dd0e9cbc16cfceb07579eef',
      );
      const { buffer, byteOffset, byteLength } = entries.starts;
      expect(sha(new Uint8Array(buffer, byteOffset, byteLength))).toBe(
        'dcf0729430af9c66e6054c7f727d163f0a84fd9ff4bd79b7d011c9042b42b244',
      );
    });
  });

  describe('when the state holds what cannot be restored faithfully', () => {
    it('refuses at snapshot time, naming the path', () => {
      const withClosure = { a: { b: new Map([['k', { f: () => 1 }]]) } };
      expect(refusal(withClosure)).toMatch(/a function .* at root\.a\.b\.get\("k"\)\.f/);
      expect(refusal({ list: [new Unlisted()] })).toMatch(
        /instance of Unlisted, a class not in the snapshot registry at root\.list\[0\]/,
      );
      expect(refusal({ x: { [Symbol('s')]: 1 } })).toMatch(/symbol-keyed property at root\.x/);
      const accessor = Object.defineProperty({}, 'g', { get: () => 1, enumerable: true });
      expect(refusal({ y: accessor })).toMatch(/accessor property 'g' at root\.y/);
      const hidden = Object.defineProperty({}, 'h', { value: 1, enumerable: false });
      expect(refusal({ z: hidden })).toMatch(/non-enumerable property at root\.z/);
      expect(refusal({ w: new WeakMap() })).toMatch(/WeakMap.* at root\.w/);
      expect(refusal({ p: new Proxy({}, {}) })).toMatch(/proxy at root\.p/);
      expect(refusal({ sym: Symbol('v') })).toMatch(/a symbol at root\.sym/);
      expect(refusal({ buf: Buffer.from('x') })).toMatch(/Buffer.* at root\.buf/);
      const tagged = Object.assign(new Map(), { extra: 1 });
      expect(refusal({ m: tagged })).toMatch(/Map with properties of its own at root\.m/);
    });
  });

  describe('when a table of one shape holds an odd entry', () => {
    const entries = (odd: unknown, at = 700): unknown[] =>
      Array.from({ length: 1000 }, (_, i) =>
        i === at ? odd : { productId: `p-${i}`, reviewerId: `u-${i % 7}`, rating: 1 + (i % 5) },
      );
    const readEntries = (values: unknown[]): unknown[] => {
      const { tape, starts, startsPerEntry: w } = TapeWriter.writeEntries(values, REGISTRY, 't');
      const read = TapeReader.cursor(deserialize(serialize(tape)) as Tape, REGISTRY);
      return values.map((_, i) =>
        read(starts[w * i]!, starts[w * (i + 1)] ?? tape.ops.length, starts[w * i + 1]!, 0, 0),
      );
    };
    const entryRefusal = (values: unknown[]): SnapshotError => {
      try {
        TapeWriter.writeEntries(values, REGISTRY, 'table', values.length);
      } catch (error) {
        expect(error).toBeInstanceOf(SnapshotError);
        return error as SnapshotError;
      }
      throw new Error('expected a refusal');
    };

    it('keeps the integrity of each object: one frozen, one sealed among extensible ones', () => {
      const frozen = Object.freeze({ productId: 'p-f', reviewerId: 'u-f', rating: 2 });
      const sealed = Object.seal({ productId: 'p-s', reviewerId: 'u-s', rating: 3 });
      const values = entries(frozen);
      values[800] = sealed;
      const back = readEntries(values) as object[];
      expect(back).toStrictEqual(values);
      expect(Object.isFrozen(back[700])).toBe(true);
      expect(Object.isSealed(back[800]) && !Object.isFrozen(back[800])).toBe(true);
      expect(back.filter((o) => !Object.isExtensible(o))).toHaveLength(2);
    });

    it('refuses what it refuses in the first entry, deep in the table too', () => {
      const accessor = Object.defineProperty({ productId: 'p-a' }, 'rating', {
        get: () => 1,
        enumerable: true,
      });
      for (const odd of [
        { productId: 'p-x', reviewerId: 'u-x', rating: () => 1 },
        { productId: 'p-x', reviewerId: new Unlisted(), rating: 1 },
        accessor,
        { productId: 'p-x', reviewerId: 'u-x', rating: new Proxy({}, {}) },
        { productId: 'p-x', reviewerId: 'u-x', rating: Symbol('s') },
        { productId: 'p-x', reviewerId: 'u-x', rating: new WeakMap() },
      ]) {
        const error = entryRefusal(entries(odd));
        expect(error.code).toBe('NOT_SNAPSHOTTABLE');
        expect(error.message).toMatch(/in an entry of table/);
      }
    });
  });

  describe('when the bytes are damaged', () => {
    it('fails with CORRUPT or UNKNOWN_CLASS, never a wrong graph', () => {
      const tape = TapeWriter.write({ c: new Counter(), s: ['a', 'b'] }, REGISTRY);
      const cut: Tape = { ...tape, ops: tape.ops.slice(0, tape.ops.length - 2) };
      expect(() => TapeReader.read(cut, REGISTRY)).toThrow(
        expect.objectContaining({ code: 'CORRUPT' }) as Error,
      );
      const badOp: Tape = { ...tape, ops: tape.ops.map((op, i) => (i === 0 ? 99 : op)) };
      expect(() => TapeReader.read(badOp, REGISTRY)).toThrow(
        expect.objectContaining({ code: 'CORRUPT' }) as Error,
      );
      expect(() => TapeReader.read(tape, { Tagged })).toThrow(
        expect.objectContaining({ code: 'UNKNOWN_CLASS' }) as Error,
      );
      expect(() => TapeReader.read({ format: 0 } as unknown as Tape, REGISTRY)).toThrow(
        expect.objectContaining({ code: 'CORRUPT' }) as Error,
      );
    });
  });
});
