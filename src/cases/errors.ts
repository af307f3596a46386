import { WardenError } from '../domain/index.js';

/**
 * | code | exit | meaning |
 * |---|---|---|
 * | `CASE_NOT_FOUND` | 2 | no case has that id |
 * | `ALERT_NOT_FOUND` | 2 | no alert of the current findings has that id |
 * | `INPUT_INVALID` | 2 | a missing or malformed reason, expiry, title, subject or note |
 * | `CASE_CLOSED` | 1 | the case is closed: nothing more is added to it |
 * | `NOT_PERMITTED` | 1 | the second person is the requester or a subject of the case, or has left |
 * | `NOT_REVEALED` | 1 | the case's subjects are still pseudonymous (an export names them) |
 * | `BUNDLE_INVALID` | 1 | an evidence bundle does not verify: a file changed, added or missing, a bad signature or proof |
 * | `BUNDLE_UNREADABLE` | 2 | an evidence bundle's folder or manifest cannot be read at all |
 */
export type CaseErrorCode =
  | 'CASE_NOT_FOUND'
  | 'ALERT_NOT_FOUND'
  | 'INPUT_INVALID'
  | 'CASE_CLOSED'
  | 'NOT_PERMITTED'
  | 'NOT_REVEALED'
  | 'BUNDLE_INVALID'
  | 'BUNDLE_UNREADABLE';

export class CaseError extends WardenError<CaseErrorCode> {
  readonly category =
    this.code === 'BUNDLE_INVALID'
      ? ('integrity' as const)
      : this.code === 'CASE_CLOSED' || this.code === 'NOT_PERMITTED' || this.code === 'NOT_REVEALED'
        ? ('denied' as const)
        : ('input' as const);
}
