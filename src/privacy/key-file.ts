import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PrivacyError } from './errors.js';

export interface KeyFileOptions {
  /**
   * May a missing key file be made? Say false when the database already holds data: a new key
   * could not open what the old one sealed or signed, so a missing key is an error, not a fresh start.
   */
  readonly create?: boolean;
  /** Called once the new key is written and synced to its temporary file, before it takes its name (crash tests). */
  readonly beforeLink?: (tempPath: string) => void;
}

/**
 * Reads a secret file, or creates it (mode 0600) atomically: the key is written to a temporary
 * file in the same directory and fsynced, hard-linked to its final name — which fails if the
 * name exists, so two first runs cannot race each other into two keys — and the directory is
 * fsynced. A crash leaves either no key file or a whole one, never an empty or half one.
 * Refuses a file that others can read, and names a damaged one (`KEY_FILE_DAMAGED`).
 */
export function readOrCreateKeyFile<T>(
  path: string,
  create: () => string,
  parse: (text: string) => T,
  options: KeyFileOptions = {},
): T {
  if (!existsSync(path)) {
    if (options.create === false) throw missingKey(path);
    createKeyFile(path, create(), options.beforeLink);
  }
  removeStaleTemps(path);
  const mode = statSync(path).mode;
  if ((mode & 0o077) !== 0) {
    throw new PrivacyError(
      'KEY_FILE_UNSAFE',
      `${path} is readable by group or others (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${path}`,
    );
  }
  return parseKeyFile(path, parse);
}

function createKeyFile(path: string, text: string, beforeLink?: (tempPath: string) => void): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    beforeLink?.(temp);
    linkSync(temp, path);
  } catch (error) {
    // another first run linked its key first: that one stands, ours is dropped
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  syncDirectory(dir);
}

/** Drops the temporary files of key creations whose process died before cleaning up. */
function removeStaleTemps(path: string): void {
  const prefix = `.${basename(path)}.`;
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isSafeInteger(pid) && pid !== process.pid && !isRunning(pid)) {
      rmSync(join(dirname(path), name), { force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes the new directory entry durable (a rename or link is in the directory, not the file). */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function parseKeyFile<T>(path: string, parse: (text: string) => T): T {
  const text = readFileSync(path, 'utf8');
  try {
    return parse(text);
  } catch (cause) {
    const what = text.trim() === '' ? 'it is empty' : `its ${text.length} bytes are not a key`;
    throw new PrivacyError(
      'KEY_FILE_DAMAGED',
      `${path} is damaged (${what}): restore it from your backup of the key directory. ` +
        'Warden will not make a new key in its place: data sealed or signed under the old key ' +
        'would no longer open or verify. Only for a database that holds nothing yet, delete the ' +
        'database and its key directory and start again.',
      { cause },
    );
  }
}

function missingKey(path: string): PrivacyError {
  return new PrivacyError(
    'KEY_FILE_MISSING',
    `${path} is missing, but the database already exists: restore the key directory from your ` +
      'backup (or point WARDEN_KEY_DIR at it). A new key would not open the data sealed or ' +
      'signed under the old one, so Warden does not make one.',
  );
}
