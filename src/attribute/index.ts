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
// Fingerprinted exports and tracing a leaked table to its recipients.
export { FingerprintError } from './fingerprint-errors.js';
export type { FingerprintErrorCode } from './fingerprint-errors.js';
export { DEFAULT_DESIGN, codeParameters, theoreticalLengths } from './tardos-design.js';
export type { CodeDesign, CodeParameters } from './tardos-design.js';
export { TardosCode } from './tardos-code.js';
export { fingerprintKey } from './fingerprint-key.js';
export { isTotalRow, readMetricsTable } from './fingerprint-table.js';
export type { MetricsTable, MetricColumn } from './fingerprint-table.js';
export { fingerprintTable } from './fingerprint-embed.js';
export type { FingerprintedTable } from './fingerprint-embed.js';
export { readLeak } from './trace-export-read.js';
export type { ErasureReason, LeakBit, LeakReading } from './trace-export-read.js';
export { EXPORT_SCHEME, exportReceipts } from './trace-export-receipts.js';
export type { ExportReceipt, ExportRecord } from './trace-export-receipts.js';
export { traceLeak } from './trace-export.js';
export type { Accused, TraceResult } from './trace-export.js';
export { traceTable } from './trace-table.js';
export type { TableTrace } from './trace-table.js';
export { prepareExport } from './export-make.js';
export type { PreparedExport } from './export-make.js';
