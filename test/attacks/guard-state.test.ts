// Attack (issue row 4): write the guard's state behind its back — an approvals row inserted
// as approved with no events, an executed approval reset to approved, relay_aliases rows
// deleted or forged. Approvals are used only as the ledger has them; `ledger verify`
// cross-checks the alias index; `alias resolve` answers from the ledger's events.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/ledger/index.js';
import { runCli } from '../helpers.js';
import { attackDb, json, type AttackDb } from './guard-support.js';

let a: AttackDb;
const t: Record<'a1' | 'mod1' | 'mod2', string> = { a1: '', mod1: '', mod2: '' };

beforeAll(async () => {
  a = await attackDb('warden-attack-state-');
  for (const who of ['a1', 'mod1', 'mod2'] as const) t[who] = await a.token(who);
});
afterAll(() => a.cleanup());

const removed = (review: string): boolean => {
  const d = new Database(a.db, { readonly: true });
  try {
    const row = d
      .prepare(
        "SELECT payload FROM directory_versions v JOIN directory_current c ON c.leaf = v.leaf WHERE c.kind = 'review' AND c.key = ?",
      )
      .get(review) as { payload: string };
    return row.payload.includes('removedAt');
  } finally {
    d.close();
  }
};

describe("the guard's state written behind its back", () => {
  describe('when an approvals row is inserted as approved, with no request or grant event', () => {
    it('refuses to use it, and the review stays', async () => {
      a.sql(
        `INSERT INTO approvals (id, requester, action, target_type, target_id, request, sellers,
           created_at, expires_at, status, request_event, decided_by, decided_at)
         VALUES ('ap-forged', 'mod1', 'review.delete', 'review', 'r1', ?, '["s1"]',
           '2026-12-01T00:00:00Z', '2099-01-01T00:00:00Z', 'approved', 'w-none', 'mod2', '2026-12-01T00:00:00Z')`,
        canonicalJson({ ticket: null, reason: 'abuse', rows: null, fields: null, topic: null }),
      );
      const r = await a.cli(
        'request',
        'review.delete',
        'r1',
        '--reason',
        'abuse',
        '--approval',
        'ap-forged',
        '--token',
        t.mod1,
      );
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/NOT_IN_LEDGER/);
      expect(removed('r1')).toBe(false);
    });
  });

  describe('when an executed approval is reset to approved', () => {
    it('refuses the second use: the use is a ledger leaf', async () => {
      const run = ['request', 'review.delete', 'r1', '--reason', 'spam', '--token', t.mod1];
      const asked = json<{ approvalId: string }>(await a.cli(...run, '--json'));
      expect((await a.cli('approve', asked.approvalId, '--token', t.mod2)).code).toBe(0);
      expect((await a.cli(...run, '--approval', asked.approvalId)).code).toBe(0);
      expect(removed('r1')).toBe(true);
      a.sql(
        "UPDATE approvals SET status = 'approved', executed_at = NULL WHERE id = ?",
        asked.approvalId,
      );
      const again = await a.cli(...run, '--approval', asked.approvalId);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/APPROVAL_USED/);
    });
  });

  describe('when a pending approval is flipped to approved in the table', () => {
    it('refuses it: no grant event is in the ledger', async () => {
      const run = [
        'request',
        'review.delete',
        'r3',
        '--reason',
        'seller-request',
        '--token',
        t.mod1,
      ];
      const asked = json<{ approvalId: string }>(await a.cli(...run, '--json'));
      a.sql(
        "UPDATE approvals SET status = 'approved', decided_by = 'mod2' WHERE id = ?",
        asked.approvalId,
      );
      const r = await a.cli(...run, '--approval', asked.approvalId);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/NOT_IN_LEDGER/);
      expect(removed('r3')).toBe(false);
    });
  });

  describe('when relay_aliases rows are deleted', () => {
    it('makes ledger verify fail, and alias resolve still names the receiver from the ledger', async () => {
      const looked = json<{ data: { alias: string } }>(
        await a.cli(
          'request',
          'reviewer.contact.view',
          'rv1',
          '--ticket',
          't1',
          '--token',
          t.a1,
          '--json',
        ),
      );
      expect((await a.cli('ledger', 'verify')).code).toBe(0);
      a.sql('DELETE FROM relay_aliases');
      const verify = await a.cli('ledger', 'verify', '--json');
      expect(verify.code).toBe(1);
      expect(JSON.parse(verify.out)).toMatchObject({
        ok: false,
        problems: [expect.objectContaining({ code: 'ALIAS_INDEX_MISSING' })],
      });
      const resolved = await a.cli('alias', 'resolve', looked.data.alias);
      expect(resolved.code).toBe(0);
      expect(resolved.out).toMatch(/handed to a1 \(reviewer rv1\)/);
      expect(resolved.err).toMatch(/index was missing/);
    });
  });

  describe('when a relay_aliases row is forged to name someone else', () => {
    it('is reported by verify and ignored by alias resolve', async () => {
      const alias = 'rv-aaaaaaaaaaaaaaaaaaaaaaaa@relay.marketplace.example';
      a.sql(
        "INSERT INTO relay_aliases (alias, event_id, viewer, reviewer, issued_at) VALUES (?, 'w-none', 'mod2', 'rv1', '2026-12-01T00:00:00Z')",
        alias,
      );
      const verify = JSON.parse((await a.cli('ledger', 'verify', '--json')).out) as {
        problems: { code: string }[];
      };
      expect(verify.problems.map((p) => p.code)).toContain('ALIAS_INDEX_FORGED');
      const resolved = await a.cli('alias', 'resolve', alias);
      expect(resolved.code).toBe(1);
      expect(resolved.out).not.toMatch(/mod2/);
    });
  });

  describe('when a true row keeps its event, viewer and reviewer but names another alias', () => {
    it('is reported by verify, which reads only and recomputes the alias from the master key', async () => {
      const hand = new Database(a.db, { readonly: true });
      const eventId = hand
        .prepare(
          "SELECT id FROM events WHERE action = 'reviewer.contact.view' AND outcome = 'allowed' AND actor = 'a1' LIMIT 1",
        )
        .pluck()
        .get() as string;
      hand.close();
      a.sql(
        "INSERT INTO relay_aliases (alias, event_id, viewer, reviewer, issued_at) VALUES ('rv-bbbbbbbbbbbbbbbbbbbbbbbb@relay.marketplace.example', ?, 'a1', 'rv1', '2026-12-01T00:00:00Z')",
        eventId,
      );
      const before = createHash('sha256').update(readFileSync(a.db)).digest('hex');
      const verify = await a.cli('ledger', 'verify', '--json');
      expect(verify.code).toBe(1);
      const report = JSON.parse(verify.out) as {
        problems: { code: string; message: string }[];
        guard: { aliasesRecomputed: boolean };
      };
      expect(report.guard.aliasesRecomputed).toBe(true);
      expect(report.problems).toContainEqual(
        expect.objectContaining({
          code: 'ALIAS_INDEX_FORGED',
          message: expect.stringContaining('rv-bbbbbbbbbbbbbbbbbbbbbbbb') as string,
        }),
      );
      expect(createHash('sha256').update(readFileSync(a.db)).digest('hex')).toBe(before);
    });

    it('without the master key (only the verifier key), holds the rows to the events alone', async () => {
      const exported = json<{ verifierKey: string }>(
        await a.cli('ledger', 'export-checkpoint', '--json'),
      );
      const lone = join(a.dir, 'lone');
      mkdirSync(lone);
      for (const suffix of ['', '-wal', '-shm']) {
        if (existsSync(a.db + suffix)) copyFileSync(a.db + suffix, join(lone, `w.db${suffix}`));
      }
      const r = await runCli([
        'ledger',
        'verify',
        '--db',
        join(lone, 'w.db'),
        '--key',
        exported.verifierKey,
        '--json',
      ]);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.out) as {
        problems: { code: string; message: string }[];
        guard: { aliasesRecomputed: boolean; note: string };
      };
      expect(report.guard).toMatchObject({ aliasesRecomputed: false });
      expect(report.guard.note).toMatch(/no master key/);
      // the row naming no hand-out event is still found; the rewritten alias on a true row
      // (which stands in for the deleted one) is what only the master key can see
      expect(report.problems).toEqual([
        expect.objectContaining({
          code: 'ALIAS_INDEX_FORGED',
          message: expect.stringContaining('w-none') as string,
        }),
      ]);
      expect(existsSync(join(lone, 'w.db.keys'))).toBe(false);
    });
  });
});
