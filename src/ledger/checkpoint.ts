import { LedgerError } from './errors.js';

/** A C2SP tlog-checkpoint body: origin, tree size, root hash, optional extension lines. */
export interface Checkpoint {
  readonly origin: string;
  /** Decimal, up to 2^64 − 1 (kept as bigint so that no size is rounded). */
  readonly size: bigint;
  readonly rootHash: Buffer;
  readonly extensions: readonly string[];
}

const MAX_UINT64 = 2n ** 64n - 1n;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The note text of a checkpoint (C2SP tlog-checkpoint): each line ends in a newline. */
export function formatCheckpoint(cp: {
  origin: string;
  size: number | bigint;
  rootHash: Uint8Array;
  extensions?: readonly string[];
}): string {
  const lines = [
    cp.origin,
    String(cp.size),
    Buffer.from(cp.rootHash).toString('base64'),
    ...(cp.extensions ?? []),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Parses a checkpoint body (C2SP tlog-checkpoint). Rejects an empty origin, a size that is
 * not plain decimal or exceeds uint64, a root that is not base64, and a missing final newline.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw bad('the checkpoint does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || origin === '') throw bad('the origin line is empty');
  if (sizeText === undefined || !/^(0|[1-9]\d*)$/.test(sizeText))
    throw bad('the size line is not a decimal number');
  const size = BigInt(sizeText);
  if (size > MAX_UINT64) throw bad('the size exceeds 2^64 − 1');
  if (
    rootText === undefined ||
    rootText === '' ||
    !BASE64.test(rootText) ||
    rootText.length % 4 !== 0
  ) {
    throw bad('the root hash line is not base64');
  }
  return { origin, size, rootHash: Buffer.from(rootText, 'base64'), extensions };
}

function bad(message: string): LedgerError {
  return new LedgerError('MALFORMED_CHECKPOINT', message);
}
