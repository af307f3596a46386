// The guard: Cedar policies over the directory's facts, decisions, approvals (four eyes),
// and the guarded operations, each recorded in the ledger with its effect.
export { GuardError } from './errors.js';
export type { GuardErrorCode } from './errors.js';
export { CompiledPolicies } from './policy-set.js';
export { readPolicyDir, SCHEMA_FILE } from './policy-files.js';
export type { PolicySource, PolicyTexts } from './policy-files.js';
export { Decider } from './decider.js';
export { parsePolicyCase, parsePolicyTable, runPolicyCases } from './policy-table.js';
export type { PolicyCase, PolicyCaseResult } from './policy-table.js';
export type { DeciderOptions } from './decider.js';
export { Guard } from './guard.js';
export type { GuardOptions, StepDecision, StepRequest } from './guard.js';
export type { GuardDeps } from './deps.js';
export type { Enforcement, GuardRequest, GuardResult, Operation } from './operation.js';
export {
  CASE_STEP_ACTIONS,
  GUARDED_ACTIONS,
  RESOURCE_OF,
  isCaseStep,
  isGuardedAction,
} from './request.js';
export type {
  ApprovalFacts,
  CaseFacts,
  CaseStepAction,
  Decision,
  DecisionRequest,
  EmployeeFacts,
  GuardedAction,
  Outcome,
  ResourceFacts,
  ReviewFacts,
  TicketFacts,
} from './request.js';
export { cedarVersion } from './version.js';
export { PinnedPolicies, OPERATOR } from './pinned-policies.js';
export { policySetHash, diffPolicySets } from './policy-pin.js';
export type { PolicyDiff, PolicyFiles } from './policy-pin.js';
export { Tokens } from './tokens.js';
export type { Authenticated } from './tokens.js';
export { normaliseField } from './fields.js';
export type { Identity, ProposedPolicySet } from './operation.js';
export { PURPOSE_BOUND } from './request.js';
export { checkAliasIndex } from './alias-index.js';
export type { AliasIndexProblem } from './alias-index.js';
export { Recorder } from './recorder.js';
export type { Entry as RecorderEntry } from './recorder.js';
export { MEASURES, reversalOf } from './enforcement.js';
