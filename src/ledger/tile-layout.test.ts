import { describe, expect, it } from 'vitest';
import { HASH_SIZE } from './hash.js';
import {
  FULL_TILE_HASHES,
  TILE_HEIGHT,
  hashesInTile,
  offsetInTile,
  tileWidth,
} from './tile-layout.js';
import type { LedgerError } from './errors.js';

const nodesOfTile = () =>
  Array.from({ length: TILE_HEIGHT }, (_, j) =>
    Array.from({ length: 2 ** (TILE_HEIGHT - j) }, (_, x) => ({ j, x })),
  ).flat();

describe('tile-layout', () => {
  describe('when laying out a full tile', () => {
    it('gives each of the 510 nodes its own slot', () => {
      const slots = nodesOfTile().map(({ j, x }) => offsetInTile(j, x) / HASH_SIZE);
      expect(FULL_TILE_HASHES).toBe(510);
      expect(new Set(slots).size).toBe(510);
      expect(Math.min(...slots)).toBe(0);
      expect(Math.max(...slots)).toBe(509);
    });

    it('puts every node after its children (post-order)', () => {
      for (const { j, x } of nodesOfTile().filter((node) => node.j > 0)) {
        expect(offsetInTile(j, x)).toBeGreaterThan(offsetInTile(j - 1, 2 * x + 1));
        expect(offsetInTile(j - 1, 2 * x + 1)).toBeGreaterThan(offsetInTile(j - 1, 2 * x));
      }
    });

    it('fits the complete nodes of w base nodes into the first hashesInTile(w) slots', () => {
      for (let w = 1; w <= 256; w++) {
        const complete = nodesOfTile().filter(({ j, x }) => (x + 1) * 2 ** j <= w);
        expect(complete).toHaveLength(hashesInTile(w));
        for (const { j, x } of complete)
          expect(offsetInTile(j, x) / HASH_SIZE).toBeLessThan(hashesInTile(w));
      }
    });
  });

  describe('when reading the width of a stored tile', () => {
    it('derives it from the length, and rejects lengths no tile has', () => {
      const tile = (bytes: number) => ({ tileLevel: 0, tileIndex: 0, data: Buffer.alloc(bytes) });
      expect(tileWidth(tile(32))).toBe(1);
      expect(tileWidth(tile(3 * 32))).toBe(2);
      expect(tileWidth(tile(510 * 32))).toBe(256);
      for (const bytes of [0, 31, 2 * 32, 511 * 32]) {
        expect(() => tileWidth(tile(bytes))).toThrow(
          expect.objectContaining({ code: 'MALFORMED_TILE' }) as LedgerError,
        );
      }
    });
  });
});
