import type { AccessEvent } from '../domain/index.js';
import {
  LedgerError,
  openCheckpoint,
  recordLeafHash,
  verifyInclusion,
  type Ledger,
} from '../ledger/index.js';
import type { LeafEvent, Store } from '../store/index.js';
import { GuardError } from './errors.js';

/**
 * Proves that stored events are the ledger's leaves: each event's leaf hash, recomputed from
 * the stored row, is included (RFC 9162 §2.1.3) in the tree that the latest signed
 * checkpoint commits to. A row inserted, edited or moved by a database writer fails here.
 */
export class LedgerCheck {
  constructor(
    private readonly store: Store,
    private readonly ledger: Ledger,
  ) {}

  /** Throws `NOT_IN_LEDGER` unless every event is a leaf of the signed tree. */
  async assertLedgered(events: readonly LeafEvent[], what: string): Promise<void> {
    if (events.length === 0) return;
    const head = await this.signedHead(what);
    // another process (a CLI command beside `warden serve`) appended and signed since this
    // ledger loaded its right edge: catch up from the store, as the writers do, before proving
    if (head.size > this.ledger.size) await this.ledger.reload();
    for (const { leaf, event } of events) await this.prove(leaf, event, head, what);
  }

  private async signedHead(what: string): Promise<{ size: number; root: Buffer }> {
    const cp = await this.store.ledger.latestCheckpoint();
    if (!cp) throw new GuardError('NOT_IN_LEDGER', `${what}: the ledger has no signed checkpoint`);
    try {
      const { checkpoint } = openCheckpoint(cp.note, [this.ledger.verifierKey()]);
      return { size: Number(checkpoint.size), root: Buffer.from(checkpoint.rootHash) };
    } catch (cause) {
      throw new GuardError(
        'NOT_IN_LEDGER',
        `${what}: the latest checkpoint does not verify with this ledger's key; run warden ledger verify`,
        { cause },
      );
    }
  }

  private async prove(
    leaf: number,
    event: AccessEvent,
    head: { size: number; root: Buffer },
    what: string,
  ): Promise<void> {
    if (leaf >= head.size) {
      throw new GuardError(
        'NOT_IN_LEDGER',
        `${what}: event ${event.id} (leaf ${leaf}) is beyond the signed head (${head.size} leaves)`,
      );
    }
    try {
      const proof = await this.ledger.proveInclusion(leaf, head.size);
      verifyInclusion(
        leaf,
        head.size,
        recordLeafHash({ kind: 'event', body: event }),
        proof,
        head.root,
      );
    } catch (cause) {
      if (!(cause instanceof LedgerError)) throw cause;
      throw new GuardError(
        'NOT_IN_LEDGER',
        `${what}: event ${event.id} as stored is not leaf ${leaf} of the signed ledger (${cause.code}); run warden ledger verify`,
        { cause },
      );
    }
  }
}
