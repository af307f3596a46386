/**
 * Storage layout of the log's hashes as tiles of height 8.
 *
 * Tile (tileLevel t, tileIndex i) covers node levels 8t … 8t+7 of the 256-leaf-wide
 * subtree whose base is nodes [256·i, 256·i + 256) of level 8t (level 0 = leaf hashes).
 * It holds every COMPLETE node hash of that subtree on those levels: up to 256 at level
 * 8t, 128 at 8t+1, …, 2 at 8t+7 — 510 hashes when full. The subtree's own root (level
 * 8t+8) is a base node of tile level t+1.
 *
 * Byte layout: the 32-byte hashes concatenated in POST-ORDER, i.e. in the order the
 * nodes become complete as the log grows. Base node w (0-based) is followed by the
 * parents it completes, lowest level first:
 *
 *   b0 b1 [L1:0] b2 b3 [L1:1] [L2:0] b4 b5 [L1:2] b6 b7 [L1:3] [L2:1] [L3:0] …
 *
 * so node (level j of the tile, local index x) sits at hash slot
 * `hashesBefore((x+1)·2^j − 1) + j`, where `hashesBefore(w) = Σ_{j<8} ⌊w/2^j⌋` counts the
 * complete nodes over w base nodes. Consequences:
 * - a partial tile (the right edge) is a byte PREFIX of the full tile it will become, so
 *   appending never rewrites stored bytes;
 * - `hashesBefore` is strictly increasing, so a tile's length (32·hashesBefore(w)) tells
 *   how many base nodes w it has; any other length is malformed.
 */
import { LedgerError } from './errors.js';
import { HASH_SIZE } from './hash.js';
import { pow2 } from './tree-math.js';

/** Node levels per tile. */
export const TILE_HEIGHT = 8;
/** Base nodes per full tile. */
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

/** A stored tile: the argument of a tile loader and the result of `takeDirtyTiles`. */
export interface Tile {
  readonly tileLevel: number;
  readonly tileIndex: number;
  readonly data: Buffer;
}

/** Reads a stored tile, or `undefined` if there is none. */
export type TileLoader = (tileLevel: number, tileIndex: number) => Buffer | undefined;

// HASHES_BEFORE[w] = number of complete nodes of a tile with w base nodes.
const HASHES_BEFORE: readonly number[] = Array.from({ length: TILE_WIDTH + 1 }, (_, w) => {
  let count = 0;
  for (let level = 0; level < TILE_HEIGHT; level++) count += Math.floor(w / 2 ** level);
  return count;
});

/** Hashes in a full tile (510). */
export const FULL_TILE_HASHES = HASHES_BEFORE[TILE_WIDTH] as number;

// WIDTH_OF_COUNT[c] = w such that HASHES_BEFORE[w] = c, or -1 if no tile holds c hashes.
const WIDTH_OF_COUNT: readonly number[] = (() => {
  const widths = new Array<number>(FULL_TILE_HASHES + 1).fill(-1);
  HASHES_BEFORE.forEach((count, width) => (widths[count] = width));
  return widths;
})();

/** Hashes stored by a tile with `width` base nodes. */
export function hashesInTile(width: number): number {
  return HASHES_BEFORE[width] ?? Number.NaN;
}

/** Byte offset of node (level `j` of the tile, local index `x`) in a tile's data. */
export function offsetInTile(j: number, x: number): number {
  const hashesBefore = HASHES_BEFORE[(x + 1) * pow2(j) - 1];
  if (hashesBefore === undefined) throw new RangeError(`no node (${String(j)}, ${String(x)})`);
  return (hashesBefore + j) * HASH_SIZE;
}

/** The number of base nodes of a stored tile; throws `MALFORMED_TILE` for a bad length. */
export function tileWidth(tile: Tile): number {
  const { length } = tile.data;
  const width = length % HASH_SIZE === 0 ? (WIDTH_OF_COUNT[length / HASH_SIZE] ?? -1) : -1;
  if (width <= 0) {
    throw new LedgerError(
      'MALFORMED_TILE',
      `tile ${String(tile.tileLevel)}/${String(tile.tileIndex)} is ${String(length)} bytes, which no tile can be`,
    );
  }
  return width;
}
