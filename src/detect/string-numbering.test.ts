import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { SnapshotError } from './errors.js';
import { TapeReader } from './snapshot-decode.js';
import { TapeWriter } from './snapshot-encode.js';
import type { ClassRegistry, Tape } from './snapshot-format.js';
import { StringNumbering, stringHash } from './string-numbering.js';
import { mulberry32 } from './test-support.js';

const REGISTRY: ClassRegistry = { StringNumbering };

/** The numbering saved (its saved form through a tape and V8's serializer) and restored. */
function saved(numbering: StringNumbering): Buffer {
  return serialize(TapeWriter.write(numbering.trimmed(), REGISTRY));
}
function restored(bytes: Buffer): StringNumbering {
  const n = TapeReader.read(deserialize(bytes) as Tape, REGISTRY) as StringNumbering;
  n.restored();
  return n;
}

/** `count` distinct ids of varied lengths and alphabets (Latin-1 and beyond it, surrogates). */
function ids(count: number, seed: number, wide = false): string[] {
  const random = mulberry32(seed);
  const out = new Set<string>();
  const alphabet = wide ? ['a', 'é', 'ž', '日', '😀', '-', '0', '9'] : ['a', 'z', '-', '0', '9'];
  while (out.size < count) {
    let id = '';
    const length = 1 + Math.floor(random() * 14);
    for (let i = 0; i < length; i++) id += alphabet[Math.floor(random() * alphabet.length)];
    out.add(id);
  }
  return [...out];
}

describe('a string numbering', () => {
  describe('when keys are numbered', () => {
    it('numbers them in the order first met and answers as a Map would, across growth', () => {
      const keys = ids(20_000, 1);
      const random = mulberry32(2);
      const numbering = new StringNumbering(7);
      const oracle = new Map<string, number>();
      for (let i = 0; i < 60_000; i++) {
        const k = keys[Math.floor(random() * keys.length)]!;
        if (!oracle.has(k)) oracle.set(k, oracle.size);
        expect(numbering.number(k)).toBe(oracle.get(k));
      }
      expect(numbering.size).toBe(oracle.size);
      for (const k of keys) expect(numbering.get(k)).toBe(oracle.get(k) ?? -1);
      expect([...numbering.keys()]).toEqual([...oracle.keys()]);
      // a key is found by its text, not by the string object: a copy of it is the same key
      const first = [...oracle.keys()][0]!;
      expect(numbering.get(`${first} `.slice(0, -1))).toBe(0);
      expect(numbering.get('not one of them')).toBe(-1);
    });

    it('numbers a key read where it stands in a longer text as the key itself', () => {
      // keys of one text, as a feed's chunk holds them: neighbours share prefixes, a key may
      // be another's prefix, be empty, or need two bytes a unit
      const keys = [...ids(3_000, 11), ...ids(3_000, 12, true), '', 'a', 'aa', 'aa'];
      const random = mulberry32(13);
      const read = new StringNumbering(5);
      const sliced = new StringNumbering(5);
      for (let round = 0; round < 3; round++) {
        const chosen = keys.filter(() => random() < 0.7);
        const text = `<${chosen.join('')}>`;
        let at = 1;
        for (const k of chosen) {
          expect(read.numberIn(text, at, at + k.length)).toBe(sliced.number(k));
          at += k.length;
        }
      }
      expect(read.size).toBe(sliced.size);
      expect(saved(read)).toEqual(saved(sliced));
      for (const k of keys) expect(read.get(k)).toBe(sliced.get(k));
    });

    it('gives the same numbers under any seed, and the seed changes the hashes', () => {
      const keys = ids(2_000, 3);
      const a = new StringNumbering(1);
      const b = new StringNumbering(-123_456);
      for (const k of keys) expect(a.number(k)).toBe(b.number(k));
      expect(keys.filter((k) => stringHash(k, 1) === stringHash(k, -123_456)).length).toBeLessThan(
        3,
      );
    });
  });

  describe('when a stream aims its ids at the table', () => {
    it('finds that ids made to share slots under one seed spread under another', () => {
      // an attacker who knows a seed can make ids that all land in one run of slots (the same
      // low bits of the hash), and every look-up then probes the whole run
      const aimed: string[] = [];
      for (let i = 0; aimed.length < 200; i++)
        if ((stringHash(`r-${i}`, 1) & 1023) === 77) aimed.push(`r-${i}`);
      expect(new Set(aimed.map((k) => stringHash(k, 1) & 1023)).size).toBe(1);
      // under the seed the database keeps (unknown to the stream) they fall almost anywhere
      const spread = new Set(aimed.map((k) => stringHash(k, 0x2545f491) & 1023));
      expect(spread.size).toBeGreaterThan(150);
    });
  });

  describe('when saved and restored', () => {
    for (const wide of [false, true])
      it(`answers every saved key, and goes on numbering after them (${wide ? 'two-byte' : 'one-byte'} keys)`, () => {
        const keys = ids(5_000, 4, wide);
        const numbering = new StringNumbering(99);
        for (const k of keys.slice(0, 3_000)) numbering.number(k);
        const back = restored(saved(numbering));
        expect(back.size).toBe(3_000);
        keys.slice(0, 3_000).forEach((k, i) => expect(back.get(k)).toBe(i));
        expect(back.get(keys[4_000]!)).toBe(-1);
        keys.slice(3_000).forEach((k, i) => expect(back.number(k)).toBe(3_000 + i));
        expect([...back.keys()]).toEqual(keys);
        // saved again, the bytes are those of a numbering fed every key at once: a function of
        // the keys and the seed alone, however often it was saved and restored on the way
        const direct = new StringNumbering(99);
        for (const k of keys) direct.number(k);
        expect(saved(back).equals(saved(direct))).toBe(true);
        const twice = restored(saved(restored(saved(back))));
        expect(saved(twice).equals(saved(direct))).toBe(true);
        expect(saved(new StringNumbering(98)).equals(saved(new StringNumbering(99)))).toBe(false);
      });

    it('saves one byte per code unit until a key needs two', () => {
      const narrow = new StringNumbering();
      for (const k of ['r-1', 'r-22', 'ü']) narrow.number(k);
      expect(narrow.trimmed().units).toBeInstanceOf(Uint8Array);
      const back = restored(saved(narrow));
      back.number('日本');
      const units = back.trimmed().units;
      expect(units).toBeInstanceOf(Uint16Array);
      expect([...restored(saved(back)).keys()]).toEqual(['r-1', 'r-22', 'ü', '日本']);
      expect(units.length).toBe('r-1r-22ü日本'.length);
    });

    it('refuses a saved form whose parts disagree', () => {
      const numbering = new StringNumbering(5);
      for (const k of ids(100, 6)) numbering.number(k);
      const form = numbering.trimmed();
      const damaged = (change: (f: Record<string, unknown>) => void): (() => void) => {
        const f = TapeReader.read(
          deserialize(serialize(TapeWriter.write(form, REGISTRY))) as Tape,
          REGISTRY,
        ) as StringNumbering;
        change(f as unknown as Record<string, unknown>);
        return () => f.restored();
      };
      expect(damaged(() => {})).not.toThrow();
      for (const change of [
        (f: Record<string, unknown>) => (f['hashes'] = new Int32Array(99)),
        (f: Record<string, unknown>) => (f['ends'] = (f['ends'] as Int32Array).slice(1)),
        (f: Record<string, unknown>) => (f['units'] = 'r-1r-2'),
        (f: Record<string, unknown>) => (f['units'] = (f['units'] as Uint8Array).slice(1)),
        (f: Record<string, unknown>) => (f['size'] = 101),
        (f: Record<string, unknown>) => (f['slots'] = new Int32Array(4)),
        // saved under one seed, read under another: every look-up would miss
        (f: Record<string, unknown>) => (f['seed'] = 6),
        (f: Record<string, unknown>) => delete f['seed'],
      ])
        expect(damaged(change)).toThrow(SnapshotError);
    });
  });
});
