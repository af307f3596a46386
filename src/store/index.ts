import type { PostgresStore as PostgresStoreClass } from './postgres-store.js';
export { StoreError } from './errors.js';
export type { StoreErrorCode } from './errors.js';
export type {
  AttributionRepository,
  EmailHash,
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
  KeyDeletion,
  DetectorDirectoryState,
  DetectorState,
  DetectorStateHeader,
  DetectorStateRepository,
  DetectorStateUpdate,
  DirectoryRepository,
  EventRepository,
  FindingsRepository,
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
  StreamPosition,
  StreamPositionRepository,
} from './ports.js';
export type {
  AlertTriage,
  CaseMember,
  CaseMemberKind,
  CaseNote,
  CaseRepository,
  CaseStatus,
  CaseWriter,
  Appeal,
  AccessState,
  OutboxCommand,
  ErasureRequest,
  StoredCase,
  TriageState,
} from './ports-cases.js';
export { SqliteStore, applyPragmas } from './sqlite-store.js';
export { sqliteFault } from './sqlite-file.js';
export type { SqliteStoreOptions } from './sqlite-store.js';
export type { StagedDirectory } from './sqlite-detector-state.js';
export type { SqliteTransaction } from './sqlite-transaction.js';
export type { RecordRowChunk } from './sqlite-ledger.js';
export {
  EVENT_FIELDS,
  eventFields,
  feedActFields,
  feedLeaf,
  isVersionText,
  versionFields,
} from './sqlite-rows.js';
export { RANGE as LEAF_CHUNK } from './sqlite-ledger.js';
export type { PostgresStore } from './postgres-store.js';
/**
 * The PostgreSQL store, loaded when first asked for: a command on a SQLite file never loads
 * its modules (a dozen, ~10 ms of a short command's start-up).
 */
export const loadPostgresStore = async (): Promise<typeof PostgresStoreClass> =>
  (await import('./postgres-store.js')).PostgresStore;
export type { PostgresStoreOptions } from './postgres-store.js';
export { parsePgUrl } from './postgres-connection.js';
export { pgFault } from './postgres-faults.js';
