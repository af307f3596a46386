/**
 * One place where the stored log and its recomputation disagree, or where the log is not
 * vouched for. The codes are stable (docs/ledger.md, "What each problem means").
 */
export interface VerifyProblem {
  /** The first leaf index the problem concerns. */
  readonly index: number;
  readonly code: VerifyProblemCode;
  readonly message: string;
}

export type VerifyProblemCode =
  | 'RECORD_MISSING'
  | 'RECORD_WITHOUT_LEAF'
  | 'RECORD_MALFORMED'
  | 'LEAF_MISMATCH'
  | 'TILE_MISMATCH'
  | 'TILE_MISSING'
  | 'CHECKPOINT_SIGNATURE'
  | 'CHECKPOINT_MISMATCH'
  | 'CHECKPOINT_ORDER'
  | 'CHECKPOINT_INCONSISTENT'
  | 'UNSIGNED_TAIL'
  | 'TRUNCATED'
  | 'STALE_CURRENT_RECORD'
  // checks against checkpoints kept outside the database (verify-against.ts)
  | 'OUTSIDE_CHECKPOINT_MISMATCH'
  | 'OUTSIDE_LOG_FORK'
  | 'COSIGNATURE_INVALID'
  | 'NOT_WITNESSED';
