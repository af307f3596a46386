import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardError } from './errors.js';
import { guardFixture, type GuardFixture } from './test-support.js';
import { Tokens } from './tokens.js';

let f: GuardFixture;
let tokens: Tokens;
beforeAll(async () => {
  f = await guardFixture();
  tokens = new Tokens(f.store, f.ledger, () => f.clock.now);
});
afterAll(() => f.close());

const codeOf = (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof GuardError ? e.code : String(e)),
  );

describe('Tokens', () => {
  describe('when a token is issued and used', () => {
    it('authenticates its employee; only the secret hash is stored', async () => {
      const t = await tokens.create('a1');
      expect(t.token).toMatch(/^wdn_tk-[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(await tokens.authenticate(t.token)).toEqual({ employeeId: 'a1', tokenId: t.id });
      const stored = await f.store.tokens.get(t.id);
      expect(stored?.secretHash.length).toBe(32);
      // the secret is the 43 characters after the id (base64url, so it may hold '_' itself)
      expect(JSON.stringify(stored)).not.toContain(t.token.slice(-43));
    });
  });

  describe('when the clock passes its expiry', () => {
    it('refuses it', async () => {
      f.clock.now = '2026-11-29T10:00:00Z';
      const t = await tokens.create('mod1', '2026-11-29T11:00:00Z');
      expect((await tokens.authenticate(t.token)).employeeId).toBe('mod1');
      f.clock.now = '2026-11-29T11:00:00Z';
      expect(await codeOf(tokens.authenticate(t.token))).toBe('UNAUTHENTICATED');
      f.clock.now = '2026-11-29T10:00:00Z';
    });
  });

  describe('when its employee leaves after issuance', () => {
    it('refuses it', async () => {
      f.clock.now = '2026-05-01T00:00:00Z';
      const t = await tokens.create('gone');
      expect((await tokens.authenticate(t.token)).employeeId).toBe('gone');
      f.clock.now = '2026-06-02T00:00:00Z';
      expect(await codeOf(tokens.authenticate(t.token))).toBe('UNAUTHENTICATED');
      expect(await codeOf(tokens.create('gone'))).toBe('REQUEST_INVALID');
      f.clock.now = '2026-11-29T10:00:00Z';
    });
  });

  describe('when the token is malformed or its secret wrong', () => {
    it('refuses it', async () => {
      const t = await tokens.create('mod2');
      const wrong = `${t.token.slice(0, -1)}${t.token.endsWith('A') ? 'B' : 'A'}`;
      expect(await codeOf(tokens.authenticate(wrong))).toBe('UNAUTHENTICATED');
      expect(await codeOf(tokens.authenticate(''))).toBe('UNAUTHENTICATED');
      expect(await codeOf(tokens.authenticate(`${t.token}x`))).toBe('UNAUTHENTICATED');
    });
  });
});
