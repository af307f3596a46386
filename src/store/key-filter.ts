/**
 * A Bloom filter of (kind, key) pairs (two probes into 2^24 bits, 2 MiB): "certainly not
 * added" or "perhaps added". The directory writer keeps the keys it wrote in it, so that a first import
 * asks the database only for the keys it may have written itself. At 1.4 million keys about 2 %
 * of the others answer "perhaps" (and cost the look-up they would have cost anyway).
 */
export class KeyFilter {
  private readonly bits = new Uint32Array(1 << (BITS - 5));

  add(kind: string, key: string): void {
    const h = hashPair(kind, key);
    const g = mix(h);
    this.bits[(h & MASK) >>> 5]! |= 1 << (h & 31);
    this.bits[(g & MASK) >>> 5]! |= 1 << (g & 31);
  }

  /** False when the pair was certainly never added. */
  mayHave(kind: string, key: string): boolean {
    const h = hashPair(kind, key);
    const g = mix(h);
    return (
      (this.bits[(h & MASK) >>> 5]! & (1 << (h & 31))) !== 0 &&
      (this.bits[(g & MASK) >>> 5]! & (1 << (g & 31))) !== 0
    );
  }
}

const BITS = 24;
const MASK = (1 << BITS) - 1;

/** FNV-1a (32 bits) over the UTF-16 code units of kind, a NUL, key. */
function hashPair(kind: string, key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < kind.length; i++) h = Math.imul(h ^ kind.charCodeAt(i), 0x01000193);
  h = Math.imul(h, 0x01000193); // the NUL between them (h ^ 0 = h)
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A second, independent-enough probe from the first hash (murmur3's finaliser). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
