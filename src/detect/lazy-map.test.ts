import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LazyMap } from './lazy-map.js';
import { SavedEntries, entryTable } from './saved-entries.js';
import { ENGINE_CLASSES } from './snapshot.js';

type Op = ['get' | 'has' | 'delete', string] | ['set', string, number];

const lazyOf = (m: Map<string, unknown>): LazyMap<unknown> =>
  new LazyMap(new SavedEntries(entryTable(m, ENGINE_CLASSES, 'm')!, ENGINE_CLASSES));

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', '', 'é', 'ab', 'x\0y');

describe('LazyMap', () => {
  describe('when restored from a Map and used as one', () => {
    it('answers every get, has, size and iteration as the Map would', () => {
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.tuple(fc.constantFrom('get' as const, 'has' as const, 'delete' as const), key),
        fc.tuple(fc.constant('set' as const), key, fc.integer()),
      );
      fc.assert(
        fc.property(
          fc.array(fc.tuple(key, fc.integer())),
          fc.array(op, { maxLength: 40 }),
          (initial, ops) => {
            const map = new Map<string, unknown>(initial.map(([k, v]) => [k, { v }]));
            const lazy = lazyOf(map);
            for (const o of ops) {
              const [name, k] = o;
              if (o[0] === 'set') {
                map.set(k, { v: o[2] });
                lazy.set(k, { v: o[2] });
              } else if (name === 'get') expect(lazy.get(k)).toEqual(map.get(k));
              else if (name === 'has') expect(lazy.has(k)).toBe(map.has(k));
              else expect(lazy.delete(k)).toBe(map.delete(k));
              expect(lazy.size).toBe(map.size);
            }
            expect([...lazy]).toEqual([...map]);
            expect([...lazy.keys()]).toEqual([...map.keys()]);
            expect(lazyOf(lazy).size).toBe(map.size);
          },
        ),
      );
    });

    it('decodes an entry once: a value changed in place stays changed', () => {
      const lazy = lazyOf(new Map([['k', { list: [1] }]]));
      (lazy.get('k') as { list: number[] }).list.push(2);
      expect(lazy.get('k')).toEqual({ list: [1, 2] });
      expect(lazyOf(lazy).get('k')).toEqual({ list: [1, 2] });
    });
  });

  describe('when its saved entries are damaged', () => {
    it('refuses them whole', () => {
      const table = entryTable(new Map([['a', 1]]), ENGINE_CLASSES, 'm')!;
      expect(
        () => new SavedEntries({ ...table, order: new Int32Array(3) }, ENGINE_CLASSES),
      ).toThrow(/damaged entry table/);
    });
  });
});
