import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOrCreateKeyFile } from './key-file.js';
import { PrivacyError } from './errors.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-kf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const asKey = (text: string): string => {
  if (!/^key-[0-9a-f]{8}$/.test(text.trim())) throw new Error('not a key');
  return text.trim();
};
let n = 0;
const newKey = (): string => `key-${(n++).toString(16).padStart(8, '0')}\n`;

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (error) {
    return error instanceof PrivacyError ? error.code : String(error);
  }
}

describe('readOrCreateKeyFile', () => {
  describe('when the file does not exist', () => {
    it('creates it whole with mode 0600 and leaves no temporary file behind', () => {
      const path = join(dir, 'a', 'k.key');
      const key = readOrCreateKeyFile(path, newKey, asKey);
      expect(readFileSync(path, 'utf8')).toBe(`${key}\n`);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
      expect(readdirSync(join(dir, 'a'))).toEqual(['k.key']);
      expect(readOrCreateKeyFile(path, newKey, asKey)).toBe(key);
    });
  });

  describe('when another first run links its key while ours is being written', () => {
    it("keeps the other run's key, drops ours and its temporary file", () => {
      const path = join(dir, 'race.key');
      const key = readOrCreateKeyFile(path, newKey, asKey, {
        beforeLink: () => writeFileSync(path, 'key-ffffffff\n', { mode: 0o600 }),
      });
      expect(key).toBe('key-ffffffff');
      expect(readdirSync(dir).filter((f) => f.includes('race'))).toEqual(['race.key']);
    });
  });

  describe('when the process dies before the key takes its name', () => {
    it('leaves no key file, and the next run makes one', () => {
      const path = join(dir, 'crash.key');
      expect(() =>
        readOrCreateKeyFile(path, newKey, asKey, {
          beforeLink: () => {
            throw new Error('killed');
          },
        }),
      ).toThrow('killed');
      expect(readdirSync(dir).filter((f) => f.includes('crash'))).toEqual([]);
      expect(readOrCreateKeyFile(path, newKey, asKey)).toMatch(/^key-/);
    });
  });

  describe('when the file is damaged', () => {
    it.each([
      ['empty', ''],
      ['truncated', 'key-00'],
      ['not a key', '{"hello": 1}'],
    ])('names it as KEY_FILE_DAMAGED (%s) and keeps it as it is', (what, text) => {
      const path = join(dir, `damaged-${what.replace(/ /g, '-')}.key`);
      writeFileSync(path, text, { mode: 0o600 });
      expect(codeOf(() => readOrCreateKeyFile(path, newKey, asKey))).toBe('KEY_FILE_DAMAGED');
      expect(() => readOrCreateKeyFile(path, newKey, asKey)).toThrow(path);
      expect(readFileSync(path, 'utf8')).toBe(text);
    });
  });

  describe('when the file is missing and making one is not allowed', () => {
    it('refuses with KEY_FILE_MISSING and creates nothing', () => {
      const path = join(dir, 'kept-away', 'k.key');
      expect(codeOf(() => readOrCreateKeyFile(path, newKey, asKey, { create: false }))).toBe(
        'KEY_FILE_MISSING',
      );
      expect(() => statSync(path)).toThrow();
    });
  });
});
