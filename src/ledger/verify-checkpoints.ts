import { parseCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { consistencyProof } from './proofs.js';
import { openNote } from './signed-note.js';
import { MissingTileError, type StoredNodes } from './stored-nodes.js';
import { verifyConsistency } from './verify.js';
import type { VerifyProblem } from './verify-problem.js';

/** A checkpoint whose note opened under the ledger's verifier key. */
export interface SignedCheckpoint {
  readonly size: number;
  readonly rootHash: Buffer;
  /** How the report names it: "stored checkpoint 3 (size 1001)". */
  readonly what: string;
}

/**
 * Opens a checkpoint note with the ledger's verifier key. A note that does not open (forged,
 * by another key, malformed) is a `CHECKPOINT_SIGNATURE` problem at the size its row claims.
 */
export function openSigned(
  note: string,
  verifierKey: string,
  what: string,
  claimedSize: number,
): SignedCheckpoint | VerifyProblem {
  try {
    const cp = parseCheckpoint(openNote(note, [verifierKey]).text);
    if (cp.size > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new LedgerError('SIZE_OUT_OF_RANGE', `its size ${cp.size} is ≥ 2^53`);
    }
    return { size: Number(cp.size), rootHash: cp.rootHash, what };
  } catch (error) {
    const why = error instanceof LedgerError ? `[${error.code}] ${error.message}` : String(error);
    return {
      index: claimedSize,
      code: 'CHECKPOINT_SIGNATURE',
      message: `${what} does not verify: ${why}`,
    };
  }
}

/**
 * Every stored checkpoint must extend the one stored before it: sizes never decrease, and
 * a consistency proof (RFC 9162 §2.1.4) built from the stored tiles joins their signed roots
 * under the pure verifier. Proved pair by pair, never assumed from one recomputed tree.
 */
export async function checkChain(
  chain: readonly SignedCheckpoint[],
  ledgerSize: number,
  nodes: StoredNodes,
): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  for (let i = 1; i < chain.length; i++) {
    const older = chain[i - 1] as SignedCheckpoint;
    const newer = chain[i] as SignedCheckpoint;
    if (newer.size < older.size) {
      problems.push({
        index: newer.size,
        code: 'CHECKPOINT_ORDER',
        message: `${newer.what} follows ${older.what}: a log never shrinks`,
      });
      continue;
    }
    if (older.size === 0 || newer.size > ledgerSize) continue; // nothing to prove; TRUNCATED
    const problem = await proveExtends(older, newer, nodes);
    if (problem) problems.push(problem);
  }
  return problems;
}

async function proveExtends(
  older: SignedCheckpoint,
  newer: SignedCheckpoint,
  nodes: StoredNodes,
): Promise<VerifyProblem | undefined> {
  try {
    const proof = await nodes.run((reader) => consistencyProof(older.size, newer.size, reader));
    verifyConsistency(older.size, newer.size, older.rootHash, newer.rootHash, proof);
    return undefined;
  } catch (error) {
    if (error instanceof MissingTileError) return missingTile(error);
    const why = error instanceof LedgerError ? `[${error.code}] ${error.message}` : String(error);
    return {
      index: older.size,
      code: 'CHECKPOINT_INCONSISTENT',
      message: `${newer.what} does not extend ${older.what}: ${why}`,
    };
  }
}

/** A tile that a proof or a comparison needs is gone: a finding, not a wait. */
export function missingTile(error: MissingTileError): VerifyProblem {
  return {
    index: error.firstLeaf,
    code: 'TILE_MISSING',
    message: `tile ${error.tileLevel}/${error.tileIndex} (leaves from ${error.firstLeaf}) is not stored`,
  };
}

/**
 * A signed head or nothing: the newest checkpoint signed by the ledger key must cover every
 * leaf. Leaves beyond it are an unsigned tail: anyone who can write the database could have
 * written them, tiles and all.
 */
export function checkSignedHead(
  chain: readonly SignedCheckpoint[],
  ledgerSize: number,
): VerifyProblem | undefined {
  const signed = chain.reduce((max, cp) => Math.max(max, cp.size), 0);
  if (signed >= ledgerSize) return undefined;
  const what =
    chain.length === 0
      ? 'no checkpoint signed by the ledger key is stored'
      : `the newest checkpoint signed by the ledger key covers ${signed}`;
  return {
    index: signed,
    code: 'UNSIGNED_TAIL',
    message: `${what}, the ledger holds ${ledgerSize}: leaves ${signed}…${ledgerSize - 1} are an unsigned tail (checkpoints deleted, or records written behind Warden's back); compare with a checkpoint kept outside the database (--against)`,
  };
}
