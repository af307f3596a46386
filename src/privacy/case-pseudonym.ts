import { createHmac } from 'node:crypto';
import { deriveKey } from './derived-keys.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** 16 base32 characters: 80 bits, enough that no two subjects of a case collide by chance. */
const CHARS = 16;

/**
 * Per-case pseudonyms for investigated employees: an investigator sees `person-…` instead of
 * an employee id until a second person approves revealing the case's subjects. The pseudonym
 * is stable within a case (notes and timelines stay readable), differs between cases (two
 * cases cannot be joined on it), and cannot be inverted without Warden's master key: an HMAC
 * of (case, employee) under a key derived from it by HKDF (RFC 5869), separate from the
 * vault's and the relay aliases' keys.
 *
 * @example
 *   new CasePseudonyms(masterKey).of('case-1', 'E042'); // 'person-k3…'
 */
export class CasePseudonyms {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = deriveKey(masterKey, 'warden case-pseudonym v1');
  }

  of(caseId: string, employeeId: string): string {
    // length-prefixed, so ('ab', 'c') and ('a', 'bc') cannot collide
    const mac = createHmac('sha256', this.key)
      .update(`${caseId.length}:${caseId}|${employeeId.length}:${employeeId}`)
      .digest();
    return `person-${base32(mac).slice(0, CHARS)}`;
  }
}

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
