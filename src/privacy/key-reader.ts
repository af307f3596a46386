import { readFileSync, statSync } from 'node:fs';
import { PrivacyError } from './errors.js';
import { decodeKey } from './master-key.js';

/**
 * Reads a key file that must already exist, for commands that only read: it never creates
 * the file or its folder (a verifier that made keys would vouch for a database with a key
 * of its own making). Refuses a missing file (`KEY_MISSING`, naming the path and what to
 * do), one that others can read (`KEY_FILE_UNSAFE`), and an empty one (`KEY_INVALID`).
 */
export function readExistingKeyFile<T>(path: string, parse: (text: string) => T, hint: string): T {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new PrivacyError('KEY_MISSING', `no key at ${path}: ${hint}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new PrivacyError(
      'KEY_FILE_UNSAFE',
      `${path} is readable by group or others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`,
    );
  }
  const text = readFileSync(path, 'utf8');
  if (text.trim() === '') {
    throw new PrivacyError(
      'KEY_INVALID',
      `${path} is empty (a key file damaged at its creation?): restore it from a backup`,
    );
  }
  return parse(text);
}

/** The master key from `WARDEN_KEY`, else from its existing key file (never created here). */
export function readMasterKey(keyFile: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env['WARDEN_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') return decodeKey(fromEnv, 'WARDEN_KEY');
  return readExistingKeyFile(
    keyFile,
    (text) => decodeKey(text.trim(), keyFile),
    'set WARDEN_KEY or WARDEN_KEY_DIR to where the database’s keys are',
  );
}
