import { WardenError } from '../domain/index.js';

/**
 * | code | meaning |
 * |---|---|
 * | `LEAK_FILE_INVALID` | a leaked list cannot be read as text (binary, not UTF-8, a line too long, no address at all); the message names the file and line |
 * | `CANARY_DOMAIN_INVALID` | `--domain` is not a host name |
 * | `NOTHING_TO_PLANT` | the directory has no current employee (or team) to plant canaries for, or no seller to model them on |
 * | `NOT_A_CANARY` | `canary report` was given an address that is no planted canary's (nor a relay alias of one) |
 * | `CANARY_LIST_DAMAGED` | a sealed canary description does not open or is not what attribution wrote (tampered, or another master key) |
 * | `NOT_IN_LEDGER` | an access attribution would cite is not a leaf of the signed ledger: run `warden ledger verify` |
 */
export type AttributeErrorCode =
  | 'LEAK_FILE_INVALID'
  | 'CANARY_DOMAIN_INVALID'
  | 'NOTHING_TO_PLANT'
  | 'NOT_A_CANARY'
  | 'CANARY_LIST_DAMAGED'
  | 'NOT_IN_LEDGER';

const INTEGRITY: readonly AttributeErrorCode[] = ['CANARY_LIST_DAMAGED', 'NOT_IN_LEDGER'];

/** A failure of leak attribution: bad input (exit 2) or an integrity failure (exit 1). */
export class AttributeError extends WardenError<AttributeErrorCode> {
  readonly category = INTEGRITY.includes(this.code) ? ('integrity' as const) : ('input' as const);
}
