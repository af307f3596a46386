/**
 * C2SP tlog-cosignature, Ed25519 `cosignature/v1`: a witness's timestamped signature on a
 * checkpoint, carried as one more signed-note signature line.
 *
 *   signed message: "cosignature/v1\n" + "time <POSIX seconds>\n" + <checkpoint text>
 *   line:           — <witness name> base64(key id[4] ‖ timestamp u64 BE[8] ‖ Ed25519 sig[64])
 *   key id:         SHA-256(<name> ‖ "\n" ‖ 0x04 ‖ public key[32])[:4]
 */
import { LedgerError } from './errors.js';
import { decodeBase64 } from './note-encoding.js';
import type { NoteSignature } from './signed-note.js';

const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** A parsed cosignature line. */
export interface Cosignature {
  readonly name: string;
  readonly keyId: number;
  readonly timestamp: bigint;
  readonly signature: Buffer;
}

/** The message a cosignature/v1 signs. */
export function cosignedMessage(checkpointText: string, timestamp: bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp.toString()}\n${checkpointText}`, 'utf8');
}

/** `— <name> base64(key id ‖ timestamp ‖ signature)\n`. */
export function formatCosignatureLine(c: Cosignature): string {
  const head = Buffer.alloc(12);
  head.writeUInt32BE(c.keyId, 0);
  head.writeBigUInt64BE(c.timestamp, 4);
  return `\u2014 ${c.name} ${Buffer.concat([head, c.signature]).toString('base64')}\n`;
}

/** Reads a note signature as a cosignature/v1; `MALFORMED_COSIGNATURE` if it cannot be one. */
export function parseCosignature(line: NoteSignature): Cosignature {
  const bytes = decodeBase64(line.base64);
  if (bytes?.length !== 4 + 8 + 64) {
    throw new LedgerError('MALFORMED_COSIGNATURE', `cosignature by ${line.name} is not 76 bytes`);
  }
  const timestamp = bytes.readBigUInt64BE(4);
  if (timestamp > MAX_TIMESTAMP || timestamp === 0n) {
    throw new LedgerError(
      'MALFORMED_COSIGNATURE',
      `cosignature by ${line.name} has timestamp ${timestamp.toString()}`,
    );
  }
  return {
    name: line.name,
    keyId: bytes.readUInt32BE(0),
    timestamp,
    signature: bytes.subarray(12),
  };
}
