import type { AccessEvent, DirectoryKind, InterchangeRecord } from '../domain/index.js';
import { recordKey } from '../domain/index.js';
import { canonicalJson, type Ledger } from '../ledger/index.js';
import { PersonalData, type EmailHashes, type Vault } from '../privacy/index.js';
import type { EmailHash, Store, StoreTransaction, StoredDirectoryVersion } from '../store/index.js';
import type { InputErrorCode, InputIssue, RejectionSummary } from './errors.js';
import { ReferenceCollector, type DanglingReference } from './references.js';

const MAX_ISSUES_KEPT = 50;
const REFS_KEPT = 100_000;

export interface ImportReport {
  readonly source: string;
  readonly lines: number;
  readonly events: number;
  readonly duplicates: number;
  readonly directoryVersions: number;
  /** Directory records sent again unchanged (no new version). */
  readonly unchanged: number;
  readonly rejected: number;
  /** Rejected lines per code (all of them; `issues` holds the first 50 in detail). */
  readonly rejectedByCode: Readonly<Partial<Record<InputErrorCode, number>>>;
  readonly issues: readonly InputIssue[];
  readonly dangling: readonly DanglingReference[];
  readonly ledgerSize: number;
  readonly checkpoint?: { readonly size: number; readonly rootHash: string };
  readonly rejectsFile?: string;
}

export interface Pending {
  readonly record: InterchangeRecord;
  readonly line: number;
  /** The event's own line, whose value is exactly the record (cheaper to pass to the ledger). */
  readonly eventLine: string | undefined;
}

type DirectoryRecord = Exclude<InterchangeRecord, { kind: 'event' }>;

/**
 * The vault subject of an employee's personal data: its own name space, so that an employee
 * and a reviewer with the same id never share a data key (erasing one never erases the other).
 */
export function employeeSubject(id: string): string {
  return `employee:${id}`;
}

/** The state of one batch while it is being written. */
export class Batch {
  lines = 0;
  events = 0;
  duplicates = 0;
  versions = 0;
  unchanged = 0;
  rejected = 0;
  readonly issues: InputIssue[] = [];
  readonly rejectedByCode: Partial<Record<InputErrorCode, number>> = {};
  readonly pending: Pending[] = [];
  readonly refs = new ReferenceCollector();
  private refsLimit = REFS_KEPT;
  /** The current payload of the directory records of the chunk being written (see `flush`). */
  private readonly current = new Map<string, string>();
  /** Keyed hashes of the reviewer addresses sealed in the run being written. */
  private readonly emailHashRows: EmailHash[] = [];

  constructor(
    private readonly tx: StoreTransaction,
    private readonly ledger: Ledger,
    private readonly vault: Vault,
    private readonly personal: PersonalData = new PersonalData(),
    /** When given, each reviewer's address is also indexed by keyed hash (attribution reads it). */
    private readonly emailHashes?: EmailHashes,
  ) {}

  get stored(): number {
    return this.events + this.versions;
  }

  reject(issue: InputIssue): void {
    this.rejected++;
    this.rejectedByCode[issue.code] = (this.rejectedByCode[issue.code] ?? 0) + 1;
    if (this.issues.length < MAX_ISSUES_KEPT) this.issues.push(issue);
  }

  /** The counts per code and where every refused line went. */
  rejections(rejectsFile: string | undefined): RejectionSummary {
    return {
      rejected: this.rejected,
      byCode: this.rejectedByCode,
      ...(rejectsFile !== undefined && this.rejected > 0 ? { rejectsFile } : {}),
    };
  }

  /**
   * Writes the pending records in file order, each run of events and each run of directory
   * records together. What the chunk's directory records replace is read from the store in
   * this transaction (which sees the chunks written before it), so memory holds one chunk's
   * payloads, not the batch's.
   */
  async flush(): Promise<void> {
    const items = this.pending.splice(0);
    this.current.clear();
    await this.loadCurrent(items);
    let start = 0;
    for (let i = 1; i <= items.length; i++) {
      const isEvent = items[start]?.record.kind === 'event';
      if (i < items.length && (items[i]!.record.kind === 'event') === isEvent) continue;
      const run = items.slice(start, i);
      if (isEvent) await this.writeEvents(run);
      else await this.writeDirectory(run);
      start = i;
    }
  }

  private async writeEvents(run: Pending[]): Promise<void> {
    const events = run.map((p) => p.record.body as AccessEvent);
    const inserted = await this.tx.insertEvents(events, this.ledger.size);
    for (let i = 0; i < events.length; i++) {
      if (inserted[i]) {
        const { record, eventLine } = run[i]!;
        if (eventLine === undefined) this.ledger.appendRecord(record);
        else this.ledger.appendEventLine(eventLine);
        this.events++;
      } else this.duplicates++;
    }
  }

  private async writeDirectory(run: readonly Pending[]): Promise<void> {
    const versions: StoredDirectoryVersion[] = [];
    for (const { record } of run) {
      const version = this.newVersion(record as DirectoryRecord);
      if (version === undefined) continue;
      versions.push(version);
      this.ledger.appendDirectoryPayload(version.kind, version.payload);
    }
    await this.tx.insertDirectoryVersions(versions);
    if (this.emailHashRows.length > 0) await this.tx.putEmailHashes(this.emailHashRows.splice(0));
  }

  /** The record's next version, or `undefined` when it is unchanged (sealed payloads compared). */
  private newVersion(record: DirectoryRecord): StoredDirectoryVersion | undefined {
    const key = recordKey(record);
    const payload = canonicalJson(this.seal(record).body);
    const slot = `${record.kind}\u0000${key}`;
    if (this.current.get(slot) === payload) {
      this.unchanged++;
      return undefined;
    }
    this.current.set(slot, payload);
    this.versions++;
    return { leaf: this.ledger.size, kind: record.kind, key, payload };
  }

  /**
   * Personal data is sealed before it reaches the store or the ledger: a reviewer's `email`
   * and `name`, and the personal members of a person's `attrs` (`PersonalData`: the shipped
   * defaults and the org profile's `personalData`), each under that person's data key.
   */
  private seal(record: DirectoryRecord): DirectoryRecord {
    if (record.kind === 'reviewer') {
      const r = record.body;
      // unchanged records too: a reviewer imported before the index existed is indexed when resent
      if (this.emailHashes)
        this.emailHashRows.push({ hash: this.emailHashes.hashOf(r.email), reviewer: r.id });
      const body = { ...r, email: this.vault.seal(r.id, 'email', r.email) };
      if (r.name !== undefined) body.name = this.vault.seal(r.id, 'name', r.name);
      if (r.attrs !== undefined)
        body.attrs = this.personal.sealAttrs(this.vault, r.id, 'reviewer', r.attrs);
      return { kind: 'reviewer', body };
    }
    if (record.kind === 'employee' && record.body.attrs !== undefined) {
      const e = record.body;
      const attrs = this.personal.sealAttrs(
        this.vault,
        employeeSubject(e.id),
        'employee',
        e.attrs!,
      );
      return attrs === e.attrs ? record : { kind: 'employee', body: { ...e, attrs } };
    }
    return record;
  }

  private async loadCurrent(items: readonly Pending[]): Promise<void> {
    const wanted = new Map<DirectoryKind, string[]>();
    for (const { record } of items) {
      if (record.kind === 'event') continue;
      const key = recordKey(record);
      if (this.current.has(`${record.kind}\u0000${key}`)) continue;
      const keys = wanted.get(record.kind) ?? [];
      keys.push(key);
      wanted.set(record.kind, keys);
    }
    for (const [kind, keys] of wanted) {
      for (const [key, payload] of await this.tx.currentPayloads(kind, keys)) {
        this.current.set(`${kind}\u0000${key}`, payload);
      }
    }
  }

  /**
   * Forgets the references already resolved once they pass `REFS_KEPT` ids (the limit doubles
   * when most are still unresolved, so a stream of references to records yet to come costs
   * one look-up per doubling, not one per chunk).
   */
  async boundReferences(store: Store): Promise<void> {
    if (this.refs.size < this.refsLimit) return;
    await this.refs.forgetFound((kind, ids) => store.directory.existing(kind, ids));
    if (this.refs.size > this.refsLimit / 2) this.refsLimit *= 2;
  }

  async dangling(store: Store): Promise<DanglingReference[]> {
    const out: DanglingReference[] = [];
    for (const [kind, refs] of this.refs.byKind()) {
      const found = await store.directory.existing(kind, [...refs.keys()]);
      for (const [id, ref] of refs) if (!found.has(id)) out.push({ kind, id, ...ref });
    }
    return out.sort((a, b) => a.firstLine - b.firstLine || a.from.localeCompare(b.from));
  }

  report(
    source: string,
    checkpoint: { size: number; rootHash: Buffer } | undefined,
    rejectsFile: string | undefined,
    dangling: DanglingReference[] = [],
  ): ImportReport {
    return {
      source,
      lines: this.lines,
      events: this.events,
      duplicates: this.duplicates,
      directoryVersions: this.versions,
      unchanged: this.unchanged,
      rejected: this.rejected,
      rejectedByCode: this.rejectedByCode,
      issues: this.issues,
      dangling,
      ledgerSize: this.ledger.size,
      ...(checkpoint
        ? {
            checkpoint: { size: checkpoint.size, rootHash: checkpoint.rootHash.toString('base64') },
          }
        : {}),
      ...(rejectsFile !== undefined && this.rejected > 0 ? { rejectsFile } : {}),
    };
  }
}
