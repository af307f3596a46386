/**
 * Runs writes one after another. The database takes one write transaction at a time, and a
 * batch streams in under its transaction: ingest, guarded operations and the detection cache
 * all go through here, so none of them opens a transaction inside another's.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  private running = 0;

  run<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    const next = this.tail.then(work, work).finally(() => this.running--);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Work queued or running. */
  get size(): number {
    return this.running;
  }

  /** Resolves once everything queued so far has finished. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
