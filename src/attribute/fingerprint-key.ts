import { deriveKey } from '../privacy/index.js';

/**
 * The key every export fingerprint is derived from: HKDF (RFC 5869) of Warden's master key,
 * separated from the vault's and the relay aliases' keys. Whoever holds it can compute any
 * recipient's codeword, so it never leaves Warden; without it no codeword can be forged.
 */
export function fingerprintKey(masterKey: Buffer): Buffer {
  return deriveKey(masterKey, 'warden export-fingerprint v1');
}
