import { hkdfSync } from 'node:crypto';

/**
 * The key that authenticates the saved detection state (HMAC-SHA-256), derived from the master
 * key with HKDF (RFC 5869) under its own label: it reveals nothing of the master key or of the
 * other keys derived from it, and someone who can write the database but does not hold the
 * master key cannot make a state that `warden detect` will resume from.
 */
export function detectorStateKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, '', 'warden detector-state v1', 32));
}
