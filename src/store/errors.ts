import { WardenError } from '../domain/index.js';

/**
 * | code | meaning |
 * |---|---|
 * | `NOT_FOUND` | no database at the path, for a command that never creates one |
 * | `OPEN_FAILED` | the database file cannot be opened or is not a database |
 * | `SCHEMA_TOO_NEW` | the database was written by a newer Warden (its schema version is unknown here) |
 * | `MIGRATION_FAILED` | a numbered migration failed; the database is as it was before it |
 * | `NO_TRANSACTION` | a write was attempted outside `begin()` … `commit()` |
 * | `BUSY` | another writer holds the database (longer than the busy timeout) |
 * | `DISK_FULL` | the disk (or the configured size cap) is full; the write was rolled back |
 * | `READ_ONLY` | the database file or its directory is read-only: reads work, writes are refused |
 * | `CORRUPT` | the database file is damaged (SQLite found a malformed page): an integrity failure |
 * | `IO_FAILED` | the operating system failed a read or write of the database file |
 */
export type StoreErrorCode =
  | 'NOT_FOUND'
  | 'OPEN_FAILED'
  | 'SCHEMA_TOO_NEW'
  | 'MIGRATION_FAILED'
  | 'NO_TRANSACTION'
  | 'BUSY'
  | 'DISK_FULL'
  | 'READ_ONLY'
  | 'CORRUPT'
  | 'IO_FAILED';

/** A fault of the store; a damaged database file is an integrity failure, the rest infrastructure. */
export class StoreError extends WardenError<StoreErrorCode> {
  readonly category =
    this.code === 'CORRUPT' ? ('integrity' as const) : ('infrastructure' as const);
}
