import type { Ledger } from '../ledger/index.js';
import type { Store } from '../store/index.js';
import { newId } from './deps.js';
import { GuardError } from './errors.js';
import { LedgerCheck } from './ledger-check.js';
import { diffPolicySets, policySetHash } from './policy-pin.js';
import { CompiledPolicies } from './policy-set.js';
import { Recorder } from './recorder.js';

/** The actor of what the local operator (who holds the key directory) does. */
export const OPERATOR = 'warden-operator';
/** The event that makes a policy set active. */
export const ACTIVATE_EVENT = 'x-policy.activate' as const;

/**
 * The active policy set, as the ledger has it: the set named (by hash) in the latest allowed
 * activation event, a leaf proved against the signed head, whose stored files hash to that
 * name. A database writer who edits the stored text, or points at a set never activated, is
 * refused (`NOT_IN_LEDGER`), not obeyed. On a fresh database the shipped set is installed
 * as the first one, by the operator, ledgered like any other activation.
 */
export class PinnedPolicies {
  private readonly check: LedgerCheck;

  constructor(
    private readonly store: Store,
    private readonly ledger: Ledger,
    private readonly now: () => string,
  ) {
    this.check = new LedgerCheck(store, ledger);
  }

  /** The active set, or undefined when none was ever activated. */
  async active(): Promise<CompiledPolicies | undefined> {
    const last = await this.store.guard.lastEvent(ACTIVATE_EVENT, 'allowed');
    if (!last) return undefined;
    await this.check.assertLedgered([last], 'the active policy set');
    const hash = last.event.attrs?.['activates'];
    if (typeof hash !== 'string') {
      throw new GuardError(
        'NOT_IN_LEDGER',
        `activation event ${last.event.id} names no policy set`,
      );
    }
    const stored = await this.store.policySets.get(hash);
    if (!stored || policySetHash(stored.files) !== hash) {
      throw new GuardError(
        'NOT_IN_LEDGER',
        `the stored policy set ${hash.slice(0, 12)}… ${stored ? 'does not hash to the hash the ledger activated (its text was edited)' : 'is missing'}; restore the database from a backup and run warden ledger verify`,
      );
    }
    return CompiledPolicies.fromFiles(stored.files, hash);
  }

  /** The active set; on a database that never had one, `initial` is installed first. */
  async activeOr(initial: () => CompiledPolicies): Promise<CompiledPolicies> {
    const active = await this.active();
    if (active) return active;
    const first = initial();
    await this.install(first);
    return first;
  }

  private async install(first: CompiledPolicies): Promise<void> {
    const time = this.now();
    const files = first.files();
    const event = {
      id: newId('w'),
      time,
      actor: OPERATOR,
      action: ACTIVATE_EVENT,
      target: { type: 'dataset' as const, id: `ps-${first.hash}` },
      outcome: 'allowed' as const,
      attrs: {
        activates: first.hash,
        operator: true,
        first: true,
        diff: { ...diffPolicySets(undefined, first.texts) },
        decision: {
          outcome: 'allow',
          policies: ['(the first policy set of a new database)'],
          policySet: first.hash,
        },
      },
    };
    await new Recorder(this.store, this.ledger, this.now).write({
      event,
      precondition: async () => {
        if (await this.store.guard.lastEvent(ACTIVATE_EVENT, 'allowed')) {
          throw new GuardError(
            'REQUEST_INVALID',
            'a policy set was activated meanwhile: run again',
          );
        }
      },
      state: (tx) => tx.putPolicySet({ hash: first.hash, files, createdAt: time }),
    });
  }
}
