import { createHmac } from 'node:crypto';
import { deriveKey } from './derived-keys.js';

/**
 * Keyed hashes of e-mail addresses: HMAC-SHA256 under a key derived (HKDF, RFC 5869) from
 * Warden's master key, over the address in a normal form. Written beside each reviewer as it
 * is sealed, so that a leaked plain address is matched to its reviewer without opening any
 * reviewer's sealed data; without the master key the hashes cannot be tested against
 * guessed addresses (a plain hash of an address can be, from any list of addresses).
 *
 * @example
 *   const hashes = new EmailHashes(masterKey);
 *   hashes.hashOf(' Mira.Kovacs@Example.ORG ').equals(hashes.hashOf('mira.kovacs@example.org')); // true
 */
export class EmailHashes {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = deriveKey(masterKey, 'warden reviewer-email v1');
  }

  /** The keyed hash of an address in its normal form (`normaliseEmail`). */
  hashOf(address: string): Buffer {
    return emailHashWithKey(this.key, address);
  }

  /**
   * The derived key, for a thread that hashes addresses exactly as `hashOf` does
   * (`emailHashWithKey`): ingest's sealing thread, which reads each reviewer's address as it
   * seals it.
   */
  keyForThread(): Buffer {
    return this.key;
  }
}

/** `EmailHashes#hashOf` under a key taken from `keyForThread`. */
export function emailHashWithKey(key: Buffer, address: string): Buffer {
  return createHmac('sha256', key).update(normaliseEmail(address)).digest();
}

/**
 * The normal form an address is hashed in: Unicode NFKC, white space trimmed, lower case.
 * Mailbox tricks (dots, `+tags`) are kept: providers differ on them, and a wrong merge would
 * name the wrong reviewer.
 */
export function normaliseEmail(address: string): string {
  return address.normalize('NFKC').trim().toLowerCase();
}
