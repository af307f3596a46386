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
 * Writes directory record versions in bulk: 256 versions, and their current pointers, per
 * statement, so that the per-statement cost is paid once per group, not per row (as for
 * events). Within one statement rows are applied in order, so the last version of a key wins.
 *
 * One writer per transaction, the only writer of `directory_current`: it notes which kinds
 * had no record when the transaction began, and the keys it writes (a `KeyFilter`), so that
 * `currentPayloads` of such a kind asks the database only for the keys it may have written in
 * this transaction (a first import, the common case, asks for almost none).
 */
export class SqliteDirectoryWriter {
  /** Per number of rows: the statements inserting that many versions and current pointers. */
  private readonly inserts = new Map<
    number,
    [versions: Database.Statement, current: Database.Statement]
  >();
  private readonly anyOfKind: Database.Statement;
  private readonly lookups = new Map<number, Database.Statement>();
  /** Per kind seen: whether `directory_current` held none of it when first seen. */
  private readonly emptyAtStart = new Map<string, boolean>();
  private written: KeyFilter | undefined;

  constructor(private readonly db: Database.Database) {
    this.anyOfKind = db.prepare('SELECT 1 FROM directory_current WHERE kind = ? LIMIT 1').pluck();
  }

  insert(versions: readonly StoredDirectoryVersion[]): void {
    const written = (this.written ??= new KeyFilter());
    for (const version of versions) {
      this.noteKind(version.kind); // before the first row of its kind goes in
      written.add(version.kind, version.key);
    }
    const v: unknown[] = [];
    const c: unknown[] = [];
    for (let at = 0; at < versions.length; at += ROWS) {
      const end = Math.min(at + ROWS, versions.length);
      v.length = 0;
      c.length = 0;
      for (let k = at; k < end; k++) push(v, c, versions[k]!);
      const [insertVersions, insertCurrent] = this.insertsOf(end - at);
      insertVersions.run(v);
      insertCurrent.run(c);
    }
  }

  private insertsOf(rows: number): [Database.Statement, Database.Statement] {
    let pair = this.inserts.get(rows);
    if (!pair) {
      pair = [
        this.db.prepare(
          `INSERT INTO directory_versions (leaf, kind, key, payload) VALUES ${Array(rows).fill('(?, ?, ?, ?)').join(',')}`,
        ),
        this.db.prepare(
          `INSERT OR REPLACE INTO directory_current (kind, key, leaf) VALUES ${Array(rows).fill('(?, ?, ?)').join(',')}`,
        ),
      ];
      this.inserts.set(rows, pair);
    }
    return pair;
  }

  /** The current payload of each of `keys` that has one. */
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
      stmt = this.db
        .prepare(
          `SELECT c.key, v.payload FROM directory_current c JOIN directory_versions v ON v.leaf = c.leaf
           WHERE c.kind = ? AND c.key IN (${Array(n).fill('?').join(',')})`,
        )
        .raw();
      this.lookups.set(n, stmt);
    }
    return stmt;
  }
}

function push(v: unknown[], c: unknown[], version: StoredDirectoryVersion): void {
  v.push(version.leaf, version.kind, version.key, version.payload);
  c.push(version.kind, version.key, version.leaf);
}
