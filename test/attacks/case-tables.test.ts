// Attack: write the case tables behind Warden's back — reopen a closed case, mark a reveal
// approved, lift a revocation, rewrite or drop a command to the marketplace, drop the record
// of an alias handed out by a review restore. `ledger verify` holds each table to the ledger's
// events and fails (exit 1) with a code naming the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackDb, json, type AttackDb } from './guard-support.js';

let a: AttackDb;
const t: Record<'counsel1' | 'counsel2', string> = { counsel1: '', counsel2: '' };
let caseId = '';
let alias = '';

/** Takes a measure: asked by counsel1, approved by counsel2, carried out by counsel1. */
async function take(...args: string[]): Promise<Record<string, unknown>> {
  const run = ['action', 'take', ...args, '--reason', 'bought reviews', '--token', t.counsel1];
  const asked = json<{ approvalId: string }>(await a.cli(...run, '--json'));
  expect((await a.cli('approve', asked.approvalId, '--token', t.counsel2)).code).toBe(0);
  const done = await a.cli(...run, '--approval', asked.approvalId, '--json');
  expect(done.code, done.err).toBe(0);
  return JSON.parse(done.out) as Record<string, unknown>;
}

async function verify(): Promise<{ code: number; codes: string[] }> {
  const r = await a.cli('ledger', 'verify', '--json');
  const report = JSON.parse(r.out) as { problems: { code: string }[] };
  return { code: r.code, codes: report.problems.map((p) => p.code) };
}

beforeAll(async () => {
  a = await attackDb('warden-attack-cases-');
  for (const who of ['counsel1', 'counsel2'] as const) t[who] = await a.token(who);
  const opened = json<{ id: string }>(
    await a.cli('case', 'open', '--title', 'bought reviews', '--token', t.counsel1, '--json'),
  );
  caseId = opened.id;
  for (const subject of [
    ['--employee', 'a1'],
    ['--seller', 's1'],
  ]) {
    const r = await a.cli('case', 'add', caseId, ...subject, '--token', t.counsel1);
    expect(r.code, r.err).toBe(0);
  }
  await take('employee.revoke', caseId, 'a1');
  await take('reviews.remove', caseId, 's1', '--reviews', 'r1', '--rule', 'ToS 4.2');
  const restored = await take(
    'reviews.restore',
    caseId,
    's1',
    '--reviews',
    'r1',
    '--rule',
    'ToS 4.2',
  );
  alias = (restored['data'] as { tell: { alias: string }[] }).tell[0]!.alias;
  expect(
    (await a.cli('case', 'close', caseId, '--reason', 'referred', '--token', t.counsel1)).code,
  ).toBe(0);
}, 240_000);
afterAll(() => a.cleanup());

describe('the case tables written behind Warden’s back', () => {
  it('verify passes while the tables are what the ledger says', async () => {
    expect(await verify()).toEqual({ code: 0, codes: [] });
  });

  describe('when a review restore told reviewers through relay aliases', () => {
    it('records each alias as a hand-out to whoever carried the restore out', async () => {
      const r = await a.cli('alias', 'resolve', alias);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/handed to counsel1 \(reviewer rv1\)/);
    });

    it('fails verify when the hand-out row is deleted (ALIAS_INDEX_MISSING)', async () => {
      a.sql('CREATE TABLE saved_aliases AS SELECT * FROM relay_aliases');
      a.sql('DELETE FROM relay_aliases');
      expect(await verify()).toEqual({ code: 1, codes: ['ALIAS_INDEX_MISSING'] });
      a.sql('INSERT INTO relay_aliases SELECT * FROM saved_aliases');
      a.sql('DROP TABLE saved_aliases');
      expect((await verify()).code).toBe(0);
    });
  });

  const attacks: [string, string, string, string][] = [
    [
      'a closed case is reopened',
      "UPDATE cases SET status = 'open' WHERE id = ?",
      "UPDATE cases SET status = 'closed' WHERE id = ?",
      'CASE_INDEX_FORGED',
    ],
    [
      'a reveal is marked approved with no approval',
      "UPDATE cases SET revealed_by = 'counsel2', revealed_at = '2026-12-01T00:00:00Z' WHERE id = ?",
      'UPDATE cases SET revealed_by = NULL, revealed_at = NULL WHERE id = ?',
      'CASE_INDEX_FORGED',
    ],
    [
      'the case is handed to someone else',
      "UPDATE cases SET assignee = 'a1' WHERE id = ?",
      "UPDATE cases SET assignee = 'counsel1' WHERE id = ?",
      'CASE_INDEX_FORGED',
    ],
  ];
  describe.each(attacks)('when %s', (_what, tamper, undo, code) => {
    it(`fails verify (${code}) and passes again once undone`, async () => {
      a.sql(tamper, caseId);
      expect(await verify()).toEqual({ code: 1, codes: [code] });
      a.sql(undo, caseId);
      expect((await verify()).code).toBe(0);
    });
  });

  describe('when a subject is taken off the case, or someone is put on it', () => {
    it('fails verify (CASE_MEMBER_MISSING, CASE_MEMBER_FORGED)', async () => {
      a.sql('CREATE TABLE saved_members AS SELECT * FROM case_members');
      // a1 deleted from the case it investigates: the policies would let a1 read it
      a.sql("DELETE FROM case_members WHERE kind = 'employee' AND ref = 'a1'");
      expect(await verify()).toEqual({ code: 1, codes: ['CASE_MEMBER_MISSING'] });
      a.sql('DELETE FROM case_members');
      a.sql('INSERT INTO case_members SELECT * FROM saved_members');
      a.sql(
        "INSERT INTO case_members SELECT case_id, 'employee', 'counsel2', NULL, added_at, event_id FROM saved_members LIMIT 1",
      );
      expect(await verify()).toEqual({ code: 1, codes: ['CASE_MEMBER_FORGED'] });
      a.sql("DELETE FROM case_members WHERE ref = 'counsel2'");
      a.sql('DROP TABLE saved_members');
      expect((await verify()).code).toBe(0);
    });
  });

  describe('when a revocation is lifted in employee_access', () => {
    it('fails verify (ACCESS_INDEX_MISSING), and a forged suspension too (ACCESS_INDEX_FORGED)', async () => {
      a.sql('CREATE TABLE saved_access AS SELECT * FROM employee_access');
      a.sql("DELETE FROM employee_access WHERE employee = 'a1'");
      expect(await verify()).toEqual({ code: 1, codes: ['ACCESS_INDEX_MISSING'] });
      a.sql('INSERT INTO employee_access SELECT * FROM saved_access');
      a.sql("INSERT INTO employee_access VALUES ('mod1', 'suspended', 'w-none')");
      expect(await verify()).toEqual({ code: 1, codes: ['ACCESS_INDEX_FORGED'] });
      a.sql("DELETE FROM employee_access WHERE employee = 'mod1'");
      a.sql('DROP TABLE saved_access');
      expect((await verify()).code).toBe(0);
    });
  });

  describe('when a command to the marketplace is rewritten or dropped', () => {
    it('fails verify (OUTBOX_FORGED, OUTBOX_MISSING)', async () => {
      a.sql('CREATE TABLE saved_outbox AS SELECT * FROM outbox');
      a.sql(
        "UPDATE outbox SET payload = replace(payload, '\"a1\"', '\"a2\"') WHERE measure = 'employee.revoke'",
      );
      expect(await verify()).toEqual({ code: 1, codes: ['OUTBOX_FORGED'] });
      a.sql("DELETE FROM outbox WHERE measure = 'employee.revoke'");
      expect(await verify()).toEqual({ code: 1, codes: ['OUTBOX_MISSING'] });
      a.sql(
        "INSERT INTO outbox (id, case_id, measure, payload, created_at, event_id, attempts) VALUES ('cmd-x', ?, 'seller.terminate', '{}', '2026-12-01T00:00:00Z', 'w-none', 0)",
        caseId,
      );
      expect((await verify()).codes).toContain('OUTBOX_FORGED');
      a.sql('DELETE FROM outbox');
      a.sql('INSERT INTO outbox SELECT * FROM saved_outbox');
      a.sql('DROP TABLE saved_outbox');
      expect((await verify()).code).toBe(0);
    });
  });
});
