import type { AccessEvent, DirectoryKind, InterchangeRecord } from '../domain/index.js';
import { recordKey } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import { PersonalData, type EmailHashes, type Vault } from '../privacy/index.js';
import type { EmailHash, Store, StoreTransaction, StoredDirectoryVersion } from '../store/index.js';
import type { InputErrorCode, InputIssue, RejectionSummary } from './errors.js';
import { ReferenceCollector, type DanglingReference } from './references.js';
import { sealChunk, type SealedChunk } from './sealing.js';

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
  /**
   * The record's own line when the fast path read every member of it (its value is exactly the
   * record): cheaper to pass to the hashing or sealing thread than the object.
   */
  readonly text: string | undefined;
}

/** A chunk on its way: its records, and its directory records' sealing (on the sealing thread). */
interface InFlight {
  readonly items: readonly Pending[];
  readonly sealed: Promise<SealedChunk>;
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
  /** The keys of the directory records of the chunk being written, in order (see `loadCurrent`). */
  private readonly keys: string[] = [];
  /** Keyed hashes of the reviewer addresses sealed in the run being written. */
  private readonly emailHashRows: EmailHash[] = [];
  private inFlight: InFlight | undefined;
  /** Told the input line of each record that becomes a leaf, in leaf order. */
  onLeaf: (line: number) => void = () => {};

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
   * Sends the pending records' directory records to be sealed and encoded, and writes the
   * chunk sent before (one chunk in flight: the sealing thread works on this chunk while this
   * thread writes the last one and reads the next). Chunks are written whole and in file order,
   * so the rows, leaves and counts are as if each were sealed here.
   */
  async flush(): Promise<void> {
    const items = this.pending.splice(0);
    const previous = this.inFlight;
    this.inFlight = items.length > 0 ? this.send(items) : undefined;
    if (previous) await this.write(previous);
  }

  /** Writes every record still pending or in flight. */
  async finish(): Promise<void> {
    await this.flush();
    await this.flush();
  }

  private send(items: readonly Pending[]): InFlight {
    const toSeal = [];
    for (const { record, text } of items) {
      if (record.kind === 'event') continue;
      const body = record.body as unknown as Record<string, unknown>;
      toSeal.push({
        kind: record.kind,
        body,
        text: text ?? JSON.stringify({ v: 1, kind: record.kind, ...body }),
      });
    }
    const sealed = sealChunk(toSeal, this.vault, this.personal, this.emailHashes, items.length);
    sealed.catch(() => undefined); // awaited by `write`; a batch that stops first rolls back
    return { items, sealed };
  }

  /**
   * Writes a chunk in file order, each run of events and each run of directory records
   * together. What the chunk's directory records replace is read from the store in this
   * transaction (which sees the chunks written before it), so memory holds one chunk's
   * payloads, not the batch's.
   */
  private async write({ items, sealed }: InFlight): Promise<void> {
    const encoded = await sealed;
    for (const [subject, wrapped] of encoded.newKeys) this.vault.storeWrapped(subject, wrapped);
    this.current.clear();
    await this.loadCurrent(items);
    let start = 0;
    let next = 0; // the next directory record's index in `encoded`
    for (let i = 1; i <= items.length; i++) {
      const isEvent = items[start]?.record.kind === 'event';
      if (i < items.length && (items[i]!.record.kind === 'event') === isEvent) continue;
      const run = items.slice(start, i);
      if (isEvent) await this.writeEvents(run);
      else {
        await this.writeDirectory(run, encoded, next);
        next += run.length;
      }
      start = i;
    }
  }

  private async writeEvents(run: Pending[]): Promise<void> {
    const events = run.map((p) => p.record.body as AccessEvent);
    const inserted = await this.tx.insertEvents(events, this.ledger.size);
    for (let i = 0; i < events.length; i++) {
      if (inserted[i]) {
        const { record, text } = run[i]!;
        if (text === undefined) this.ledger.appendRecord(record);
        else this.ledger.appendEventLine(text);
        this.onLeaf(run[i]!.line);
        this.events++;
      } else this.duplicates++;
    }
  }

  private async writeDirectory(
    run: readonly Pending[],
    encoded: SealedChunk,
    first: number,
  ): Promise<void> {
    const versions: StoredDirectoryVersion[] = [];
    const addressHashes = Buffer.from(
      encoded.emailHashes.buffer,
      encoded.emailHashes.byteOffset,
      encoded.emailHashes.byteLength,
    );
    // the new versions' leaf hashes, appended to the ledger together once the run is read
    const leafHashes = new Uint8Array(run.length * 32);
    const firstLeaf = this.ledger.size;
    for (let i = 0; i < run.length; i++) {
      const { record, line } = run[i]!;
      const at = first + i;
      // unchanged records too: a reviewer imported before the index existed is indexed when
      // resent (hashed by the sealing thread with the rest of the chunk)
      if (this.emailHashes && record.kind === 'reviewer')
        this.emailHashRows.push({
          hash: addressHashes.subarray(at * 32, at * 32 + 32),
          reviewer: record.body.id,
        });
      const key = this.keys[at]!;
      const payload = encoded.payloads[at]!;
      const slot = `${record.kind}\u0000${key}`;
      if (this.current.get(slot) === payload) {
        this.unchanged++;
        continue;
      }
      this.current.set(slot, payload);
      leafHashes.set(encoded.hashes.subarray(at * 32, at * 32 + 32), versions.length * 32);
      versions.push({
        leaf: firstLeaf + versions.length,
        kind: record.kind as DirectoryKind,
        key,
        payload,
      });
      this.onLeaf(line);
    }
    this.versions += versions.length;
    this.ledger.appendLeafHashes(leafHashes.subarray(0, versions.length * 32));
    await this.tx.insertDirectoryVersions(versions);
    if (this.emailHashRows.length > 0) await this.tx.putEmailHashes(this.emailHashRows.splice(0));
  }

  /**
   * Reads the current payloads of the chunk's directory records (a chunk's own records are
   * compared with each other in `writeDirectory`), and notes each record's key in `keys` (by
   * its index among the chunk's directory records).
   */
  private async loadCurrent(items: readonly Pending[]): Promise<void> {
    const wanted = new Map<DirectoryKind, string[]>();
    const asked = new Set<string>();
    this.keys.length = 0;
    for (const { record } of items) {
      if (record.kind === 'event') continue;
      const key = recordKey(record);
      this.keys.push(key);
      const slot = `${record.kind}\u0000${key}`;
      if (asked.has(slot)) continue;
      asked.add(slot);
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
