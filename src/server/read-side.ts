import { Tokens } from '../guard/index.js';
import type { Ledger } from '../ledger/index.js';
import type { Store } from '../store/index.js';

/**
 * The read side: a second, read-only connection to the same database, so that reads
 * (authentication, approvals, checkpoints, proofs) see only committed data and do not wait
 * behind a batch that is still streaming in. Its ledger view is brought up to the stored head
 * before each use (another connection appends).
 */
export class ReadSide {
  readonly tokens: Tokens;
  private refreshing: Promise<void> | undefined;

  constructor(
    readonly store: Store,
    private readonly view: Ledger,
    now: () => string,
  ) {
    this.tokens = new Tokens(store, view, now);
  }

  /** The ledger view at the stored head. */
  async ledger(): Promise<Ledger> {
    if ((await this.store.ledger.size()) !== this.view.size) {
      // one reload at a time; callers arriving meanwhile share it
      this.refreshing ??= this.view.reload().finally(() => (this.refreshing = undefined));
      await this.refreshing;
    }
    return this.view;
  }
}
