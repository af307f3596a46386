import type Database from 'better-sqlite3';
import type { DirectoryKind } from '../domain/index.js';
import { KeyFilter } from './key-filter.js';
import type { StoredDirectoryVersion } from './ports.js';

/**
 * Rows per multi-row INSERT: 256 × 4 parameters, well under SQLite's limit (32,766). A run's
 * remainder goes in one statement of its own size (prepared once per size).
 */
const ROWS = 256;
/** Keys per look-up of current payloads. */
const KEYS = 500;

/**
 * The writer of each connection whose transaction holds versions not yet pointed to by
 * `directory_current` (see `SqliteDirectoryWriter`).
 */
const unsettled = new WeakMap<Database.Database, SqliteDirectoryWriter>();

/**
 * Points `directory_current` at the versions the open transaction on `db` wrote since it last
 * did: the table's one reader (`SqliteCurrentDirectory`) calls it before each of its
 * statements, so that a reader in the transaction (the import's own reference checks) sees its
 * records as current. Nothing to do, and cheap, outside an import.
 */
export function settleDirectory(db: Database.Database): void {
  unsettled.get(db)?.settle();
}

/**
 * Writes directory record versions in bulk: 256 versions per statement, so that the
 * per-statement cost is paid once per group, not per row (as for events).
 *
 * Their current pointers are written later, all at once (`settle`): when the transaction
 * commits, or before anything reads `directory_current` (`settleDirectory`). One statement
 * then takes the newest version of each key among the versions written since, in key order —
 * a B-tree filled in order, instead of one pointer per version at a random place of the
 * table (about a third of the SQLite work of a first import of directory records, and a key
 * sent twice gets one pointer). The pointer is the newest version's leaf, as it would have
 * been one version at a time (`ledger verify` holds every pointer to the newest version).
 *
 * One writer per transaction, the only writer of `directory_current`: it notes which kinds
 * had no record when the transaction began, and the keys it writes (a `KeyFilter`), so that
 * `currentPayloads` of such a kind asks the database only for the keys it may have written in
 * this transaction (a first import, the common case, asks for almost none). It reads the
 * newest versions, which the pointers may not show yet.
 */
export class SqliteDirectoryWriter {
  /** Per number of rows: the statement inserting that many versions. */
  private readonly inserts = new Map<number, Database.Statement>();
  private readonly anyOfKind: Database.Statement;
  private readonly pointNewest: Database.Statement;
  private readonly lookups = new Map<number, Database.Statement>();
  /** Per kind seen: whether `directory_current` held none of it when first seen. */
  private readonly emptyAtStart = new Map<string, boolean>();
  private written: KeyFilter | undefined;
  /** The first leaf written since `directory_current` last pointed to every version. */
  private unsettledFrom: number | undefined;

  constructor(private readonly db: Database.Database) {
    this.anyOfKind = db.prepare('SELECT 1 FROM directory_current WHERE kind = ? LIMIT 1').pluck();
    // by leaf (the rowid) from the first one not pointed to, then grouped in key order: the
    // versions written since, not the table (the (kind, key, leaf) index would read it all)
    this.pointNewest = db.prepare(
      `INSERT OR REPLACE INTO directory_current (kind, key, leaf)
       SELECT kind, key, max(leaf) FROM directory_versions NOT INDEXED WHERE leaf >= ?
       GROUP BY kind, key ORDER BY kind, key`,
    );
  }

  insert(versions: readonly StoredDirectoryVersion[]): void {
    if (versions.length === 0) return;
    const written = (this.written ??= new KeyFilter());
    let first = versions[0]!.leaf;
    for (const version of versions) {
      this.noteKind(version.kind); // before the first row of its kind goes in
      written.add(version.kind, version.key);
      if (version.leaf < first) first = version.leaf;
    }
    const v: unknown[] = [];
    for (let at = 0; at < versions.length; at += ROWS) {
      const end = Math.min(at + ROWS, versions.length);
      v.length = 0;
      for (let k = at; k < end; k++) push(v, versions[k]!);
      this.insertOf(end - at).run(v);
    }
    if (this.unsettledFrom === undefined || first < this.unsettledFrom) this.unsettledFrom = first;
    unsettled.set(this.db, this);
  }

  /** Points `directory_current` at the newest of the versions written since it last did. */
  settle(): void {
    if (this.unsettledFrom === undefined) return;
    this.pointNewest.run(this.unsettledFrom);
    this.unsettledFrom = undefined;
    if (unsettled.get(this.db) === this) unsettled.delete(this.db);
  }

  /** Forgets the versions not pointed to (the transaction rolled back: they are gone). */
  discard(): void {
    this.unsettledFrom = undefined;
    if (unsettled.get(this.db) === this) unsettled.delete(this.db);
  }

  private insertOf(rows: number): Database.Statement {
    let stmt = this.inserts.get(rows);
    if (!stmt) {
      stmt = this.db.prepare(
        `INSERT INTO directory_versions (leaf, kind, key, payload) VALUES ${Array(rows).fill('(?, ?, ?, ?)').join(',')}`,
      );
      this.inserts.set(rows, stmt);
    }
    return stmt;
  }

  /** The current payload of each of `keys` that has one: its newest version's. */
  currentPayloads(kind: DirectoryKind, wanted: readonly string[]): Map<string, string> {
    const found = new Map<string, string>();
    const keys = this.noteKind(kind) ? this.mayHaveWritten(kind, wanted) : wanted;
    for (let i = 0; i < keys.length; i += KEYS) {
      const chunk = keys.slice(i, i + KEYS);
      const rows = this.lookup(chunk.length).all(kind, ...chunk) as [string, string][];
      for (const [key, payload] of rows) found.set(key, payload);
    }
    return found;
  }

  /** Whether `directory_current` held no record of `kind` before this writer wrote one. */
  private noteKind(kind: string): boolean {
    let empty = this.emptyAtStart.get(kind);
    if (empty === undefined) {
      empty = this.anyOfKind.get(kind) === undefined;
      this.emptyAtStart.set(kind, empty);
    }
    return empty;
  }

  private mayHaveWritten(kind: string, keys: readonly string[]): readonly string[] {
    const written = this.written;
    return written === undefined ? [] : keys.filter((k) => written.mayHave(kind, k));
  }

  private lookup(n: number): Database.Statement {
    let stmt = this.lookups.get(n);
    if (!stmt) {
      // the newest version of each key, from the (kind, key, leaf) index: what the pointer
      // names once settled, whether or not it is yet
      stmt = this.db
        .prepare(
          `SELECT v.key, v.payload FROM directory_versions v WHERE v.leaf IN (
             SELECT max(leaf) FROM directory_versions
             WHERE kind = ? AND key IN (${Array(n).fill('?').join(',')}) GROUP BY key)`,
        )
        .raw();
      this.lookups.set(n, stmt);
    }
    return stmt;
  }
}

function push(v: unknown[], version: StoredDirectoryVersion): void {
  v.push(version.leaf, version.kind, version.key, version.payload);
}
