import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { PrivacyError } from './errors.js';

/**
 * The master key that wraps every person's data key. From `WARDEN_KEY` (32 bytes as base64
 * or hex) when set; otherwise from a key file created on first run with mode 0600, kept
 * outside the database so that a copy of the database alone reveals no personal data.
 */
export function loadMasterKey(keyFile: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env['WARDEN_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') return decodeKey(fromEnv, 'WARDEN_KEY');
  return readOrCreateKeyFile(
    keyFile,
    () => randomBytes(32).toString('base64') + '\n',
    (text) => decodeKey(text.trim(), keyFile),
  );
}

/**
 * Reads a secret file, or creates it (mode 0600, exclusive create, so two first runs cannot
 * race each other into two keys). Refuses a file that others can read.
 */
export function readOrCreateKeyFile<T>(
  path: string,
  create: () => string,
  parse: (text: string) => T,
): T {
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, create());
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      return readOrCreateKeyFile(path, create, parse);
    }
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const mode = statSync(path).mode & 0o077;
  if (mode !== 0) {
    throw new PrivacyError(
      'KEY_FILE_UNSAFE',
      `${path} is readable by group or others (mode ${(statSync(path).mode & 0o777).toString(8)}); run chmod 600 ${path}`,
    );
  }
  return parse(readFileSync(path, 'utf8'));
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
