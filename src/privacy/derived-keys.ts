import { hkdfSync } from 'node:crypto';

/**
 * A 32-byte key derived from `key` with HKDF-SHA-256 (RFC 5869) under its own label: the one
 * construction behind every key Warden derives from the master key (relay aliases, keyed
 * e-mail hashes, case pseudonyms, the detection state's MAC, export fingerprints). A derived
 * key reveals nothing of the master key or of the keys derived under other labels.
 */
export function deriveKey(key: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, '', label, 32));
}

/**
 * The key that authenticates the saved detection state (GMAC, AES-256): someone who can write
 * the database but does not hold the master key cannot make a state that `warden detect` will
 * resume from. (Its label's v1 was the HMAC-SHA-256 key: a new label, so no key serves both.)
 */
export function detectorStateKey(masterKey: Buffer): Buffer {
  return deriveKey(masterKey, 'warden detector-state v2');
}
