/**
 * The detection engine's state as bytes, and back: what lets `warden detect` resume from where
 * it stopped instead of replaying the ledger. The walk is generic — whatever the engine holds
 * is saved, as long as it is data — so the engine can change without this file knowing its
 * fields; only its classes must be listed below. Pure: bytes in, bytes out, no I/O.
 */
import { deserialize, serialize } from 'node:v8';
import { AlertBook, Windows } from './alert-book.js';
import { BipartiteGraph } from './bipartite-graph.js';
import { CollusionGraph } from './collusion.js';
import { ContextTies } from './context-ties.js';
import { Corroboration } from './corroboration.js';
import { Columns } from './columns.js';
import { StringNumbering } from './string-numbering.js';
import { Detectors } from './detectors.js';
import {
  DirectoryView,
  HeldTickets,
  IntRun,
  ProductColumns,
  ReviewColumns,
  ReviewerColumns,
  TicketColumns,
} from './directory-view.js';
import { DetectionEngine } from './engine.js';
import { SnapshotError } from './errors.js';
import { Habits } from './habits.js';
import { PeerNorms } from './peers.js';
import { DetractorDays } from './detractor-days.js';
import { SellerEdges } from './seller-edges.js';
import { SellerLedger } from './sellers.js';
import { Slabs } from './slabs.js';
import { LazyMap } from './lazy-map.js';
import { SavedEntries, entryTable, type EntryTable } from './saved-entries.js';
import { TapeReader } from './snapshot-decode.js';
import { TapeWriter } from './snapshot-encode.js';
import { TAPE_FORMAT, type ClassRegistry, type Tape } from './snapshot-format.js';
import { VolumeBaselines } from './volumes.js';

/**
 * Every class whose instances the engine's state may hold, by a stable name. A class missing
 * here makes the snapshot fail, naming where the instance sits: add it here.
 */
export const ENGINE_CLASSES: ClassRegistry = {
  DetectionEngine,
  DirectoryView,
  ProductColumns,
  ReviewColumns,
  ReviewerColumns,
  TicketColumns,
  IntRun,
  HeldTickets,
  StringNumbering,
  PeerNorms,
  DetractorDays,
  Habits,
  VolumeBaselines,
  CollusionGraph,
  BipartiteGraph,
  SellerEdges,
  ContextTies,
  Detectors,
  AlertBook,
  Windows,
  SellerLedger,
  Corroboration,
  Slabs,
};

/**
 * What a stored state must match to be resumed: the tape's format, the registry's class
 * names and the V8 that wrote it. Code and parameter changes are the caller's to add (the CLI
 * hashes the detection code and the configuration that shapes detection).
 */
export const SNAPSHOT_VERSION = `tape ${TAPE_FORMAT}; classes ${Object.keys(ENGINE_CLASSES).join(',')}; v8 ${process.versions.v8}`;

/**
 * The directory's records in the engine: every field of its `DirectoryView` but `employees`
 * (tickets, reviews, products, reports, assignments and what is derived from them). They are
 * most of the state and change only with directory records, so they are saved in a tape of
 * their own, less often than the rest, and brought forward by `DirectoryView.replay`.
 * Employees stay with the rest: other engine state holds their views by identity.
 */
export function directoryFields(engine: DetectionEngine): string[] {
  return viewFields(engine.directory);
}

const viewFields = (view: DirectoryView): string[] =>
  Object.keys(view).filter((k) => k !== 'employees');

function directoryRecords(engine: DetectionEngine): object[] {
  return viewRecords(engine.directory);
}

function viewRecords(view: DirectoryView): object[] {
  const dir = view as unknown as Record<string, object>;
  return viewFields(view).map((k) => dir[k]!);
}

/** One field of the directory part: a Map's entry table (read lazily), or a whole tape. */
type DirectoryPart = { readonly table: EntryTable } | { readonly tape: Tape };

/**
 * The directory's records (`directoryFields`) as bytes: each Map with string keys as an entry
 * table (`saved-entries.ts`), anything else as a tape of its own.
 */
export function snapshotDirectory(engine: DetectionEngine): Buffer {
  return snapshotDirectoryView(engine.directory);
}

/**
 * `snapshotDirectory` of a view on its own: the same bytes as for an engine whose directory
 * holds the same records. The directory part is a function of the directory records alone, so
 * a view fed them (`DirectoryView.replay`, no events) gives the part of an engine fed the whole
 * stream — which lets it be built beside the engine, on another thread.
 */
export function snapshotDirectoryView(view: DirectoryView): Buffer {
  const fields = viewFields(view);
  const parts = viewRecords(view).map((value, i): DirectoryPart => {
    const name = `engine.directory.${fields[i]!}`;
    const table = value instanceof Map ? entryTable(value, ENGINE_CLASSES, name) : undefined;
    if (table) return { table };
    const plain =
      value instanceof LazyMap
        ? new Map(value)
        : value instanceof Columns
          ? value.trimmed()
          : value;
    return { tape: TapeWriter.write(plain, ENGINE_CLASSES, name) };
  });
  return serialize({ format: TAPE_FORMAT, fields, parts });
}

/** The directory part's fields and their values (Maps as `LazyMap`s over their entries). */
function restoreDirectory(bytes: Uint8Array): { fields: string[]; records: unknown[] } {
  const root = decode(bytes) as unknown as { format?: unknown; fields?: unknown; parts?: unknown };
  const { fields, parts } = root;
  if (
    root.format !== TAPE_FORMAT ||
    !Array.isArray(fields) ||
    !Array.isArray(parts) ||
    fields.length !== parts.length
  )
    throw new SnapshotError('CORRUPT', 'the directory state is not a list of fields');
  const records = (parts as Partial<Record<'table' | 'tape', unknown>>[]).map((p) => {
    if (p.table !== undefined)
      return new LazyMap(new SavedEntries(p.table as EntryTable, ENGINE_CLASSES));
    if (p.tape !== undefined) {
      const value = TapeReader.read(p.tape as Tape, ENGINE_CLASSES);
      if (value instanceof Columns) value.restored();
      return value;
    }
    throw new SnapshotError('CORRUPT', 'the directory state holds an unknown part');
  });
  return { fields: fields as string[], records };
}

/**
 * The engine's state but the directory's records as bytes (they are written as references to
 * `snapshotDirectory`'s); throws `SnapshotError('NOT_SNAPSHOTTABLE')` naming a path.
 */
export function snapshotEngine(engine: DetectionEngine): Buffer {
  const externals = new Map<object, number>(directoryRecords(engine).map((o, i) => [o, i]));
  return serialize(TapeWriter.write(engine, ENGINE_CLASSES, 'engine', externals));
}

/**
 * The engine `snapshotEngine` saved, with the directory's records `snapshotDirectory` saved
 * (at the same leaf, or earlier: then replay the directory records in between, see
 * `DirectoryView.replay`), ready to consume the records after those it had seen.
 */
export function restoreEngine(
  engineBytes: Uint8Array,
  directoryBytes: Uint8Array,
): DetectionEngine {
  const dir = restoreDirectory(directoryBytes);
  const records: readonly unknown[] = dir.records;
  const engine = TapeReader.read(decode(engineBytes), ENGINE_CLASSES, records);
  if (!(engine instanceof DetectionEngine))
    throw new SnapshotError('CORRUPT', 'the detection state is not an engine');
  const fields = directoryFields(engine);
  if (fields.join(',') !== dir.fields.join(','))
    throw new SnapshotError(
      'CORRUPT',
      'the directory state does not hold the fields the engine has',
    );
  const view = engine.directory as unknown as Record<string, unknown>;
  // A field that is not an object was written into both parts: the directory part's value,
  // as of its own size, is the one `DirectoryView.replay` brings forward.
  fields.forEach((k, i) => {
    if (typeof records[i] !== 'object' || records[i] === null) view[k] = records[i];
  });
  if (fields.some((k, i) => view[k] !== records[i]))
    throw new SnapshotError(
      'CORRUPT',
      'the detection state does not use the directory state given',
    );
  return engine;
}

function decode(bytes: Uint8Array): Tape {
  try {
    return deserialize(bytes) as Tape;
  } catch (cause) {
    throw new SnapshotError('CORRUPT', 'the detection state does not decode', { cause });
  }
}
