import { WardenError } from '../domain/index.js';

/**
 * | code | meaning |
 * |---|---|
 * | `NOT_FOUND` | no database at the path, for a command that never creates one |
 * | `OPEN_FAILED` | the database file cannot be opened or is not a database |
 * | `SCHEMA_TOO_NEW` | the database was written by a newer Warden (its schema version is unknown here) |
 * | `MIGRATION_FAILED` | a numbered migration failed; the database is as it was before it |
 * | `NO_TRANSACTION` | a write was attempted outside `begin()` … `commit()` |
 * | `BUSY` | another writer holds the database |
 */
export type StoreErrorCode =
  'NOT_FOUND' | 'OPEN_FAILED' | 'SCHEMA_TOO_NEW' | 'MIGRATION_FAILED' | 'NO_TRANSACTION' | 'BUSY';

export class StoreError extends WardenError<StoreErrorCode> {
  readonly category = 'infrastructure' as const;
}
