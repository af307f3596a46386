import { WardenError } from '../domain/index.js';

/**
 * | code | meaning |
 * |---|---|
 * | `KEY_MISSING` | a command that only reads found no key where the database's keys should be |
 * | `KEY_INVALID` | `WARDEN_KEY` or the key file is not 32 bytes of base64 or hex |
 * | `KEY_FILE_UNSAFE` | the key file can be read by others than its owner |
 * | `DECRYPT_FAILED` | a ciphertext does not open under its key (tampered, or the wrong key) |
 * | `SUBJECT_ERASED` | the person's data key was destroyed (erasure): the data is gone for good |
 * | `MALFORMED_CIPHERTEXT` | a stored value is not a Warden ciphertext |
 */
export type PrivacyErrorCode =
  | 'KEY_MISSING'
  | 'KEY_INVALID'
  | 'KEY_FILE_UNSAFE'
  | 'DECRYPT_FAILED'
  | 'SUBJECT_ERASED'
  | 'MALFORMED_CIPHERTEXT';

export class PrivacyError extends WardenError<PrivacyErrorCode> {
  readonly category =
    this.code === 'KEY_INVALID' || this.code === 'KEY_FILE_UNSAFE' || this.code === 'KEY_MISSING'
      ? ('input' as const)
      : ('integrity' as const);
}
