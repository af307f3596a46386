import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests use: `WARDEN_TEST_PG_URL`, else the local one (trust auth, database `test`). */
export const TEST_PG_URL =
  process.env['WARDEN_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Schemas for one test run: each name fresh, all dropped at the end. */
export interface PgTestSchemas {
  /** A URL naming a new, empty schema of this run. */
  url(): string;
  /** Drops every schema of this run. */
  dropAll(): Promise<void>;
}

/**
 * The test server, or why there is none. With `CI=true` an unreachable server throws (the
 * tests must not pass by skipping); elsewhere the caller skips with the printed reason.
 */
export async function pgTestSchemas(): Promise<PgTestSchemas | { skip: string }> {
  const reason = await unreachable();
  if (reason !== undefined) {
    const message = `PostgreSQL at ${TEST_PG_URL} does not answer (${reason})`;
    if (process.env['CI'] === 'true')
      throw new Error(`${message}: CI needs it (.ci/run starts it)`);
    // eslint-disable-next-line no-console -- a skip needs a written reason, where it is seen
    console.warn(`skipping the PostgreSQL tests: ${message}`);
    return { skip: message };
  }
  const run = `t_${process.pid}_${randomBytes(3).toString('hex')}`;
  let n = 0;
  return {
    url: () => withSchema(TEST_PG_URL, `${run}_${n++}`),
    dropAll: () => dropSchemas(run),
  };
}

/** The URL with `schema=NAME` set. */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

async function unreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function dropSchemas(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 || '\\_%'",
      [prefix],
    );
    for (const { nspname } of rows) await client.query(`DROP SCHEMA ${nspname} CASCADE`);
  } finally {
    await client.end();
  }
}
