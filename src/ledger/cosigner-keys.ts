/**
 * Ed25519 witness keys for C2SP tlog-cosignature `cosignature/v1` (algorithm byte 0x04), and
 * counting the valid cosignatures of given witnesses on a checkpoint.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  cosignedMessage,
  formatCosignatureLine,
  parseCosignature,
  type Cosignature,
} from './cosignature.js';
import { LedgerError } from './errors.js';
import { chop, decodeBase64, formatKeyId, isValidKeyName, parseKeyId } from './note-encoding.js';
import { safeVerify } from './note-keys.js';
import type { NoteSignature } from './signed-note.js';

/** The algorithm byte of Ed25519 cosignature/v1 keys (C2SP tlog-cosignature). */
export const ALG_COSIGNATURE_V1 = 0x04;
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A witness's key, able to cosign. */
export interface Cosigner {
  readonly name: string;
  readonly keyId: number;
  /** `<name>+<key id>+base64(0x04 ‖ public key)`: what verifiers configure. */
  readonly verifierKey: string;
  /** The signature line for a checkpoint body at `timestamp` (POSIX seconds). */
  cosign(checkpointText: string, timestamp: bigint): string;
}

/** A new witness key `PRIVATE+KEY+<name>+<key id>+base64(0x04 ‖ seed)` (Warden's own form). */
export function generateCosignerKey(name: string): string {
  if (!isValidKeyName(name)) throw malformed(`witness name "${name}" is empty or has space or '+'`);
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
  const keyId = cosignerKeyId(name, rawPublicKey(privateKey));
  return `PRIVATE+KEY+${name}+${formatKeyId(keyId)}+${withAlg(seed).toString('base64')}`;
}

/** Parses a witness key made by `generateCosignerKey`; `MALFORMED_KEY` if it is not one. */
export function parseCosignerKey(skey: string): Cosigner {
  const parts = skey.trim().split('+');
  const [p1, p2, name = '', idText = ''] = parts;
  const material = decodeBase64(parts.slice(4).join('+'));
  const keyId = parseKeyId(idText);
  if (p1 !== 'PRIVATE' || p2 !== 'KEY' || !isValidKeyName(name) || keyId === undefined) {
    throw new LedgerError(
      'MALFORMED_KEY',
      'witness key is not PRIVATE+KEY+<name>+<8 hex>+<base64>',
    );
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, keyMaterial(material, 'witness')]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicKey = rawPublicKey(privateKey);
  if (cosignerKeyId(name, publicKey) !== keyId) {
    throw new LedgerError('MALFORMED_KEY', `witness key ${name} has the wrong key id`);
  }
  return {
    name,
    keyId,
    verifierKey: `${name}+${formatKeyId(keyId)}+${withAlg(publicKey).toString('base64')}`,
    cosign: (text, timestamp) => {
      const signature = sign(null, cosignedMessage(text, timestamp), privateKey);
      return formatCosignatureLine({ name, keyId, timestamp, signature });
    },
  };
}

/** A witness verifier key `<name>+<id>+base64(0x04 ‖ key)`, checked; `MALFORMED_KEY` if not. */
export function parseCosignerVerifierKey(vkey: string): {
  name: string;
  keyId: number;
  verify(checkpointText: string, cosignature: Cosignature): boolean;
} {
  const [name, rest] = chop(vkey.trim(), '+');
  const [idText, keyText] = chop(rest, '+');
  const keyId = parseKeyId(idText);
  const publicRaw = keyMaterial(decodeBase64(keyText), 'witness verifier');
  if (!isValidKeyName(name) || keyId === undefined || cosignerKeyId(name, publicRaw) !== keyId) {
    throw new LedgerError(
      'MALFORMED_KEY',
      `witness verifier key "${vkey}" is not <name>+<id>+<base64(0x04 ‖ key)>`,
    );
  }
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, publicRaw]),
    format: 'der',
    type: 'spki',
  });
  return {
    name,
    keyId,
    verify: (text, c) =>
      safeVerify(null, cosignedMessage(text, c.timestamp), publicKey, c.signature),
  };
}

/**
 * How many of `witnesses` validly cosigned the checkpoint `text`, among a note's signature
 * lines by keys other than the log's. Lines by other keys are ignored; a line that names a
 * given witness (name and key id) but does not verify throws `SIGNATURE_INVALID`: a forged
 * cosignature is an attack, not a missing one.
 */
export function countCosignatures(
  text: string,
  lines: readonly NoteSignature[],
  witnesses: readonly string[],
): number {
  let count = 0;
  for (const vkey of witnesses) {
    const witness = parseCosignerVerifierKey(vkey);
    const mine = lines.filter((l) => l.name === witness.name && l.keyId === witness.keyId);
    for (const line of mine) {
      if (!witness.verify(text, parseCosignature(line))) {
        throw new LedgerError(
          'SIGNATURE_INVALID',
          `cosignature by ${witness.name}+${formatKeyId(witness.keyId)} does not verify: forged or altered`,
        );
      }
    }
    if (mine.length > 0) count++;
  }
  return count;
}

function cosignerKeyId(name: string, publicKey: Uint8Array): number {
  return createHash('sha256')
    .update(name)
    .update('\n')
    .update(withAlg(publicKey))
    .digest()
    .readUInt32BE(0);
}

function keyMaterial(key: Buffer | undefined, kind: string): Buffer {
  if (key?.[0] !== ALG_COSIGNATURE_V1 || key.length !== 33) {
    throw new LedgerError(
      'MALFORMED_KEY',
      `${kind} key is not 0x04 followed by a 32-byte Ed25519 key`,
    );
  }
  return key.subarray(1);
}

function rawPublicKey(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey)
    .export({ format: 'der', type: 'spki' })
    .subarray(SPKI_PREFIX.length);
}

function withAlg(key: Uint8Array): Buffer {
  return Buffer.concat([Buffer.of(ALG_COSIGNATURE_V1), key]);
}

function malformed(message: string): LedgerError {
  return new LedgerError('MALFORMED_KEY', message);
}
