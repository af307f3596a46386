import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LedgerError } from './errors.js';
import { leafSourceHash, type LeafSource } from './leaf.js';
import type { Tile } from './tile-layout.js';
import { TileWriter } from './tile-writer.js';
import type { WorkerReply, WorkerRequest } from './hash-worker-protocol.js';

/** What a flush hands back: the tiles to persist, and the head they make. */
export interface Flushed {
  readonly size: number;
  readonly root: Buffer;
  readonly tiles: Tile[];
}

/**
 * Turns records into leaves of the tiles: canonical encoding, leaf hash, interior hashes.
 * Two implementations with one behaviour: in this thread, or on a worker thread so that
 * encoding and hashing run on the other core while this one parses and writes rows
 * (passing a record costs its caller less than encoding it: measured in BENCHMARKS.md).
 */
export interface LeafAppender {
  append(records: readonly LeafSource[]): void;
  /** Appends leaves by their hashes (32 bytes each, in order); the appender may keep the array. */
  appendHashes(hashes: Uint8Array): void;
  flush(): Promise<Flushed>;
  /** Whether a thread of its own has hashed everything appended (it would start on more at once). */
  idle(): boolean;
  /** Starts again from a stored right edge (after a rollback). */
  reset(size: number, edge: Map<string, Buffer>): Promise<void>;
  close(): Promise<void>;
  /**
   * How many appends may wait on another thread before the caller encodes the next ones
   * itself (`undefined`: the default, `MAX_BACKLOG`). Only an appender with a thread has it.
   */
  setBacklog?(appends: number | undefined): void;
}

export class InlineAppender implements LeafAppender {
  private writer: TileWriter;

  constructor(size: number, edge: Map<string, Buffer>) {
    this.writer = new TileWriter(size, (l, i) => edge.get(`${l}/${i}`));
  }

  append(records: readonly LeafSource[]): void {
    for (const record of records) this.writer.append(leafSourceHash(record));
  }

  appendHashes(hashes: Uint8Array): void {
    for (let at = 0; at < hashes.length; at += 32) this.writer.append(hashes.subarray(at, at + 32));
  }

  idle(): boolean {
    return false; // it hashes in the caller's thread, as records are appended
  }

  flush(): Promise<Flushed> {
    return Promise.resolve({
      size: this.writer.size,
      root: this.writer.root(),
      tiles: this.writer.takeDirtyTiles(),
    });
  }

  reset(size: number, edge: Map<string, Buffer>): Promise<void> {
    this.writer = new TileWriter(size, (l, i) => edge.get(`${l}/${i}`));
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The compiled worker beside this module; absent when running from TypeScript sources. */
const WORKER_FILE = fileURLToPath(new URL('./hash-worker.js', import.meta.url));

export function canUseWorker(): boolean {
  return existsSync(WORKER_FILE);
}

/**
 * How many appends (of up to 2,048 records) may wait on the worker before the caller hashes
 * the next ones itself: whichever thread is less busy does the encoding, so that neither
 * idles (an import is bound by its parsing thread, an append of ready records by the
 * worker). 3 balances a 10,000-record batch whose rows are written after its appends
 * (measured: 2 → 0.56–0.61 of the no-ledger rate, 3 → 0.67; BENCHMARKS.md).
 */
const MAX_BACKLOG = 3;

export class ThreadAppender implements LeafAppender {
  private started: Worker | undefined;
  private readonly progress = new Int32Array(new SharedArrayBuffer(4));
  private posted = 0;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: WorkerReply) => void }>();
  private failure: Error | undefined;
  private maxBacklog = MAX_BACKLOG;
  /** The right edge the worker starts from, until it is started. */
  private start: { size: number; edge: Map<string, Buffer> } | undefined;

  /**
   * The worker starts with the first message it is sent: a ledger opened only to be read (a
   * resumed `warden detect`, a report), or that persists batches with nothing new in them,
   * never pays for a thread's start (~0.2 s of CPU).
   */
  constructor(size: number, edge: Map<string, Buffer>) {
    this.start = { size, edge };
  }

  private get worker(): Worker {
    if (this.started) return this.started;
    const worker = new Worker(WORKER_FILE, { workerData: { progress: this.progress.buffer } });
    this.started = worker;
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      this.waiting.get(reply.id)?.resolve(reply);
      this.waiting.delete(reply.id);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`the hashing worker stopped (exit ${code})`));
    });
    const { size, edge } = this.start!;
    this.start = undefined;
    worker.postMessage({ type: 'init', id: -1, size, edge: [...edge.entries()] });
    return worker;
  }

  append(records: readonly LeafSource[]): void {
    if (records.length === 0) return;
    if (this.posted - Atomics.load(this.progress, 0) < this.maxBacklog) {
      this.post({ type: 'append', id: -1, records });
    } else {
      const hashes = Buffer.allocUnsafe(records.length * 32);
      records.forEach((r, i) => leafSourceHash(r).copy(hashes, i * 32));
      this.post({ type: 'append', id: -1, hashes });
    }
    this.posted++;
  }

  setBacklog(appends: number | undefined): void {
    this.maxBacklog = appends ?? MAX_BACKLOG;
  }

  appendHashes(hashes: Uint8Array): void {
    if (hashes.length === 0) return;
    this.post({ type: 'append', id: -1, hashes });
    this.posted++;
  }

  idle(): boolean {
    return this.posted === Atomics.load(this.progress, 0);
  }

  /** Whether the thread has been started (for tests: a flush of nothing must not start it). */
  get threadStarted(): boolean {
    return this.started !== undefined;
  }

  async flush(): Promise<Flushed> {
    // nothing was ever sent (a batch of duplicates only, or nothing new): the head is the
    // starting edge's, as the thread would answer, without starting one (~0.2 s of CPU)
    if (this.start !== undefined)
      return new InlineAppender(this.start.size, this.start.edge).flush();
    const reply = await this.request({ type: 'flush', id: this.nextId++ });
    if (reply.error !== undefined)
      throw new LedgerError('NODE_MISSING', `hashing failed: ${reply.error}`);
    return {
      size: reply.size ?? 0,
      root: Buffer.from(reply.root ?? new Uint8Array()),
      tiles: (reply.tiles ?? []).map((t) => ({
        ...t,
        data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      })),
    };
  }

  async reset(size: number, edge: Map<string, Buffer>): Promise<void> {
    if (!this.started && !this.failure) {
      this.start = { size, edge }; // nothing was sent: the worker will start from this edge
      return;
    }
    this.post({ type: 'init', id: -1, size, edge: [...edge.entries()] });
    await this.request({ type: 'flush', id: this.nextId++ });
  }

  async close(): Promise<void> {
    await this.started?.terminate();
  }

  private request(message: WorkerRequest): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve) => {
      this.waiting.set(message.id, { resolve });
      this.post(message);
    });
  }

  private post(message: WorkerRequest): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(message);
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const [id, w] of this.waiting) w.resolve({ id, error: error.message });
    this.waiting.clear();
  }
}
