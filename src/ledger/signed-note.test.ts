import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import { formatKeyId } from './note-encoding.js';
import {
  generateSignerKey,
  openNote,
  parseSignerKey,
  parseSignerKeyName,
  parseVerifierKey,
  signNote,
  verifierKeyFromSigner,
} from './signed-note.js';
import type { NoteSignature } from './signed-note.js';
import { readVectors, vectorsMissing } from './test-support.js';

// Origin: golang/mod sumdb/note/note_test.go, C2SP signed-note.md, a real sum.golang.org
// checkpoint; via ../shared/data (SOURCES.md §3).
type NoteCase =
  | { name: string; kind: 'sign'; signerKey: string; text: string; wantSignedNote: string }
  | {
      name: string;
      kind: 'open';
      verifierKeys: string[];
      note: string;
      wantOk: boolean;
      wantText?: string;
      wantVerified?: string[];
      wantUnverified?: string[];
    }
  | { name: string; kind: 'parseVerifierKey'; vkey: string; wantOk: boolean };

const code = (run: () => unknown) => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return error instanceof LedgerError ? error.code : 'crash';
  }
};

const ids = (signatures: readonly NoteSignature[]) =>
  signatures.map((s) => `${s.name}+${formatKeyId(s.keyId)}`);

describe.skipIf(vectorsMissing !== undefined)('signed-note', () => {
  const { cases } = readVectors<{ cases: NoteCase[] }>('checkpoint/signed-note-vectors.json');
  const ofKind = <K extends NoteCase['kind']>(kind: K) =>
    cases
      .filter((c): c is Extract<NoteCase, { kind: K }> => c.kind === kind)
      .map((c) => [c.name, c] as const);

  describe('when signing the vector texts', () => {
    it.each(ofKind('sign'))('gives exactly the signed note of %s', (_name, c) => {
      expect(signNote(c.text, [c.signerKey])).toBe(c.wantSignedNote);
    });
  });

  describe('when opening the vector notes', () => {
    it.each(ofKind('open'))('matches %s', (_name, c) => {
      if (!c.wantOk) {
        expect(code(() => openNote(c.note, c.verifierKeys))).not.toBe('ok');
        expect(code(() => openNote(Buffer.from(c.note), c.verifierKeys))).not.toBe('ok');
        return;
      }
      for (const note of [c.note, Buffer.from(c.note)]) {
        const opened = openNote(note, c.verifierKeys);
        expect(opened.text).toBe(c.wantText);
        expect(ids(opened.verified)).toEqual(c.wantVerified);
        expect(ids(opened.unverified)).toEqual(c.wantUnverified);
      }
    });
  });

  describe('when parsing the vector verifier keys', () => {
    it.each(ofKind('parseVerifierKey'))('accepts %s iff wantOk', (_name, c) => {
      expect(code(() => parseVerifierKey(c.vkey))).toBe(c.wantOk ? 'ok' : 'MALFORMED_KEY');
    });
  });

  describe('when a known key signed a note that was then altered', () => {
    it('rejects it with SIGNATURE_INVALID and the other failure codes', () => {
      const c = cases.find((x) => x.name === 'go-note-open-corrupted-signature');
      const none = cases.find((x) => x.name === 'go-note-open-no-known-key');
      if (c?.kind !== 'open' || none?.kind !== 'open') throw new Error('vector missing');
      expect(code(() => openNote(c.note, c.verifierKeys))).toBe('SIGNATURE_INVALID');
      expect(code(() => openNote(none.note, none.verifierKeys))).toBe('NO_VERIFIED_SIGNATURE');
    });
  });
});

describe('signed-note', () => {
  describe('when given a generated key', () => {
    const skey = generateSignerKey('warden.example/log');
    const vkey = verifierKeyFromSigner(skey);

    it('round-trips any text through sign and open', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (line) => {
          const text = `${[...line].filter((c) => c >= ' ').join('')}\n`;
          const opened = openNote(signNote(text, [skey]), [vkey]);
          expect(opened.text).toBe(text);
          expect(ids(opened.verified)).toEqual([vkey.split('+').slice(0, 2).join('+')]);
        }),
        { numRuns: 50 },
      );
    });

    it('exposes the name and key id of the key', () => {
      expect(parseSignerKeyName(skey)).toBe('warden.example/log');
      expect(formatKeyId(parseSignerKey(skey).keyId)).toBe(vkey.split('+')[1]);
      expect(parseVerifierKey(vkey).keyId).toBe(parseSignerKey(skey).keyId);
    });

    it('rejects a flipped bit anywhere in the text or signature', () => {
      const note = Buffer.from(signNote('warden\n42\nroot\n', [skey]));
      fc.assert(
        fc.property(fc.nat(note.length * 8 - 1), (bit) => {
          const bad = Buffer.from(note);
          bad[bit >> 3] = (bad[bit >> 3] ?? 0) ^ (1 << (bit & 7));
          expect(code(() => openNote(bad, [vkey]))).not.toBe('ok');
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('when given malformed keys or text', () => {
    it('throws typed errors', () => {
      const skey = generateSignerKey('a');
      expect(code(() => generateSignerKey('has space'))).toBe('MALFORMED_KEY');
      expect(code(() => generateSignerKey('has+plus'))).toBe('MALFORMED_KEY');
      expect(code(() => parseSignerKey(skey.replace('PRIVATE', 'PUBLIC')))).toBe('MALFORMED_KEY');
      expect(code(() => parseSignerKey(skey.replace(/\+([0-9a-f]{8})\+/, '+00000000+')))).toBe(
        'MALFORMED_KEY',
      );
      expect(code(() => signNote('no newline', [skey]))).toBe('MALFORMED_NOTE');
      expect(code(() => signNote('bell\u0007\n', [skey]))).toBe('MALFORMED_NOTE');
      expect(code(() => signNote('ok\n', []))).toBe('MALFORMED_NOTE');
      expect(code(() => openNote(Buffer.from([0xff, 0x0a, 0x0a]), []))).toBe('MALFORMED_NOTE');
      expect(code(() => openNote('\ud800\n\n\u2014 a AAAAAAA=\n', []))).toBe('MALFORMED_NOTE');
      const vkey = verifierKeyFromSigner(skey);
      const note = signNote('x\n', [skey]);
      expect(code(() => openNote(note, [vkey, vkey]))).toBe('AMBIGUOUS_KEY');
    });
  });
});
