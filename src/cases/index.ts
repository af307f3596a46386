// Investigations: alert triage, cases (pseudonymous subjects, ledgered looks), timelines with
// inclusion proofs, and evidence bundles verified offline.
export { CaseError } from './errors.js';
export type { CaseErrorCode } from './errors.js';
export type { CaseDeps } from './record.js';
export { acknowledge, dismiss, escalate, suppressions } from './triage.js';
export {
  addNote,
  addSubject,
  approveReveal,
  assign,
  closeCase,
  linkAlert,
  openCase,
  requestReveal,
} from './case-book.js';
export { lookAtCase } from './view.js';
export type { CaseView, LookPurpose } from './view.js';
export { caseTimeline } from './timeline.js';
export type { Timeline, TimelineEntry } from './timeline.js';
export { exportCase } from './bundle-write.js';
export type { ExportDeps, ExportResult } from './bundle-write.js';
export { verifyBundle } from './bundle-verify.js';
export type { BundleReport } from './bundle-verify.js';
export { hold, releaseHold, requestErasure } from './hold.js';
export type { ErasureOutcome, ReleaseResult } from './hold.js';
export { enforce } from './enforce.js';
export type { EnforceInput } from './enforce.js';
export { FileOutboxSink, HttpOutboxSink, commandBody, deliverOutbox } from './outbox.js';
export type { DeliveryReport, OutboxSink } from './outbox.js';
export { decideAppeal, fileAppeal } from './appeals.js';
export { statementOfReasons } from './statement.js';
export type { StatementOfReasons } from './statement.js';
export { checkCaseIndexes } from './index-check.js';
export type { CaseIndexProblem } from './index-check.js';
