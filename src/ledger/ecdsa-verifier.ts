/**
 * ECDSA P-256 verification of Rekor v1 checkpoints, which are signed notes whose key id is
 * SHA-256(SPKI DER)[:4] and whose signature is ASN.1 DER ECDSA over SHA-256 of the text
 * (see ../shared/data SOURCES.md §5). Verification only: Warden signs with Ed25519.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { LedgerError } from './errors.js';
import { isValidKeyName } from './note-encoding.js';
import { safeVerify } from './note-keys.js';
import type { NoteVerifier } from './note-keys.js';

/**
 * A verifier for Rekor v1 checkpoints: ECDSA P-256 over SHA-256 of the note text, DER
 * signature, key id = SHA-256(SPKI DER)[:4]. `name` is the signature line's key name
 * (the log's host, e.g. `rekor.sigstore.dev`).
 */
export function ecdsaP256Verifier(name: string, spkiDer: Uint8Array): NoteVerifier {
  if (!isValidKeyName(name))
    throw new LedgerError('MALFORMED_KEY', `key name "${name}" is empty or has space or '+'`);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new LedgerError('MALFORMED_KEY', `key ${name} is not a DER SubjectPublicKeyInfo`, {
      cause,
    });
  }
  if (publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new LedgerError('MALFORMED_KEY', `key ${name} is not an ECDSA P-256 key`);
  }
  const keyId = createHash('sha256').update(spkiDer).digest().readUInt32BE(0);
  return {
    name,
    keyId,
    verify: (message, signature) => safeVerify('sha256', message, publicKey, signature),
  };
}
