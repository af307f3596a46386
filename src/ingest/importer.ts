import type { Ledger } from '../ledger/index.js';
import type { EmailHashes, PersonalData, Vault } from '../privacy/index.js';
import type { Store, StoreTransaction } from '../store/index.js';
import { InputError, type InputIssue } from './errors.js';
import { readLines, type LineItem, type LineSource } from './line-reader.js';
import { parseRecord } from './parse-record.js';
import { Batch, type ImportReport, type Pending } from './batch.js';
import { RejectsWriter } from './rejects.js';

export interface ImportOptions {
  /** Land the valid records and write the invalid ones to a rejects file beside the input. */
  readonly skipInvalid?: boolean;
  /** Where the rejects go (default: `<input>.rejects.ndjson`). */
  readonly rejectsPath?: string;
  /** Called with the number of input bytes read so far. */
  readonly onProgress?: (bytesRead: number) => void;
  readonly now: () => string;
  /** Which person attrs are personal (the shipped defaults when absent; see docs/ingest.md, "Personal data"). */
  readonly personalData?: PersonalData;
  /** Index each reviewer's address by keyed hash (`reviewer_email_hashes`, for leak tracing). */
  readonly emailHashes?: EmailHashes;
  /** Told the input line of each record that becomes a leaf, in leaf order. */
  readonly onLeaf?: (line: number) => void;
  /** Runs in the batch's transaction just before it commits (what must land with the leaves). */
  readonly beforeCommit?: (tx: StoreTransaction) => Promise<void>;
}

// Records per chunk written (and sealed) together. Small enough that a chunk's lines, objects
// and payloads mostly die young: at 4,096 they outlived the young generation, and promoting
// and marking them cost the import ~12 % more CPU (the medium preset's directory records).
const CHUNK = 1024;

/**
 * Imports one interchange file as one batch, atomically: it lands whole, or (with
 * `skipInvalid`) its valid records land and the invalid ones go to a rejects file — never a
 * silent half. Every stored record becomes a ledger leaf in the same transaction, and the
 * batch ends with a signed checkpoint.
 */
export type { ImportReport };

export async function importSource(
  store: Store,
  ledger: Ledger,
  vault: Vault,
  source: LineSource,
  options: ImportOptions,
): Promise<ImportReport> {
  const startedAt = options.now();
  const tx = await store.begin();
  const batch = new Batch(
    tx,
    ledger,
    vault,
    options.personalData,
    options.emailHashes,
    options.skipInvalid,
  );
  if (options.onLeaf) batch.onLeaf = options.onLeaf;
  // every refused line goes to the rejects file, whether the file lands without them
  // (skipInvalid) or is refused whole: the terminal shows the first few, the file all
  const rejects = new RejectsWriter(
    options.rejectsPath ?? `${source.name === 'stdin' ? 'stdin' : source.name}.rejects.ndjson`,
  );
  batch.onReject = (rejection, line, text) => {
    const issue: InputIssue = { file: source.name, line, ...rejection };
    batch.reject(issue);
    rejects.write(issue, text);
  };
  let committed: ImportReport;
  try {
    // another process (an import, the guard) may have appended since this ledger was opened:
    // under the write lock, pick up the log's head before numbering this batch's leaves
    if ((await store.ledger.size()) !== ledger.size) await ledger.reload();
    let read = 0;
    const lines = readLines(source.open(), source.name, (n) => options.onProgress?.((read += n)));
    for await (const items of lines) {
      for (const item of items) {
        batch.lines = item.no;
        batch.pending.push(pendingLine(item));
        if (batch.pending.length >= CHUNK) {
          await batch.flush();
          await batch.boundReferences(store);
        }
      }
    }
    // every line parsed, checked and told in file order; written unless one was refused (and
    // the file is refused whole: read to the end, to report every refused line)
    await batch.finish();
    if (batch.rejected > 0 && !options.skipInvalid) {
      await tx.rollback();
      await rejects.close();
      throw new InputError(
        'INVALID_RECORDS',
        `${source.name}: ${batch.rejected} invalid record(s); nothing was imported (use --skip-invalid to land the valid ones)`,
        batch.issues,
        { rejections: batch.rejections(rejects.path) },
      );
    }
    if (batch.stored === 0) {
      await tx.rollback();
      vault.forget();
      await rejects.close();
      return batch.report(source.name, undefined, rejects.path);
    }
    const dangling = await batch.dangling(store);
    await ledger.persist(tx);
    const checkpoint = await ledger.checkpoint(tx, options.now());
    await tx.recordBatch({
      source: source.name,
      startedAt,
      finishedAt: options.now(),
      records: batch.stored,
      events: batch.events,
      duplicates: batch.duplicates,
      rejected: batch.rejected,
      ledgerSize: ledger.size,
    });
    await rejects.close();
    await options.beforeCommit?.(tx);
    await tx.commit();
    committed = batch.report(source.name, checkpoint, rejects.path, dangling);
  } catch (error) {
    await tx.rollback();
    vault.forget(); // keys it created were rolled back with the batch
    await ledger.reload();
    // a refused file keeps its rejects file (closed above); any other failure leaves none
    if (!(error instanceof InputError && error.rejections)) await rejects.discard();
    throw error;
  } finally {
    batch.close();
  }
  await ledger.publish(); // outside the database before the batch is acknowledged
  return committed;
}

/**
 * A line as the batch takes it. An event is parsed and checked here as it is read; any other
 * line is left to be parsed with its chunk, on the sealing thread when it runs
 * (`Batch#flush`): a directory record needs nothing of this thread but its writes. Which is
 * which is only a guess from the text (a line that holds `"event"`); the parse decides,
 * wherever it runs, with the same function.
 */
function pendingLine(item: LineItem): Pending {
  if (!item.ok) {
    const { ok: _ok, ...rejection } = item;
    return { type: 'rejected', line: item.no, rejection, text: undefined };
  }
  if (!item.text.includes('"event"')) return { type: 'later', line: item.no, text: item.text };
  const parsed = parseRecord(item.text);
  if (!parsed.ok) {
    const { ok: _ok, ...rejection } = parsed;
    return { type: 'rejected', line: item.no, rejection, text: item.text };
  }
  if (parsed.record.kind !== 'event') return { type: 'later', line: item.no, text: item.text };
  return { type: 'event', line: item.no, record: parsed.record, text: parsed.eventLine };
}
