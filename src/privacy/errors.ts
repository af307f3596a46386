import { WardenError } from '../domain/index.js';

/**
 * | code | meaning |
 * |---|---|
 * | `KEY_INVALID` | `WARDEN_KEY` or the key file is not 32 bytes of base64 or hex |
 * | `KEY_FILE_UNSAFE` | the key file can be read by others than its owner |
 * | `DECRYPT_FAILED` | a ciphertext does not open under its key (tampered, or the wrong key) |
 * | `SUBJECT_ERASED` | the person's data key was destroyed (erasure): the data is gone for good |
 * | `MALFORMED_CIPHERTEXT` | a stored value is not a Warden ciphertext |
 * | `PROFILE_INVALID` | the org profile's `personalData` section is not as documented (file, line, field) |
 */
export type PrivacyErrorCode =
  | 'KEY_INVALID'
  | 'KEY_FILE_UNSAFE'
  | 'DECRYPT_FAILED'
  | 'SUBJECT_ERASED'
  | 'MALFORMED_CIPHERTEXT'
  | 'PROFILE_INVALID';

export class PrivacyError extends WardenError<PrivacyErrorCode> {
  readonly category =
    this.code === 'KEY_INVALID' ||
    this.code === 'KEY_FILE_UNSAFE' ||
    this.code === 'PROFILE_INVALID'
      ? ('input' as const)
      : ('integrity' as const);
}
