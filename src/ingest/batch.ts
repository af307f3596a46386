import type { AccessEvent, DirectoryKind, InterchangeRecord } from '../domain/index.js';
import { recordKey } from '../domain/index.js';
import { canonicalJson, type Ledger } from '../ledger/index.js';
import type { Vault } from '../privacy/index.js';
import type { Store, StoreTransaction, StoredDirectoryVersion } from '../store/index.js';
import type { InputErrorCode, InputIssue, RejectionSummary } from './errors.js';
import { ReferenceCollector, type DanglingReference } from './references.js';

const MAX_ISSUES_KEPT = 50;

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
  private readonly current = new Map<string, string>();

  constructor(
    private readonly tx: StoreTransaction,
    private readonly ledger: Ledger,
    private readonly vault: Vault,
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

  /** Writes the pending records in file order: runs of events together, directory records one by one. */
  async flush(): Promise<void> {
    const items = this.pending.splice(0);
    await this.loadCurrent(items);
    let run: Pending[] = [];
    for (const item of items) {
      if (item.record.kind === 'event') {
        run.push(item);
        continue;
      }
      if (run.length > 0) await this.writeEvents(run);
      run = [];
      await this.writeDirectory(item.record);
    }
    if (run.length > 0) await this.writeEvents(run);
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

  private async writeDirectory(
    record: Exclude<InterchangeRecord, { kind: 'event' }>,
  ): Promise<void> {
    const sealed = this.seal(record);
    const key = recordKey(record);
    const payload = canonicalJson(sealed.body);
    const slot = `${record.kind}\u0000${key}`;
    if (this.current.get(slot) === payload) {
      this.unchanged++;
      return;
    }
    const version: StoredDirectoryVersion = {
      leaf: this.ledger.size,
      kind: record.kind,
      key,
      payload,
    };
    await this.tx.insertDirectoryVersions([version]);
    this.ledger.appendRecord(sealed);
    this.current.set(slot, payload);
    this.versions++;
  }

  /** Personal data is sealed before it reaches the store or the ledger. */
  private seal(record: Exclude<InterchangeRecord, { kind: 'event' }>): InterchangeRecord {
    if (record.kind !== 'reviewer') return record;
    const r = record.body;
    const body = { ...r, email: this.vault.seal(r.id, 'email', r.email) };
    if (r.name !== undefined) body.name = this.vault.seal(r.id, 'name', r.name);
    return { kind: 'reviewer', body };
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
