import { randomBytes } from 'node:crypto';
import { PrivacyError } from './errors.js';
import { readOrCreateKeyFile, type KeyFileOptions } from './key-file.js';

/**
 * The master key that wraps every person's data key. From `WARDEN_KEY` (32 bytes as base64
 * or hex) when set; otherwise from a key file created on first run with mode 0600, kept
 * outside the database so that a copy of the database alone reveals no personal data.
 */
export function loadMasterKey(
  keyFile: string,
  env: NodeJS.ProcessEnv = process.env,
  options: KeyFileOptions = {},
): Buffer {
  const fromEnv = env['WARDEN_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') return decodeKey(fromEnv, 'WARDEN_KEY');
  return readOrCreateKeyFile(
    keyFile,
    () => randomBytes(32).toString('base64') + '\n',
    (text) => decodeKey(text.trim(), keyFile),
    options,
  );
}

/** A 256-bit key given as 64 hex digits or 44 base64 characters; `where` names its source. */
export function decodeKey(text: string, where: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : Buffer.from(text, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(text) && key.toString('base64') !== text)) {
    throw new PrivacyError(
      'KEY_INVALID',
      `${where}: expected a 256-bit key as 64 hex digits or 44 base64 characters`,
    );
  }
  return key;
}
