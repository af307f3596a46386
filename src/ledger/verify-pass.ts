import type { LeafRow } from '../domain/index.js';
import type { Store } from '../store/index.js';
import {
  InlineAppender,
  ThreadAppender,
  canUseWorker,
  type LeafAppender,
} from './leaf-appender.js';
import { leafRowHash } from './leaf.js';
import { TileCheck } from './verify-tiles.js';
import type { VerifyProblem } from './verify-problem.js';

/** Leaves between two comparisons of the full tiles with the stored ones. */
const COMPARE_EVERY = 65_536;
/** Records per hand-over to the hashing thread. */
const CHUNK = 2_048;
/**
 * At most this many leaves are read ahead for the hashing thread, a quarter of the log's,
 * before `alongside` runs on this thread meanwhile: about what the hashing thread takes as long
 * for as the current-pointer check takes here (one pointer per directory record).
 */
const AHEAD_MAX = 1_048_576;

/** What one pass over the records found. */
export interface Pass {
  readonly problems: VerifyProblem[];
  /** The recomputed root at each requested size the pass reached. */
  readonly roots: Map<number, Buffer>;
  /** The recomputed root of the whole log, when every record was in place. */
  readonly root: Buffer | undefined;
  readonly records: number;
  readonly tiles: number;
}

/**
 * One pass over the records in leaf order: each record's leaf is recomputed (canonical
 * encoding and SHA-256 on the hashing thread where the build has one, as ingest does), the
 * tiles they make are compared with the stored ones as they fill, and the root is taken at
 * each of `rootSizes`. Memory is bounded: the right edge of the tiles, one chunk of records,
 * the partial tiles awaiting their final form, and the rows read ahead (see `AHEAD_MAX`) while
 * `alongside`, other work of this thread, runs once as the hashing thread catches up.
 */
export async function recompute(
  store: Store,
  size: number,
  rootSizes: readonly number[],
  onProgress: ((leaves: number) => void) | undefined,
  alongside?: () => void,
): Promise<Pass> {
  const appender: LeafAppender = canUseWorker()
    ? new ThreadAppender(0, new Map())
    : new InlineAppender(0, new Map());
  try {
    return await walk(store, size, rootSizes, appender, onProgress, alongside);
  } catch (error) {
    const malformed = await findMalformed(store);
    if (malformed === undefined) throw error;
    return { problems: [malformed], roots: new Map(), root: undefined, records: 0, tiles: 0 };
  } finally {
    await appender.close();
  }
}

/**
 * After the hashing failed: the first stored record that is not a readable record (JSON
 * edited into something else), found by a second, slower pass that encodes each one here.
 */
async function findMalformed(store: Store): Promise<VerifyProblem | undefined> {
  for await (const rows of store.ledger.leafRows()) {
    for (const row of rows) {
      try {
        leafRowHash(row);
      } catch (error) {
        return {
          index: row[0],
          code: 'RECORD_MALFORMED',
          message: `the record stored at index ${row[0]} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    }
  }
  return undefined;
}

async function walk(
  store: Store,
  size: number,
  rootSizes: readonly number[],
  appender: LeafAppender,
  onProgress: ((leaves: number) => void) | undefined,
  alongside: (() => void) | undefined,
): Promise<Pass> {
  const tiles = new TileCheck(store);
  const stops = [...new Set(rootSizes)].sort((a, b) => a - b);
  const roots = new Map<number, Buffer>();
  let chunk: LeafRow[] = [];
  let count = 0;
  let stop = 0;
  // Flushes are asked for in leaf order and their tiles compared in that order, while the
  // reading goes on: the hashing thread answers them in the order asked.
  let compared: Promise<void> = Promise.resolve();
  let failed = false; // a flush failed: the pass reads no further (the error is thrown below)
  const flushAt = (): void => {
    appender.append(chunk);
    chunk = [];
    const at = count;
    let isStop = false;
    for (; stop < stops.length && stops[stop] === count; stop++) isStop = true;
    const flushed = appender.flush();
    flushed.catch(() => undefined); // awaited below, in turn
    compared = compared.then(async () => {
      const f = await flushed;
      if (isStop) roots.set(at, f.root);
      await tiles.compare(f, false);
      onProgress?.(at);
    });
    compared.catch(() => {
      failed = true; // awaited at the end of the pass
    });
  };
  const nextStop = (): number =>
    Math.min(stops[stop] ?? Infinity, (Math.floor(count / COMPARE_EVERY) + 1) * COMPARE_EVERY);
  const problems: VerifyProblem[] = [];
  const ahead = alongside === undefined ? 0 : Math.min(Math.floor(size / 4), AHEAD_MAX);
  if (ahead > 0) appender.setBacklog?.(Infinity);
  if (stops[0] === 0) flushAt();
  let until = nextStop();
  reading: for await (const rows of store.ledger.leafRows()) {
    if (failed) break;
    for (const row of rows) {
      const gap = checkLeafIndex(row[0], count, size, row);
      if (gap) {
        problems.push(gap);
        break reading;
      }
      chunk.push(row);
      count++;
      if (count === until) {
        flushAt();
        until = nextStop();
      } else if (chunk.length >= CHUNK) {
        appender.append(chunk);
        chunk = [];
      }
      if (count === ahead) {
        appender.append(chunk);
        chunk = [];
        alongside?.();
        appender.setBacklog?.(undefined);
      }
    }
    // lets the hashing thread's answers in (messages): their tiles are compared as they come
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  appender.setBacklog?.(undefined);
  appender.append(chunk);
  const lastFlush = appender.flush();
  lastFlush.catch(() => undefined);
  await compared;
  const last = await lastFlush;
  onProgress?.(count);
  if (problems.length === 0 && count < size) {
    problems.push({
      index: count,
      code: 'RECORD_MISSING',
      message: `the ledger has ${size} leaves but records stop at index ${count}`,
    });
  }
  if (problems.length === 0) await tiles.compare(last, true);
  problems.push(...tiles.leafProblems);
  if (problems.length === 0) problems.push(...tiles.upperProblems);
  const root = problems.length === 0 ? last.root : undefined;
  return { problems, roots, root, records: count, tiles: tiles.compared };
}

/** A record must sit at the next leaf index, inside the ledger's size. */
function checkLeafIndex(
  leaf: number,
  expected: number,
  size: number,
  row: LeafRow,
): VerifyProblem | undefined {
  if (leaf >= size) {
    const kind = row.length === 3 ? row[1] : 'event';
    return {
      index: leaf,
      code: 'RECORD_WITHOUT_LEAF',
      message: `a ${kind} is stored at index ${leaf}, beyond the ledger's ${size} leaves`,
    };
  }
  if (leaf !== expected) {
    return {
      index: expected,
      code: 'RECORD_MISSING',
      message: `no record at index ${expected} (next stored is ${leaf})`,
    };
  }
  return undefined;
}
