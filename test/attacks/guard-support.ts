// A database holding the guard tests' marketplace, driven through the CLI as an attacker
// would: tokens issued by the operator, and raw SQL for the database writer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { marketplace } from '../../src/guard/test-support.js';
import { runCli, tempDir, type CliResult } from '../helpers.js';

export { withEnv } from '../helpers.js';

export interface AttackDb {
  readonly dir: string;
  readonly db: string;
  /** Runs warden on this database (colours taken out). */
  cli(...args: string[]): Promise<CliResult>;
  /** Issues a token for an employee, as the operator. */
  token(employee: string, ...flags: string[]): Promise<string>;
  /** Raw SQL on the database file, as a database writer. */
  sql(statement: string, ...params: unknown[]): void;
  cleanup(): void;
}

export async function attackDb(prefix: string): Promise<AttackDb> {
  const tmp = tempDir(prefix);
  const db = join(tmp.path, 'w.db');
  const file = join(tmp.path, 'directory.ndjson');
  writeFileSync(
    file,
    marketplace()
      .map((r) => JSON.stringify({ v: 1, kind: r.kind, ...r.body }))
      .join('\n'),
  );
  const cli = async (...args: string[]): Promise<CliResult> => {
    const r = await runCli([...args, '--db', db]);
    return { ...r, out: stripVTControlCharacters(r.out), err: stripVTControlCharacters(r.err) };
  };
  expect((await cli('ingest', file)).code).toBe(0);
  return {
    dir: tmp.path,
    db,
    cli,
    token: async (employee, ...flags) => {
      const r = await cli('token', 'create', employee, '--json', ...flags);
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(r.out) as { token: string }).token;
    },
    sql: (statement, ...params) => {
      const d = new Database(db);
      try {
        d.prepare(statement).run(...params);
      } finally {
        d.close();
      }
    },
    cleanup: () => tmp.cleanup(),
  };
}

/** Sets environment variables for the duration of `run`. */
export function json<T>(r: CliResult): T {
  expect(r.code, r.err).not.toBe(2);
  return JSON.parse(r.out) as T;
}
