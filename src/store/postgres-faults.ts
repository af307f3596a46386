import { StoreError, type StoreErrorCode } from './errors.js';

const FAULTS: readonly [RegExp, StoreErrorCode, string][] = [
  [
    /^53100$/,
    'DISK_FULL',
    'the server is out of disk: the write was rolled back; free space and run it again',
  ],
  [/^(25006|42501)$/, 'READ_ONLY', 'the server or this role refuses writes here (reads work)'],
  [
    /^(55P03|40001|40P01)$/,
    'BUSY',
    'another writer holds the store: run it again when that one has finished',
  ],
  [
    /^XX00[12]$/,
    'CORRUPT',
    'the server found damaged data: restore from a backup (see docs/operations.md)',
  ],
  [
    /^58030$/,
    'IO_FAILED',
    "the server failed a read or write of its files: check the server's disk",
  ],
  [
    /^(08|28|3D|57P0|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET)/,
    'OPEN_FAILED',
    'the PostgreSQL server cannot be reached or refuses the connection: check WARDEN_PG_URL / --pg and that the server is up',
  ],
];

/**
 * The store's typed error for a PostgreSQL failure (a SQLSTATE, or a refused connection)
 * anywhere in `error` or its causes, naming the server; undefined when it is not one.
 */
export function pgFault(error: unknown, where: string): StoreError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof StoreError && e.code !== 'MIGRATION_FAILED') return e;
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    for (const [pattern, storeCode, advice] of FAULTS) {
      if (pattern.test(code)) {
        return new StoreError(storeCode, `${where}: ${e.message} (${code}): ${advice}`, {
          cause: error,
        });
      }
    }
  }
  return undefined;
}
