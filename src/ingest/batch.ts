import type { AccessEvent, DirectoryKind, InterchangeRecord } from '../domain/index.js';
import type { Ledger } from '../ledger/index.js';
import { PersonalData, type EmailHashes, type Vault } from '../privacy/index.js';
import type { EmailHash, Store, StoreTransaction, StoredDirectoryVersion } from '../store/index.js';
import {
  RejectionTally,
  type InputErrorCode,
  type InputIssue,
  type RejectionSummary,
} from './errors.js';
import { ReferenceCollector, type DanglingReference } from './references.js';
import { parseRecord } from './parse-record.js';
import { DirectorySealer, PARSED, type ParsedLines, type SealedChunk } from './sealing.js';

const REFS_KEPT = 100_000;
/** Events inserted, then handed to the hashing thread, at a time (see `writeEvents`). */
const EVENT_PIECE = 256;

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

/** What a refused line's rejection says (an `InputIssue` but for the file and line). */
export type Rejection = Omit<InputIssue, 'file' | 'line'>;

/**
 * A line read, in file order: an event parsed and checked in this thread (with its line when
 * the fast path read every member of it: cheaper to pass to the hashing thread than the
 * object); a line refused in this thread; or a line left to be parsed with its chunk (on the
 * sealing thread when it runs): a directory record, most likely.
 */
export type Pending =
  | {
      readonly type: 'event';
      readonly line: number;
      readonly record: InterchangeRecord;
      readonly text: string | undefined;
    }
  | {
      readonly type: 'rejected';
      readonly line: number;
      readonly rejection: Rejection;
      readonly text: string | undefined;
    }
  | { readonly type: 'later'; readonly line: number; readonly text: string };

/** A chunk whose `later` lines are being parsed. */
interface Parsing {
  readonly items: readonly Pending[];
  readonly parsed: Promise<ParsedLines>;
}

/** A chunk parsed, whose directory records are being sealed. */
interface Sealing {
  readonly items: readonly Pending[];
  readonly parsed: ParsedLines;
  readonly sealed: Promise<SealedChunk>;
}

/** A record of a chunk to write: an event, or the directory record at `at` in its `ParsedLines`. */
type ToWrite =
  | { readonly line: number; readonly record: InterchangeRecord; readonly text: string | undefined }
  | { readonly line: number; readonly record?: undefined; readonly at: number };

/** The state of one batch while it is being written. */
export class Batch {
  lines = 0;
  events = 0;
  duplicates = 0;
  versions = 0;
  unchanged = 0;
  private readonly tally = new RejectionTally();
  readonly pending: Pending[] = [];
  readonly refs = new ReferenceCollector();
  private refsLimit = REFS_KEPT;
  /**
   * The current payload of the directory records of the chunk being written (see `flush`), per
   * kind and key (nested: a key string made of the two is built and hashed for every look-up).
   */
  private readonly current = new Map<string, Map<string, string>>();
  /** Keyed hashes of the reviewer addresses sealed in the run being written. */
  private readonly emailHashRows: EmailHash[] = [];
  private parsing: Parsing | undefined;
  private sealing: Sealing | undefined;
  private readonly sealer: DirectorySealer;
  /** Told each refused line, in file order (the caller counts it with `reject` and keeps it). */
  onReject: (rejection: Rejection, line: number, text: string | undefined) => void = () => {};
  /** Told the input line of each record that becomes a leaf, in leaf order. */
  onLeaf: (line: number) => void = () => {};

  constructor(
    private readonly tx: StoreTransaction,
    private readonly ledger: Ledger,
    private readonly vault: Vault,
    private readonly personal: PersonalData = new PersonalData(),
    /** When given, each reviewer's address is also indexed by keyed hash (attribution reads it). */
    private readonly emailHashes?: EmailHashes,
    /** Land the valid records even when some lines are refused (otherwise none is written after the first). */
    private readonly skipInvalid = false,
  ) {
    this.sealer = new DirectorySealer(vault, personal, emailHashes);
  }

  get stored(): number {
    return this.events + this.versions;
  }

  get rejected(): number {
    return this.tally.rejected;
  }

  get issues(): readonly InputIssue[] {
    return this.tally.issues;
  }

  get rejectedByCode(): Readonly<Partial<Record<InputErrorCode, number>>> {
    return this.tally.byCode;
  }

  reject(issue: InputIssue): void {
    this.tally.add(issue);
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
   * Moves the chunks along, one step each: sends the pending lines to be parsed (on the sealing
   * thread, which also encodes the directory records that need no data key); hands out the
   * data keys of the chunk parsed before and sends its people to be sealed; writes the chunk
   * sealed before that. The sealing thread parses and seals two chunks ahead while this thread
   * writes and reads. Chunks are written whole and in file order, rejections too, so the rows,
   * leaves, counts and rejections are as if each line were handled here as it was read.
   */
  async flush(): Promise<void> {
    const items = this.pending.splice(0);
    const parsed = this.parsing;
    this.parsing = items.length > 0 ? this.parse(items) : undefined;
    const sealed = this.sealing;
    this.sealing = parsed ? await this.seal(parsed) : undefined;
    if (sealed) await this.write(sealed);
  }

  /** Writes every record still pending, being parsed or sealed. */
  async finish(): Promise<void> {
    while (this.pending.length > 0 || this.parsing || this.sealing) await this.flush();
  }

  private parse(items: readonly Pending[]): Parsing {
    const texts: string[] = [];
    for (const item of items) if (item.type === 'later') texts.push(item.text);
    const parsed = this.sealer.parse(texts);
    parsed.catch(() => undefined); // awaited by `seal`; a batch that stops first rolls back
    return { items, parsed };
  }

  private async seal({ items, parsed }: Parsing): Promise<Sealing> {
    const lines = await parsed;
    const sealed = this.sealer.seal(lines, items.length);
    sealed.catch(() => undefined); // awaited by `write`
    return { items, parsed: lines, sealed };
  }

  /** Ends the batch (written or not): what the sealing thread holds of it is dropped. */
  close(): void {
    this.sealer.close();
  }

  /** Whether records are no longer written: a line was refused, and the batch will roll back. */
  private get stopped(): boolean {
    return this.rejected > 0 && !this.skipInvalid;
  }

  /**
   * Writes a chunk in file order, each run of events and each run of directory records
   * together, after telling its rejections. What the chunk's directory records replace is
   * read from the store in this transaction (which sees the chunks written before it), so
   * memory holds one chunk's payloads, not the batch's.
   */
  private async write({ items, parsed, sealed }: Sealing): Promise<void> {
    const encoded = await sealed;
    this.vault.storeWrappedAll(encoded.newKeys);
    const records = this.resolve(items, parsed);
    this.current.clear();
    await this.loadCurrent(records, parsed);
    let start = 0;
    for (let i = 1; i <= records.length; i++) {
      const isEvent = records[start]?.record !== undefined;
      if (i < records.length && (records[i]!.record !== undefined) === isEvent) continue;
      const run = records.slice(start, i);
      if (isEvent) await this.writeEvents(run as Extract<ToWrite, { record: InterchangeRecord }>[]);
      else await this.writeDirectory(run as Extract<ToWrite, { at: number }>[], parsed, encoded);
      start = i;
    }
  }

  /**
   * The chunk's lines in order: each refusal told (`onReject`), each record's references
   * noted, and the records to write (none once a line was refused without `skipInvalid`).
   */
  private resolve(items: readonly Pending[], parsed: ParsedLines): ToWrite[] {
    const records: ToWrite[] = [];
    let at = 0;
    for (const item of items) {
      if (item.type === 'rejected') {
        this.onReject(item.rejection, item.line, item.text);
        continue;
      }
      if (item.type === 'event') {
        if (this.stopped) continue;
        this.refs.add(item.record, item.line);
        records.push(item);
        continue;
      }
      const i = at++;
      const status = parsed.status[i];
      if (status === PARSED.rejected) {
        this.onReject(parsed.rejections[i]! as Rejection, item.line, item.text);
      } else if (this.stopped) continue;
      else if (status === PARSED.event) {
        // an event line that did not look like one: parsed here as any event is
        const event = parseRecord(item.text);
        if (!event.ok)
          throw new Error(`line ${item.line} parsed differently on the sealing thread`);
        this.refs.add(event.record, item.line);
        records.push({ line: item.line, record: event.record, text: event.eventLine });
      } else {
        this.refs.addFound(parsed.refs[i]!, item.line);
        records.push({ line: item.line, at: i });
      }
    }
    return records;
  }

  /**
   * Inserts a run of events and appends their leaves, `EVENT_PIECE` at a time: each piece's
   * leaves go to the hashing thread (`Ledger#handOff`) while the next piece's rows are
   * written, so that the batch's end waits for the last piece's hashes, not all of them.
   */
  private async writeEvents(
    run: readonly Extract<ToWrite, { record: InterchangeRecord }>[],
  ): Promise<void> {
    for (let at = 0; at < run.length; at += EVENT_PIECE) {
      const piece = run.slice(at, at + EVENT_PIECE);
      const events = piece.map((p) => p.record.body as AccessEvent);
      const inserted = await this.tx.insertEvents(events, this.ledger.size);
      for (let i = 0; i < events.length; i++) {
        if (inserted[i]) {
          const { record, text } = piece[i]!;
          if (text === undefined) this.ledger.appendRecord(record);
          else this.ledger.appendEventLine(text);
          this.onLeaf(piece[i]!.line);
          this.events++;
        } else this.duplicates++;
      }
      this.ledger.handOff();
    }
  }

  private async writeDirectory(
    run: readonly Extract<ToWrite, { at: number }>[],
    parsed: ParsedLines,
    encoded: SealedChunk,
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
    for (const { line, at } of run) {
      const kind = parsed.kinds[at] as DirectoryKind;
      const key = parsed.keys[at]!;
      // unchanged records too: a reviewer imported before the index existed is indexed when
      // resent (hashed by the sealing thread with the rest of the chunk)
      if (this.emailHashes && kind === 'reviewer')
        this.emailHashRows.push({
          hash: addressHashes.subarray(at * 32, at * 32 + 32),
          reviewer: key,
        });
      const payload = encoded.payloads[at]!;
      let ofKind = this.current.get(kind);
      if (ofKind === undefined) {
        ofKind = new Map();
        this.current.set(kind, ofKind);
      }
      if (ofKind.get(key) === payload) {
        this.unchanged++;
        continue;
      }
      ofKind.set(key, payload);
      leafHashes.set(encoded.hashes.subarray(at * 32, at * 32 + 32), versions.length * 32);
      versions.push({ leaf: firstLeaf + versions.length, kind, key, payload });
      this.onLeaf(line);
    }
    this.versions += versions.length;
    this.ledger.appendLeafHashes(leafHashes.subarray(0, versions.length * 32));
    await this.tx.insertDirectoryVersions(versions);
    if (this.emailHashRows.length > 0) await this.tx.putEmailHashes(this.emailHashRows.splice(0));
  }

  /**
   * Reads the current payloads of the chunk's directory records (a chunk's own records are
   * compared with each other in `writeDirectory`).
   */
  private async loadCurrent(records: readonly ToWrite[], parsed: ParsedLines): Promise<void> {
    const wanted = new Map<DirectoryKind, Set<string>>();
    for (const r of records) {
      if (r.record !== undefined) continue;
      const kind = parsed.kinds[r.at] as DirectoryKind;
      let keys = wanted.get(kind);
      if (keys === undefined) {
        keys = new Set();
        wanted.set(kind, keys);
      }
      keys.add(parsed.keys[r.at]!);
    }
    for (const [kind, keys] of wanted) {
      const found = await this.tx.currentPayloads(kind, [...keys]);
      if (found.size > 0) this.current.set(kind, found);
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
