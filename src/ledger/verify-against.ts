/**
 * Holds the database's tree to checkpoints kept outside it (the checkpoint log, exported
 * checkpoints, cosigned checkpoints). Each entry's signature is checked with the log's
 * verifier key; each must be the root of a prefix of the stored tree (a rewritten history
 * signs another root; a cut tail or deleted checkpoints leave an entry beyond the size); and,
 * in size order, each is proved consistent with the next (RFC 9162 §2.1.4.2).
 */
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import type { CheckpointLogEntry } from './checkpoint-log.js';
import { openNote, type NoteSignature } from './signed-note.js';
import { countCosignatures } from './cosigner-keys.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT } from './hash.js';
import { verifyConsistency } from './verify.js';
import type { VerifyProblem } from './verify-log.js';

/** What of the stored tree the check reads: a `Ledger` is one. */
export interface TreeView {
  readonly size: number;
  rootAt(size: number): Promise<Buffer>;
  proveConsistency(size1: number, size2: number): Promise<Buffer[]>;
}

export interface AgainstOptions {
  /** Witness verifier keys (cosignature/v1, `<name>+<id>+base64(0x04 ‖ key)`). */
  readonly witnesses?: readonly string[];
  /** How many of them must have cosigned one checkpoint (default 0: none required). */
  readonly minWitnesses?: number;
}

export interface AgainstReport {
  readonly problems: VerifyProblem[];
  readonly checked: number;
  /** Where the first entry that disagrees with the database was read. */
  readonly firstDisagreeing?: string;
  /** The largest checkpoint that `minWitnesses` of the witnesses cosigned. */
  readonly witnessedSize?: number;
}

interface Opened {
  readonly entry: CheckpointLogEntry;
  readonly checkpoint: Checkpoint;
  readonly size: number;
  readonly cosigners: number;
}

/** Checks every outside entry against the tree; see the module comment. */
export async function verifyAgainst(
  tree: TreeView,
  entries: readonly CheckpointLogEntry[],
  verifierKey: string,
  options: AgainstOptions = {},
): Promise<AgainstReport> {
  const problems: (VerifyProblem & { where: string })[] = [];
  const opened: Opened[] = [];
  for (const entry of entries) {
    const result = openEntry(entry, verifierKey, options.witnesses ?? []);
    if ('problem' in result) problems.push(result.problem);
    else opened.push(result);
  }
  const agreeing: Opened[] = [];
  for (const o of opened) {
    const p = await checkAgainstTree(tree, o);
    if (p) problems.push(p);
    else agreeing.push(o);
  }
  problems.push(...(await checkChain(tree, opened)));
  const witnessedSize = largestWitnessed(agreeing, options.minWitnesses ?? 0);
  if ((options.minWitnesses ?? 0) > 0 && witnessedSize === undefined) {
    problems.push({
      index: 0,
      where: 'cosignatures',
      code: 'NOT_WITNESSED',
      message: `no checkpoint consistent with the database carries ${String(options.minWitnesses)} valid cosignatures of the given witnesses`,
    });
  }
  const first = [...problems].sort((a, b) => a.index - b.index)[0];
  return {
    problems: problems.map(({ where: _w, ...p }) => p),
    checked: entries.length,
    ...(first ? { firstDisagreeing: first.where } : {}),
    ...(witnessedSize === undefined ? {} : { witnessedSize }),
  };
}

function openEntry(
  entry: CheckpointLogEntry,
  verifierKey: string,
  witnesses: readonly string[],
): Opened | { problem: VerifyProblem & { where: string } } {
  let opened: { text: string; checkpoint: Checkpoint; unverified: NoteSignature[] };
  try {
    const { text, unverified } = openNote(entry.note, [verifierKey]);
    opened = { text, checkpoint: parseCheckpoint(text), unverified };
  } catch (error) {
    return entryProblem(entry, 'CHECKPOINT_SIGNATURE', error);
  }
  const size = Number(opened.checkpoint.size);
  if (!Number.isSafeInteger(size)) {
    return entryProblem(
      entry,
      'CHECKPOINT_SIGNATURE',
      new LedgerError('SIZE_OUT_OF_RANGE', 'size ≥ 2^53'),
    );
  }
  try {
    const cosigners = countCosignatures(opened.text, opened.unverified, witnesses);
    return { entry, checkpoint: opened.checkpoint, size, cosigners };
  } catch (error) {
    return entryProblem(entry, 'COSIGNATURE_INVALID', error);
  }
}

function entryProblem(
  entry: CheckpointLogEntry,
  code: 'CHECKPOINT_SIGNATURE' | 'COSIGNATURE_INVALID',
  error: unknown,
): { problem: VerifyProblem & { where: string } } {
  const why = error instanceof LedgerError ? `[${error.code}] ${error.message}` : String(error);
  return {
    problem: {
      index: 0,
      where: entry.where,
      code,
      message: `the outside checkpoint at ${entry.where} does not verify: ${why}`,
    },
  };
}

async function checkAgainstTree(
  tree: TreeView,
  o: Opened,
): Promise<(VerifyProblem & { where: string }) | undefined> {
  const at = `the outside checkpoint at ${o.entry.where} (size ${String(o.size)})`;
  if (o.size > tree.size) {
    return {
      index: tree.size,
      where: o.entry.where,
      code: 'TRUNCATED',
      message: `${at} covers more than the database's ${String(tree.size)} leaves: its tail was cut or its checkpoints deleted`,
    };
  }
  let root: Buffer;
  try {
    root = await tree.rootAt(o.size);
  } catch {
    root = Buffer.alloc(0);
  }
  if (root.equals(o.checkpoint.rootHash)) return undefined;
  return {
    index: o.size,
    where: o.entry.where,
    code: 'OUTSIDE_CHECKPOINT_MISMATCH',
    message: `${at} signs another root than the database's tree of that size: its history was rewritten`,
  };
}

/** Each checkpoint, in size order, proved consistent with the next from the stored tree. */
async function checkChain(
  tree: TreeView,
  opened: readonly Opened[],
): Promise<(VerifyProblem & { where: string })[]> {
  const sorted = [...opened].filter((o) => o.size <= tree.size).sort((a, b) => a.size - b.size);
  const problems: (VerifyProblem & { where: string })[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const older = sorted[i - 1] as Opened;
    const newer = sorted[i] as Opened;
    if (await consistent(tree, older, newer)) continue;
    problems.push({
      index: older.size,
      where: newer.entry.where,
      code: 'OUTSIDE_LOG_FORK',
      message: `the outside checkpoints at ${older.entry.where} (size ${String(older.size)}) and ${newer.entry.where} (size ${String(newer.size)}) are not consistent: one of them is not this log's history`,
    });
  }
  return problems;
}

async function consistent(tree: TreeView, older: Opened, newer: Opened): Promise<boolean> {
  const [a, b] = [older.checkpoint.rootHash, newer.checkpoint.rootHash];
  if (older.size === 0) return a.equals(EMPTY_ROOT);
  try {
    const proof = await tree.proveConsistency(older.size, newer.size);
    verifyConsistency(older.size, newer.size, a, b, proof);
    return true;
  } catch {
    return false;
  }
}

function largestWitnessed(opened: readonly Opened[], k: number): number | undefined {
  const sizes = opened.filter((o) => k > 0 && o.cosigners >= k).map((o) => o.size);
  return sizes.length === 0 ? undefined : Math.max(...sizes);
}
