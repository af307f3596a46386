import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Vault, sealWithKey, wrapDataKey } from './vault.js';
import { PrivacyError } from './errors.js';

function memoryKeys() {
  const keys = new Map<string, Buffer>();
  /** Per subject, the cases holding it. */
  const holds = new Map<string, string[]>();
  return {
    keys,
    holds,
    getWrappedKey: (s: string) => keys.get(s),
    getWrappedKeys: (subjects: readonly string[]) =>
      new Map(subjects.flatMap((s) => (keys.has(s) ? [[s, keys.get(s)!] as const] : []))),
    putWrappedKey: (s: string, w: Buffer) => void keys.set(s, w),
    putWrappedKeys: (rows: readonly (readonly [string, Buffer])[]) => {
      for (const [s, w] of rows) keys.set(s, w);
    },
    deleteWrappedKeyUnlessHeld: (s: string) => {
      const held = holds.get(s) ?? [];
      return Promise.resolve({ holds: held, deleted: held.length === 0 && keys.delete(s) });
    },
    holdsOn: (s: string): string[] => holds.get(s) ?? [],
    someWrappedKey: () => {
      const first = keys.entries().next();
      return first.done ? undefined : { subject: first.value[0], wrapped: first.value[1] };
    },
  };
}

describe('Vault', () => {
  describe('when a value is sealed', () => {
    it('opens again to the same text, and never shows it in the sealed form', () => {
      const vault = new Vault(randomBytes(32), memoryKeys());
      const sealed = vault.seal('rv-1', 'email', 'jane.doe@example.com');
      expect(sealed.startsWith('enc:v1:')).toBe(true);
      expect(sealed).not.toContain('jane');
      expect(vault.open('rv-1', 'email', sealed)).toBe('jane.doe@example.com');
    });
    it('gives the same ciphertext for the same value, and another for another value', () => {
      const vault = new Vault(randomBytes(32), memoryKeys());
      expect(vault.seal('rv-1', 'email', 'a@x.org')).toBe(vault.seal('rv-1', 'email', 'a@x.org'));
      expect(vault.seal('rv-1', 'email', 'a@x.org')).not.toBe(
        vault.seal('rv-1', 'email', 'b@x.org'),
      );
      expect(vault.seal('rv-1', 'email', 'a@x.org')).not.toBe(
        vault.seal('rv-2', 'email', 'a@x.org'),
      );
    });
  });
  describe('when a value is sealed under a given key', () => {
    // Sealed by the release before `sealWithKey` wrote into one buffer: stored payloads, and
    // so leaves, of a resent record must not change (an unchanged resend is recognised by its
    // sealed text, and existing ledgers commit to it).
    const key = Buffer.from(
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      'hex',
    );
    it.each([
      [
        'u-0000001',
        'email',
        'qing.byrne1@webmail.example',
        'enc:v1:+YuSKPsxy0UaL0ivswHz05yU3PjIaxjLrjuel33umqLCRcB6BG8zoyy88J0sNwWOsjFXS+MivA==',
      ],
      [
        'employee:e-7',
        'attrs.privateEmail',
        'Zoë Ünïcode 😀',
        'enc:v1:d2It0eSORNGm1Wts1VvviRIvrOg9711TXvfYQ3lC3Jn9kj7m7C+o+Xd2OQ2kV1E=',
      ],
      ['u-2', 'name', '', 'enc:v1:qmD2cuzhQ8bWjcHdMUuqUuJJmycjrmYwHk3H3A=='],
    ])('seals %s %s to the same text as before', (subject, field, plaintext, sealed) => {
      expect(sealWithKey(key, subject, field, plaintext)).toBe(sealed);
    });
  });
  describe('when many keys are handed out at once', () => {
    it('hands out what one at a time would, asking the store once, and stores them in one write', () => {
      const master = randomBytes(32);
      const keys = memoryKeys();
      const before = new Vault(master, keys);
      before.seal('rv-0', 'email', 'a@x.example'); // stored before: unwrapped, not fresh
      let asked = 0;
      let puts = 0;
      const counting = {
        ...keys,
        getWrappedKey: (s: string) => {
          asked++;
          return keys.getWrappedKey(s);
        },
        getWrappedKeys: (subjects: readonly string[]) => {
          asked++;
          return keys.getWrappedKeys(subjects);
        },
        putWrappedKeys: (rows: readonly (readonly [string, Buffer])[]) => {
          puts++;
          keys.putWrappedKeys(rows);
        },
      };
      const vault = new Vault(master, counting);
      const given = vault.handOutAll(['rv-0', 'rv-1', 'rv-2', 'rv-1']);
      expect(asked).toBe(1);
      expect(given.map((g) => g.fresh)).toEqual([false, true, true, false]);
      expect(given[3]!.key).toEqual(given[1]!.key);
      expect(vault.handOut('rv-2')).toEqual({ key: given[2]!.key, fresh: false });
      // the key stored before opens what was sealed under it
      expect(sealWithKey(given[0]!.key, 'rv-0', 'email', 'a@x.example')).toBe(
        before.seal('rv-0', 'email', 'a@x.example'),
      );
      vault.storeWrappedAll(
        (['rv-1', 'rv-2'] as const).map(
          (s, i) => [s, wrapDataKey(master, s, given[i + 1]!.key, randomBytes(12))] as const,
        ),
      );
      expect(puts).toBe(1);
      const later = new Vault(master, keys);
      expect(later.seal('rv-2', 'name', 'B')).toBe(sealWithKey(given[2]!.key, 'rv-2', 'name', 'B'));
    });
  });

  describe('when a ciphertext is moved or altered', () => {
    it('refuses to open it under another person or field, or with a flipped bit', () => {
      const vault = new Vault(randomBytes(32), memoryKeys());
      vault.seal('rv-2', 'email', 'x@y.org');
      const sealed = vault.seal('rv-1', 'email', 'jane.doe@example.com');
      expect(() => vault.open('rv-1', 'name', sealed)).toThrow(PrivacyError);
      expect(() => vault.open('rv-2', 'email', sealed)).toThrow(PrivacyError);
      const raw = Buffer.from(sealed.slice(7), 'base64');
      raw[20] = (raw[20] ?? 0) ^ 1;
      expect(() => vault.open('rv-1', 'email', `enc:v1:${raw.toString('base64')}`)).toThrow(
        /does not open/,
      );
    });
  });
  describe('when a person is erased', () => {
    it('destroys their key, so their data cannot be opened by anyone again', async () => {
      const keys = memoryKeys();
      const master = randomBytes(32);
      const sealed = new Vault(master, keys).seal('rv-1', 'email', 'jane.doe@example.com');
      expect(await new Vault(master, keys).erase('rv-1')).toBe(true);
      expect(await new Vault(master, keys).erase('rv-1')).toBe(false);
      try {
        new Vault(master, keys).open('rv-1', 'email', sealed);
        expect.unreachable();
      } catch (error) {
        expect((error as PrivacyError).code).toBe('SUBJECT_ERASED');
      }
    });
  });
  describe('when a legal hold names the person', () => {
    it('refuses the erasure, naming the cases, and the data still opens', async () => {
      const keys = memoryKeys();
      const vault = new Vault(randomBytes(32), keys);
      const sealed = vault.seal('rv-1', 'email', 'jane.doe@example.com');
      keys.holds.set('rv-1', ['c-1', 'c-2']);
      await expect(vault.erase('rv-1')).rejects.toMatchObject({
        code: 'SUBJECT_HELD',
        message: expect.stringContaining('c-1, c-2') as unknown,
      });
      expect(vault.open('rv-1', 'email', sealed)).toBe('jane.doe@example.com');
    });
  });
  describe('when the master key is wrong', () => {
    it('says so rather than returning garbage', () => {
      const keys = memoryKeys();
      const sealed = new Vault(randomBytes(32), keys).seal('rv-1', 'email', 'a@b.org');
      expect(() => new Vault(randomBytes(32), keys).open('rv-1', 'email', sealed)).toThrow(
        /master key/,
      );
    });
  });
});
