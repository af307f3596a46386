/**
 * C2SP signed-note: signing and opening notes with the semantics of
 * golang.org/x/mod/sumdb/note `Sign` and `Open`.
 *
 *   <text, ending in \n>
 *   <blank line>
 *   — <key name> <base64(4-byte key id || signature)>\n   (one or more; — is U+2014)
 *
 * The signed message is the text's UTF-8 bytes including its final newline.
 */
import { LedgerError } from './errors.js';
import {
  assertNoteText,
  chop,
  decodeBase64,
  decodeNote,
  formatKeyId,
  isValidKeyName,
} from './note-encoding.js';
import { parseSignerKey, parseVerifierKey } from './note-keys.js';
import type { NoteSigner, NoteVerifier } from './note-keys.js';

export { ecdsaP256Verifier } from './ecdsa-verifier.js';
export {
  generateSignerKey,
  parseSignerKey,
  parseSignerKeyName,
  parseVerifierKey,
  verifierKeyFromSigner,
} from './note-keys.js';
export type { NoteSigner, NoteVerifier } from './note-keys.js';

/** A signature line of an opened note. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** base64(key id || signature), as on the line. */
  readonly base64: string;
}

/** A note whose text is vouched for by at least one known key. */
export interface OpenedNote {
  readonly text: string;
  /** Lines by known keys, all verified (one per key). */
  readonly verified: NoteSignature[];
  /** Lines by unknown keys (witnesses, other logs): NOT checked. */
  readonly unverified: NoteSignature[];
}

const SIGNATURE_PREFIX = '\u2014 ';
/** Go refuses more; C2SP requires accepting at least 16. */
const MAX_SIGNATURES = 100;

/**
 * Signs `text` (which must end in '\n') with each signer key, in order.
 *
 * @example signNote('example.com/log\n42\n<root>\n', [signerKey])
 */
export function signNote(text: string, signers: readonly (string | NoteSigner)[]): string {
  assertNoteText(text);
  if (!text.endsWith('\n')) throw malformed('note text must end with a newline');
  if (signers.length === 0) throw malformed('a note needs at least one signature');
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((key) => {
    const signer = typeof key === 'string' ? parseSignerKey(key) : key;
    if (!isValidKeyName(signer.name)) throw new LedgerError('MALFORMED_KEY', 'bad signer name');
    const id = Buffer.alloc(4);
    id.writeUInt32BE(signer.keyId);
    const signature = Buffer.concat([id, signer.sign(message)]).toString('base64');
    return `${SIGNATURE_PREFIX}${signer.name} ${signature}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/**
 * Opens a signed note: every line by a known (name, key id) must verify; lines by unknown
 * keys are returned unchecked; at least one line must be by a known key.
 *
 * Throws `MALFORMED_NOTE`, `SIGNATURE_INVALID` (a known key's line fails: the note is
 * forged), `NO_VERIFIED_SIGNATURE` or `AMBIGUOUS_KEY`.
 */
export function openNote(
  note: string | Uint8Array,
  verifiers: readonly (string | NoteVerifier)[],
): OpenedNote {
  const message = decodeNote(note);
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw malformed('note has no blank line before its signatures');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block === '' || !block.endsWith('\n'))
    throw malformed('signature block is empty or unterminated');
  const known = indexVerifiers(verifiers);
  const signed = Buffer.from(text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seenKnown = new Set<string>();
  const seenUnknown = new Set<string>();
  block
    .slice(0, -1)
    .split('\n')
    .forEach((line, count) => {
      const { signature, bytes } = parseSignatureLine(line);
      if (count >= MAX_SIGNATURES)
        throw malformed(`note has over ${String(MAX_SIGNATURES)} signatures`);
      const id = `${signature.name}+${formatKeyId(signature.keyId)}`;
      const candidates = known.get(id);
      if (candidates === undefined) {
        if (!seenUnknown.has(line)) unverified.push(signature); // repeated lines once
        seenUnknown.add(line);
        return;
      }
      if (candidates.length > 1) throw new LedgerError('AMBIGUOUS_KEY', `two known keys are ${id}`);
      if (seenKnown.has(id)) return; // Go keeps the first line of each key
      seenKnown.add(id);
      if (!(candidates[0] as NoteVerifier).verify(signed, bytes.subarray(4))) {
        throw new LedgerError(
          'SIGNATURE_INVALID',
          `signature by ${id} does not verify: the note was altered`,
        );
      }
      verified.push(signature);
    });
  if (verified.length === 0) {
    throw new LedgerError('NO_VERIFIED_SIGNATURE', 'no signature of the note is by a known key');
  }
  return { text, verified, unverified };
}

function parseSignatureLine(line: string): { signature: NoteSignature; bytes: Buffer } {
  if (!line.startsWith(SIGNATURE_PREFIX))
    throw malformed('signature line does not start with "— "');
  const [name, base64] = chop(line.slice(SIGNATURE_PREFIX.length), ' ');
  const bytes = decodeBase64(base64);
  if (bytes === undefined || bytes.length < 5 || !isValidKeyName(name)) {
    throw malformed(`signature line of "${name}" is malformed`);
  }
  return { signature: { name, keyId: bytes.readUInt32BE(0), base64 }, bytes };
}

function indexVerifiers(
  verifiers: readonly (string | NoteVerifier)[],
): Map<string, NoteVerifier[]> {
  const index = new Map<string, NoteVerifier[]>();
  for (const key of verifiers) {
    const verifier = typeof key === 'string' ? parseVerifierKey(key) : key;
    const id = `${verifier.name}+${formatKeyId(verifier.keyId)}`;
    index.set(id, [...(index.get(id) ?? []), verifier]);
  }
  return index;
}

function malformed(message: string): LedgerError {
  return new LedgerError('MALFORMED_NOTE', message);
}
