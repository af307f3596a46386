import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePgUrl } from '../src/store/index.js';
import { TEST_PG_URL, pgTestSchemas } from '../src/store/postgres-test-support.js';
import { employee, event, runCli, tempDir, type CliResult } from './helpers.js';
import { writeFileSync } from 'node:fs';

/**
 * The backup and restore of docs/operations.md ("PostgreSQL"), done as written: `pg_dump` of
 * the store's schema, the schema lost, `pg_restore`; the restored store verifies and answers
 * as before, and an edit behind its back after the restore does not verify.
 */
const schemas = await pgTestSchemas();
const dir = tempDir('warden-pg-backup-');

/** libpq's connection options of the test server, for the PostgreSQL client programs. */
function libpq(): string[] {
  const u = new URL(TEST_PG_URL);
  return ['-h', u.hostname, '-p', u.port || '5432', '-U', u.username || 'postgres'];
}
const database = new URL(TEST_PG_URL).pathname.slice(1);

if ('skip' in schemas) {
  describe.skip(`PostgreSQL backup (${schemas.skip})`, () => {
    it('needs the server', () => undefined);
  });
} else {
  afterAll(async () => {
    await schemas.dropAll();
    dir.cleanup();
  });

  describe('a PostgreSQL store backed up with pg_dump and restored with pg_restore', () => {
    it('verifies and answers as before', async () => {
      const url = schemas.url();
      const schema = parsePgUrl(url).schema;
      const env = { ...process.env, WARDEN_KEY_DIR: join(dir.path, 'keys') };
      const cli = async (args: string[]): Promise<CliResult> => {
        const saved = process.env['WARDEN_KEY_DIR'];
        process.env['WARDEN_KEY_DIR'] = env.WARDEN_KEY_DIR;
        try {
          return await runCli([...args, '--pg', url]);
        } finally {
          if (saved === undefined) delete process.env['WARDEN_KEY_DIR'];
          else process.env['WARDEN_KEY_DIR'] = saved;
        }
      };
      const file = join(dir.path, 'in.ndjson');
      const lines = [employee('e-1'), ...Array.from({ length: 50 }, (_, i) => event(`ev-${i}`))];
      writeFileSync(file, `${lines.join('\n')}\n`);
      expect((await cli(['ingest', file])).code).toBe(0);
      const before = (await cli(['stats', '--json'])).out;

      const dump = join(dir.path, 'warden.dump');
      execFileSync('pg_dump', [...libpq(), '-n', schema, '-Fc', '-f', dump, database]);
      execFileSync('psql', [...libpq(), '-c', `DROP SCHEMA ${schema} CASCADE`, database]);
      expect((await cli(['stats'])).code).toBe(2); // gone: NOT_FOUND
      execFileSync('pg_restore', [...libpq(), '-d', database, dump]);

      const verify = await cli(['ledger', 'verify', '--json']);
      expect(verify.code).toBe(0);
      expect((JSON.parse(verify.out) as { size: number }).size).toBe(51);
      expect((await cli(['stats', '--json'])).out).toBe(before);
      // the keys came back from their own backup (here: never lost); new writes go on
      expect((await cli(['ingest', file])).code).toBe(0);

      // an attacker with the server edits a record of the restored store: the ledger says so
      execFileSync('psql', [
        ...libpq(),
        '-c',
        `UPDATE ${schema}.events SET actor = 'e-2' WHERE id = 'ev-3'`,
        database,
      ]);
      const tampered = await cli(['ledger', 'verify', '--json']);
      expect(tampered.code).toBe(1);
    });
  });
}
