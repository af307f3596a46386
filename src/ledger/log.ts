import type { DirectoryKind, InterchangeRecord } from '../domain/index.js';
import type { Store, StoreTransaction, StoredCheckpoint } from '../store/index.js';
import { formatCheckpoint } from './checkpoint.js';
import { publishCheckpoint, type CheckpointSink } from './checkpoint-sink.js';
import { LedgerError } from './errors.js';
import { directoryLeafSource, hashedLeafSource, type LeafSource } from './leaf.js';
import {
  InlineAppender,
  ThreadAppender,
  canUseWorker,
  type LeafAppender,
} from './leaf-appender.js';
import {
  parseSignerKey,
  parseSignerKeyName,
  verifierKeyFromSigner,
  type NoteSigner,
} from './note-keys.js';
import { consistencyProof, inclusionProof, treeRoot, type NodeReader } from './proofs.js';
import { signNote } from './signed-note.js';
import { TileReader } from './tile-reader.js';
import { TILE_WIDTH } from './tiles.js';

const TILE_CACHE = 4096;
const POST_EVERY = 2048;

export interface LedgerOptions {
  /** Hash on a worker thread (the default where the compiled worker exists) or in this one. */
  readonly hashing?: 'thread' | 'inline';
  /** Where each checkpoint also goes, outside the database (see `publish`). */
  readonly sinks?: readonly CheckpointSink[];
}

/**
 * Warden's append-only log: every stored record is a leaf, appended in the transaction that
 * stores it; interior hashes are kept as tiles, so proofs need O(log n) reads and the tree is
 * never rebuilt; each batch ends with a signed checkpoint (C2SP tlog-checkpoint).
 *
 * Appends are counted here at once (the store numbers rows by `size`) and hashed in order,
 * on a worker thread by default; `persist` waits for the hashes and writes the tiles.
 */
export class Ledger {
  private readonly cache = new Map<string, Buffer>();
  private pending: LeafSource[] = [];
  private appended: number;
  private persistedRoot: Buffer;
  private unpublished: StoredCheckpoint | undefined;

  private constructor(
    private readonly store: Store,
    private readonly signerKey: string,
    private readonly appender: LeafAppender,
    size: number,
    root: Buffer,
    private readonly sinks: readonly CheckpointSink[],
  ) {
    this.appended = size;
    this.persistedRoot = root;
  }

  /** Opens the log of a store; `signerKey` is a C2SP signer key (`PRIVATE+KEY+…`). */
  static async open(store: Store, signerKey: string, options: LedgerOptions = {}): Promise<Ledger> {
    parseSignerKeyName(signerKey);
    const { size, edge } = await loadEdge(store);
    const threaded = (options.hashing ?? (canUseWorker() ? 'thread' : 'inline')) === 'thread';
    const appender = threaded ? new ThreadAppender(size, edge) : new InlineAppender(size, edge);
    const sinks = options.sinks ?? [];
    const ledger = new Ledger(store, signerKey, appender, size, Buffer.alloc(0), sinks);
    try {
      ledger.persistedRoot = await ledger.rootAt(size);
    } catch (error) {
      await appender.close(); // a running hashing thread would keep the process alive
      throw error;
    }
    return ledger;
  }

  /** The log's name (the checkpoint origin line): the signer key's name. */
  get origin(): string {
    // parsed once: parsing decodes the key (about a millisecond; once per batch's checkpoint)
    this.name ??= parseSignerKeyName(this.signerKey);
    return this.name;
  }

  private name: string | undefined;

  /** Leaves appended so far, persisted or not. */
  get size(): number {
    return this.appended;
  }

  /** The verifier key that an outside party needs to check this log's checkpoints. */
  verifierKey(): string {
    // derived once: the guard asks for it on every token check, and deriving imports the key
    this.verifier ??= verifierKeyFromSigner(this.signerKey);
    return this.verifier;
  }

  private verifier: string | undefined;
  /** The signer, parsed once: parsing imports the private key (~1.8 ms a batch on a busy core). */
  private signer: NoteSigner | undefined;

  /** Appends a record's leaf (RFC 9162 §2.1.1); `persist` writes it in the caller's transaction. */
  appendRecord(record: InterchangeRecord): void {
    this.pending.push(record);
    this.appended++;
    if (this.pending.length >= POST_EVERY) this.post();
  }

  /**
   * Appends an event's leaf given as its interchange line (see `LeafSource`): the same leaf
   * as `appendRecord` of the event, encoded from the line on the hashing thread.
   */
  appendEventLine(line: string): void {
    this.pending.push(line);
    this.appended++;
    if (this.pending.length >= POST_EVERY) this.post();
  }

  /**
   * Appends a directory record's leaf given as its kind and body JSON (the payload the store
   * keeps; `directoryLeafSource`): the same leaf as `appendRecord` of the record.
   */
  appendDirectoryPayload(kind: DirectoryKind, payload: string): void {
    this.pending.push(directoryLeafSource(kind, payload));
    this.appended++;
    if (this.pending.length >= POST_EVERY) this.post();
  }

  /**
   * Appends a leaf by its hash, computed by the caller from the record it stores (see
   * `hashedLeafSource`): ingest's sealing thread, which encodes payload and leaf together.
   */
  appendLeafHash(leafHash: Uint8Array): void {
    this.pending.push(hashedLeafSource(leafHash));
    this.appended++;
    if (this.pending.length >= POST_EVERY) this.post();
  }

  /**
   * `appendLeafHash` of each 32 bytes of `leafHashes`, in order: one message to the hashing
   * thread for the lot instead of a 33-character text per leaf (ingest appends a chunk's new
   * directory versions at once).
   */
  appendLeafHashes(leafHashes: Uint8Array): void {
    if (leafHashes.length % 32 !== 0) throw new TypeError('leaf hashes are 32 bytes each');
    if (leafHashes.length === 0) return;
    this.post(); // the leaves appended before these go first
    this.appender.appendHashes(Uint8Array.prototype.slice.call(leafHashes));
    this.appended += leafHashes.length / 32;
  }

  /**
   * Hands the appends made so far to the hashing thread now, if it has nothing else to hash,
   * instead of at 2,048 or at `persist`: it hashes them while this thread goes on writing. A
   * batch of a thousand events (an HTTP request's) otherwise waited at `persist` for all of
   * its hashes; a busy thread is left to catch up, as before.
   */
  handOff(): void {
    if (this.appender.idle()) this.post();
  }

  /** Writes the tiles changed since the last call, and the new size, in the caller's transaction. */
  async persist(tx: StoreTransaction): Promise<void> {
    this.post();
    const flushed = await this.appender.flush();
    if (flushed.size !== this.appended) {
      throw new LedgerError(
        'SIZE_OUT_OF_RANGE',
        `hashed ${flushed.size} leaves, appended ${this.appended}`,
      );
    }
    await tx.putTiles(flushed.tiles);
    await tx.setLedgerSize(flushed.size);
    for (const t of flushed.tiles) this.cache.delete(`${t.tileLevel}/${t.tileIndex}`);
    this.persistedRoot = flushed.root;
  }

  /** Signs and stores a checkpoint of the persisted head (call after `persist`). */
  async checkpoint(tx: StoreTransaction, createdAt: string): Promise<StoredCheckpoint> {
    if (this.pending.length > 0)
      throw new LedgerError('SIZE_OUT_OF_RANGE', 'persist the appends before a checkpoint');
    const rootHash = this.persistedRoot;
    const body = formatCheckpoint({ origin: this.origin, size: this.appended, rootHash });
    const cp: StoredCheckpoint = {
      size: this.appended,
      rootHash,
      note: signNote(body, [(this.signer ??= parseSignerKey(this.signerKey))]),
      createdAt,
    };
    await tx.putCheckpoint(cp);
    this.unpublished = cp;
    return cp;
  }

  /**
   * Appends the checkpoint made by the last `checkpoint` call to every sink outside the
   * database; call it right after the transaction commits, and acknowledge the batch only
   * when it resolves. After the commit, not before: a crash in between leaves the outside
   * log one checkpoint behind (the next one covers it), never ahead of the database, which
   * would read as a cut tail. Throws `CHECKPOINT_NOT_LOGGED` if a sink fails.
   */
  async publish(): Promise<void> {
    const cp = this.unpublished;
    this.unpublished = undefined;
    if (cp !== undefined && this.sinks.length > 0) {
      await publishCheckpoint(this.sinks, cp.note, cp.size);
    }
  }

  /** Forgets appends that were rolled back: reloads the right edge from the store. */
  async reload(): Promise<void> {
    this.cache.clear();
    this.unpublished = undefined;
    this.pending = [];
    const { size, edge } = await loadEdge(this.store);
    await this.appender.reset(size, edge);
    this.appended = size;
    this.persistedRoot = await this.rootAt(size);
  }

  /** The root of the persisted head. */
  root(): Buffer {
    return this.persistedRoot;
  }

  /** The root of the tree at an earlier size. */
  async rootAt(size: number): Promise<Buffer> {
    this.assertSize(size);
    return this.withNodes((reader) => treeRoot(size, reader));
  }

  /** An inclusion proof (RFC 9162 §2.1.3.1) for leaf `index` in the tree of `size` leaves. */
  async proveInclusion(index: number, size = this.appended): Promise<Buffer[]> {
    this.assertSize(size);
    return this.withNodes(
      (reader) => inclusionProof(index, size, reader),
      this.pathTiles(index, size),
    );
  }

  /** A consistency proof (RFC 9162 §2.1.4.1) between two sizes of this log. */
  async proveConsistency(size1: number, size2: number): Promise<Buffer[]> {
    this.assertSize(size2);
    return this.withNodes((reader) => consistencyProof(size1, size2, reader));
  }

  /** The leaf hash of a stored leaf, as the tiles hold it. */
  async leafHashAt(index: number): Promise<Buffer> {
    this.assertSize(index + 1);
    return this.withNodes((reader) => reader.node(0, index));
  }

  async close(): Promise<void> {
    await this.appender.close();
  }

  private post(): void {
    if (this.pending.length === 0) return;
    this.appender.append(this.pending);
    this.pending = [];
  }

  private assertSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.appended) {
      throw new LedgerError(
        'SIZE_OUT_OF_RANGE',
        `the ledger has ${this.appended} leaves; asked for size ${size}`,
      );
    }
  }

  /**
   * Runs a pure proof builder over the stored tiles. `prefetch` names the tiles it will
   * surely read; any other tile it lacks is fetched and the builder run again (the nodes a
   * proof reads depend only on the sizes, so this ends; the right edge stays cached).
   */
  private async withNodes<T>(
    build: (reader: NodeReader) => T,
    prefetch: [number, number][] = [],
  ): Promise<T> {
    for (const [level, index] of prefetch) {
      if (!this.cache.has(`${level}/${index}`)) await this.fetchTile(level, index, false);
    }
    for (;;) {
      let miss: [number, number] | undefined;
      const reader = new TileReader(
        (level, index) => {
          const tile = this.cache.get(`${level}/${index}`);
          if (!tile) miss = [level, index];
          return tile;
        },
        { cacheSize: 8 },
      );
      try {
        return build(reader);
      } catch (error) {
        if (!miss) throw error;
      }
      await this.fetchTile(miss[0], miss[1], true);
    }
  }

  /** The tiles on the path from leaf `index` to the root: one per tile level. */
  private pathTiles(index: number, size: number): [number, number][] {
    const tiles: [number, number][] = [];
    for (
      let level = 0, width = TILE_WIDTH;
      width / TILE_WIDTH < size;
      level++, width *= TILE_WIDTH
    ) {
      tiles.push([level, Math.floor(index / width)]);
    }
    return tiles;
  }

  private async fetchTile(level: number, index: number, required: boolean): Promise<void> {
    const tile = await this.store.ledger.getTile(level, index);
    if (!tile) {
      if (!required) return;
      throw new LedgerError('NODE_MISSING', `tile ${level}/${index} is not stored`);
    }
    if (this.cache.size >= TILE_CACHE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(`${level}/${index}`, tile);
  }
}

/** The stored size and the right edge of every tile level, to resume appending. */
async function loadEdge(store: Store): Promise<{ size: number; edge: Map<string, Buffer> }> {
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
  }
  return { size, edge };
}
