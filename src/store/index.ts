export { StoreError } from './errors.js';
export type { StoreErrorCode } from './errors.js';
export type {
  AliasIssue,
  ApprovalStatus,
  GuardRepository,
  LeafEvent,
  PolicySetRepository,
  StoredPolicySet,
  StoredToken,
  TokenRepository,
  StoredApproval,
  BatchRepository,
  BatchSummary,
  DataKeyRepository,
  DetectorDirectoryState,
  DetectorState,
  DetectorStateHeader,
  DetectorStateRepository,
  DetectorStateUpdate,
  DirectoryRepository,
  EventRepository,
  FindingsRepository,
  LeafLine,
  LeafRecord,
  LedgerRepository,
  MetaRepository,
  Store,
  StoreStats,
  StoreTransaction,
  StoredCheckpoint,
  StoredDirectoryVersion,
  StoredFindings,
  StoredTile,
} from './ports.js';
export { SqliteStore } from './sqlite-store.js';
export { sqliteFault } from './sqlite-file.js';
export type { SqliteStoreOptions } from './sqlite-store.js';
