import { WardenError } from '../domain/index.js';

/**
 * Every way an interchange input is refused (docs/ingest.md has the table with examples).
 *
 * | code | meaning |
 * |---|---|
 * | `FILE_NOT_FOUND` | the input file does not exist or cannot be read |
 * | `MALFORMED_JSON` | the line is not one JSON value |
 * | `NOT_AN_OBJECT` | the line is JSON, but not an object |
 * | `BINARY_DATA` | the line is not UTF-8 text, or holds NUL bytes |
 * | `LINE_TOO_LONG` | the line is longer than the limit (1 MiB) |
 * | `BAD_VERSION` | `v` is missing or not 1 |
 * | `UNKNOWN_KIND` | `kind` is missing or not a kind of interchange v1 |
 * | `MISSING_FIELD` | a required field is absent |
 * | `UNKNOWN_FIELD` | a top-level field the contract does not list (put it in `attrs`) |
 * | `INVALID_FIELD` | a field has the wrong type or value (rating 0, empty id, …) |
 * | `INVALID_TIME` | a time is not RFC 3339 with a zone |
 * | `UNKNOWN_ACTION` | an event's action is neither standard nor `x-…` |
 * | `TARGET_MISMATCH` | an event's target type does not fit its action |
 * | `UNSAFE_ID` | an id outside the safe set: invisible, bidi or control characters, not NFC, mixed scripts |
 * | `TOO_DEEP` | the record nests deeper than 16 levels |
 * | `NON_FINITE_NUMBER` | a number beyond a 64-bit float (`1e400`), which would be read as Infinity |
 * | `FORBIDDEN_KEY` | a member named `__proto__`, `constructor` or `prototype`, at any depth |
 * | `CORRUPT_GZIP` | the gzip stream is truncated or damaged |
 * | `INVALID_RECORDS` | the import was refused because of the records above (nothing was stored) |
 */
export type InputErrorCode =
  | 'FILE_NOT_FOUND'
  | 'MALFORMED_JSON'
  | 'NOT_AN_OBJECT'
  | 'BINARY_DATA'
  | 'LINE_TOO_LONG'
  | 'BAD_VERSION'
  | 'UNKNOWN_KIND'
  | 'MISSING_FIELD'
  | 'UNKNOWN_FIELD'
  | 'INVALID_FIELD'
  | 'INVALID_TIME'
  | 'UNKNOWN_ACTION'
  | 'TARGET_MISMATCH'
  | 'UNSAFE_ID'
  | 'TOO_DEEP'
  | 'NON_FINITE_NUMBER'
  | 'FORBIDDEN_KEY'
  | 'CORRUPT_GZIP'
  | 'INVALID_RECORDS';

/** One refused line: where, which field, why. `value` is already masked. */
export interface InputIssue {
  readonly file: string;
  readonly line: number;
  readonly code: InputErrorCode;
  readonly field?: string;
  readonly value?: string;
  readonly message: string;
}

/** Refused lines told in detail (the rest only counted): an import's and a publish check's. */
export const ISSUES_KEPT = 50;

/** A count of refused lines, per code, with the first `ISSUES_KEPT` of them in detail. */
export class RejectionTally {
  rejected = 0;
  readonly byCode: Partial<Record<InputErrorCode, number>> = {};
  readonly issues: InputIssue[] = [];

  add(issue: InputIssue): void {
    this.rejected++;
    this.byCode[issue.code] = (this.byCode[issue.code] ?? 0) + 1;
    if (this.issues.length < ISSUES_KEPT) this.issues.push(issue);
  }
}

/** How many lines an import refused, per code, and where every one of them is. */
export interface RejectionSummary {
  readonly rejected: number;
  readonly byCode: Readonly<Partial<Record<InputErrorCode, number>>>;
  /** The rejects file holding every refused line (absent when none was written, e.g. no rejection). */
  readonly rejectsFile?: string;
}

export class InputError extends WardenError<InputErrorCode> {
  readonly category = 'input' as const;
  /** For a refused file (`INVALID_RECORDS`): counts per code and the rejects file. */
  readonly rejections: RejectionSummary | undefined;

  constructor(
    code: InputErrorCode,
    message: string,
    readonly issues: readonly InputIssue[] = [],
    options?: { cause?: unknown; rejections?: RejectionSummary },
  ) {
    super(code, message, options);
    this.rejections = options?.rejections;
  }
}

/** `file:line: [CODE] field: message (value)` — the form every rejection is printed in. */
export function formatIssue(issue: InputIssue): string {
  const field = issue.field === undefined ? '' : ` ${issue.field}:`;
  const value = issue.value === undefined ? '' : ` (got ${issue.value})`;
  return `${issue.file}:${issue.line}: [${issue.code}]${field} ${issue.message}${value}`;
}
