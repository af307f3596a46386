// Leak attribution: canary records, relay-alias reverse look-up, tracing leaked lists.
export { AttributeError } from './errors.js';
export type { AttributeErrorCode } from './errors.js';
export { AccessProver } from './proofs.js';
export type { InclusionProof, SignedHead } from './proofs.js';
export { canaryTargets, readCanaries } from './canary-book.js';
export type { Canary, CanaryList } from './canary-book.js';
export { plantCanaries } from './canary-plant.js';
export type { PlantDeps, PlantReport } from './canary-plant.js';
export type { CanaryVariant } from './canary-plan.js';
export { resolveAlias, resolveAliases } from './alias-resolve.js';
export type { AliasHandOut, AliasResolution } from './alias-resolve.js';
export { reportCanary } from './canary-report.js';
export type { CanaryAccess, CanaryReport, ReportDeps, Suspect } from './canary-report.js';
export { ACCESS_KINDS } from './canary-accesses.js';
export type { AccessKind } from './canary-accesses.js';
export { traceEmails } from './trace-emails.js';
export type {
  NamedEmployee,
  TraceDeps,
  TraceReport,
  TracedAccess,
  TracedAddress,
} from './trace-emails.js';
export { parseLeakedList } from './trace-emails-parse.js';
export type { FoundAddress, JunkLine, LeakedList } from './trace-emails-parse.js';
