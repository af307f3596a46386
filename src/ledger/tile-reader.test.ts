import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import { MemoryTiles, growTree, syntheticLeaf } from './test-support.js';
import { TileReader } from './tile-reader.js';
import { TileWriter } from './tile-writer.js';
import { nodeHash } from './hash.js';

const code = (run: () => unknown) => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof LedgerError ? error.code : 'crash';
  }
};

describe('TileReader', () => {
  describe('when the tiles hold the node', () => {
    it('answers every level from the right tile', () => {
      const { store } = growTree(70_000);
      const reader = store.reader();
      expect(reader.node(0, 69_999)).toEqual(syntheticLeaf(69_999));
      // Level 16 (base of tile level 2) = 65,536 leaves; its children are in tile level 1.
      expect(reader.node(16, 0)).toEqual(nodeHash(reader.node(15, 0), reader.node(15, 1)));
      expect(reader.node(8, 272)).toEqual(nodeHash(reader.node(7, 544), reader.node(7, 545)));
      expect(code(() => reader.node(16, 1))).toBe('NODE_MISSING');
      expect(code(() => reader.node(0, 70_000))).toBe('NODE_MISSING');
    });
  });

  describe('when a cached partial tile is too short for a newer node', () => {
    it('loads the tile again', () => {
      const writer = new TileWriter();
      const store = new MemoryTiles();
      const reader = store.reader();
      writer.append(syntheticLeaf(0));
      store.save(writer.takeDirtyTiles());
      expect(reader.node(0, 0)).toEqual(syntheticLeaf(0));
      writer.append(syntheticLeaf(1));
      store.save(writer.takeDirtyTiles());
      expect(reader.node(0, 1)).toEqual(syntheticLeaf(1));
    });
  });

  describe('when more tiles are read than the cache holds', () => {
    it('evicts the least recently used tile', () => {
      const { store } = growTree(4 * 256);
      const reader = new TileReader(store.load, { cacheSize: 2 });
      const read = (tile: number) => reader.node(0, tile * 256);
      [0, 1, 0, 2].forEach(read); // evicts tile 1, keeps 0
      const loads = store.loads;
      read(0);
      expect(store.loads).toBe(loads);
      read(1);
      expect(store.loads).toBe(loads + 1);
    });
  });

  describe('when given hostile coordinates or tiles', () => {
    it('throws typed errors', () => {
      const reader = new TileReader(() => Buffer.alloc(33));
      expect(code(() => reader.node(0, 0))).toBe('MALFORMED_TILE');
      const empty = new TileReader(() => undefined);
      expect(code(() => empty.node(0, 0))).toBe('NODE_MISSING');
      expect(code(() => empty.node(-1, 0))).toBe('NODE_MISSING');
      expect(code(() => empty.node(53, 0))).toBe('NODE_MISSING');
      expect(code(() => empty.node(0, 2 ** 53))).toBe('NODE_MISSING');
      expect(code(() => empty.node(0, 0.5))).toBe('NODE_MISSING');
    });
  });
});
