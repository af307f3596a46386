import { WardenError } from '../domain/index.js';

/**
 * | code | meaning |
 * |---|---|
 * | `DENIED` | the policies deny the request (the decision names the deciding policies) |
 * | `POLICY_INVALID` | a policy file does not parse, lacks an `@id`, repeats one, or fails the schema |
 * | `SCHEMA_INVALID` | the Cedar schema does not parse |
 * | `REQUEST_INVALID` | a request names an unknown action or lacks what the action needs |
 * | `UNKNOWN_APPROVAL` | no approval request has that id |
 * | `APPROVAL_EXPIRED` | the approval request is older than its time to live |
 * | `APPROVAL_USED` | the approved request was carried out already (no replay) |
 * | `APPROVAL_NOT_GRANTED` | the request is still pending, or was rejected |
 * | `APPROVAL_MISMATCH` | the approval was given for another employee, action or target |
 * | `ENGINE_FAILED` | the Cedar engine returned an error instead of a decision |
 * | `UNAUTHENTICATED` | no token, an unknown, revoked or expired token, or a leaver's |
 * | `NOT_IN_LEDGER` | guard state (an approval, a policy set) without its ledgered events, or whose stored form differs from them: someone wrote the database behind the guard |
 */
export type GuardErrorCode =
  | 'DENIED'
  | 'POLICY_INVALID'
  | 'SCHEMA_INVALID'
  | 'REQUEST_INVALID'
  | 'UNKNOWN_APPROVAL'
  | 'APPROVAL_EXPIRED'
  | 'APPROVAL_USED'
  | 'APPROVAL_NOT_GRANTED'
  | 'APPROVAL_MISMATCH'
  | 'ENGINE_FAILED'
  | 'UNAUTHENTICATED'
  | 'NOT_IN_LEDGER';

export class GuardError extends WardenError<GuardErrorCode> {
  readonly category =
    this.code === 'NOT_IN_LEDGER'
      ? ('integrity' as const)
      : this.code === 'ENGINE_FAILED'
        ? ('infrastructure' as const)
        : this.code === 'POLICY_INVALID' ||
            this.code === 'SCHEMA_INVALID' ||
            this.code === 'REQUEST_INVALID'
          ? ('input' as const)
          : ('denied' as const);
}
