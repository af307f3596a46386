import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DefineRequest, DropRequest, ParseRequest, SealHeldRequest } from './seal-protocol.js';

/** The compiled worker beside this module; absent when running from TypeScript sources. */
const WORKER_FILE = fileURLToPath(new URL('./seal-worker.js', import.meta.url));

/** One sealing thread per process, started on first use, not keeping the process alive. */
export class SealThread {
  private readonly worker: Worker;
  /** Lines the thread has parsed (it counts them as it goes). */
  private readonly linesDone = new Int32Array(new SharedArrayBuffer(4));
  private linesSent = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (r: unknown) => void; reject: (e: Error) => void }
  >();

  constructor(private readonly onDead: () => void) {
    this.worker = new Worker(WORKER_FILE, { workerData: { linesDone: this.linesDone.buffer } });
    this.worker.on('message', (reply: { id: number }) => this.answer(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`the sealing thread stopped (exit ${code})`)),
    );
    this.worker.unref(); // after the listeners, which would hold the process open again
  }

  /** Sends a request (its `id` unique) and resolves with the thread's reply. */
  request<R>(message: ParseRequest | SealHeldRequest): Promise<R> {
    return new Promise((resolve, reject) => {
      // held open while it owes an answer (an unref'd thread alone would let the process exit)
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(message.id, { resolve: resolve as (r: unknown) => void, reject });
      this.worker.postMessage(message);
      if (message.type === 'parse') this.linesSent += message.texts.length;
    });
  }

  /**
   * Lines sent to be parsed that the thread has not parsed yet, read from the counter it keeps
   * (a reply waits for this thread's event loop, which a long write holds up).
   */
  linesOwed(): number {
    return this.linesSent - Atomics.load(this.linesDone, 0);
  }

  /** Sends a message that has no reply. */
  post(message: DropRequest | DefineRequest): void {
    this.worker.postMessage(message);
  }

  private answer(reply: { id: number }): void {
    const w = this.waiting.get(reply.id);
    if (!w) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    w.resolve(reply);
  }

  private fail(error: Error): void {
    this.onDead();
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }
}

let shared: SealThread | undefined;

/** The sealing thread, started if it is not running. */
export function sealThread(): SealThread {
  if (shared) return shared;
  const thread = new SealThread(() => {
    if (shared === thread) shared = undefined;
  });
  shared = thread;
  return thread;
}

/** Whether the compiled sealing worker exists (not when running from TypeScript sources). */
export function sealWorkerExists(): boolean {
  return existsSync(WORKER_FILE);
}

/** The sealing thread, when it runs. */
export function runningSealThread(): SealThread | undefined {
  return shared;
}
