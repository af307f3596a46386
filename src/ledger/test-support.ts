/**
 * Test-only helpers, imported by `*.test.ts` files only: access to the shared test vectors
 * (`../shared/data`, see its SOURCES.md for origins and licences) and in-memory trees.
 *
 * Without the directory the vector suites are skipped with a printed reason, except in CI
 * (`CI` set), where a missing directory fails the run loudly.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { leafHash, nodeHash } from './hash.js';
import type { NodeReader } from './proofs.js';
import type { Tile } from './tile-layout.js';
import { TileReader } from './tile-reader.js';
import { TileWriter } from './tile-writer.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Absolute path of the shared data directory. */
export const SHARED_DATA_DIR = path.resolve(REPO_ROOT, '../shared/data');

/** Why the vector suites are skipped, or `undefined` when the data is there. */
export const vectorsMissing: string | undefined = existsSync(SHARED_DATA_DIR)
  ? undefined
  : `shared test vectors not found at ${SHARED_DATA_DIR}`;

if (vectorsMissing !== undefined) {
  if (process.env['CI'] !== undefined) {
    throw new Error(`${vectorsMissing}: CI must run the vector suites`);
  }
  process.emitWarning(`${vectorsMissing}; skipping the ledger vector suites`);
}

/** Parses one JSON file of the shared data directory. */
export function readVectors<T>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(SHARED_DATA_DIR, relativePath), 'utf8')) as T;
}

/** Every `.json` file under a directory, recursively, as paths relative to the data dir. */
export function listVectorFiles(relativeDir: string): string[] {
  if (vectorsMissing !== undefined) return [];
  const entries = readdirSync(path.join(SHARED_DATA_DIR, relativeDir), {
    recursive: true,
    withFileTypes: true,
  });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => path.relative(SHARED_DATA_DIR, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** Bytes of a standard base64 vector value. */
export function b64(text: string): Buffer {
  return Buffer.from(text, 'base64');
}

/** Bytes of a hex vector value. */
export function hex(text: string): Buffer {
  return Buffer.from(text, 'hex');
}

/** Tiles in a Map, stored the way a database would upsert them. */
export class MemoryTiles {
  readonly tiles = new Map<string, Buffer>();
  loads = 0;

  readonly load = (tileLevel: number, tileIndex: number): Buffer | undefined => {
    this.loads++;
    return this.tiles.get(`${String(tileLevel)}/${String(tileIndex)}`);
  };

  save(tiles: readonly Tile[]): void {
    for (const tile of tiles) {
      this.tiles.set(`${String(tile.tileLevel)}/${String(tile.tileIndex)}`, tile.data);
    }
  }

  reader(): TileReader {
    return new TileReader(this.load);
  }
}

/** The leaf hash of synthetic entry `i`. */
export function syntheticLeaf(i: number): Buffer {
  const entry = Buffer.alloc(8);
  entry.writeBigUInt64BE(BigInt(i));
  return leafHash(entry);
}

/** A tree of `size` synthetic leaves, its tiles saved, and the root of every size. */
export function growTree(size: number): {
  writer: TileWriter;
  store: MemoryTiles;
  roots: Buffer[];
} {
  const writer = new TileWriter();
  const store = new MemoryTiles();
  const roots = [writer.root()];
  for (let i = 0; i < size; i++) {
    writer.append(syntheticLeaf(i));
    roots.push(writer.root());
  }
  store.save(writer.takeDirtyTiles());
  return { writer, store, roots };
}

/**
 * A consistent tree of up to 2^53 - 1 leaves computed lazily: every leaf is the same filler
 * hash except the `special` ones, so a subtree without special leaves has a known hash
 * per level and only the paths to the special leaves are ever hashed.
 */
export function sparseTreeReader(special: readonly number[]): NodeReader {
  const filler = [leafHash(Buffer.from('filler'))];
  for (let level = 1; level <= 53; level++) {
    const below = filler[level - 1] as Buffer;
    filler.push(nodeHash(below, below));
  }
  const memo = new Map<string, Buffer>();
  const node = (level: number, index: number): Buffer => {
    const begin = index * 2 ** level;
    const end = begin + 2 ** level;
    if (!special.some((leaf) => leaf >= begin && leaf < end)) return filler[level] as Buffer;
    if (level === 0) return syntheticLeaf(index);
    const key = `${String(level)}/${String(index)}`;
    let hash = memo.get(key);
    if (hash === undefined) {
      hash = nodeHash(node(level - 1, 2 * index), node(level - 1, 2 * index + 1));
      memo.set(key, hash);
    }
    return hash;
  };
  return { node };
}
