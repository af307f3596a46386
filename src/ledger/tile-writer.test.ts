import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT } from './hash.js';
import { leafHash } from './hash.js';
import { treeRoot } from './proofs.js';
import {
  MemoryTiles,
  growTree,
  hex,
  readVectors,
  syntheticLeaf,
  vectorsMissing,
} from './test-support.js';
import { TileWriter } from './tile-writer.js';

// Origin: transparency-dev/merkle testonly/constants.go, via ../shared/data (SOURCES.md §2).
interface ReferenceTree {
  readonly leafInputs: string[];
  readonly nodeHashes: { readonly levels: string[][] };
  readonly rootsBySize: { readonly roots: string[] };
}

const code = (run: () => unknown) => {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof LedgerError) return error.code;
    throw error;
  }
};

describe('TileWriter', () => {
  describe.skipIf(vectorsMissing !== undefined)('when given the RFC 6962 reference tree', () => {
    const tree = readVectors<ReferenceTree>('merkle/rfc6962-reference-tree.json');
    const leaves = tree.leafInputs.map((input) => leafHash(hex(input)));

    it('computes the root of every size 0..8, in memory and from its stored tiles', () => {
      const writer = new TileWriter();
      const store = new MemoryTiles();
      tree.rootsBySize.roots.forEach((root, size) => {
        if (size > 0) writer.append(leaves[size - 1] as Buffer);
        store.save(writer.takeDirtyTiles());
        expect(writer.root().toString('hex')).toBe(root);
        expect(treeRoot(size, store.reader()).toString('hex')).toBe(root);
      });
    });

    it('stores every node hash of the full tree', () => {
      const writer = new TileWriter();
      leaves.forEach((leaf) => writer.append(leaf));
      const store = new MemoryTiles();
      store.save(writer.takeDirtyTiles());
      const reader = store.reader();
      tree.nodeHashes.levels.forEach((level, l) =>
        level.forEach((want, i) => expect(reader.node(l, i).toString('hex')).toBe(want)),
      );
    });
  });

  describe('when restarted from its persisted tiles at arbitrary sizes', () => {
    it('gives the same roots and tiles as one uninterrupted writer', () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 8 }),
          (chunks) => {
            const steady = new TileWriter();
            const steadyTiles = new MemoryTiles();
            const store = new MemoryTiles();
            let restarted = new TileWriter();
            let next = 0;
            for (const chunk of chunks) {
              for (let i = 0; i < chunk; i++, next++) {
                steady.append(syntheticLeaf(next));
                restarted.append(syntheticLeaf(next));
              }
              steadyTiles.save(steady.takeDirtyTiles());
              store.save(restarted.takeDirtyTiles());
              restarted = new TileWriter(restarted.size, store.load);
              expect(restarted.root()).toEqual(steady.root());
            }
            expect([...store.tiles.keys()].sort()).toEqual([...steadyTiles.tiles.keys()].sort());
            for (const [key, data] of store.tiles) {
              expect(data.equals(steadyTiles.tiles.get(key) ?? Buffer.alloc(0)), key).toBe(true);
            }
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  describe('when restarted at tile boundaries from tiles stored at a later size', () => {
    it('cuts the longer tiles back and continues with the same roots', () => {
      const { store, roots } = growTree(65_600);
      for (const size of [1, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537]) {
        const writer = new TileWriter(size, store.load);
        expect(writer.root(), `size ${String(size)}`).toEqual(roots[size]);
        for (let i = size; i < size + 40; i++) writer.append(syntheticLeaf(i));
        expect(writer.root(), `size ${String(size)} + 40`).toEqual(roots[size + 40]);
      }
    });
  });

  describe('when tiles are taken', () => {
    it('hands out each full tile once and partial tiles as prefixes of their full form', () => {
      const writer = new TileWriter();
      const taken = Array.from({ length: 256 }, (_, i) => {
        writer.append(syntheticLeaf(i));
        return writer.takeDirtyTiles();
      });
      const full = taken[255]?.[0];
      expect(full).toMatchObject({ tileLevel: 0, tileIndex: 0 });
      expect(full?.data.length).toBe(510 * 32);
      expect(taken[255]?.slice(1).map(({ tileLevel, data }) => [tileLevel, data.length])).toEqual([
        [1, 32],
      ]);
      for (const [partial] of taken.slice(0, 255)) {
        expect(partial?.tileLevel).toBe(0);
        expect(
          partial?.data.equals(full?.data.subarray(0, partial.data.length) ?? Buffer.alloc(0)),
        ).toBe(true);
      }
      expect(writer.takeDirtyTiles()).toEqual([]);
    });
  });

  describe('when given bad input', () => {
    it('throws typed errors', () => {
      const { store } = growTree(300);
      expect(code(() => new TileWriter().append(Buffer.alloc(31)))).toBe('BAD_HASH_LENGTH');
      expect(code(() => new TileWriter(-1))).toBe('SIZE_OUT_OF_RANGE');
      expect(code(() => new TileWriter(301, store.load))).toBe('MALFORMED_TILE');
      expect(code(() => new TileWriter(1000, store.load))).toBe('NODE_MISSING');
      expect(code(() => new TileWriter(299, store.load))).toBe('ok');
      expect(new TileWriter().root()).toEqual(EMPTY_ROOT);
    });
  });
});
