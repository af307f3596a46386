import type { Store } from '../store/index.js';
import { StoredNodes } from './stored-nodes.js';
import {
  checkChain,
  checkSignedHead,
  openSigned,
  type SignedCheckpoint,
} from './verify-checkpoints.js';
import type { VerifyProblem } from './verify-problem.js';
import { recompute } from './verify-pass.js';

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
  const sizes = [...chain, ...outside].map((cp) => cp.size).filter((s) => s <= size);
  // The current-pointer check is SQLite's work on this thread: it runs while the hashing
  // thread works through rows read ahead for it (`recompute`'s `alongside`), or else here.
  let stale: Promise<{ kind: string; key: string; leaf: number }[]> | undefined;
  const pointers = (): Promise<{ kind: string; key: string; leaf: number }[]> => {
    stale ??= (async () => store.ledger.staleCurrentPointers())();
    stale.catch(() => undefined); // awaited below
    return stale;
  };
  const pass = await recompute(store, size, sizes, options.onProgress, () => void pointers());
  problems.push(...pass.problems);
  for (const cp of [...chain, ...outside]) {
    const p = checkRoot(cp, size, pass.roots);
    if (p) problems.push(p);
  }
  problems.push(...(await checkChain(chain, size, new StoredNodes(store))));
  const head = checkSignedHead(chain, size);
  if (head) problems.push(head);
  for (const s of await pointers()) {
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
