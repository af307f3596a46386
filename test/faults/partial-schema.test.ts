import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { employee, event, runCli, tempDir } from '../helpers.js';

// A first run killed between two migrations (each is its own transaction) leaves a database
// whose schema stops short of the newest. Read-only commands read it as it is, never migrate:
// `ledger verify` must then verify what is there, not fail on a table a later migration adds.
describe('a database whose schema stops before the cases tables (a kill between migrations)', () => {
  const dir = tempDir('warden-partial-schema-');
  afterAll(() => dir.cleanup());

  it('verifies read-only, and the next writer completes the schema', async () => {
    const db = join(dir.path, 'w.db');
    const lines = [employee('e1'), event('ev-1', { actor: 'e1' })].join('\n');
    expect((await runCli(['ingest', '--db', db, '-'], `${lines}\n`)).code).toBe(0);
    const raw = new Database(db);
    for (const t of ['appeals', 'outbox', 'employee_access', 'erasure_requests', 'alert_triage']) {
      raw.exec(`DROP TABLE IF EXISTS ${t}`);
    }
    raw.exec('DROP TABLE IF EXISTS case_notes; DROP TABLE IF EXISTS case_members');
    raw.exec('DROP TABLE IF EXISTS cases; DROP INDEX events_actor; DROP INDEX events_target');
    // migration 7 undone whole (it is one transaction), the later ones kept: a database may
    // lack a lower number merged in later, and readers must cope with that too
    raw.exec('DELETE FROM schema_version WHERE version = 7');
    raw.close();

    const v = await runCli(['ledger', 'verify', '--db', db, '--json']);
    expect(v.err).toBe('');
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out)).toMatchObject({ ok: true, size: 2 });

    // a writer migrates what is missing, and the log still verifies
    expect(
      (await runCli(['ingest', '--db', db, '-'], `${event('ev-2', { actor: 'e1' })}\n`)).code,
    ).toBe(0);
    const check = new Database(db, { readonly: true });
    const has = check.prepare("SELECT 1 FROM sqlite_master WHERE name = 'cases'").get();
    check.close();
    expect(has).toBeDefined();
    expect((await runCli(['ledger', 'verify', '--db', db])).code).toBe(0);
  }, 60_000);
});
