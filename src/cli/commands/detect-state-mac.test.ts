import { describe, expect, it } from 'vitest';
import { detectorStateKey } from '../../privacy/index.js';
import {
  MAC_BYTES,
  authentic,
  directoryMac,
  numberingSeed,
  stateMac,
  stateMacHolds,
} from './detect-state-mac.js';

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

    it('tells fields apart (length-prefixed: moving a byte between two fields breaks the MAC)', () => {
      const s = genuine();
      const a = stateMac(key, { ...s, version: 'v1', data: Buffer.from('rest') }, s.directory.mac);
      const moved = { ...s, version: 'v1r', data: Buffer.from('est') };
      expect(
        stateMacHolds(key, { ...s, version: 'v1', data: Buffer.from('rest') }, s.directory.mac, a),
      ).toBe(true);
      expect(stateMacHolds(key, moved, s.directory.mac, a)).toBe(false);
    });
  });

  describe('when the stored MAC itself is altered', () => {
    const flip = (mac: Buffer, at: number): Buffer => {
      const out = Buffer.from(mac);
      out[at]! ^= 1;
      return out;
    };
    const alterations: [string, (m: Buffer) => Buffer][] = [
      ['a bit of its IV', (m) => flip(m, 0)],
      ['a bit of its tag', (m) => flip(m, MAC_BYTES - 1)],
      ['its last byte cut', (m) => m.subarray(0, MAC_BYTES - 1)],
      ['a byte appended', (m) => Buffer.concat([m, Buffer.alloc(1)])],
      ['an HMAC-SHA-256 in its place (the scheme before)', () => Buffer.alloc(32, 7)],
      ['nothing', () => Buffer.alloc(0)],
    ];
    it.each(alterations)('refuses the rest’s MAC with %s', (_name, alter) => {
      const s = genuine();
      expect(authentic(key, { ...s, mac: alter(s.mac) })).toBe(false);
    });
    it.each(alterations)('refuses the directory part’s MAC with %s', (_name, alter) => {
      const s = genuine();
      expect(
        authentic(key, { ...s, directory: { ...s.directory, mac: alter(s.directory.mac) } }),
      ).toBe(false);
    });
  });

  describe('when the same state is saved twice', () => {
    it('gets a fresh IV each time, and both MACs hold', () => {
      const a = genuine();
      const b = genuine();
      expect(a.mac.subarray(0, 12).equals(b.mac.subarray(0, 12))).toBe(false);
      expect(a.directory.mac.equals(b.directory.mac)).toBe(false);
      expect(authentic(key, a) && authentic(key, b)).toBe(true);
    });
  });

  describe('the directory numbering seed', () => {
    it('is the same for one state key and differs between keys (a stream cannot know it)', () => {
      const other = detectorStateKey(Buffer.alloc(32, 2));
      expect(numberingSeed(key)).toBe(numberingSeed(detectorStateKey(Buffer.alloc(32, 1))));
      expect(numberingSeed(key)).not.toBe(numberingSeed(other));
      expect(Number.isInteger(numberingSeed(key))).toBe(true);
    });
  });
});
