import type Database from 'better-sqlite3';
import { chunked } from './chunks.js';

/** Ids per `IN (…)` query: well under SQLite's bound-parameter limit. */
const IN_CHUNK = 500;
/** Remainders this short are kept too: authentication asks for one id on every request. */
const IN_SHORT = 4;

/**
 * Prepares `sql`; `keep`: worth keeping for the next call (preparing a statement anew cost
 * about as much as running it), else prepared for its one use.
 */
export type Prepare = (sql: string, keep: boolean) => Database.Statement;

/**
 * The rows `sqlPrefix (…)` finds for the distinct `ids`, `IN_CHUNK` ids per query; `leading`
 * binds first. The full chunk's statement and the shortest (`IN_SHORT`) are kept, a
 * remainder's is not.
 */
export function* rowsIn<Row>(
  prepare: Prepare,
  sqlPrefix: string,
  ids: readonly string[],
  ...leading: unknown[]
): Generator<Row> {
  for (const chunk of chunked([...new Set(ids)], IN_CHUNK)) {
    const n = chunk.length;
    const sql = `${sqlPrefix} (${Array(n).fill('?').join(',')})`;
    yield* prepare(sql, n === IN_CHUNK || n <= IN_SHORT).all(...leading, ...chunk) as Row[];
  }
}

const kept = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A `Prepare` over `db`, its kept statements per connection. */
export function keptStatements(db: Database.Database): Prepare {
  let cache = kept.get(db);
  if (!cache) kept.set(db, (cache = new Map<string, Database.Statement>()));
  const statements = cache;
  return (sql, keep) => {
    if (!keep) return db.prepare(sql);
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}
