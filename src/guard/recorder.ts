import type { AccessEvent, InterchangeRecord } from '../domain/index.js';
import { recordKey } from '../domain/index.js';
import { canonicalJson, type Ledger } from '../ledger/index.js';
import type { Store, StoreTransaction } from '../store/index.js';

type DirectoryRecord = Exclude<InterchangeRecord, { kind: 'event' }>;

export interface Entry {
  /** The request's event: who asked what, and the decision (a leaf). */
  readonly event: AccessEvent;
  /** The effect on the directory: a new version of a review, a new ticket (each a leaf). */
  readonly effects?: readonly DirectoryRecord[];
  /** The guard's own state (approvals, alias hand-outs), written in the same transaction. */
  readonly state?: (tx: StoreTransaction) => Promise<void>;
  /**
   * Checked first inside the transaction, holding the write lock: what the request relied on
   * (an approval still unused, still pending) still holds, whatever another process did since
   * it was read. Throws to refuse; nothing is written then.
   */
  readonly precondition?: () => Promise<void>;
}

/**
 * Writes what the guard decided and did in one store transaction: the event, the effect,
 * the guard's state, the ledger's tiles and a signed checkpoint land together or not at
 * all; nothing happens that the ledger does not hold. Calls are serialised: one request's
 * read-decide-write runs to its end before the next (`exclusive`), so an approval cannot
 * be used twice by two racing requests.
 */
export class Recorder {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly ledger: Ledger,
    private readonly now: () => string,
  ) {}

  /** Runs `work` after every earlier call has finished. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async write(entry: Entry): Promise<void> {
    await this.writeAll([entry]);
  }

  /**
   * Writes several entries in one transaction, in order, under one signed checkpoint: a step
   * made of several events (an escalation opens a case, links the alert, triages it) lands
   * whole or not at all.
   */
  async writeAll(entries: readonly Entry[]): Promise<void> {
    const tx = await this.store.begin();
    try {
      // another process (an import, another console) may have appended since we last wrote:
      // under the write lock, pick up the log's head before numbering our leaves
      if ((await this.store.ledger.size()) !== this.ledger.size) await this.ledger.reload();
      for (const entry of entries) if (entry.precondition) await entry.precondition();
      for (const entry of entries) {
        await tx.insertEvents([entry.event], this.ledger.size);
        this.ledger.appendRecord({ kind: 'event', body: entry.event });
        for (const record of entry.effects ?? []) await this.writeVersion(tx, record);
        if (entry.state) await entry.state(tx);
      }
      await this.ledger.persist(tx);
      await this.ledger.checkpoint(tx, this.now());
      await tx.commit();
    } catch (error) {
      await tx.rollback();
      await this.ledger.reload();
      throw error;
    }
    await this.ledger.publish(); // outside the database before the request is answered
  }

  private async writeVersion(tx: StoreTransaction, record: DirectoryRecord): Promise<void> {
    await tx.insertDirectoryVersions([
      {
        leaf: this.ledger.size,
        kind: record.kind,
        key: recordKey(record),
        payload: canonicalJson(record.body),
      },
    ]);
    this.ledger.appendRecord(record);
  }
}
