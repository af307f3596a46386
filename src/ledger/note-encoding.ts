/**
 * Lexical rules shared by C2SP signed-note keys, signatures and checkpoints, written to
 * accept exactly what golang.org/x/mod/sumdb/note accepts.
 */

import { LedgerError } from './errors.js';

// Go's base64.StdEncoding: the standard alphabet, padded to a multiple of 4.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard padded base64, or returns `undefined`. Node's own decoder skips bad
 * characters silently, which would let a tampered line through. Stricter than Go in one
 * way: the unused low bits of the last character must be zero, so every byte string has
 * one encoding and a flipped bit in a signature line never goes unnoticed.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * A key name: non-empty, no white space, no '+' (C2SP signed-note §Verifier keys; Go's
 * `isValidName`, whose `unicode.IsSpace` is JS `\s` plus U+0085).
 */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !/[\s\u0085+]/u.test(name) && !hasLoneSurrogate(name);
}

/** A key id as the 8 lowercase hex digits of keys and the spec. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Parses exactly 8 hex digits (Go: `len(hash16) == 8` and `ParseUint(hash16, 16, 32)`). */
export function parseKeyId(text: string): number | undefined {
  return /^[0-9a-fA-F]{8}$/.test(text) ? Number.parseInt(text, 16) : undefined;
}

/** Splits at the first `separator`: Go's `chop`. The rest is '' when there is none. */
export function chop(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

/** True if a JS string holds a UTF-16 surrogate half, which has no UTF-8 encoding. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** The note as text, rejecting bad UTF-8 and control characters other than '\n'. */
export function decodeNote(note: string | Uint8Array): string {
  let text: string;
  if (typeof note === 'string') {
    text = note;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(note);
    } catch (cause) {
      throw new LedgerError('MALFORMED_NOTE', 'note is not valid UTF-8', { cause });
    }
  }
  assertNoteText(text);
  return text;
}

/** Throws `MALFORMED_NOTE` for text Go's note.Open refuses: bad UTF-8, control characters. */
export function assertNoteText(text: string): void {
  if (hasLoneSurrogate(text)) throw new LedgerError('MALFORMED_NOTE', 'note is not valid UTF-8');
  if (hasControlCharacter(text))
    throw new LedgerError('MALFORMED_NOTE', 'note has a control character');
}

/** Go rejects every rune below 0x20 except '\n'. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 && unit !== 0x0a) return true;
  }
  return false;
}
