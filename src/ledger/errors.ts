import { WardenError } from '../domain/index.js';

/**
 * Stable codes of the ledger context. Tests assert these, never messages.
 *
 * | code                         | when                                                              |
 * |------------------------------|-------------------------------------------------------------------|
 * | `BAD_HASH_LENGTH`            | a hash that must be 32 bytes (SHA-256) is not                     |
 * | `INDEX_OUT_OF_RANGE`         | a leaf index is not a safe integer in [0, tree size)              |
 * | `SIZE_OUT_OF_RANGE`          | a tree size is not a safe non-negative integer, size2 < size1, or |
 * |                              | a consistency proof from the empty tree was asked for             |
 * | `MALFORMED_PROOF`            | a proof has the wrong number of hashes, or one is not 32 bytes    |
 * | `INCLUSION_PROOF_MISMATCH`   | an inclusion proof leads to another root (RFC 9162 §2.1.3.2)      |
 * | `CONSISTENCY_PROOF_MISMATCH` | a consistency proof does not join the two roots (§2.1.4.2)        |
 * | `NODE_MISSING`               | a node hash a proof needs is not in storage                       |
 * | `MALFORMED_TILE`             | a stored tile has a length no tile can have, or is not the tile   |
 * |                              | the tree size says it must be                                     |
 * | `MALFORMED_NOTE`             | a signed note breaks the C2SP signed-note grammar                 |
 * | `MALFORMED_KEY`              | a signer or verifier key cannot be parsed, or its key id is wrong |
 * | `AMBIGUOUS_KEY`              | two known keys share a (name, key id) that a signature names      |
 * | `SIGNATURE_INVALID`          | a signature by a known key does not verify: the note is forged    |
 * | `NO_VERIFIED_SIGNATURE`      | no signature of the note is by a known key                        |
 * | `MALFORMED_CHECKPOINT`       | a checkpoint body breaks C2SP tlog-checkpoint                     |
 * | `HEAD_NOT_SIGNED`            | the newest stored checkpoint is not of the ledger's current head  |
 * | `MALFORMED_CHECKPOINT_LOG`   | an outside checkpoint log is not a sequence of signed notes       |
 * | `MALFORMED_COSIGNATURE`      | a cosignature line or a witness request breaks C2SP              |
 * |                              | tlog-cosignature / tlog-witness                                   |
 */
export type LedgerErrorCode =
  | 'BAD_HASH_LENGTH'
  | 'INDEX_OUT_OF_RANGE'
  | 'SIZE_OUT_OF_RANGE'
  | 'MALFORMED_PROOF'
  | 'INCLUSION_PROOF_MISMATCH'
  | 'CONSISTENCY_PROOF_MISMATCH'
  | 'NODE_MISSING'
  | 'MALFORMED_TILE'
  | 'MALFORMED_NOTE'
  | 'MALFORMED_KEY'
  | 'AMBIGUOUS_KEY'
  | 'SIGNATURE_INVALID'
  | 'NO_VERIFIED_SIGNATURE'
  | 'MALFORMED_CHECKPOINT'
  | 'HEAD_NOT_SIGNED'
  | 'MALFORMED_CHECKPOINT_LOG'
  | 'MALFORMED_COSIGNATURE';

/**
 * A failure to prove or check the ledger's integrity. Every code is an integrity failure:
 * a malformed proof or note from a hostile peer is as untrustworthy as a wrong one.
 */
export class LedgerError extends WardenError<LedgerErrorCode> {
  readonly category = 'integrity' as const;
}

/**
 * A checkpoint could not be appended to a log outside the database (a full disk, a read-only
 * volume, an endpoint down). The batch it covers is committed in the database but is not held
 * outside it: the command fails so that nobody takes it as witnessed.
 */
export class CheckpointLogError extends WardenError<'CHECKPOINT_NOT_LOGGED'> {
  readonly category = 'infrastructure' as const;
}

/** C2SP tlog-witness refusals, each with its HTTP status. */
export type WitnessErrorCode =
  'BAD_REQUEST' | 'FORBIDDEN' | 'UNKNOWN_LOG' | 'CONFLICT' | 'UNPROCESSABLE';

const WITNESS_STATUS: Record<WitnessErrorCode, number> = {
  BAD_REQUEST: 400,
  FORBIDDEN: 403,
  UNKNOWN_LOG: 404,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
};

/**
 * A witness refused to cosign (C2SP tlog-witness add-checkpoint). `status` is the HTTP
 * status the spec gives; a `CONFLICT` carries the size of the witness's latest cosigned
 * checkpoint, which the client must prove consistency from. A checkpoint that is not the
 * log's (403), rolls back (409) or forks (422) is an integrity finding; a malformed request
 * (400) or a log the witness does not know (404) is bad input.
 */
export class WitnessError extends WardenError<WitnessErrorCode> {
  readonly status: number;
  readonly latestSize: number | undefined;

  constructor(
    code: WitnessErrorCode,
    message: string,
    options: { cause?: unknown; latestSize?: number } = {},
  ) {
    super(code, message, options);
    this.status = WITNESS_STATUS[code];
    this.latestSize = options.latestSize;
  }

  get category(): 'integrity' | 'input' {
    return this.status === 400 || this.status === 404 ? 'input' : 'integrity';
  }
}
