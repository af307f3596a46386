import { describe, expect, it } from 'vitest';
import { detectorStateKey } from '../../privacy/index.js';
import { authentic, directoryMac, stateMac } from './detect-state-mac.js';

const key = detectorStateKey(Buffer.alloc(32, 1));

/** A state whose MACs hold under `key`. */
function genuine(directorySize = 8) {
  const header = {
    ledgerSize: 10,
    rootHash: Buffer.alloc(32, 9),
    version: 'v1',
    events: 4,
    data: Buffer.from('rest'),
  };
  const directory = { ledgerSize: directorySize, data: Buffer.from('directory') };
  const dirMac = directoryMac(key, { ...directory, version: header.version });
  return {
    ...header,
    savedAt: 'now',
    mac: stateMac(key, header, dirMac),
    directory: { ...directory, mac: dirMac },
  };
}

describe('detection state MACs', () => {
  describe('when the state is as saved', () => {
    it('holds', () => expect(authentic(key, genuine())).toBe(true));
  });

  describe('when anything the resume trusts is changed', () => {
    const changes: [string, (s: ReturnType<typeof genuine>) => unknown][] = [
      ['the ledger size', (s) => ({ ...s, ledgerSize: 11 })],
      ['the root hash', (s) => ({ ...s, rootHash: Buffer.alloc(32, 8) })],
      ['the version', (s) => ({ ...s, version: 'v2' })],
      ['the event count', (s) => ({ ...s, events: 5 })],
      ['the bytes', (s) => ({ ...s, data: Buffer.from('resT') })],
      [
        'the directory part’s size',
        (s) => ({ ...s, directory: { ...s.directory, ledgerSize: 7 } }),
      ],
      [
        'the directory part’s bytes',
        (s) => ({ ...s, directory: { ...s.directory, data: Buffer.from('x') } }),
      ],
    ];
    it.each(changes)('refuses %s', (_name, change) => {
      expect(authentic(key, change(genuine()) as ReturnType<typeof genuine>)).toBe(false);
    });

    it('refuses a directory part newer than the rest, even with MACs that hold', () => {
      expect(authentic(key, genuine(12))).toBe(false);
      expect(authentic(key, genuine(10))).toBe(true);
    });

    it('refuses the same state under another master key', () => {
      expect(authentic(detectorStateKey(Buffer.alloc(32, 2)), genuine())).toBe(false);
    });

    it('tells fields apart (length-prefixed: moving a byte between two fields changes the MAC)', () => {
      const s = genuine();
      const a = stateMac(key, { ...s, version: 'v1', data: Buffer.from('rest') }, s.directory.mac);
      const b = stateMac(key, { ...s, version: 'v1r', data: Buffer.from('est') }, s.directory.mac);
      expect(a.equals(b)).toBe(false);
    });
  });
});
