/**
 * Keys of C2SP signed notes (Ed25519, algorithm byte 0x01) and the ECDSA P-256 keys of
 * Rekor v1 checkpoints. Node's built-in crypto only.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { LedgerError } from './errors.js';
import { chop, decodeBase64, formatKeyId, isValidKeyName, parseKeyId } from './note-encoding.js';

/** Checks signatures of one (name, key id) pair. */
export interface NoteVerifier {
  readonly name: string;
  /** The 4-byte key id as an unsigned 32-bit integer (big-endian on the wire). */
  readonly keyId: number;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Signs notes as one (name, key id) pair. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(message: Uint8Array): Buffer;
}

interface Ed25519SignerKey {
  readonly name: string;
  readonly keyId: number;
  readonly privateKey: KeyObject;
  readonly publicKey: Buffer;
}

const ALG_ED25519 = 0x01;
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A new Ed25519 signer key `PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>`. */
export function generateSignerKey(name: string): string {
  if (!isValidKeyName(name)) throw malformedKey(`key name "${name}" is empty or has space or '+'`);
  const { privateKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const seed = pkcs8.subarray(PKCS8_ED25519_PREFIX.length);
  const keyId = ed25519KeyId(name, rawPublicKey(privateKey));
  return `PRIVATE+KEY+${name}+${formatKeyId(keyId)}+${withAlg(seed).toString('base64')}`;
}

/** Parses a signer key; throws `MALFORMED_KEY` if it or its key id is wrong (Go `NewSigner`). */
export function parseSignerKey(skey: string): NoteSigner {
  const { name, keyId, privateKey } = decodeSignerKey(skey);
  return { name, keyId, sign: (message) => sign(null, message, privateKey) };
}

/** The name of a signer key (by convention, the origin line of its log's checkpoints). */
export function parseSignerKeyName(skey: string): string {
  return decodeSignerKey(skey).name;
}

/** The verifier key `<name>+<key id>+<base64(0x01 || public key)>` of a signer key. */
export function verifierKeyFromSigner(skey: string): string {
  const { name, keyId, publicKey } = decodeSignerKey(skey);
  return `${name}+${formatKeyId(keyId)}+${withAlg(publicKey).toString('base64')}`;
}

/** Parses an Ed25519 verifier key; throws `MALFORMED_KEY` (Go `NewVerifier`). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const [name, afterName] = chop(vkey, '+');
  const [idText, keyText] = chop(afterName, '+'); // base64 may contain '+'
  const keyId = parseKeyId(idText);
  const key = decodeBase64(keyText);
  if (keyId === undefined || key === undefined || key.length === 0 || !isValidKeyName(name)) {
    throw malformedKey('verifier key is not <name>+<8 hex>+<base64>');
  }
  if (keyIdOf(name, key) !== keyId) throw malformedKey(`verifier key ${name} has the wrong key id`);
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, ed25519Material(key, 'verifier')]),
    format: 'der',
    type: 'spki',
  });
  return {
    name,
    keyId,
    verify: (message, signature) => safeVerify(null, message, publicKey, signature),
  };
}

function decodeSignerKey(skey: string): Ed25519SignerKey {
  const [priv1, afterPriv1] = chop(skey, '+');
  const [priv2, afterPriv2] = chop(afterPriv1, '+');
  const [name, afterName] = chop(afterPriv2, '+');
  const [idText, keyText] = chop(afterName, '+');
  const keyId = parseKeyId(idText);
  const key = decodeBase64(keyText);
  const wellFormed = priv1 === 'PRIVATE' && priv2 === 'KEY' && isValidKeyName(name);
  if (!wellFormed || keyId === undefined || key === undefined || key.length === 0) {
    throw malformedKey('signer key is not PRIVATE+KEY+<name>+<8 hex>+<base64>');
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, ed25519Material(key, 'signer')]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = rawPublicKey(privateKey);
  // The id names the public key, so it can only be checked once that is derived.
  if (ed25519KeyId(name, publicKey) !== keyId)
    throw malformedKey(`signer key ${name} has the wrong key id`);
  return { name, keyId, privateKey, publicKey };
}

/** The 32 key bytes after the algorithm byte 0x01; anything else is `MALFORMED_KEY`. */
function ed25519Material(key: Buffer, kind: string): Buffer {
  if (key[0] !== ALG_ED25519)
    throw malformedKey(`${kind} key algorithm ${String(key[0])} is not Ed25519`);
  if (key.length !== 33)
    throw malformedKey(`${kind} key is ${String(key.length - 1)} bytes, want 32`);
  return key.subarray(1);
}

/** C2SP signed-note key id: SHA-256(name || 0x0A || key with its algorithm byte)[:4]. */
function keyIdOf(name: string, keyWithAlg: Uint8Array): number {
  return createHash('sha256').update(name).update('\n').update(keyWithAlg).digest().readUInt32BE(0);
}

function ed25519KeyId(name: string, publicKey: Uint8Array): number {
  return keyIdOf(name, withAlg(publicKey));
}

function rawPublicKey(privateKey: KeyObject): Buffer {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(SPKI_ED25519_PREFIX.length);
}

function withAlg(key: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(ALG_ED25519), key]);
}

/** `crypto.verify` that answers false, never throws, for a signature it cannot decode. */
export function safeVerify(
  algorithm: string | null,
  message: Uint8Array,
  key: KeyObject,
  signature: Uint8Array,
): boolean {
  try {
    return verify(algorithm, message, key, signature);
  } catch {
    return false; // a signature OpenSSL cannot even decode is simply not valid
  }
}

function malformedKey(message: string): LedgerError {
  return new LedgerError('MALFORMED_KEY', message);
}
