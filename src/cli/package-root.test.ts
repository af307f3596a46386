import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { main } from './main.js';
import { packageRoot, wardenVersion } from './package-root.js';

const packageJson = JSON.parse(readFileSync(join(packageRoot()!, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const dir = mkdtempSync(join(tmpdir(), 'warden-root-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('package root and version', () => {
  it("finds Warden's own package.json from this module upwards", () => {
    expect(packageJson.name).toBe('warden');
  });

  describe('when asked from a folder below another package', () => {
    it('stops at the nearest package.json, and reads its version', () => {
      const deep = join(dir, 'a', 'b', 'c');
      mkdirSync(deep, { recursive: true });
      writeFileSync(join(dir, 'a', 'package.json'), JSON.stringify({ version: '9.8.7' }));
      expect(packageRoot(deep)).toBe(join(dir, 'a'));
      expect(wardenVersion(packageRoot(deep))).toBe('9.8.7');
    });
  });

  describe('when the package.json cannot be read or has no version', () => {
    it('says 0.0.0 rather than failing the command', () => {
      writeFileSync(join(dir, 'package.json'), '{ not json');
      expect(wardenVersion(dir)).toBe('0.0.0');
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: 7 }));
      expect(wardenVersion(dir)).toBe('0.0.0');
    });
  });

  describe('warden --version / -V', () => {
    it.each(['--version', '-V'])('%s prints the version and exits 0', async (flag) => {
      let out = '';
      const io = { out: (t: string) => void (out += t), err: () => {}, stdin: Readable.from([]) };
      expect(await main(['node', 'warden', flag], io)).toBe(0);
      expect(out).toBe(`${packageJson.version}\n`);
    });
  });
});
