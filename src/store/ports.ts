import type {
  AccessEvent,
  DirectoryKind,
  Findings,
  InterchangeRecord,
  LeafRow,
  TargetType,
} from '../domain/index.js';
import type { CaseRepository, CaseWriter } from './ports-cases.js';

/**
 * The store's ports. Every SQL string lives in an adapter behind these interfaces
 * (`sqlite-store.ts` now; a PostgreSQL adapter later). Writes go through one transaction at
 * a time (`Store.begin`); methods take and return whole chunks so that an adapter over a
 * network pays one round trip per chunk, not per row.
 */
export interface Store {
  /** Starts the single write transaction. Everything written through it lands together or not at all. */
  begin(): Promise<StoreTransaction>;
  readonly events: EventRepository;
  readonly directory: DirectoryRepository;
  readonly ledger: LedgerRepository;
  readonly batches: BatchRepository;
  readonly dataKeys: DataKeyRepository;
  readonly findings: FindingsRepository;
  readonly guard: GuardRepository;
  readonly meta: MetaRepository;
  readonly detectorState: DetectorStateRepository;
  /** Per-employee API tokens (the CLI's `--token`, and the HTTP API's later). */
  readonly tokens: TokenRepository;
  /** Every policy set proposed or activated, by hash. */
  readonly policySets: PolicySetRepository;
  /** Attribution's sealed canary list and the keyed hashes of reviewer e-mail addresses. */
  readonly attribution: AttributionRepository;
  /** Investigations: cases, their members and notes, alert triage (migration 7). */
  readonly cases: CaseRepository;
  /** Where each leaf came from in an outside event stream (a partition ledger's; migration 10). */
  readonly streamPositions: StreamPositionRepository;
  /** Counts per kind, time span, employees per site and team. */
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}

/** A record stored in the ledger's leaf order: its leaf index and the record itself. */
export interface LeafRecord {
  readonly leaf: number;
  readonly record: InterchangeRecord;
}

export interface StoredDirectoryVersion {
  readonly leaf: number;
  readonly kind: DirectoryKind;
  readonly key: string;
  /** Canonical JSON of the record, personal data sealed. */
  readonly payload: string;
}

export interface StoreTransaction extends CaseWriter {
  /**
   * Inserts events whose ids are new, giving the i-th new event the leaf `firstLeaf + i`.
   * Returns, per input event, whether it was new (false: a duplicate delivery, stored once).
   */
  insertEvents(events: readonly AccessEvent[], firstLeaf: number): Promise<boolean[]>;
  /** Appends directory record versions (each its own leaf) and makes each the current one. */
  insertDirectoryVersions(versions: readonly StoredDirectoryVersion[]): Promise<void>;
  /** The current payload of directory records, by kind and key (for last-write-wins no-ops). */
  currentPayloads(kind: DirectoryKind, keys: readonly string[]): Promise<Map<string, string>>;
  putTiles(tiles: readonly StoredTile[]): Promise<void>;
  /** Records the ledger's size after this transaction's appends. */
  setLedgerSize(size: number): Promise<void>;
  putCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
  recordBatch(batch: BatchSummary): Promise<void>;
  /** Stores an approval request, or its new state (same id). */
  putApproval(approval: StoredApproval): Promise<void>;
  /** Records that a relay alias was handed to an employee. */
  recordAliasIssue(issue: AliasIssue): Promise<void>;
  /** Replaces the stored detection state (lands with the commit, or not at all). */
  putDetectorState(state: DetectorStateUpdate): Promise<void>;
  /**
   * Replaces the stored findings, landing with the commit: a detection run stores them with
   * the state they were computed from, so that neither is ever newer than the other.
   */
  putFindings(findings: StoredFindings): Promise<void>;
  /** Stores a policy set's files under their hash (once; the same hash is the same files). */
  putPolicySet(set: StoredPolicySet): Promise<void>;
  /** Stores an API token (its secret's hash only), or its new state (same id). */
  putToken(token: StoredToken): Promise<void>;
  /** Appends sealed canary descriptions (attribution's, opaque to the store). */
  putCanaries(sealed: readonly string[]): Promise<void>;
  /** Records keyed hashes of reviewer e-mail addresses (a pair already stored is kept once). */
  putEmailHashes(rows: readonly EmailHash[]): Promise<void>;
  /** Records where leaves appended in this transaction came from in the event stream. */
  putStreamPositions(rows: readonly StreamPosition[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface StoredTile {
  readonly tileLevel: number;
  readonly tileIndex: number;
  readonly data: Buffer;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly rootHash: Buffer;
  /** The whole signed note, as signed. */
  readonly note: string;
  readonly createdAt: string;
}

export interface LedgerRepository {
  /** The number of leaves: records stored with a leaf index. */
  size(): Promise<number>;
  getTile(tileLevel: number, tileIndex: number): Promise<Buffer | undefined>;
  /** All stored tiles of the tile levels, in order: for full verification. */
  tiles(): AsyncIterable<StoredTile>;
  /** Every stored record in leaf order, from `from`. Gaps and extras are the verifier's to find. */
  records(from?: number): AsyncIterable<LeafRecord>;
  /**
   * The same records as `records(from)`, as the raw rows their interchange lines are written
   * from (`LeafRow`: an event's 11 columns, a directory version's 3; `leafRowLine`), in leaf
   * order, a range of leaves at a time (one await per range, not per record): the verifier's
   * read.
   */
  leafRows(from?: number): AsyncIterable<readonly LeafRow[]>;
  /**
   * The stored records with leaves in [`from`, `to`), in leaf order, a chunk of leaves at a
   * time (one await per chunk, not per record: the feed of a long replay). Records of the kinds
   * in `skip` are left out unread (`'event'`: only directory records are read).
   */
  recordChunks(
    from: number,
    to: number,
    skip?: readonly (DirectoryKind | 'event')[],
  ): AsyncIterable<readonly LeafRecord[]>;
  /** The leaf index of an event id, or of a directory record `kind:key`. */
  leafOf(recordId: string): Promise<number | undefined>;
  checkpoints(): Promise<StoredCheckpoint[]>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  /** Current-record pointers that do not point at the newest version of their record. */
  staleCurrentPointers(): Promise<{ kind: DirectoryKind; key: string; leaf: number }[]>;
}

export interface EventRepository {
  count(): Promise<number>;
  /** The actor of each of `ids` that is a stored event (ids not stored are absent from the map). */
  actorsOf(ids: readonly string[]): Promise<Map<string, string>>;
  /** Each of `ids` that is a stored event, exactly as stored (ids not stored are absent). */
  byIds(ids: readonly string[]): Promise<Map<string, AccessEvent>>;
}

export interface DirectoryRepository {
  count(kind: DirectoryKind): Promise<number>;
  get(kind: DirectoryKind, key: string): Promise<string | undefined>;
  /** Ids of `kind` among `ids` that exist in the directory. */
  existing(kind: DirectoryKind, ids: readonly string[]): Promise<Set<string>>;
  /** The current payloads of every assignment record of an employee (ended ones too). */
  assignmentsOf(employeeId: string): Promise<string[]>;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'executed';

/** A request held for a second person's approval (four eyes), and what became of it. */
export interface StoredApproval {
  readonly id: string;
  readonly requester: string;
  readonly action: string;
  readonly targetType: TargetType;
  readonly targetId: string;
  /** Canonical JSON of what was asked (ticket, reason, …): the approval is for this alone. */
  readonly request: string;
  readonly sellers: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly status: ApprovalStatus;
  /** The event that recorded the request. */
  readonly requestEvent: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  readonly executedAt?: string;
}

/** One hand-out of a relay alias: who received it, when, under which ticket. */
export interface AliasIssue {
  readonly alias: string;
  readonly viewer: string;
  readonly reviewer: string;
  readonly issuedAt: string;
  readonly ticket?: string;
  /** The event that recorded the look-up. */
  readonly eventId: string;
}

export interface GuardRepository {
  approval(id: string): Promise<StoredApproval | undefined>;
  /** Approval requests, newest first, optionally of one status. */
  approvals(status?: ApprovalStatus): Promise<StoredApproval[]>;
  /** Every hand-out of an alias, oldest first. */
  aliasIssues(alias: string): Promise<AliasIssue[]>;
  /** Every hand-out of every alias (the index that `ledger verify` cross-checks). */
  allAliasIssues(): AsyncIterable<AliasIssue>;
  /** The stored events that name an approval in `attrs.approvalId`, in leaf order. */
  approvalEvents(approvalId: string): Promise<LeafEvent[]>;
  /** The last stored event of an action with an outcome, if any. */
  lastEvent(action: string, outcome: string): Promise<LeafEvent | undefined>;
  /**
   * Every stored event of an action with an outcome, in leaf order; with `decided`, only those
   * the guard decided (that carry `attrs.decision`), not sidecar traffic of the same action.
   */
  eventsOf(action: string, outcome: string, decided?: boolean): AsyncIterable<LeafEvent>;
}

/** A stored event and its leaf index. */
export interface LeafEvent {
  readonly leaf: number;
  readonly event: AccessEvent;
}

/** A policy set's files (`warden.cedarschema` and `*.cedar`, by name) and their hash. */
export interface StoredPolicySet {
  /** Hex SHA-256 of the canonical JSON of `files`. */
  readonly hash: string;
  readonly files: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

export interface PolicySetRepository {
  get(hash: string): Promise<StoredPolicySet | undefined>;
}

/** An employee's API token; the secret itself is never stored. */
export interface StoredToken {
  readonly id: string;
  readonly employee: string;
  /** SHA-256 of the secret. */
  readonly secretHash: Buffer;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly revokedAt?: string;
  /** The event that recorded its issuance. */
  readonly eventId: string;
}

export interface TokenRepository {
  get(id: string): Promise<StoredToken | undefined>;
  /** Every token, newest first. */
  list(): Promise<StoredToken[]>;
}

/** Named facts about the database itself, such as the check values of the keys it was made with. */
export interface MetaRepository {
  get(name: string): Promise<string | undefined>;
  /** Records each entry whose name is not recorded yet, in one transaction (nothing on a read-only store). */
  recordIfAbsent(entries: Readonly<Record<string, string>>): Promise<void>;
}

/** A keyed hash of a reviewer's e-mail address, and the reviewer. */
export interface EmailHash {
  readonly hash: Buffer;
  readonly reviewer: string;
}

/** Attribution's tables: what only a holder of the master key can make sense of. */
export interface AttributionRepository {
  /** Every sealed canary description, in planting order (none before migration 8). */
  canaries(): Promise<string[]>;
  /** The reviewers of each keyed hash among `hashes`, by the hash in hex (absent: none). */
  reviewersByEmailHash(hashes: readonly Buffer[]): Promise<Map<string, string[]>>;
  /** Distinct reviewers with a keyed e-mail hash (fewer than reviewers: some predate the index). */
  hashedReviewers(): Promise<number>;
  /**
   * Every stored event (any outcome) on a target of `type` whose id is in `ids`, in leaf order:
   * one pass over the events (attribution asks rarely, and an index would tax every import).
   */
  eventsOn(type: TargetType, ids: ReadonlySet<string>): AsyncIterable<LeafEvent>;
  /** The current payload of every directory record of a kind, by key order (to plant among them). */
  currentRecords(kind: DirectoryKind): Promise<string[]>;
}

export interface DataKeyRepository {
  getWrappedKey(subject: string): Buffer | undefined;
  /** `getWrappedKey` of many subjects at once: those that have a key, with it. */
  getWrappedKeys(subjects: readonly string[]): Map<string, Buffer>;
  putWrappedKey(subject: string, wrapped: Buffer): void;
  /** `putWrappedKey` of many at once, in order (an import stores one key per new person). */
  putWrappedKeys(rows: readonly (readonly [subject: string, wrapped: Buffer])[]): void;
  /** Any one stored wrapped key (to check a master key against the data it wraps). */
  someWrappedKey(): { subject: string; wrapped: Buffer } | undefined;
  /**
   * Deletes the wrapped key of `subject` unless a legal hold names it, the check and the
   * delete one atomic step: a hold another connection commits meanwhile either is seen, or
   * waits until the key is gone. Held: the holding cases, nothing deleted; else whether there
   * was a key to delete.
   */
  deleteWrappedKeyUnlessHeld(subject: string): Promise<KeyDeletion>;
  /** The cases whose legal hold names `subject` (a reviewer, employee or seller id); none: []. */
  holdsOn(subject: string): string[];
}

/** What `deleteWrappedKeyUnlessHeld` did: refused for `holds` (the case ids), or deleted a key or found none. */
export interface KeyDeletion {
  readonly holds: readonly string[];
  readonly deleted: boolean;
}

export interface BatchSummary {
  readonly source: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly records: number;
  readonly events: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly ledgerSize: number;
}

/** The detectors' findings as computed at one ledger size (the contract's shapes). */
export interface StoredFindings {
  readonly computedAt: string;
  readonly ledgerSize: number;
  readonly events: number;
  readonly findings: Findings;
}

export interface FindingsRepository {
  /** Replaces the stored findings, durably. */
  save(findings: StoredFindings): Promise<void>;
  latest(): Promise<StoredFindings | undefined>;
}

/**
 * The detection engine's state as it was after the first `ledgerSize` leaves (opaque bytes,
 * `detect`'s snapshot), with what it must match to be resumed: the ledger's root hash at that
 * size, and the version of the code and configuration that wrote it. Its directory part may be
 * older (saved at an earlier size, kept across saves). `mac`s are the caller's: the store keeps
 * them and never checks them (it holds no key).
 */
export interface DetectorState {
  readonly ledgerSize: number;
  readonly rootHash: Buffer;
  readonly version: string;
  /** Events the engine had consumed. */
  readonly events: number;
  readonly savedAt: string;
  readonly data: Buffer;
  readonly mac: Buffer;
  readonly directory: DetectorDirectoryState;
}

/** The directory part of a detection state: the ledger size it covers, its bytes and MAC. */
export interface DetectorDirectoryState {
  readonly ledgerSize: number;
  readonly data: Buffer;
  readonly mac: Buffer;
}

/** What is written: without `directory`, the stored directory part is kept as it is. */
export type DetectorStateUpdate = Omit<DetectorState, 'directory'> & {
  readonly directory?: DetectorDirectoryState;
};

/** A stored state without its bytes. */
export type DetectorStateHeader = Omit<DetectorState, 'data' | 'directory'> & {
  readonly directory: Omit<DetectorDirectoryState, 'data'>;
};

export interface DetectorStateRepository {
  /**
   * The stored state, or undefined when there is none or what is stored is incomplete (its
   * chunks do not add up to the lengths recorded, or its directory part is missing): never a
   * partial state.
   */
  load(): Promise<DetectorState | undefined>;
  /** What `load` would return without the bytes: to decide whether reading them is worth it. */
  describe(): Promise<DetectorStateHeader | undefined>;
  /** Forgets the stored state, durably. */
  clear(): Promise<void>;
}

export interface BatchRepository {
  list(): Promise<(BatchSummary & { id: number })[]>;
}

export interface StoreStats {
  readonly counts: Record<DirectoryKind | 'event', number>;
  readonly firstEventTime?: string;
  readonly lastEventTime?: string;
  readonly employeesBySite: { site: string; team: string; employees: number }[];
  readonly eventsByAction: { action: string; events: number }[];
  readonly ledgerSize: number;
  readonly batches: number;
}

/**
 * A leaf of a partition ledger and the stream message it came from: `seq`, the message's
 * sequence number in the stream, which orders the records of every partition as published.
 */
export interface StreamPosition {
  readonly leaf: number;
  readonly seq: number;
}

export interface StreamPositionRepository {
  /** The highest stream sequence number applied (0: none): messages up to it are no-ops. */
  lastSeq(): Promise<number>;
  /** Every recorded position, in leaf order. */
  all(): Promise<StreamPosition[]>;
}
