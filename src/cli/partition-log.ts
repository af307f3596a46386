import { Readable } from 'node:stream';
import { importSource } from '../ingest/index.js';
import type { Wired } from './wiring.js';

/**
 * The top-level log: the base store's own ledger, where every worker records each signed
 * checkpoint of its partition ledgers as an event (`x-partition.checkpoint` on the dataset
 * `partition-<p>`, the note in `attrs.note`). Its leaves are signed and checkpointed like any
 * ledger's, so an outside verifier follows it: verify the top ledger, then hold each partition
 * ledger to the notes recorded for it (docs/architecture.md, "Partitions").
 */
export class PartitionLog {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly top: Wired,
    private readonly stream: string,
  ) {}

  /** Records partition `p`'s latest checkpoint (once: its id names the partition and size). */
  record(p: number, partition: Wired): Promise<void> {
    const next = this.queue.then(async () => {
      const cp = await partition.store.ledger.latestCheckpoint();
      if (cp === undefined) return;
      const line = JSON.stringify({
        v: 1,
        kind: 'event',
        id: `cp-${this.stream}-p${p}-${cp.size}`,
        time: cp.createdAt,
        actor: 'warden.worker',
        action: 'x-partition.checkpoint',
        target: { type: 'dataset', id: `partition-${p}` },
        attrs: { stream: this.stream, partition: p, size: cp.size, note: cp.note },
      });
      await importSource(
        this.top.store,
        this.top.ledger,
        this.top.vault,
        {
          name: `partition ${p} checkpoint`,
          open: () => Readable.from([Buffer.from(`${line}\n`)]),
        },
        { now: this.top.now },
      );
    });
    // one write at a time on the top store, from every partition of this process
    this.queue = next.catch(() => undefined);
    return next;
  }
}
