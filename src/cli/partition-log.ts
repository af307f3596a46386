import { Readable } from 'node:stream';
import { importSource } from '../ingest/index.js';
import type { StoredCheckpoint } from '../store/index.js';
import type { Wired } from './wiring.js';

/**
 * The top-level log: the base store's own ledger, where every worker records each signed
 * checkpoint of its partition ledgers as an event (`x-partition.checkpoint` on the dataset
 * `partition-<p>`, the note in `attrs.note`). Its leaves are signed and checkpointed like any
 * ledger's, so an outside verifier follows it: verify the top ledger, then hold each partition
 * ledger to the notes recorded for it (docs/architecture.md, "Partitions").
 *
 * One write at a time on the top store: the partitions of this process that ask while a write
 * is under way are recorded together by the next one, one batch (one transaction and one
 * signed checkpoint of the top log) for all of them, rather than one each.
 */
export class PartitionLog {
  private readonly asked = new Map<number, StoredCheckpoint>();
  private next: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly top: Wired,
    private readonly stream: string,
  ) {}

  /**
   * Records a committed checkpoint of partition `p` (once: its id names the partition and
   * size). Of several asked for one partition before the write, the newest is recorded: it
   * covers the others (each is a prefix of it).
   */
  record(p: number, cp: StoredCheckpoint): Promise<void> {
    const held = this.asked.get(p);
    if (held === undefined || held.size < cp.size) this.asked.set(p, cp);
    this.next ??= this.writing
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        const take = [...this.asked];
        this.asked.clear();
        this.writing = this.write(take);
        return this.writing;
      });
    return this.next;
  }

  private async write(partitions: readonly (readonly [number, StoredCheckpoint])[]): Promise<void> {
    const lines: string[] = [];
    for (const [p, cp] of partitions) {
      lines.push(
        JSON.stringify({
          v: 1,
          kind: 'event',
          id: `cp-${this.stream}-p${p}-${cp.size}`,
          time: cp.createdAt,
          actor: 'warden.worker',
          action: 'x-partition.checkpoint',
          target: { type: 'dataset', id: `partition-${p}` },
          attrs: { stream: this.stream, partition: p, size: cp.size, note: cp.note },
        }),
      );
    }
    await importSource(
      this.top.store,
      this.top.ledger,
      this.top.vault,
      {
        name: `partition checkpoints ${partitions.map(([p]) => p).join(',')}`,
        open: () => Readable.from([Buffer.from(`${lines.join('\n')}\n`)]),
      },
      { now: this.top.now },
    );
  }
}
