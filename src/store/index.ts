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
  DetectorState,
  DetectorStateRepository,
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
export type {
  AlertTriage,
  CaseMember,
  CaseMemberKind,
  CaseNote,
  CaseRepository,
  CaseStatus,
  CaseWriter,
  AccessState,
  OutboxCommand,
  ErasureRequest,
  StoredCase,
  TriageState,
} from './ports-cases.js';
export { SqliteStore } from './sqlite-store.js';
export { sqliteFault } from './sqlite-file.js';
export type { SqliteStoreOptions } from './sqlite-store.js';
