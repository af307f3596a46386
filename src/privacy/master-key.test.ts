import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMasterKey } from './master-key.js';

describe('loadMasterKey', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('when there is no key yet', () => {
    it('creates a 256-bit key file with mode 0600 and reads the same key back', () => {
      const file = join(dir, 'keys', 'master.key');
      const key = loadMasterKey(file, {});
      expect(key.length).toBe(32);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(loadMasterKey(file, {}).equals(key)).toBe(true);
      expect(readFileSync(file, 'utf8')).not.toContain(key.toString('hex'));
    });
  });
  describe('when WARDEN_KEY is set', () => {
    it('uses it, as hex or base64, and refuses anything that is not 32 bytes', () => {
      const hex = 'ab'.repeat(32);
      expect(loadMasterKey(join(dir, 'unused'), { WARDEN_KEY: hex }).toString('hex')).toBe(hex);
      const b64 = Buffer.alloc(32, 7).toString('base64');
      expect(
        loadMasterKey(join(dir, 'unused'), { WARDEN_KEY: b64 }).equals(Buffer.alloc(32, 7)),
      ).toBe(true);
      expect(() => loadMasterKey(join(dir, 'unused'), { WARDEN_KEY: 'short' })).toThrow(
        /256-bit key/,
      );
    });
  });
  describe('when the key file is readable by others', () => {
    it('refuses to use it', () => {
      const file = join(dir, 'open.key');
      loadMasterKey(file, {});
      chmodSync(file, 0o644);
      expect(() => loadMasterKey(file, {})).toThrow(/chmod 600/);
    });
  });
});
