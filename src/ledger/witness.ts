/**
 * A witness's decision on one add-checkpoint request (C2SP tlog-witness), pure: the state it
 * keeps for the log, the request, and its key in; the cosignature and the new state out, or a
 * `WitnessError` with the spec's status. The state is the latest checkpoint it cosigned for
 * the log's origin, and the log key it accepted then.
 *
 * First sight is trust on first use: with no state for an origin, the witness expects old
 * size 0 and cosigns whatever checkpoint the log key signs. From then on it cosigns only a
 * checkpoint proved consistent with the one it holds, so a log (even one whose key was
 * stolen) can never get it to cosign a rewritten history or a rollback.
 */
import { parseCheckpoint } from './checkpoint.js';
import type { Cosigner } from './cosigner-keys.js';
import { LedgerError, WitnessError } from './errors.js';
import { EMPTY_ROOT } from './hash.js';
import { parseVerifierKey } from './note-keys.js';
import { openNote } from './signed-note.js';
import { verifyConsistency } from './verify.js';
import type { AddCheckpointRequest } from './witness-request.js';

/** What a witness remembers of one log. */
export interface WitnessedLog {
  readonly origin: string;
  /** The log's verifier key, pinned at first sight. */
  readonly logKey: string;
  readonly size: number;
  readonly rootHash: Buffer;
  /** The checkpoint note it last cosigned, its own cosignature appended. */
  readonly note: string;
}

export interface Cosigned {
  /** The response body: the cosignature line(s). */
  readonly cosignature: string;
  /** The state to persist, atomically, before answering. */
  readonly state: WitnessedLog;
}

/**
 * Decides a request for the log whose key is `logKey`, given what the witness holds for that
 * log (`undefined`: never seen). `now` is POSIX seconds, never 0.
 */
export function addCheckpoint(
  request: AddCheckpointRequest,
  logKey: string,
  held: WitnessedLog | undefined,
  cosigner: Cosigner,
  now: bigint,
): Cosigned {
  const { text, size, rootHash, origin } = openLogCheckpoint(request.note, logKey);
  if (held !== undefined && held.logKey !== logKey) {
    throw new WitnessError(
      'FORBIDDEN',
      `this witness holds ${origin} under another log key; it does not follow a key change`,
    );
  }
  if (request.oldSize > size) {
    throw new WitnessError(
      'BAD_REQUEST',
      `old size ${String(request.oldSize)} is above the checkpoint's ${String(size)}`,
    );
  }
  const latest = held?.size ?? 0;
  if (request.oldSize !== latest) {
    throw new WitnessError(
      'CONFLICT',
      `the witness's latest checkpoint of ${origin} has size ${String(latest)}, not ${String(request.oldSize)}: prove consistency from it`,
      { latestSize: latest },
    );
  }
  checkConsistency(request, held, size, rootHash);
  const cosignature = cosigner.cosign(text, now);
  return {
    cosignature,
    state: { origin, logKey, size, rootHash, note: `${request.note}${cosignature}` },
  };
}

/** 400 for a malformed checkpoint, 404 for another origin, 403 for a bad or missing signature. */
function openLogCheckpoint(
  note: string,
  logKey: string,
): { text: string; size: number; rootHash: Buffer; origin: string } {
  const split = note.lastIndexOf('\n\n');
  const text = split < 0 ? '' : note.slice(0, split + 1);
  let checkpoint: ReturnType<typeof parseCheckpoint>;
  try {
    checkpoint = parseCheckpoint(text);
  } catch (error) {
    throw new WitnessError('BAD_REQUEST', `the checkpoint is malformed: ${message(error)}`, {
      cause: error,
    });
  }
  const size = Number(checkpoint.size);
  if (!Number.isSafeInteger(size)) throw new WitnessError('BAD_REQUEST', 'checkpoint size ≥ 2^53');
  if (checkpoint.origin !== parseVerifierKey(logKey).name) {
    throw new WitnessError(
      'UNKNOWN_LOG',
      `this witness does not know the log ${checkpoint.origin}`,
    );
  }
  try {
    openNote(note, [logKey]);
  } catch (error) {
    const malformedNote = error instanceof LedgerError && error.code === 'MALFORMED_NOTE';
    throw new WitnessError(
      malformedNote ? 'BAD_REQUEST' : 'FORBIDDEN',
      `the checkpoint is not validly signed by the log key: ${message(error)}`,
      { cause: error },
    );
  }
  return { text, size, rootHash: checkpoint.rootHash, origin: checkpoint.origin };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** C2SP tlog-witness: the 422 rules, with RFC 9162 §2.1.4.2 for the proof. */
function checkConsistency(
  request: AddCheckpointRequest,
  held: WitnessedLog | undefined,
  size: number,
  rootHash: Buffer,
): void {
  if (size === 0 && !rootHash.equals(EMPTY_ROOT))
    unprocessable('a checkpoint of size 0 must have the empty root');
  if (request.oldSize === 0) {
    if (request.proof.length > 0) unprocessable('a proof from old size 0 must be empty');
    return;
  }
  const old = held as WitnessedLog;
  if (request.oldSize === size) {
    if (!old.rootHash.equals(rootHash))
      unprocessable(`a second, different root for size ${String(size)}: the log forked`);
    if (request.proof.length > 0) unprocessable('a proof between equal sizes must be empty');
    return;
  }
  try {
    verifyConsistency(old.size, size, old.rootHash, rootHash, request.proof);
  } catch (error) {
    unprocessable(
      `the proof does not show size ${String(size)} extends the cosigned size ${String(old.size)}: ${(error as Error).message}`,
    );
  }
}

function unprocessable(message: string): never {
  throw new WitnessError('UNPROCESSABLE', message);
}
