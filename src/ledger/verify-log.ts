import type { Store, StoredTile } from '../store/index.js';
import { HASH_SIZE } from './hash.js';
import { recordLeafHash } from './leaf.js';
import { StoredNodes } from './stored-nodes.js';
import { FULL_TILE_HASHES, TILE_WIDTH, offsetInTile } from './tiles.js';
import { TileWriter } from './tile-writer.js';
import {
  checkChain,
  checkSignedHead,
  openSigned,
  type SignedCheckpoint,
} from './verify-checkpoints.js';
import type { VerifyProblem } from './verify-problem.js';

export type { VerifyProblem, VerifyProblemCode } from './verify-problem.js';

export interface VerifyReport {
  readonly ok: boolean;
  readonly size: number;
  readonly rootHash: string;
  /** The size of the newest checkpoint signed by the ledger key (0 when none). */
  readonly signedSize: number;
  readonly recordsChecked: number;
  readonly tilesChecked: number;
  readonly checkpointsChecked: number;
  readonly problems: readonly VerifyProblem[];
  /** The first leaf index where anything differs, when something does. */
  readonly firstBadIndex?: number;
}

export interface VerifyOptions {
  /** A signed checkpoint kept outside the database. */
  readonly against?: string;
  /** Called as records are recomputed, with the leaves done so far. */
  readonly onProgress?: (leaves: number) => void;
}

const COMPARE_EVERY = 65_536;
const PROGRESS_EVERY = 16_384;

/**
 * Checks a stored log from scratch, in one pass over the records and bounded memory: every
 * leaf and interior hash is recomputed and compared with the stored tiles; each signed
 * checkpoint's root is taken from the recomputed tree as the pass reaches its size (no tile
 * is held); each stored checkpoint must extend the one before it (consistency proofs from the
 * stored tiles), and the newest must cover every leaf (a signed head or nothing). Optionally
 * an exported checkpoint kept outside the database, which is what catches a truncated tail.
 */
export async function verifyLedger(
  store: Store,
  verifierKey: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const size = await store.ledger.size();
  const problems: VerifyProblem[] = [];
  const chain: SignedCheckpoint[] = [];
  const stored = await store.ledger.checkpoints();
  stored.forEach((row, i) => {
    const opened = openSigned(
      row.note,
      verifierKey,
      `stored checkpoint ${i + 1} (size ${row.size})`,
      Math.min(row.size, size),
    );
    if ('code' in opened) problems.push(opened);
    else chain.push(opened);
  });
  const outside: SignedCheckpoint[] = [];
  if (options.against !== undefined) {
    const opened = openSigned(options.against, verifierKey, 'the exported checkpoint', 0);
    if ('code' in opened) problems.push(opened);
    else outside.push(opened);
  }
  const pass = await recompute(store, size, [...chain, ...outside], options.onProgress);
  problems.push(...pass.problems);
  for (const cp of [...chain, ...outside]) {
    const p = checkRoot(cp, size, pass.roots);
    if (p) problems.push(p);
  }
  problems.push(...(await checkChain(chain, size, new StoredNodes(store))));
  const head = checkSignedHead(chain, size);
  if (head) problems.push(head);
  for (const s of await store.ledger.staleCurrentPointers()) {
    problems.push({
      index: s.leaf,
      code: 'STALE_CURRENT_RECORD',
      message: `the current ${s.kind} ${s.key} is not its newest version`,
    });
  }
  problems.sort((a, b) => a.index - b.index);
  const report: VerifyReport = {
    ok: problems.length === 0,
    size,
    rootHash: (pass.root ?? Buffer.alloc(0)).toString('base64'),
    signedSize: chain.reduce((max, cp) => Math.max(max, cp.size), 0),
    recordsChecked: pass.records,
    tilesChecked: pass.tiles,
    checkpointsChecked: stored.length + (options.against === undefined ? 0 : 1),
    problems,
  };
  return problems[0] ? { ...report, firstBadIndex: problems[0].index } : report;
}

interface Pass {
  readonly problems: VerifyProblem[];
  /** The recomputed root at each checkpoint size the pass reached. */
  readonly roots: Map<number, Buffer>;
  readonly root: Buffer | undefined;
  readonly records: number;
  readonly tiles: number;
}

/** One pass over the records in leaf order: leaves, tiles, and the roots at checkpoint sizes. */
async function recompute(
  store: Store,
  size: number,
  checkpoints: readonly SignedCheckpoint[],
  onProgress: ((leaves: number) => void) | undefined,
): Promise<Pass> {
  const problems: VerifyProblem[] = [];
  const upper: VerifyProblem[] = []; // interior mismatches: consequences of a leaf mismatch, or causes
  const writer = new TileWriter(0, () => undefined);
  const targets = [...new Set(checkpoints.map((c) => c.size))].sort((a, b) => a - b);
  const roots = new Map<number, Buffer>();
  let next = 0;
  const takeRoot = (): void => {
    for (; next < targets.length && targets[next] === writer.size; next++)
      roots.set(writer.size, writer.root());
  };
  let tiles = 0;
  const compare = async (final: boolean): Promise<void> => {
    for (const tile of writer.takeDirtyTiles()) {
      if (!final && tile.data.length !== FULL_TILE_HASHES * HASH_SIZE) continue;
      tiles++;
      const problem = compareTile(tile, await store.ledger.getTile(tile.tileLevel, tile.tileIndex));
      if (problem) (tile.tileLevel === 0 ? problems : upper).push(problem);
    }
  };
  takeRoot();
  for await (const { leaf, record } of store.ledger.records()) {
    const gap = checkLeafIndex(leaf, writer.size, size, record.kind);
    if (gap) {
      problems.push(gap);
      break;
    }
    writer.append(recordLeafHash(record));
    takeRoot();
    if (writer.size % PROGRESS_EVERY === 0) onProgress?.(writer.size);
    if (writer.size % COMPARE_EVERY === 0) await compare(false);
  }
  onProgress?.(writer.size);
  if (problems.length === 0 && writer.size < size) {
    problems.push({
      index: writer.size,
      code: 'RECORD_MISSING',
      message: `the ledger has ${size} leaves but records stop at index ${writer.size}`,
    });
  }
  if (problems.length === 0) await compare(true);
  if (problems.length === 0) problems.push(...upper);
  const root = problems.length === 0 ? writer.root() : undefined;
  return { problems, roots, root, records: writer.size, tiles };
}

/** A record must sit at the next leaf index, inside the ledger's size. */
function checkLeafIndex(
  leaf: number,
  expected: number,
  size: number,
  kind: string,
): VerifyProblem | undefined {
  if (leaf >= size) {
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

/** A signed checkpoint's root against the recomputed tree at its size. */
function checkRoot(
  cp: SignedCheckpoint,
  size: number,
  roots: Map<number, Buffer>,
): VerifyProblem | undefined {
  if (cp.size > size) {
    return {
      index: size,
      code: 'TRUNCATED',
      message: `${cp.what} covers ${cp.size} leaves but the ledger holds ${size}: its tail was removed`,
    };
  }
  const root = roots.get(cp.size);
  if (root === undefined || root.equals(cp.rootHash)) return undefined; // unreached: reported
  return {
    index: cp.size,
    code: 'CHECKPOINT_MISMATCH',
    message: `${cp.what} signs another root than the stored records give at size ${cp.size}`,
  };
}

function compareTile(mine: StoredTile, stored: Buffer | undefined): VerifyProblem | undefined {
  const span = TILE_WIDTH ** (mine.tileLevel + 1);
  const first = mine.tileIndex * span;
  if (stored?.equals(mine.data)) return undefined;
  if (!stored)
    return {
      index: first,
      code: 'TILE_MISSING',
      message: `tile ${mine.tileLevel}/${mine.tileIndex} (leaves from ${first}) is not stored`,
    };
  if (mine.tileLevel === 0) {
    for (let x = 0; x < TILE_WIDTH; x++) {
      const at = offsetInTile(0, x);
      if (at + HASH_SIZE > mine.data.length) break;
      if (!stored.subarray(at, at + HASH_SIZE).equals(mine.data.subarray(at, at + HASH_SIZE))) {
        return {
          index: first + x,
          code: 'LEAF_MISMATCH',
          message: `the record at index ${first + x} does not hash to its leaf`,
        };
      }
    }
  }
  return {
    index: first,
    code: 'TILE_MISMATCH',
    message: `stored hashes of tile ${mine.tileLevel}/${mine.tileIndex} (leaves from ${first}) differ from the recomputed ones`,
  };
}
