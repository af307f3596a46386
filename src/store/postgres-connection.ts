import type pg from 'pg';
import { StoreError } from './errors.js';
import { pgFault } from './postgres-faults.js';

/** A query's values: pg serialises arrays, Buffers (bytea) and nulls itself. */
export type Params = readonly unknown[];

const INT8 = 20;

/**
 * 64-bit integers (leaves, counts, epoch ms) as numbers: every one Warden stores is below
 * 2^53 (the ledger's leaf indices are numbers in the ports too), so none loses precision.
 */
const typesOf = (driver: typeof pg): { getTypeParser: typeof pg.types.getTypeParser } => ({
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8 && format !== 'binary'
      ? Number
      : (driver.types.getTypeParser(
          oid,
          format ?? 'text',
        ) as unknown)) as typeof pg.types.getTypeParser,
});

/** Where a store lives: the server URL (no password, for messages) and the schema. */
export interface PgTarget {
  readonly connectionString: string;
  readonly schema: string;
  /** The URL with any password left out: what messages name. */
  readonly label: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads `postgres://user@host:port/db?schema=NAME` (schema default `warden`): the schema
 * parameter is Warden's and is taken out before the URL goes to the driver.
 */
export function parsePgUrl(url: string): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new StoreError('OPEN_FAILED', `not a PostgreSQL URL: ${url}`, { cause });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreError('OPEN_FAILED', `not a PostgreSQL URL (postgres://…): ${url}`);
  }
  const schema = parsed.searchParams.get('schema') ?? 'warden';
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError(
      'OPEN_FAILED',
      `schema=${schema} in the PostgreSQL URL: a schema name is lower-case letters, digits and _`,
    );
  }
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  if (parsed.password !== '') parsed.password = '***';
  parsed.searchParams.set('schema', schema);
  return { connectionString, schema, label: parsed.toString() };
}

/**
 * One connection to the server. Every statement goes through it in the order issued, so reads made while the store's write transaction is open see that
 * transaction's writes, as they do on SQLite's one connection.
 */
export class PgConnection {
  /** The last statement issued: the next runs after it. */
  private tail: Promise<unknown> = Promise.resolve();
  private beforeNext: (() => void) | undefined;
  private readonly names = new Map<string, string>();

  private constructor(
    readonly client: pg.Client,
    readonly target: PgTarget,
  ) {}

  /** Connects, and makes the target's schema the only one its statements see. */
  static async connect(target: PgTarget): Promise<PgConnection> {
    // the driver loads with the first connection: a SQLite command (or thread) never needs it
    const { default: driver } = await import('pg');
    const client = new driver.Client({
      connectionString: target.connectionString,
      types: typesOf(driver),
    });
    // a dropped connection is reported by the next statement; without a listener it would crash
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`SET search_path TO ${target.schema}`);
      await client.query("SET lock_timeout = '5s'");
    } catch (cause) {
      await client.end().catch(() => undefined);
      throw (
        pgFault(cause, target.label) ??
        new StoreError('OPEN_FAILED', `cannot connect to ${target.label}`, { cause })
      );
    }
    return new PgConnection(client, target);
  }

  /** The rows of a statement, as objects. */
  async rows<Row>(sql: string, params: Params = []): Promise<Row[]> {
    const result = await this.query(sql, params);
    return result.rows as Row[];
  }

  /** The rows of a statement, as arrays of column values (no object per row). */
  async arrays<Row extends unknown[]>(sql: string, params: Params = []): Promise<Row[]> {
    const result = await this.query(sql, params, 'array');
    return result.rows as Row[];
  }

  /** The first column of the first row, if any. */
  async value<T>(sql: string, params: Params = []): Promise<T | undefined> {
    const [row] = await this.arrays<[T]>(sql, params);
    return row?.[0];
  }

  /** Runs a statement for its effect; the number of rows it touched. */
  async run(sql: string, params: Params = []): Promise<number> {
    const result = await this.query(sql, params);
    return result.rowCount ?? 0;
  }

  /**
   * A statement's result; a server fault becomes the store's typed error (`pgFault`).
   * Statements run one after another in the order they were issued, even when the caller
   * does not wait for one before issuing the next (the vault's key writes do not).
   */
  query(sql: string, params: Params = [], rowMode?: 'array'): Promise<pg.QueryResult> {
    this.beforeNext?.();
    return this.enqueue(sql, params, rowMode);
  }

  /**
   * Writes held back to go as one statement (the vault's data keys): `hook` issues them with
   * `enqueue` and runs before any other statement is issued, so that they keep their place.
   */
  holdWrites(hook: () => void): void {
    this.beforeNext = hook;
  }

  /** Issues a statement now, after those issued before it (`query` without the held writes). */
  enqueue(sql: string, params: Params = [], rowMode?: 'array'): Promise<pg.QueryResult> {
    const config: pg.QueryConfig = {
      text: sql,
      // without values the simple protocol runs it: a migration's several statements at once
      // with values: a named statement, parsed and planned once per connection (the texts
      // are the adapter's constants; values are never spliced into them)
      ...(params.length > 0 ? { values: params as unknown[], name: this.nameOf(sql) } : {}),
      ...(rowMode ? { rowMode } : {}),
    };
    const run = this.tail.then(() => this.client.query(config));
    this.tail = run.catch(() => undefined);
    return run.catch((error: unknown) => {
      throw pgFault(error, this.target.label) ?? error;
    });
  }

  private nameOf(sql: string): string {
    let name = this.names.get(sql);
    if (name === undefined) {
      name = `warden_${this.names.size}`;
      this.names.set(sql, name);
    }
    return name;
  }

  async end(): Promise<void> {
    this.beforeNext?.();
    await this.tail;
    await this.client.end().catch(() => undefined);
  }
}
