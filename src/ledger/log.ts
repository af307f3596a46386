import type { InterchangeRecord } from '../domain/index.js';
import type { Store, StoreTransaction, StoredCheckpoint } from '../store/index.js';
import { formatCheckpoint } from './checkpoint.js';
import { leafHash } from './hash.js';
import { encodeLeafData } from './leaf.js';
import { consistencyProof, inclusionProof, treeRoot, type NodeReader } from './proofs.js';
import { parseSignerKeyName, verifierKeyFromSigner } from './note-keys.js';
import { signNote } from './signed-note.js';
import { TILE_WIDTH } from './tiles.js';
import { TileReader } from './tile-reader.js';
import { TileWriter } from './tile-writer.js';
import { LedgerError } from './errors.js';

const TILE_CACHE = 4096;

/**
 * Warden's append-only log: every stored record is a leaf, appended in the transaction that
 * stores it; interior hashes are kept as tiles, so proofs need O(log n) reads and the tree is
 * never rebuilt; each batch ends with a signed checkpoint (C2SP tlog-checkpoint).
 */
export class Ledger {
  private writer: TileWriter;
  private readonly cache = new Map<string, Buffer>();

  private constructor(
    private readonly store: Store,
    private readonly signerKey: string,
    writer: TileWriter,
  ) {
    this.writer = writer;
  }

  /** Opens the log of a store; `signerKey` is a C2SP signer key (`PRIVATE+KEY+…`). */
  static async open(store: Store, signerKey: string): Promise<Ledger> {
    parseSignerKeyName(signerKey);
    return new Ledger(store, signerKey, await loadWriter(store));
  }

  /** The log's name (the checkpoint origin line): the signer key's name. */
  get origin(): string {
    return parseSignerKeyName(this.signerKey);
  }

  get size(): number {
    return this.writer.size;
  }

  /** The verifier key that an outside party needs to check this log's checkpoints. */
  verifierKey(): string {
    return verifierKeyFromSigner(this.signerKey);
  }

  /** Appends a record's leaf (RFC 9162 §2.1.1) in memory; `persist` writes it in the caller's transaction. */
  appendRecord(record: InterchangeRecord): void {
    this.writer.append(leafHash(encodeLeafData(record)));
  }

  /** Writes the tiles changed since the last call, and the new size, in the caller's transaction. */
  async persist(tx: StoreTransaction): Promise<void> {
    const tiles = this.writer.takeDirtyTiles();
    await tx.putTiles(tiles);
    await tx.setLedgerSize(this.writer.size);
    for (const t of tiles) this.cache.delete(`${t.tileLevel}/${t.tileIndex}`);
  }

  /** Signs and stores a checkpoint of the current size (call after `persist`). */
  async checkpoint(tx: StoreTransaction, createdAt: string): Promise<StoredCheckpoint> {
    const rootHash = this.writer.root();
    const body = formatCheckpoint({ origin: this.origin, size: this.size, rootHash });
    const cp: StoredCheckpoint = {
      size: this.size,
      rootHash,
      note: signNote(body, [this.signerKey]),
      createdAt,
    };
    await tx.putCheckpoint(cp);
    return cp;
  }

  /** Forgets appends that were rolled back: reloads the right edge from the store. */
  async reload(): Promise<void> {
    this.cache.clear();
    this.writer = await loadWriter(this.store);
  }

  root(): Buffer {
    return this.writer.root();
  }

  /** The root of the tree at an earlier size. */
  async rootAt(size: number): Promise<Buffer> {
    this.assertSize(size);
    return this.withNodes((reader) => treeRoot(size, reader));
  }

  /** An inclusion proof (RFC 9162 §2.1.3.1) for leaf `index` in the tree of `size` leaves. */
  async proveInclusion(index: number, size = this.size): Promise<Buffer[]> {
    this.assertSize(size);
    return this.withNodes((reader) => inclusionProof(index, size, reader));
  }

  /** A consistency proof (RFC 9162 §2.1.4.1) between two sizes of this log. */
  async proveConsistency(size1: number, size2: number): Promise<Buffer[]> {
    this.assertSize(size2);
    return this.withNodes((reader) => consistencyProof(size1, size2, reader));
  }

  /** The leaf hash of a stored leaf, as the tiles hold it. */
  async leafHashAt(index: number): Promise<Buffer> {
    return this.withNodes((reader) => reader.node(0, index));
  }

  private assertSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new LedgerError(
        'SIZE_OUT_OF_RANGE',
        `the ledger has ${this.size} leaves; asked for size ${size}`,
      );
    }
  }

  /**
   * Runs a pure proof builder over the stored tiles. The builder reads synchronously; a tile
   * it lacks is fetched and the builder run again (the set of nodes a proof needs depends
   * only on the sizes, so this ends after at most one fetch per tile on the path).
   */
  private async withNodes<T>(build: (reader: NodeReader) => T): Promise<T> {
    for (;;) {
      const missing: [number, number][] = [];
      const reader = new TileReader((level, index) => {
        const tile = this.cache.get(`${level}/${index}`);
        if (!tile) missing.push([level, index]);
        return tile;
      });
      try {
        return build(reader);
      } catch (error) {
        if (
          !(error instanceof LedgerError) ||
          error.code !== 'NODE_MISSING' ||
          missing.length === 0
        )
          throw error;
      }
      for (const [level, index] of missing) await this.fetchTile(level, index);
    }
  }

  private async fetchTile(level: number, index: number): Promise<void> {
    const tile = await this.store.ledger.getTile(level, index);
    if (!tile) throw new LedgerError('NODE_MISSING', `tile ${level}/${index} is not stored`);
    if (this.cache.size >= TILE_CACHE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(`${level}/${index}`, tile);
  }
}

/** The right edge of every tile level, read from the store, to resume appending. */
async function loadWriter(store: Store): Promise<TileWriter> {
  const size = await store.ledger.size();
  const edge = new Map<string, Buffer>();
  for (
    let level = 0, width = TILE_WIDTH;
    width / TILE_WIDTH <= size;
    level++, width *= TILE_WIDTH
  ) {
    const index = Math.floor(size / width);
    const tile = await store.ledger.getTile(level, index);
    if (tile) edge.set(`${level}/${index}`, tile);
    if (index > 0) {
      const before = await store.ledger.getTile(level, index - 1);
      if (before) edge.set(`${level}/${index - 1}`, before);
    }
  }
  return new TileWriter(size, (level, index) => edge.get(`${level}/${index}`));
}
