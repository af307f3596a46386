import type { AccessEvent } from '../domain/index.js';
import {
  LedgerError,
  openCheckpoint,
  parseVerifierKey,
  recordLeafHash,
  verifyInclusion,
  type Ledger,
  type NoteVerifier,
} from '../ledger/index.js';
import type { LeafEvent, Store } from '../store/index.js';
import { GuardError } from './errors.js';

/** The size and root hash a verified checkpoint commits to. */
interface SignedHead {
  readonly size: number;
  readonly root: Buffer;
}

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

  /**
   * The last checkpoint note that verified, and its head: the same note verifies the same way
   * with the same key, so it is opened once, not on every token check (about 1.5 ms each).
   */
  private verified: { readonly note: string; readonly head: SignedHead } | undefined;
  private verifier: NoteVerifier | undefined;

  private async signedHead(what: string): Promise<SignedHead> {
    const cp = await this.store.ledger.latestCheckpoint();
    if (!cp) throw new GuardError('NOT_IN_LEDGER', `${what}: the ledger has no signed checkpoint`);
    if (this.verified?.note === cp.note) return this.verified.head;
    try {
      // the key parsed once (parsing imports it: most of a check's cost, with a new head per batch)
      this.verifier ??= parseVerifierKey(this.ledger.verifierKey());
      const { checkpoint } = openCheckpoint(cp.note, [this.verifier]);
      const head = { size: Number(checkpoint.size), root: Buffer.from(checkpoint.rootHash) };
      this.verified = { note: cp.note, head };
      return head;
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
    head: SignedHead,
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
