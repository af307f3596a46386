import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { deriveKey } from '../privacy/index.js';
import { FingerprintError } from './fingerprint-errors.js';
import type { CodeParameters } from './tardos-design.js';

/** Biases are kept as 16-bit fractions: a bit is 1 when a 16-bit draw falls below the bias. */
export const BIAS_ONE = 65536;

/**
 * Where a table cell's bit lives in the code, the key-derived bit it is masked with, and the
 * way its figure moves when it must (the same for every recipient, so two copies of a cell
 * differ only where their bits do).
 */
export interface CellPlace {
  readonly position: number;
  readonly dither: 0 | 1;
  readonly direction: 1 | -1;
}

/**
 * A symmetric Tardos code (Tardos 2003; Škorić, Katzenbeisser and Celik 2008), everything
 * derived from one secret key so that nothing per recipient is stored:
 * - position i has a bias p_i drawn from the arcsine density 1/√(p(1−p)) on [t, 1−t]
 *   (p = sin²θ with θ uniform), read from AES-CTR under a key-derived bias key;
 * - a recipient's 128-bit seed is AES of their id under a recipient key; the seed starts a
 *   xorshift128 generator whose 16-bit halves are the draws: bit i is 1 when draw i < p_i.
 *   The generator is fast, not a cipher: secrecy rests on the keys (an outsider cannot
 *   compute any seed or bias), speed on the generator (100,000 codewords in well under 2 s);
 * - a table cell is placed at a position by HMAC of its key, with a dither bit that hides a
 *   recipient's own bits from them.
 */
export class TardosCode {
  /** p_i × 65536, each in [1, 65535]. */
  readonly bias: Int32Array;
  private readonly recipientKey: Buffer;
  private readonly cellKey: Buffer;

  constructor(
    key: Buffer,
    readonly parameters: CodeParameters,
  ) {
    if (key.length !== 32)
      throw new FingerprintError('KEY_INVALID', 'the fingerprint key must be 32 bytes');
    this.recipientKey = subkey(key, 'recipient');
    this.cellKey = subkey(key, 'cell');
    this.bias = biases(subkey(key, 'bias'), parameters);
  }

  /** The code length m. */
  get length(): number {
    return this.parameters.length;
  }

  /** Each recipient's 128-bit generator seed, four 32-bit words per recipient, in order. */
  seeds(recipients: readonly string[]): Int32Array {
    const blocks = Buffer.alloc(16 * recipients.length);
    recipients.forEach((id, j) => writeIdBlock(blocks, 16 * j, id));
    const aes = createCipheriv('aes-256-ecb', this.recipientKey, null).setAutoPadding(false);
    const out = Buffer.concat([aes.update(blocks), aes.final()]);
    const seeds = new Int32Array(4 * recipients.length);
    for (let w = 0; w < seeds.length; w++) seeds[w] = out.readInt32LE(4 * w);
    return seeds;
  }

  /** A recipient's codeword: one bit (0 or 1) per position. */
  codeword(recipient: string): Uint8Array {
    return codewordFrom(this.seeds([recipient]), 0, this.bias);
  }

  /** Where a cell's bit lives, from its key (`seller|period|metric`). */
  placeOf(cell: string): CellPlace {
    const mac = createHmac('sha256', this.cellKey).update(cell).digest();
    return {
      position: mac.readUInt32LE(0) % this.length,
      dither: (mac[4]! & 1) as 0 | 1,
      direction: mac[4]! & 2 ? 1 : -1,
    };
  }
}

/** The codeword of the j-th recipient of `seeds`, drawn exactly as the scorer draws it. */
export function codewordFrom(seeds: Int32Array, j: number, bias: Int32Array): Uint8Array {
  const bits = new Uint8Array(bias.length);
  let x = seeds[4 * j]!;
  let y = seeds[4 * j + 1]!;
  let z = seeds[4 * j + 2]!;
  let w = seeds[4 * j + 3]! | (x | y | z ? 0 : 1); // xorshift128 must not start at zero
  for (let i = 0; i < bias.length; i += 2) {
    const t = x ^ (x << 11);
    x = y;
    y = z;
    z = w;
    w = w ^ (w >>> 19) ^ (t ^ (t >>> 8));
    bits[i] = (w & 0xffff) < bias[i]! ? 1 : 0;
    bits[i + 1] = w >>> 16 < bias[i + 1]! ? 1 : 0;
  }
  return bits;
}

function subkey(key: Buffer, use: string): Buffer {
  return deriveKey(key, `warden fingerprint ${use} v1`);
}

/** Arcsine-distributed biases with cutoff t, as 16-bit fractions (Tardos' f(p)). */
function biases(key: Buffer, p: CodeParameters): Int32Array {
  const words = p.length;
  const ctr = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const stream = Buffer.concat([ctr.update(Buffer.alloc(4 * words)), ctr.final()]);
  const low = Math.asin(Math.sqrt(p.cutoff));
  const span = Math.PI / 2 - 2 * low;
  const out = new Int32Array(words);
  for (let i = 0; i < words; i++) {
    const u = (stream.readUInt32LE(4 * i) + 0.5) / 2 ** 32;
    const bias = Math.sin(low + u * span) ** 2;
    out[i] = Math.min(BIAS_ONE - 1, Math.max(1, Math.round(bias * BIAS_ONE)));
  }
  return out;
}

/**
 * A recipient id as one AES block, one to one: ids of up to 15 UTF-8 bytes as their length
 * and bytes; longer ids as a marker byte and 15 bytes of their SHA-256.
 */
function writeIdBlock(into: Buffer, at: number, id: string): void {
  const bytes = Buffer.from(id, 'utf8');
  if (bytes.length <= 15) {
    into[at] = bytes.length;
    bytes.copy(into, at + 1);
    return;
  }
  into[at] = 0xff;
  createHash('sha256')
    .update(bytes)
    .digest()
    .copy(into, at + 1, 0, 15);
}
