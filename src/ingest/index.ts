export { InputError, formatIssue } from './errors.js';
export type { InputErrorCode, InputIssue } from './errors.js';
export { MAX_LINE_BYTES, fileSource, readLines } from './line-reader.js';
export type { LineItem, LineSource } from './line-reader.js';
export { parseRecord } from './parse-record.js';
export type { ParseResult } from './parse-record.js';
export { importSource } from './importer.js';
export type { ImportOptions, ImportReport } from './importer.js';
export type { DanglingReference } from './references.js';
