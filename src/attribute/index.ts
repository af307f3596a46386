// Leak attribution: fingerprinted exports and tracing a leaked table to its recipients.
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
export { EXPORT_SCHEME, exportReceipts, exportRecordSchema } from './trace-export-receipts.js';
export type { ExportReceipt, ExportRecord } from './trace-export-receipts.js';
export { traceLeak } from './trace-export.js';
export type { Accused, TraceResult } from './trace-export.js';
