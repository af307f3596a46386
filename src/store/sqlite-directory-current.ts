import type Database from 'better-sqlite3';
import type { DirectoryKind } from '../domain/index.js';
import type { StoreStats } from './ports.js';
import { settleDirectory } from './sqlite-directory-writer.js';
import { rowsIn } from './sqlite-in.js';

/** `FROM` the current version of each record: its pointer joined with the version. */
const CURRENT = 'directory_current c JOIN directory_versions v ON v.leaf = c.leaf';

/**
 * The one reader of `directory_current`. Inside an open import its pointers lag the versions
 * written until they are settled (`SqliteDirectoryWriter`), so a reader that did not settle
 * them first would see records as they were before the import — stale, with nothing to show
 * it. Every statement here is had from `prepare`, which settles first, and no other module
 * reads the table (`sqlite-directory-current.test.ts` holds both, and that each read sees an
 * open import's records).
 */
export class SqliteCurrentDirectory {
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** How many records of `kind` exist. */
  count(kind: DirectoryKind): number {
    return this.prepare('SELECT count(*) FROM directory_current WHERE kind = ?')
      .pluck()
      .get(kind) as number;
  }

  /** How many records of each kind that has any exist. */
  countsByKind(): { kind: DirectoryKind; n: number }[] {
    return this.prepare(
      'SELECT kind, count(*) AS n FROM directory_current GROUP BY kind',
    ).all() as {
      kind: DirectoryKind;
      n: number;
    }[];
  }

  /** The current payload of one record, if it exists. */
  payload(kind: DirectoryKind, key: string): string | undefined {
    return this.prepare(`SELECT v.payload FROM ${CURRENT} WHERE c.kind = ? AND c.key = ?`)
      .pluck()
      .get(kind, key) as string | undefined;
  }

  /** The current payloads of every record of `kind`, in key order. */
  payloads(kind: DirectoryKind): string[] {
    return this.prepare(`SELECT v.payload FROM ${CURRENT} WHERE c.kind = ? ORDER BY c.key`)
      .pluck()
      .all(kind) as string[];
  }

  /** The current payloads of an employee's assignments. */
  assignmentPayloads(employeeId: string): string[] {
    // assignment keys are `employee NUL seller NUL from`: a range scan of the primary key
    return this.prepare(
      `SELECT v.payload FROM ${CURRENT} WHERE c.kind = 'assignment' AND c.key >= ? AND c.key < ?`,
    )
      .pluck()
      .all(`${employeeId}\u0000`, `${employeeId}\u0001`) as string[];
  }

  /** The keys among `keys` of records of `kind` that exist. */
  existing(kind: DirectoryKind, keys: readonly string[]): Set<string> {
    const found = new Set<string>();
    const sql = 'SELECT key FROM directory_current WHERE kind = ? AND key IN';
    for (const row of rowsIn<{ key: string }>(this.prepare, sql, keys, kind)) found.add(row.key);
    return found;
  }

  /** The leaf of a record's current version. */
  leafOf(kind: string, key: string): number | undefined {
    return this.prepare('SELECT leaf FROM directory_current WHERE kind = ? AND key = ?')
      .pluck()
      .get(kind, key) as number | undefined;
  }

  /** Current employees per site and team (`warden stats`). */
  employeesBySite(): StoreStats['employeesBySite'] {
    return this.prepare(
      `SELECT json_extract(v.payload, '$.site') AS site, json_extract(v.payload, '$.team') AS team,
              count(*) AS employees
       FROM ${CURRENT}
       WHERE c.kind = 'employee' GROUP BY site, team ORDER BY site, team`,
    ).all() as StoreStats['employeesBySite'];
  }

  /**
   * The records whose pointer is not their newest version (`ledger verify`). Linear in the
   * directory (two ordered scans joined on their keys, no correlated subquery): the newest
   * version of each record, from the (kind, key, leaf) index of migration 4, joined with its
   * current pointer by primary key; then every current pointer whose leaf is not a version of
   * that record, joined by leaf.
   */
  stalePointers(): { kind: DirectoryKind; key: string; leaf: number }[] {
    return this.prepare(
      `SELECT n.kind, n.key, coalesce(c.leaf, n.leaf) AS leaf
       FROM (SELECT kind, key, max(leaf) AS leaf FROM directory_versions GROUP BY kind, key) n
       LEFT JOIN directory_current c ON c.kind = n.kind AND c.key = n.key
       WHERE c.leaf IS NOT n.leaf
       UNION
       SELECT c.kind, c.key, c.leaf FROM directory_current c
       LEFT JOIN directory_versions v ON v.leaf = c.leaf
       WHERE v.leaf IS NULL OR v.kind IS NOT c.kind OR v.key IS NOT c.key`,
    ).all() as { kind: DirectoryKind; key: string; leaf: number }[];
  }

  /** The current products of `sellers` and the current reviews of those products. */
  catalogueOf(sellers: readonly string[]): { products: string[]; reviews: string[] } {
    const products = this.keysNaming('product', 'sellerId', sellers);
    return { products, reviews: this.keysNaming('review', 'productId', products) };
  }

  /** The keys, in order, of the current records of `kind` whose `member` is one of `values`. */
  private keysNaming(
    kind: 'product' | 'review',
    member: 'sellerId' | 'productId',
    values: readonly string[],
  ): string[] {
    return this.prepare(
      `SELECT c.key FROM ${CURRENT} WHERE c.kind = '${kind}'
         AND json_extract(v.payload, '$.${member}') IN (SELECT value FROM json_each(?))
       ORDER BY c.key`,
    )
      .pluck()
      .all(JSON.stringify(values)) as string[];
  }

  /**
   * The statement for `sql`, after pointing `directory_current` at every version the open
   * transaction wrote: the only way this class reaches the database. Kept per connection
   * unless `keep` is false.
   */
  private readonly prepare = (sql: string, keep = true): Database.Statement => {
    settleDirectory(this.db);
    let statement = keep ? this.prepared.get(sql) : undefined;
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (keep) this.prepared.set(sql, statement);
    }
    return statement;
  };
}
