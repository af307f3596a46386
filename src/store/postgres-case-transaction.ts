import type {
  AccessState,
  AlertTriage,
  Appeal,
  CaseMember,
  CaseNote,
  CaseWriter,
  ErasureRequest,
  OutboxCommand,
  StoredCase,
} from './ports-cases.js';
import {
  addCaseNote,
  deleteErasureRequest,
  outboxAttempt,
  putAccess,
  putAppeal,
  putCase,
  putCaseMember,
  putErasureRequest,
  putOutbox,
  putTriage,
} from './postgres-case-writes.js';
import type { PgHolds } from './postgres-cases.js';
import type { PgConnection } from './postgres-connection.js';

/**
 * The case writes of the store's open PostgreSQL transaction (`PgTransaction` extends it).
 * A write that can place or lift a legal hold (a case, a member) reloads the holds the vault
 * reads, so that an erasure later in the same transaction sees them; a rollback reloads them
 * again, forgetting the transaction's.
 */
export abstract class PgCaseTransaction implements CaseWriter {
  /** The transaction wrote a case or a member: its rollback must reload the holds. */
  private touchedHolds = false;

  protected constructor(
    protected readonly c: PgConnection,
    private readonly holds: PgHolds,
  ) {}

  /** Runs one of the transaction's statements (the transaction's own error handling). */
  protected abstract step<T>(f: () => Promise<T>): Promise<T>;

  putCase(k: StoredCase): Promise<void> {
    return this.holdStep(() => putCase(this.c, k));
  }

  putCaseMember(m: CaseMember): Promise<void> {
    return this.holdStep(() => putCaseMember(this.c, m));
  }

  addCaseNote(n: CaseNote): Promise<void> {
    return this.step(() => addCaseNote(this.c, n));
  }

  putTriage(t: AlertTriage): Promise<void> {
    return this.step(() => putTriage(this.c, t));
  }

  putErasureRequest(r: ErasureRequest): Promise<void> {
    return this.step(() => putErasureRequest(this.c, r));
  }

  putAccess(employee: string, state: AccessState | undefined, eventId: string): Promise<void> {
    return this.step(() => putAccess(this.c, employee, state, eventId));
  }

  putOutbox(o: OutboxCommand): Promise<void> {
    return this.step(() => putOutbox(this.c, o));
  }

  putAppeal(a: Appeal): Promise<void> {
    return this.step(() => putAppeal(this.c, a));
  }

  outboxAttempt(id: string, result: { deliveredAt: string } | { error: string }): Promise<void> {
    return this.step(() => outboxAttempt(this.c, id, result));
  }

  deleteErasureRequest(subject: string): Promise<void> {
    return this.step(() => deleteErasureRequest(this.c, subject));
  }

  /** After the transaction rolled back: the holds as committed (best effort on a lost connection). */
  protected async forgetHolds(): Promise<void> {
    if (!this.touchedHolds) return;
    this.touchedHolds = false;
    await this.holds.load().catch(() => undefined);
  }

  private holdStep(write: () => Promise<void>): Promise<void> {
    return this.step(async () => {
      this.touchedHolds = true;
      await write();
      await this.holds.load();
    });
  }
}
