import { WardenError } from '../domain/index.js';

/**
 * | code | meaning |
 * |---|---|
 * | `KEY_MISSING` | a command that only reads found no key where the database's keys should be |
 * | `KEY_INVALID` | `WARDEN_KEY` or the key file is not 32 bytes of base64 or hex |
 * | `KEY_FILE_UNSAFE` | the key file can be read by others than its owner |
 * | `KEY_FILE_DAMAGED` | a key file is empty, truncated or not a key: restore it from backup |
 * | `KEY_FILE_MISSING` | a key file is missing for a database that already exists: restore it from backup |
 * | `KEY_MISMATCH` | a key is not the one the database was made with (wrong `WARDEN_KEY`, swapped key file) |
 * | `DECRYPT_FAILED` | a ciphertext does not open under its key (tampered, or the wrong key) |
 * | `SUBJECT_HELD` | a legal hold names the person: their data key is kept until every hold on them is released |
 * | `SUBJECT_ERASED` | the person's data key was destroyed (erasure): the data is gone for good |
 * | `MALFORMED_CIPHERTEXT` | a stored value is not a Warden ciphertext |
 * | `PROFILE_INVALID` | the org profile's `personalData` section is not as documented (file, line, field) |
 */
export type PrivacyErrorCode =
  | 'KEY_MISSING'
  | 'KEY_INVALID'
  | 'KEY_FILE_UNSAFE'
  | 'KEY_FILE_DAMAGED'
  | 'KEY_FILE_MISSING'
  | 'KEY_MISMATCH'
  | 'DECRYPT_FAILED'
  | 'SUBJECT_ERASED'
  | 'SUBJECT_HELD'
  | 'MALFORMED_CIPHERTEXT'
  | 'PROFILE_INVALID';

const INPUT_CODES: readonly PrivacyErrorCode[] = [
  'KEY_MISSING',
  'KEY_INVALID',
  'KEY_FILE_UNSAFE',
  'KEY_FILE_DAMAGED',
  'KEY_FILE_MISSING',
  'KEY_MISMATCH',
  'PROFILE_INVALID',
];

export class PrivacyError extends WardenError<PrivacyErrorCode> {
  readonly category = INPUT_CODES.includes(this.code)
    ? ('input' as const)
    : this.code === 'SUBJECT_HELD'
      ? ('denied' as const)
      : ('integrity' as const);
}
