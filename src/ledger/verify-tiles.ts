import type { Store, StoredTile } from '../store/index.js';
import { HASH_SIZE } from './hash.js';
import type { Flushed } from './leaf-appender.js';
import { FULL_TILE_HASHES, TILE_WIDTH, offsetInTile } from './tiles.js';
import type { VerifyProblem } from './verify-problem.js';

/**
 * Compares recomputed tiles with the stored ones: each full tile once, as it fills; each
 * partial tile (the right edge) in its final form at the end of the pass.
 */
export class TileCheck {
  readonly leafProblems: VerifyProblem[] = [];
  /** Interior mismatches: consequences of a leaf mismatch, or causes of their own. */
  readonly upperProblems: VerifyProblem[] = [];
  compared = 0;
  readonly #partial = new Map<string, StoredTile>();

  constructor(private readonly store: Store) {}

  async compare(flushed: Flushed, final: boolean): Promise<void> {
    for (const tile of flushed.tiles) {
      const key = `${tile.tileLevel}/${tile.tileIndex}`;
      if (tile.data.length === FULL_TILE_HASHES * HASH_SIZE) {
        this.#partial.delete(key);
        await this.#check(tile);
      } else {
        this.#partial.set(key, tile);
      }
    }
    if (!final) return;
    for (const tile of this.#partial.values()) await this.#check(tile);
    this.#partial.clear();
  }

  async #check(tile: StoredTile): Promise<void> {
    this.compared++;
    const problem = compareTile(
      tile,
      await this.store.ledger.getTile(tile.tileLevel, tile.tileIndex),
    );
    if (problem) (tile.tileLevel === 0 ? this.leafProblems : this.upperProblems).push(problem);
  }
}

function compareTile(mine: StoredTile, stored: Buffer | undefined): VerifyProblem | undefined {
  const first = mine.tileIndex * TILE_WIDTH ** (mine.tileLevel + 1);
  if (stored?.equals(mine.data)) return undefined;
  if (!stored) {
    return {
      index: first,
      code: 'TILE_MISSING',
      message: `tile ${mine.tileLevel}/${mine.tileIndex} (leaves from ${first}) is not stored`,
    };
  }
  if (mine.tileLevel === 0) {
    for (let x = 0; x < TILE_WIDTH; x++) {
      const at = offsetInTile(0, x);
      if (at + HASH_SIZE > mine.data.length) break;
      if (!stored.subarray(at, at + HASH_SIZE).equals(mine.data.subarray(at, at + HASH_SIZE))) {
        return {
          index: first + x,
          code: 'LEAF_MISMATCH',
          message: `the record at index ${first + x} does not hash to its leaf`,
        };
      }
    }
  }
  return {
    index: first,
    code: 'TILE_MISMATCH',
    message: `stored hashes of tile ${mine.tileLevel}/${mine.tileIndex} (leaves from ${first}) differ from the recomputed ones`,
  };
}
