export { StoreError } from './errors.js';
export type { StoreErrorCode } from './errors.js';
export type {
  BatchRepository,
  BatchSummary,
  DataKeyRepository,
  DirectoryRepository,
  EventRepository,
  LeafRecord,
  LedgerRepository,
  Store,
  StoreStats,
  StoreTransaction,
  StoredCheckpoint,
  StoredDirectoryVersion,
  StoredTile,
} from './ports.js';
export { SqliteStore } from './sqlite-store.js';
export type { SqliteStoreOptions } from './sqlite-store.js';
