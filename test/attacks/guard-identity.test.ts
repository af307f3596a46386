// Attack (issue row 3): request or approve as someone else. Guarded operations act as the
// employee of an API token; --insecure-as works only with WARDEN_INSECURE_IDENTITY=1 and is
// recorded as asserted. Forged, revoked, expired and leavers' tokens are refused.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackDb, json, withEnv, type AttackDb } from './guard-support.js';

let a: AttackDb;
let mod1: string;

beforeAll(async () => {
  a = await attackDb('warden-attack-identity-');
  mod1 = await a.token('mod1');
});
afterAll(() => a.cleanup());

const del = ['request', 'review.delete', 'r1', '--reason', 'abuse'];
const lastEventAttrs = (): Record<string, unknown> => {
  const d = new Database(a.db, { readonly: true });
  try {
    const row = d.prepare('SELECT attrs FROM events ORDER BY leaf DESC LIMIT 1').get() as {
      attrs: string;
    };
    return JSON.parse(row.attrs) as Record<string, unknown>;
  } finally {
    d.close();
  }
};

describe('acting as someone else', () => {
  describe('when no token, or a bare name, is given', () => {
    it('refuses with exit 2: --as is gone, --insecure-as needs the explicit environment flag', async () => {
      expect((await a.cli(...del, '--as', 'mod1')).code).toBe(2);
      const asserted = await a.cli(...del, '--insecure-as', 'mod1');
      expect(asserted.code).toBe(2);
      expect(asserted.err).toMatch(/WARDEN_INSECURE_IDENTITY=1/);
      expect((await a.cli('approve', 'ap-x', '--insecure-as', 'mod2')).code).toBe(2);
    });
  });

  describe('when a token is forged or guessed', () => {
    it('refuses it as unauthenticated (exit 1)', async () => {
      const [, id] = /^wdn_(tk-[0-9a-f]{16})_/.exec(mod1)!;
      const guessed = `wdn_${id}_${'A'.repeat(43)}`;
      const r = await a.cli(...del, '--token', guessed);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/UNAUTHENTICATED/);
      expect((await a.cli(...del, '--token', 'mod1')).err).toMatch(/UNAUTHENTICATED/);
    });
  });

  describe('when a database writer plants a token row with a secret they know', () => {
    it('refuses it: its issuance is not in the ledger', async () => {
      const secret = 'B'.repeat(43);
      a.sql(
        "INSERT INTO api_tokens (id, employee, secret_hash, created_at, event_id) VALUES ('tk-00000000000000ff', 'mod2', ?, '2026-01-01T00:00:00Z', 'w-none')",
        createHash('sha256').update(secret).digest(),
      );
      const r = await a.cli('approve', 'ap-x', '--token', `wdn_tk-00000000000000ff_${secret}`);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/NOT_IN_LEDGER/);
    });
  });

  describe('when a token is revoked, expired, or its employee left', () => {
    it('refuses each', async () => {
      const revoked = await a.token('mod2');
      const id = /^wdn_(tk-[0-9a-f]{16})_/.exec(revoked)![1]!;
      expect((await a.cli('token', 'revoke', id)).code).toBe(0);
      expect((await a.cli(...del, '--token', revoked)).err).toMatch(/UNAUTHENTICATED.*revoked/);
      // a row whose revocation was wiped by a database writer is still revoked (the ledger says so)
      a.sql('UPDATE api_tokens SET revoked_at = NULL WHERE id = ?', id);
      expect((await a.cli(...del, '--token', revoked)).err).toMatch(/UNAUTHENTICATED.*revoked/);
      // an expiry an hour ahead of the clock (a fixed date would pass into the past)
      const inAnHour = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const expired = await a.token('mod3', '--expires', inAnHour);
      // pushing a token's expiry around in the database breaks its agreement with the ledger
      a.sql("UPDATE api_tokens SET expires_at = '2026-01-01T00:00:00Z' WHERE employee = 'mod3'");
      const r = await a.cli(...del, '--token', expired);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/NOT_IN_LEDGER/);
      expect((await a.cli('token', 'create', 'gone')).code).toBe(2);
    });
  });

  describe('when a token is valid', () => {
    it('acts as its employee and records the token in the event; the list never shows secrets', async () => {
      const r = json<{ outcome: string }>(await a.cli(...del, '--token', mod1, '--json'));
      expect(r.outcome).toBe('pending');
      expect(lastEventAttrs()).toMatchObject({ identity: { kind: 'token' } });
      const list = await a.cli('token', 'list', '--json');
      // the secret is base64url and may itself hold '_': take all that follows the id
      const secret = /^wdn_tk-[0-9a-f]{16}_(.+)$/.exec(mod1)![1]!;
      expect(secret.length).toBeGreaterThan(20);
      expect(list.out).not.toContain(secret);
      expect(list.out).not.toMatch(/secret/i);
    });
  });

  describe('when the demo asserts an identity with the explicit flag', () => {
    it('acts, and records in the event that the identity was asserted, not authenticated', async () => {
      const r = await withEnv({ WARDEN_INSECURE_IDENTITY: '1' }, () =>
        a.cli('request', 'review.view', 'r2', '--insecure-as', 'mod2', '--json'),
      );
      expect(r.code, r.err).toBe(0);
      expect(lastEventAttrs()).toMatchObject({ identity: { kind: 'asserted' } });
    });
  });
});
