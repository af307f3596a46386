import { WardenError } from '../domain/index.js';

/**
 * The fingerprinting half of `attribute` (export fingerprints and leak tracing).
 *
 * | code | meaning |
 * |---|---|
 * | `TABLE_INVALID` | a metrics table to export is not as documented (file, line, column) |
 * | `LEAK_UNREADABLE` | a leaked table cannot be read as CSV, or has nothing Warden can place (file, line) |
 * | `DESIGN_INVALID` | a code design (recipients, coalition, false-accusation bound) is out of range |
 * | `KEY_INVALID` | the fingerprint key is not 32 bytes |
 */
export type FingerprintErrorCode =
  'TABLE_INVALID' | 'LEAK_UNREADABLE' | 'DESIGN_INVALID' | 'KEY_INVALID';

/** Bad input to fingerprinting or tracing (exit 2): never an accusation. */
export class FingerprintError extends WardenError<FingerprintErrorCode> {
  readonly category = 'input' as const;
}
