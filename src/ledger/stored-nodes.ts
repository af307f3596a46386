import type { Store } from '../store/index.js';
import { LedgerError } from './errors.js';
import type { NodeReader } from './proofs.js';
import { TileReader } from './tile-reader.js';
import { TILE_WIDTH } from './tiles.js';

/** A tile that a proof needs is not stored. */
export class MissingTileError extends LedgerError {
  constructor(
    readonly tileLevel: number,
    readonly tileIndex: number,
  ) {
    super('NODE_MISSING', `tile ${tileLevel}/${tileIndex} is not stored`);
  }

  /** The first leaf under the tile. */
  get firstLeaf(): number {
    return this.tileIndex * TILE_WIDTH ** (this.tileLevel + 1);
  }
}

/** More tile fetches than any proof over a log of 2^53 leaves needs. */
const MAX_FETCHES = 256;

/**
 * Runs pure proof builders over the tiles stored in a store, holding at most `cacheSize`
 * tiles (bounded memory, whatever the log's size). The store reads asynchronously and the
 * builders are synchronous: a build that meets a tile not yet loaded is run again once it is
 * (the nodes a proof reads depend only on the sizes). A tile the store does not hold is a
 * `NODE_MISSING` error naming it — never a wait.
 */
export class StoredNodes {
  readonly #store: Store;
  readonly #cacheSize: number;
  readonly #tiles = new Map<string, Buffer>();

  constructor(store: Store, cacheSize = 64) {
    this.#store = store;
    this.#cacheSize = cacheSize;
  }

  async run<T>(build: (reader: NodeReader) => T): Promise<T> {
    for (let fetches = 0; fetches <= MAX_FETCHES; fetches++) {
      let miss: [number, number] | undefined;
      const reader = new TileReader(
        (level, index) => {
          const tile = this.#tiles.get(`${level}/${index}`);
          if (tile === undefined) miss ??= [level, index];
          return tile;
        },
        { cacheSize: 4 },
      );
      try {
        return build(reader);
      } catch (error) {
        if (miss === undefined) throw error;
      }
      await this.#fetch(miss[0], miss[1]);
    }
    throw new LedgerError('NODE_MISSING', `a proof needed more than ${MAX_FETCHES} tiles`);
  }

  async #fetch(level: number, index: number): Promise<void> {
    const tile = await this.#store.ledger.getTile(level, index);
    if (tile === undefined) throw new MissingTileError(level, index);
    if (this.#tiles.size >= this.#cacheSize) {
      this.#tiles.delete(this.#tiles.keys().next().value as string);
    }
    this.#tiles.set(`${level}/${index}`, tile);
  }
}
