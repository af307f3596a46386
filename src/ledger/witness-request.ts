/**
 * The body of a C2SP tlog-witness `add-checkpoint` request:
 *
 *   old <size>\n
 *   <base64 consistency proof hash>\n   (0 to 63 lines)
 *   \n
 *   <signed checkpoint note>
 */
import { WitnessError } from './errors.js';
import { HASH_SIZE } from './hash.js';
import { decodeBase64 } from './note-encoding.js';

export interface AddCheckpointRequest {
  /** The size of the checkpoint the proof starts from: the witness's latest, or 0. */
  readonly oldSize: number;
  readonly proof: readonly Buffer[];
  /** The signed checkpoint note to cosign. */
  readonly note: string;
}

const MAX_PROOF_LINES = 63;

export function formatAddCheckpoint(request: AddCheckpointRequest): string {
  const proof = request.proof.map((hash) => `${hash.toString('base64')}\n`).join('');
  return `old ${String(request.oldSize)}\n${proof}\n${request.note}`;
}

/** Parses a request body; anything off the grammar is `BAD_REQUEST` (HTTP 400). */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw bad('no empty line between the proof and the checkpoint');
  const [oldLine = '', ...proofLines] = body.slice(0, blank).split('\n');
  const match = /^old (0|[1-9][0-9]{0,15})$/.exec(oldLine);
  if (!match || !Number.isSafeInteger(Number(match[1]))) {
    throw bad(
      `the first line must be "old <size>" in decimal without leading zeroes, got ${JSON.stringify(oldLine.slice(0, 40))}`,
    );
  }
  if (proofLines.length > MAX_PROOF_LINES)
    throw bad(`more than ${String(MAX_PROOF_LINES)} proof lines`);
  const proof = proofLines.map((line, i) => {
    const hash = decodeBase64(line);
    if (hash?.length !== HASH_SIZE)
      throw bad(`proof line ${String(i + 2)} is not a base64 SHA-256 hash`);
    return hash;
  });
  return { oldSize: Number(match[1]), proof, note: body.slice(blank + 2) };
}

function bad(message: string): WitnessError {
  return new WitnessError('BAD_REQUEST', `add-checkpoint request: ${message}`);
}
