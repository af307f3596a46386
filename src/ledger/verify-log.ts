import type { Store, StoredTile } from '../store/index.js';
import { parseCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { recordLeafHash } from './leaf.js';
import { treeRoot } from './proofs.js';
import { openNote } from './signed-note.js';
import { FULL_TILE_HASHES, TILE_WIDTH, offsetInTile } from './tiles.js';
import { TileReader } from './tile-reader.js';
import { TileWriter } from './tile-writer.js';
import { HASH_SIZE } from './hash.js';

/** One place where the stored log and its recomputation disagree. */
export interface VerifyProblem {
  /** The first leaf index the problem concerns. */
  readonly index: number;
  readonly code:
    | 'RECORD_MISSING'
    | 'RECORD_WITHOUT_LEAF'
    | 'LEAF_MISMATCH'
    | 'TILE_MISMATCH'
    | 'CHECKPOINT_SIGNATURE'
    | 'CHECKPOINT_MISMATCH'
    | 'TRUNCATED'
    | 'STALE_CURRENT_RECORD'
    // checks against checkpoints kept outside the database (verify-against.ts)
    | 'OUTSIDE_CHECKPOINT_MISMATCH'
    | 'OUTSIDE_LOG_FORK'
    | 'COSIGNATURE_INVALID'
    | 'NOT_WITNESSED';
  readonly message: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly size: number;
  readonly rootHash: string;
  readonly recordsChecked: number;
  readonly tilesChecked: number;
  readonly checkpointsChecked: number;
  readonly problems: readonly VerifyProblem[];
  /** The first leaf index where anything differs, when something does. */
  readonly firstBadIndex?: number;
}

const COMPARE_EVERY = 65_536;

/**
 * Checks a stored log from scratch: recomputes every leaf from the stored records, every
 * interior hash and the root, every stored checkpoint's signature and root (so their mutual
 * consistency: they are all prefixes of one recomputed tree), and optionally an exported
 * checkpoint kept outside the database, which is what catches a truncated tail.
 */
export async function verifyLedger(
  store: Store,
  verifierKey: string,
  options: { against?: string; onProgress?: (leaves: number) => void } = {},
): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const size = await store.ledger.size();
  const writer = new TileWriter(0, () => undefined);
  let expected = 0;
  let tilesChecked = 0;
  const upper: VerifyProblem[] = []; // interior mismatches: consequences of a leaf mismatch, or causes
  const compare = async (final: boolean): Promise<void> => {
    for (const tile of writer.takeDirtyTiles()) {
      if (!final && tile.data.length !== FULL_TILE_HASHES * HASH_SIZE) continue;
      tilesChecked++;
      const problem = compareTile(tile, await store.ledger.getTile(tile.tileLevel, tile.tileIndex));
      if (problem) (tile.tileLevel === 0 ? problems : upper).push(problem);
    }
  };
  for await (const { leaf, record } of store.ledger.records()) {
    if (leaf >= size) {
      problems.push({
        index: leaf,
        code: 'RECORD_WITHOUT_LEAF',
        message: `a ${record.kind} is stored at index ${leaf}, beyond the ledger's ${size} leaves`,
      });
      break;
    }
    if (leaf !== expected) {
      problems.push({
        index: expected,
        code: 'RECORD_MISSING',
        message: `no record at index ${expected} (next stored is ${leaf})`,
      });
      break;
    }
    writer.append(recordLeafHash(record));
    expected++;
    if (expected % COMPARE_EVERY === 0) {
      options.onProgress?.(expected);
      await compare(false);
    }
  }
  if (problems.length === 0 && expected < size) {
    problems.push({
      index: expected,
      code: 'RECORD_MISSING',
      message: `the ledger has ${size} leaves but records stop at index ${expected}`,
    });
  }
  if (problems.length === 0) await compare(true);
  if (problems.length === 0) problems.push(...upper);
  const root = problems.length === 0 ? writer.root() : undefined;
  const checkpoints = await store.ledger.checkpoints();
  const reader = new TileReader(syncTiles(await collectTiles(store)));
  for (const cp of checkpoints) {
    const p = checkNote(
      cp.note,
      verifierKey,
      size,
      reader,
      `stored checkpoint of size ${cp.size}`,
      cp.size,
    );
    if (p) problems.push(p);
  }
  if (options.against !== undefined) {
    const p = checkNote(options.against, verifierKey, size, reader, 'exported checkpoint', 0);
    if (p) problems.push(p);
  }
  for (const s of await store.ledger.staleCurrentPointers()) {
    problems.push({
      index: s.leaf,
      code: 'STALE_CURRENT_RECORD',
      message: `the current ${s.kind} ${s.key} is not its newest version`,
    });
  }
  problems.sort((a, b) => a.index - b.index);
  const report = {
    ok: problems.length === 0,
    size,
    rootHash: (root ?? Buffer.alloc(0)).toString('base64'),
    recordsChecked: expected,
    tilesChecked,
    checkpointsChecked: checkpoints.length + (options.against === undefined ? 0 : 1),
    problems,
  };
  return problems[0] ? { ...report, firstBadIndex: problems[0].index } : report;
}

function compareTile(mine: StoredTile, stored: Buffer | undefined): VerifyProblem | undefined {
  const span = TILE_WIDTH ** (mine.tileLevel + 1);
  const first = mine.tileIndex * span;
  if (stored?.equals(mine.data)) return undefined;
  if (!stored)
    return {
      index: first,
      code: 'TILE_MISMATCH',
      message: `tile ${mine.tileLevel}/${mine.tileIndex} is missing`,
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

function checkNote(
  note: string,
  verifierKey: string,
  size: number,
  reader: TileReader,
  what: string,
  /** Where an unreadable note is reported: the size its row claims (0 when unknown). */
  claimedSize: number,
): VerifyProblem | undefined {
  let cp: ReturnType<typeof parseCheckpoint>;
  try {
    cp = parseCheckpoint(openNote(note, [verifierKey]).text);
  } catch (error) {
    const why = error instanceof LedgerError ? `[${error.code}] ${error.message}` : String(error);
    return {
      index: Math.min(claimedSize, size),
      code: 'CHECKPOINT_SIGNATURE',
      message: `a ${what} does not verify: ${why}`,
    };
  }
  const cpSize = Number(cp.size);
  if (cpSize > size) {
    return {
      index: size,
      code: 'TRUNCATED',
      message: `a ${what} covers ${cpSize} leaves but the ledger holds ${size}: its tail was removed`,
    };
  }
  let root: Buffer;
  try {
    root = treeRoot(cpSize, reader);
  } catch {
    return {
      index: cpSize,
      code: 'CHECKPOINT_MISMATCH',
      message: `the tree at size ${cpSize} cannot be recomputed`,
    };
  }
  if (!root.equals(cp.rootHash)) {
    return {
      index: cpSize,
      code: 'CHECKPOINT_MISMATCH',
      message: `the ${what} at size ${cpSize} signs another root than the stored records give`,
    };
  }
  return undefined;
}

async function collectTiles(store: Store): Promise<Map<string, Buffer>> {
  const tiles = new Map<string, Buffer>();
  for await (const t of store.ledger.tiles()) tiles.set(`${t.tileLevel}/${t.tileIndex}`, t.data);
  return tiles;
}

function syncTiles(tiles: Map<string, Buffer>) {
  return (level: number, index: number): Buffer | undefined => tiles.get(`${level}/${index}`);
}
