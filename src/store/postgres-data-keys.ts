import type { DataKeyRepository, KeyDeletion } from './ports.js';
import type { PgHolds } from './postgres-cases.js';
import type { PgConnection } from './postgres-connection.js';

const UPSERT = `INSERT INTO data_keys (subject, wrapped) SELECT * FROM unnest($1::text[], $2::bytea[])
  ON CONFLICT (subject) DO UPDATE SET wrapped = EXCLUDED.wrapped`;

/** The holds naming a subject and, only when there is none, the deletion of its key. */
const DELETE_UNLESS_HELD = `WITH holds AS (
    SELECT c.id FROM case_members m JOIN cases c ON c.id = m.case_id
    WHERE m.kind IN ('employee', 'seller', 'reviewer') AND m.ref = $1 AND c.held_at IS NOT NULL
  ), deleted AS (
    DELETE FROM data_keys WHERE subject = $1 AND NOT EXISTS (SELECT 1 FROM holds) RETURNING 1
  )
  SELECT ARRAY(SELECT id FROM holds ORDER BY id), EXISTS (SELECT 1 FROM deleted)`;

/**
 * The vault's wrapped data keys on PostgreSQL. The port is synchronous (the vault seals field
 * by field inside an import), so reads are answered from a copy held in memory, loaded when
 * the store opens and topped up at each `begin()`. Writes are held and go to the server as one
 * statement just before the connection's next statement, in their place among the store's
 * statements: a write made while the store's transaction is open is part of it and is undone
 * with it, as on SQLite. A write's failure is reported by the next commit (or `flush`).
 */
export class PgDataKeys implements DataKeyRepository {
  private readonly keys = new Map<string, Buffer>();
  /** Undo records of writes made in the open transaction: subject and what it held before. */
  private journal: [string, Buffer | undefined][] | undefined;
  /** Puts not yet issued, in order (a later put of a subject replaces an earlier one). */
  private held = new Map<string, Buffer>();
  private pending: Promise<unknown>[] = [];
  private failure: Error | undefined;
  private added = 0;

  constructor(
    private readonly c: PgConnection,
    /** The legal holds, read from memory too (see `PgHolds`). */
    private readonly holds: PgHolds,
  ) {
    c.holdWrites(() => this.issueHeld());
  }

  /**
   * Reads the keys added since the last call (all of them the first time): another process
   * may have added some, and a subject's key must never be made twice.
   */
  async load(): Promise<void> {
    const rows = await this.c.arrays<[string, Buffer, number]>(
      'SELECT subject, wrapped, added FROM data_keys WHERE added > $1 ORDER BY added',
      [this.added],
    );
    for (const [subject, wrapped, added] of rows) {
      if (!this.held.has(subject)) this.keys.set(subject, wrapped);
      this.added = Math.max(this.added, added);
    }
  }

  getWrappedKey(subject: string): Buffer | undefined {
    return this.keys.get(subject);
  }

  getWrappedKeys(subjects: readonly string[]): Map<string, Buffer> {
    const found = new Map<string, Buffer>();
    for (const subject of subjects) {
      const wrapped = this.keys.get(subject);
      if (wrapped !== undefined) found.set(subject, wrapped);
    }
    return found;
  }

  putWrappedKeys(rows: readonly (readonly [subject: string, wrapped: Buffer])[]): void {
    for (const [subject, wrapped] of rows) this.putWrappedKey(subject, wrapped);
  }

  putWrappedKey(subject: string, wrapped: Buffer): void {
    this.remember(subject);
    this.keys.set(subject, wrapped);
    this.held.set(subject, wrapped);
  }

  /**
   * One statement, so one snapshot: the holds it finds are the ones it deletes under (the
   * copy of the holds in memory is as old as the last `begin()`, and another process may
   * have placed one since).
   */
  async deleteWrappedKeyUnlessHeld(subject: string): Promise<KeyDeletion> {
    const [row] = await this.c.arrays<[string[], boolean]>(DELETE_UNLESS_HELD, [subject]);
    const [holds, deleted] = row ?? [[], false];
    if (deleted) {
      this.remember(subject);
      this.keys.delete(subject);
    }
    return { holds, deleted };
  }

  someWrappedKey(): { subject: string; wrapped: Buffer } | undefined {
    const first = this.keys.entries().next();
    return first.done === true ? undefined : { subject: first.value[0], wrapped: first.value[1] };
  }

  holdsOn(subject: string): string[] {
    return this.holds.on(subject);
  }

  /** The store's transaction began: writes from now on are undone by `rolledBack`. */
  began(): void {
    this.journal = [];
  }

  /** The transaction committed: its writes stay. */
  committed(): void {
    this.journal = undefined;
  }

  /** The transaction rolled back: the copy in memory forgets its writes too. */
  rolledBack(): void {
    for (const [subject, before] of (this.journal ?? []).reverse()) {
      if (before === undefined) this.keys.delete(subject);
      else this.keys.set(subject, before);
    }
    this.journal = undefined;
    this.failure = undefined;
    this.held.clear();
    this.pending = [];
  }

  /** Issues the held writes and waits for every write issued so far; throws the first that failed. */
  async flush(): Promise<void> {
    this.issueHeld();
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  private remember(subject: string): void {
    this.journal?.push([subject, this.keys.get(subject)]);
  }

  /** The held puts as one statement, issued now (before whatever the connection runs next). */
  private issueHeld(): void {
    if (this.held.size === 0) return;
    const subjects = [...this.held.keys()];
    const wrapped = [...this.held.values()];
    this.held = new Map();
    this.track(this.c.enqueue(UPSERT, [subjects, wrapped]));
  }

  private track(write: Promise<unknown>): void {
    this.pending.push(
      write.catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      }),
    );
  }
}
