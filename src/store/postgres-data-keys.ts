import type { DataKeyRepository } from './ports.js';
import type { PgConnection } from './postgres-connection.js';

/**
 * The vault's wrapped data keys on PostgreSQL. The port is synchronous (the vault seals field
 * by field inside an import), so reads are answered from a copy held in memory, loaded when
 * the store opens and topped up at each `begin()`; each write is issued at once on the
 * store's one connection, whose statements run in order: a write made while the store's
 * transaction is open is part of it and is undone with it, as on SQLite. A write's failure
 * is reported by the next commit (or `flush`).
 */
export class PgDataKeys implements DataKeyRepository {
  private readonly keys = new Map<string, Buffer>();
  /** Undo records of writes made in the open transaction: subject and what it held before. */
  private journal: [string, Buffer | undefined][] | undefined;
  private pending: Promise<unknown>[] = [];
  private failure: Error | undefined;
  private added = 0;

  constructor(private readonly c: PgConnection) {}

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
      this.keys.set(subject, wrapped);
      this.added = Math.max(this.added, added);
    }
  }

  getWrappedKey(subject: string): Buffer | undefined {
    return this.keys.get(subject);
  }

  putWrappedKey(subject: string, wrapped: Buffer): void {
    this.remember(subject);
    this.keys.set(subject, wrapped);
    this.issue(
      'INSERT INTO data_keys (subject, wrapped) VALUES ($1, $2) ON CONFLICT (subject) DO UPDATE SET wrapped = EXCLUDED.wrapped',
      [subject, wrapped],
    );
  }

  deleteWrappedKey(subject: string): boolean {
    if (!this.keys.has(subject)) return false;
    this.remember(subject);
    this.keys.delete(subject);
    this.issue('DELETE FROM data_keys WHERE subject = $1', [subject]);
    return true;
  }

  someWrappedKey(): { subject: string; wrapped: Buffer } | undefined {
    const first = this.keys.entries().next();
    return first.done === true ? undefined : { subject: first.value[0], wrapped: first.value[1] };
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
    this.pending = [];
  }

  /** Waits for every write issued so far; throws the first that failed. */
  async flush(): Promise<void> {
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

  private issue(sql: string, params: unknown[]): void {
    this.pending.push(
      this.c.run(sql, params).catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      }),
    );
  }
}
