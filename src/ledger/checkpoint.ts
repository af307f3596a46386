/**
 * C2SP tlog-checkpoint: the note text a log signs to commit to its size and root.
 *
 *   <origin>\n<tree size, decimal>\n<base64 root hash>\n[<extension line>\n …]
 */
import { LedgerError } from './errors.js';
import { HASH_SIZE } from './hash.js';
import { decodeBase64 } from './note-encoding.js';
import type { NoteVerifier } from './note-keys.js';
import { openNote } from './signed-note.js';
import type { NoteSignature } from './signed-note.js';

/** A parsed checkpoint body. */
export interface Checkpoint {
  readonly origin: string;
  /** Up to 2^64 − 1; see `checkpointTreeSize` for a number. */
  readonly size: bigint;
  readonly rootHash: Buffer;
  readonly extensions: string[];
}

/** What `formatCheckpoint` needs. */
export interface CheckpointInput {
  readonly origin: string;
  readonly size: number | bigint;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
}

const MAX_UINT64 = 2n ** 64n - 1n;

/** The checkpoint body to sign with `signNote`. */
export function formatCheckpoint(input: CheckpointInput): string {
  const { origin, size, rootHash, extensions = [] } = input;
  if (origin === '' || origin.includes('\n')) throw malformed('origin must be one non-empty line');
  const bigSize = typeof size === 'bigint' ? size : Number.isSafeInteger(size) ? BigInt(size) : -1n;
  if (bigSize < 0n || bigSize > MAX_UINT64) throw malformed(`size ${String(size)} is not a uint64`);
  if (rootHash.length !== HASH_SIZE) throw malformed('root hash must be 32 bytes');
  if (extensions.some((line) => line === '' || line.includes('\n'))) {
    throw malformed('extension lines must be single non-empty lines');
  }
  const lines = [
    origin,
    bigSize.toString(),
    Buffer.from(rootHash).toString('base64'),
    ...extensions,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Parses a checkpoint body like transparency-dev/formats `log.ParseCheckpoint`, plus the
 * C2SP rule that extension lines are non-empty. The root hash may have any non-zero length:
 * compare it with a 32-byte root before trusting it.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('checkpoint does not end with a newline');
  const [origin, sizeText, rootText, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || sizeText === undefined || rootText === undefined) {
    throw malformed('checkpoint has fewer than 3 lines');
  }
  if (origin === '') throw malformed('checkpoint origin is empty');
  // Go's ParseUint(s, 10, 64): digits only, no sign, at most 2^64 - 1.
  if (!/^[0-9]+$/.test(sizeText) || BigInt(sizeText) > MAX_UINT64) {
    throw malformed(`checkpoint size "${sizeText}" is not a uint64`);
  }
  const rootHash = decodeBase64(rootText);
  if (rootHash === undefined || rootHash.length === 0) {
    throw malformed('checkpoint root hash is not base64');
  }
  if (extensions.includes('')) throw malformed('checkpoint has an empty extension line');
  return { origin, size: BigInt(sizeText), rootHash, extensions };
}

/** The size of a checkpoint as a number for the proof functions (`SIZE_OUT_OF_RANGE` ≥ 2^53). */
export function checkpointTreeSize(checkpoint: Checkpoint): number {
  if (checkpoint.size > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new LedgerError('SIZE_OUT_OF_RANGE', `tree size ${checkpoint.size.toString()} is ≥ 2^53`);
  }
  return Number(checkpoint.size);
}

/** A checkpoint whose note verified, with the signatures that vouch for it. */
export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly verified: NoteSignature[];
  readonly unverified: NoteSignature[];
}

/**
 * Opens a signed checkpoint (see `openNote`) and parses its body. It does not require the
 * origin to equal a key name: Rekor v1 signs `<host> - <tree id>` as key `<host>`.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly (string | NoteVerifier)[],
): OpenedCheckpoint {
  const { text, verified, unverified } = openNote(note, verifiers);
  return { checkpoint: parseCheckpoint(text), verified, unverified };
}

function malformed(message: string): LedgerError {
  return new LedgerError('MALFORMED_CHECKPOINT', message);
}
