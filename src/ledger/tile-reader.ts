import { LedgerError } from './errors.js';
import { HASH_SIZE } from './hash.js';
import type { NodeReader } from './proofs.js';
import { TILE_HEIGHT, offsetInTile, tileWidth } from './tile-layout.js';
import type { TileLoader } from './tile-layout.js';
import { pow2 } from './tree-math.js';

/** Levels above 52 cannot hold a complete node of a tree below 2^53 leaves. */
const MAX_LEVEL = 52;

/**
 * Answers `node(level, index)` from stored tiles (layout in `tile-layout.ts`), keeping the last
 * `cacheSize` tiles it loaded. A cached partial tile that is too short for a node is loaded
 * again, so one reader can serve a log that keeps growing.
 *
 * Returned buffers are views into the cached tiles: read them, do not write them.
 */
export class TileReader implements NodeReader {
  readonly #load: TileLoader;
  readonly #cacheSize: number;
  readonly #cache = new Map<number, Buffer>();

  constructor(load: TileLoader, options: { readonly cacheSize?: number } = {}) {
    this.#load = load;
    this.#cacheSize = Math.max(1, options.cacheSize ?? 64);
  }

  node(level: number, index: number): Buffer {
    if (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL) {
      throw missing(level, index, 'the level is out of range');
    }
    if (!Number.isSafeInteger(index) || index < 0) {
      throw missing(level, index, 'the index is out of range');
    }
    const t = Math.floor(level / TILE_HEIGHT);
    const j = level - TILE_HEIGHT * t;
    const perTile = pow2(TILE_HEIGHT - j);
    const tileIndex = Math.floor(index / perTile);
    const offset = offsetInTile(j, index - tileIndex * perTile);
    const end = offset + HASH_SIZE;
    let data = this.#cached(t, tileIndex);
    if (data === undefined || data.length < end) data = this.#loadTile(t, tileIndex);
    if (data === undefined || data.length < end) {
      throw missing(level, index, `tile ${String(t)}/${String(tileIndex)} does not hold it yet`);
    }
    return data.subarray(offset, end);
  }

  #cached(t: number, tileIndex: number): Buffer | undefined {
    const key = cacheKey(t, tileIndex);
    const data = this.#cache.get(key);
    if (data !== undefined) {
      this.#cache.delete(key); // least recently used first: move to the end
      this.#cache.set(key, data);
    }
    return data;
  }

  #loadTile(t: number, tileIndex: number): Buffer | undefined {
    const data = this.#load(t, tileIndex);
    if (data === undefined) return undefined;
    tileWidth({ tileLevel: t, tileIndex, data }); // throws MALFORMED_TILE on a bad length
    const key = cacheKey(t, tileIndex);
    this.#cache.delete(key);
    this.#cache.set(key, data);
    if (this.#cache.size > this.#cacheSize) {
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) this.#cache.delete(oldest.value);
    }
    return data;
  }
}

/** Tile levels are < 8 (levels ≤ 52), so this is unique and stays below 2^53. */
function cacheKey(t: number, tileIndex: number): number {
  return tileIndex * 8 + t;
}

function missing(level: number, index: number, why: string): LedgerError {
  return new LedgerError(
    'NODE_MISSING',
    `node ${String(level)}/${String(index)} is not stored: ${why}`,
  );
}
