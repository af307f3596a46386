import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cosignedMessage, parseCosignature } from './cosignature.js';
import {
  countCosignatures,
  generateCosignerKey,
  parseCosignerKey,
  parseCosignerVerifierKey,
} from './cosigner-keys.js';
import { LedgerError } from './errors.js';
import { generateSignerKey, verifierKeyFromSigner } from './note-keys.js';
import { openNote } from './signed-note.js';
import { syntheticLog } from './witness-test-support.js';

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof LedgerError) return error.code;
    throw error;
  }
  return 'none';
}

describe('cosignature/v1 (C2SP tlog-cosignature)', () => {
  describe('when reading the example of the spec', () => {
    // C2SP/C2SP tlog-cosignature.md (commit 5ba5ee83), "Format": the cosignature line of
    // witness.example.com/w1; its signed message in "Ed25519 signed message" has "time 1679315147".
    const line = {
      name: 'witness.example.com/w1',
      keyId: 0x8d66cf3f,
      base64:
        'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
    };

    it('finds the key id, the timestamp of the signed message and a 64-byte signature', () => {
      const c = parseCosignature(line);
      expect(c.keyId).toBe(0x8d66cf3f);
      expect(c.timestamp).toBe(1679315147n);
      expect(c.signature).toHaveLength(64);
    });

    it('builds the signed message of the spec', () => {
      const body =
        'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
      expect(cosignedMessage(body, 1679315147n).toString()).toBe(
        `cosignature/v1\ntime 1679315147\n${body}`,
      );
    });
  });

  describe('when a witness cosigns', () => {
    const witness = parseCosignerKey(generateCosignerKey('witness.example/w1'));
    const log = syntheticLog(5);
    const note = log.note(5);
    const text = openNote(note, [log.vkey]).text;
    const line = witness.cosign(text, 1_700_000_000n);

    it('names its key by SHA-256(name ‖ "\\n" ‖ 0x04 ‖ public key)[:4]', () => {
      const [name = '', id, ...key] = witness.verifierKey.split('+'); // base64 may hold '+'
      const raw = Buffer.from(key.join('+'), 'base64');
      expect(raw[0]).toBe(0x04);
      const expected = createHash('sha256').update(`${name}\n`).update(raw).digest().subarray(0, 4);
      expect(id).toBe(expected.toString('hex'));
    });

    it('gives a line that verifies with the verifier key, and with nothing else', () => {
      const { unverified } = openNote(note + line, [log.vkey]);
      expect(countCosignatures(text, unverified, [witness.verifierKey])).toBe(1);
      const other = parseCosignerKey(generateCosignerKey('witness.example/w2')).verifierKey;
      expect(countCosignatures(text, unverified, [other])).toBe(0);
    });

    it('rejects the cosignature over another checkpoint as forged', () => {
      const { unverified } = openNote(note + line, [log.vkey]);
      const otherText = openNote(log.note(4), [log.vkey]).text;
      expect(code(() => countCosignatures(otherText, unverified, [witness.verifierKey]))).toBe(
        'SIGNATURE_INVALID',
      );
    });

    it('rejects a cosignature with timestamp 0 or the wrong length', () => {
      const c = parseCosignature({
        name: witness.name,
        keyId: witness.keyId,
        base64: line.split(' ')[2]!.trim(),
      });
      const zero = Buffer.concat([Buffer.alloc(4), Buffer.alloc(8), c.signature]).toString(
        'base64',
      );
      expect(code(() => parseCosignature({ name: 'w', keyId: 0, base64: zero }))).toBe(
        'MALFORMED_COSIGNATURE',
      );
      expect(
        code(() =>
          parseCosignature({ name: 'w', keyId: 0, base64: Buffer.alloc(68).toString('base64') }),
        ),
      ).toBe('MALFORMED_COSIGNATURE');
    });
  });

  describe('when given keys of the wrong kind', () => {
    it('refuses a signed-note log key (0x01) as a witness key', () => {
      const vkey = verifierKeyFromSigner(generateSignerKey('example.com/log'));
      expect(code(() => parseCosignerVerifierKey(vkey))).toBe('MALFORMED_KEY');
    });

    it('refuses a witness key whose key id does not match', () => {
      const vkey = parseCosignerKey(generateCosignerKey('w.example/a')).verifierKey;
      expect(code(() => parseCosignerVerifierKey(vkey.replace('w.example/a', 'w.example/b')))).toBe(
        'MALFORMED_KEY',
      );
    });
  });
});
