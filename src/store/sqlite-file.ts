import { accessSync, closeSync, constants, existsSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError, type StoreErrorCode } from './errors.js';

/**
 * Creates a new database file with mode 0600 before SQLite opens it, so that it, and the
 * `-wal` and `-shm` files SQLite gives the same mode, are never readable by others (like the
 * keys). An existing file keeps its mode.
 */
export function createPrivately(path: string): void {
  if (path === '' || path === ':memory:') return;
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // EEXIST: it is there already; anything else (no such folder): SQLite's open reports it
    if (code !== 'EEXIST' && code !== 'ENOENT' && code !== 'EACCES') throw error;
  }
}

/**
 * Is the database meant to be read only? Its file or its folder has no write permission: by
 * the owner's mode bits (so that an operator's `chmod a-w` holds for root too) or for this
 * process. A read-only store answers reads and refuses writes with `READ_ONLY`.
 */
export function isReadOnlyFile(path: string): boolean {
  if (!existsSync(path)) return false;
  return !writable(path) || !writable(dirname(path));
}

function writable(path: string): boolean {
  if ((statSync(path).mode & 0o200) === 0) return false;
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const FAULTS: readonly [RegExp, StoreErrorCode, string][] = [
  [
    /^SQLITE_FULL/,
    'DISK_FULL',
    'the disk or its size cap is full; the write was rolled back: free space (or raise WARDEN_MAX_DB_PAGES) and run it again',
  ],
  [
    /^SQLITE_NOTADB/,
    'OPEN_FAILED',
    'it is not a Warden database, or its first page is damaged: check the path, or restore the file from a backup',
  ],
  [
    /^SQLITE_CORRUPT/,
    'CORRUPT',
    'the database file is damaged: restore it from a backup (see docs/operations.md); nothing was written',
  ],
  [
    /^SQLITE_READONLY/,
    'READ_ONLY',
    'the database is read-only: writes are refused (reads work); make the file and its folder writable to write',
  ],
  [
    /^SQLITE_BUSY/,
    'BUSY',
    'another process holds the database longer than the busy timeout: run it again when that one has finished',
  ],
  [
    /^SQLITE_CANTOPEN/,
    'OPEN_FAILED',
    'the database file cannot be opened: check that its folder exists and is readable',
  ],
  [/^SQLITE_IOERR/, 'IO_FAILED', 'the operating system failed a read or write: check the disk'],
];

/**
 * The store's typed error for a SQLite failure anywhere in `error` or its causes, naming the
 * file and what to do; undefined when the failure is not SQLite's.
 */
export function sqliteFault(error: unknown, path: string): StoreError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof StoreError && e.code !== 'MIGRATION_FAILED' && e.code !== 'OPEN_FAILED') {
      return e;
    }
    const sqliteCode = (e as { code?: unknown }).code;
    if (typeof sqliteCode !== 'string' || !sqliteCode.startsWith('SQLITE_')) continue;
    for (const [pattern, code, advice] of FAULTS) {
      if (pattern.test(sqliteCode)) {
        return new StoreError(code, `${path}: ${e.message} (${sqliteCode}): ${advice}`, {
          cause: error,
        });
      }
    }
  }
  return undefined;
}
