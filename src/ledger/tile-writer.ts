import { LedgerError } from './errors.js';
import { EMPTY_ROOT, HASH_SIZE, nodeHash, writeNodeHashAt } from './hash.js';
import {
  FULL_TILE_HASHES,
  TILE_HEIGHT,
  TILE_WIDTH,
  hashesInTile,
  offsetInTile,
  tileWidth,
} from './tile-layout.js';
import type { Tile, TileLoader } from './tile-layout.js';
import { assertTreeSize, bitAt, pow2, shiftRight } from './tree-math.js';

/** The right-edge (partial) tile of one tile level, growing in place. */
interface EdgeTile {
  index: number;
  /** Base nodes so far, 0 … 255 (a tile reaching 256 is handed off at once). */
  width: number;
  /** Hashes written so far: hashesInTile(width). */
  count: number;
  data: Buffer;
  dirty: boolean;
}

/**
 * Appends leaf hashes to the log's tiles in memory (layout in `tile-layout.ts`).
 *
 * Holds only the right-edge partial tile of each tile level; every append writes the leaf
 * hash and the parents it completes (amortised one node hash per leaf). Persist the tiles of
 * `takeDirtyTiles()` in the same transaction as the leaves; after a restart, construct a new
 * writer from the stored tiles and the stored size.
 *
 * @example
 * const writer = new TileWriter(storedSize, (level, index) => db.tile(level, index));
 * for (const entry of batch) writer.append(leafHash(entry));
 * db.saveTiles(writer.takeDirtyTiles()); // upsert by (tileLevel, tileIndex)
 */
export class TileWriter {
  #size: number;
  readonly #edges: EdgeTile[] = [];
  #completed: Tile[] = [];

  /** Loads the right-edge partial tiles of a log of `size` leaves. */
  constructor(size = 0, load: TileLoader = () => undefined) {
    assertTreeSize(size);
    this.#size = size;
    for (let t = 0; shiftRight(size, TILE_HEIGHT * t) > 0; t++) {
      this.#edges.push(loadEdge(t, shiftRight(size, TILE_HEIGHT * t), load));
    }
  }

  /** Leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Appends the hash of the next leaf (RFC 9162 §2.1.1 leaf hash). */
  append(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) {
      throw new LedgerError('BAD_HASH_LENGTH', `leaf hash is ${String(leafHash.length)} bytes`);
    }
    if (this.#size >= Number.MAX_SAFE_INTEGER) {
      throw new LedgerError('SIZE_OUT_OF_RANGE', 'the log is full (2^53 − 1 leaves)');
    }
    this.#pushNode(0, leafHash);
    this.#size++;
  }

  /**
   * Tiles changed since the last call: each full tile once, when it fills, then each
   * partial tile as it now stands (a copy). Store them by (tileLevel, tileIndex), replacing
   * any earlier partial version.
   */
  takeDirtyTiles(): Tile[] {
    const tiles = this.#completed;
    this.#completed = [];
    this.#edges.forEach((edge, tileLevel) => {
      if (!edge.dirty) return;
      edge.dirty = false;
      const data = Buffer.from(edge.data.subarray(0, edge.count * HASH_SIZE));
      tiles.push({ tileLevel, tileIndex: edge.index, data });
    });
    return tiles;
  }

  /**
   * The Merkle Tree Hash of the current size (RFC 9162 §2.1.1): the last complete node of
   * each level where `size` has a one bit, hashed together from the right. O(log n).
   */
  root(): Buffer {
    let root: Buffer | undefined;
    for (let level = 0; pow2(level) <= this.#size; level++) {
      if (bitAt(this.#size, level) === 0) continue;
      const node = this.#lastNode(level);
      root = root === undefined ? Buffer.from(node) : nodeHash(node, root);
    }
    return root ?? Buffer.from(EMPTY_ROOT);
  }

  #lastNode(level: number): Buffer {
    const t = Math.floor(level / TILE_HEIGHT);
    const j = level - TILE_HEIGHT * t;
    const edge = this.#edges[t] as EdgeTile;
    const local = shiftRight(this.#size, level) - 1 - edge.index * pow2(TILE_HEIGHT - j);
    const offset = offsetInTile(j, local);
    return edge.data.subarray(offset, offset + HASH_SIZE);
  }

  /** Writes a new base node of tile level `t`, then every parent it completes in the tile. */
  #pushNode(t: number, hash: Uint8Array): void {
    const edge = (this.#edges[t] ??= newEdge(0));
    const { data } = edge;
    let x = edge.width; // local index of the newest node at tile level j
    let offset = edge.count * HASH_SIZE;
    data.set(hash, offset);
    let written = 1;
    for (let j = 1; j < TILE_HEIGHT && x % 2 === 1; j++) {
      const left = offsetInTile(j - 1, x - 1);
      writeNodeHashAt(data, left, offset, offset + HASH_SIZE);
      offset += HASH_SIZE;
      written++;
      x = (x - 1) / 2;
    }
    edge.width++;
    edge.count += written;
    edge.dirty = true;
    if (edge.width === TILE_WIDTH) this.#completeTile(t, edge);
  }

  /** Hands off a full tile and pushes its root into the tile level above. */
  #completeTile(t: number, edge: EdgeTile): void {
    const last = (FULL_TILE_HASHES - 1) * HASH_SIZE;
    const first = offsetInTile(TILE_HEIGHT - 1, 0);
    const root = nodeHash(edge.data.subarray(first, first + HASH_SIZE), edge.data.subarray(last));
    this.#completed.push({ tileLevel: t, tileIndex: edge.index, data: edge.data });
    this.#edges[t] = newEdge(edge.index + 1);
    this.#pushNode(t + 1, root);
  }
}

function newEdge(index: number): EdgeTile {
  const data = Buffer.alloc(FULL_TILE_HASHES * HASH_SIZE);
  return { index, width: 0, count: 0, data, dirty: false };
}

/** The right-edge tile of level t when that level has `nodes` complete base nodes. */
function loadEdge(t: number, nodes: number, load: TileLoader): EdgeTile {
  const edge = newEdge(Math.floor(nodes / TILE_WIDTH));
  const width = nodes % TILE_WIDTH;
  if (width === 0) return edge;
  const stored = load(t, edge.index);
  if (stored === undefined) {
    throw new LedgerError(
      'NODE_MISSING',
      `right-edge tile ${String(t)}/${String(edge.index)} is not stored`,
    );
  }
  const storedWidth = tileWidth({ tileLevel: t, tileIndex: edge.index, data: stored });
  if (storedWidth < width) {
    throw new LedgerError(
      'MALFORMED_TILE',
      `tile ${String(t)}/${String(edge.index)} has ${String(storedWidth)} base nodes, the tree size needs ${String(width)}`,
    );
  }
  // A longer stored tile (a crash after saving tiles but before the size) is cut back.
  edge.data.set(stored.subarray(0, hashesInTile(width) * HASH_SIZE));
  edge.width = width;
  edge.count = hashesInTile(width);
  return edge;
}
