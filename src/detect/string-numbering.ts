/**
 * Ids numbered 0, 1, 2… in the order they are first met, for the directory's kinds that count
 * in the hundreds of thousands (reviews, tickets, products, reviewers: `directory-view.ts`).
 *
 * A `Map<string, number>` of that size costs several cache misses per look-up (its buckets,
 * then a chain of entries, then each key), keeps every key as a string object the collector
 * copies and marks, and a state saved from it needs its keys sorted to be searched after a
 * resume. Here the table is open addressing with linear probing over one Int32Array of (hash,
 * number + 1) pairs, so a look-up touches one pair and reads a key only when the hashes agree;
 * the keys themselves are code units one after another in one typed array (the strings looked
 * up are not kept), and that array, each key's end and each key's hash are the saved state,
 * from which a resumed numbering rebuilds its table in one pass, without sorting or reading a
 * key.
 *
 * The hash is seeded (`DirectoryView`'s seed): ids come from the interchange stream, and a
 * stream written to collide in an unseeded hash would make every look-up a long probe.
 */
import { Columns, FIRST_ROWS, roomFor, widened, zeroed } from './columns.js';
import { SnapshotError } from './errors.js';

/** No such key: numbers start at 0. */
const ABSENT = -1;

/** 32 bits of a string's UTF-16 code units under `seed`: FNV-1a's steps, then a final mix. */
export function stringHash(s: string, seed: number): number {
  return rangeHash(s, 0, s.length, seed);
}

/** `stringHash` of `text.slice(from, to)`, read where it stands. */
function rangeHash(text: string, from: number, to: number, seed: number): number {
  let h = (seed ^ 0x811c9dc5) | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return h ^ (h >>> 16);
}

/** Keys' UTF-16 code units, one byte each while every unit fits in one. */
type Units = Uint8Array | Uint16Array;

/** Code units a numbering starts with room for. */
const FIRST_UNITS = 4096;

export class StringNumbering extends Columns {
  /** How many keys there are: the next number. */
  size = 0;
  /** Every key's code units in number order; `unitCount` of them are in use. */
  units: Units = new Uint8Array(FIRST_UNITS);
  unitCount = 0;
  /** Where key n ends in `units`. */
  ends = new Int32Array(FIRST_ROWS);
  /**
   * Open addressing: slot i holds a hash at 2i and number + 1 at 2i + 1 (0: empty); a power of
   * two slots, at most half full. Empty in a saved state (`hashes` rebuilds it: `restored`).
   */
  slots = new Int32Array(2 * FIRST_ROWS);
  /**
   * Each number's hash, in number order: the saved form's, kept as keys are added (asking the
   * slots for them when saving cost the end of a large replay ~50 ms of scattered writes).
   */
  hashes = new Int32Array(FIRST_ROWS);

  constructor(readonly seed = 0) {
    super();
  }

  /** Not a table of rows: `trimmed` is its own (the columns' `used` is never asked). */
  protected used(name: string): number {
    return (this as unknown as Record<string, Int32Array>)[name]!.length;
  }

  /** The number of `key`, or -1 if it has none. */
  get(key: string): number {
    // a saved form restored elsewhere than a directory part (which rebuilds it at once)
    if (this.slots.length === 0) this.restored();
    const h = stringHash(key, this.seed);
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const n = slots[2 * s + 1]! - 1;
      if (n < 0) return ABSENT;
      if (slots[2 * s] === h && this.keyIs(n, key, 0, key.length)) return n;
    }
  }

  /** The number of `key`, given the next one if it has none. */
  number(key: string): number {
    return this.numberIn(key, 0, key.length);
  }

  /**
   * `number(text.slice(from, to))`, the key read where it stands in `text`: a feed's chunk
   * text holds the ids seen about once, and a string cut from it for each would be garbage the
   * moment it was numbered.
   */
  numberIn(text: string, from: number, to: number): number {
    if (this.slots.length === 0) this.restored();
    const h = rangeHash(text, from, to, this.seed);
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let s = h & mask;
    for (; ; s = (s + 1) & mask) {
      const n = slots[2 * s + 1]! - 1;
      if (n < 0) break;
      if (slots[2 * s] === h && this.keyIs(n, text, from, to)) return n;
    }
    const n = this.size++;
    this.append(n, text, from, to);
    if (n === this.hashes.length) this.hashes = widened(this.hashes, 2 * n);
    this.hashes[n] = h;
    slots[2 * s] = h;
    slots[2 * s + 1] = n + 1;
    if (2 * this.size > mask + 1) this.place(2 * (mask + 1), slots);
    return n;
  }

  /** The key numbered `n`. */
  keyAt(n: number): string {
    const units = this.units.subarray(n === 0 ? 0 : this.ends[n - 1], this.ends[n]);
    let key = '';
    for (let i = 0; i < units.length; i += 4096)
      key += String.fromCharCode(...units.subarray(i, i + 4096));
    return key;
  }

  /** The keys in number order. */
  *keys(): IterableIterator<string> {
    for (let n = 0; n < this.size; n++) yield this.keyAt(n);
  }

  /**
   * The saved form: the keys' units and ends cut to those in use, and each number's hash, with
   * no table (a resume rebuilds it: `restored`). A function of the keys (and the seed) alone.
   */
  override trimmed(): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(copy, {
      seed: this.seed,
      size: this.size,
      units: this.units.slice(0, this.unitCount),
      unitCount: this.unitCount,
      ends: this.ends.slice(0, this.size),
      slots: new Int32Array(0),
      hashes: this.hashes.slice(0, this.size),
    });
    return copy;
  }

  /**
   * The table of a numbering restored from its saved form (`trimmed`), rebuilt from its hashes
   * before it is used; a saved form whose parts disagree is refused.
   */
  override restored(): void {
    const units = this.units as unknown;
    const n = this.size;
    if (
      !(units instanceof Uint8Array || units instanceof Uint16Array) ||
      !(this.ends instanceof Int32Array) ||
      !(this.hashes instanceof Int32Array) ||
      this.slots.length !== 0 ||
      this.hashes.length !== n ||
      this.ends.length !== n ||
      this.unitCount !== units.length ||
      typeof this.seed !== 'number' ||
      (n > 0 && this.ends[n - 1] !== units.length)
    )
      throw damaged();
    let size = 2 * FIRST_ROWS;
    while (size < 2 * n) size *= 2;
    const table = zeroed(Int32Array, 2 * size);
    const mask = size - 1;
    const hashes = this.hashes;
    for (let k = 0; k < n; k++) {
      let s = hashes[k]! & mask;
      while (table[2 * s + 1] !== 0) s = (s + 1) & mask;
      table[2 * s] = hashes[k]!;
      table[2 * s + 1] = k + 1;
    }
    this.slots = table;
    // hashes under another seed would miss every saved key, silently: the first and last tell
    if (n > 0 && (this.get(this.keyAt(0)) !== 0 || this.get(this.keyAt(n - 1)) !== n - 1))
      throw damaged();
  }

  /** Is `text.slice(from, to)` the key numbered `n`? Compared unit by unit where both stand. */
  private keyIs(n: number, text: string, from: number, to: number): boolean {
    const start = n === 0 ? 0 : this.ends[n - 1]!;
    if (this.ends[n]! - start !== to - from) return false;
    const units = this.units;
    const shift = start - from;
    for (let i = from; i < to; i++) if (units[shift + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  /**
   * Key `n`, `text.slice(from, to)`, its units after the others (two bytes each from the
   * first unit that needs two).
   */
  private append(n: number, text: string, from: number, to: number): void {
    if (n === this.ends.length) this.ends = widened(this.ends, 2 * n);
    const at = this.unitCount;
    const end = at + to - from;
    if (end > this.units.length) {
      const grown: Units =
        this.units instanceof Uint8Array
          ? new Uint8Array(roomFor(this.units.length, end))
          : new Uint16Array(roomFor(this.units.length, end));
      grown.set(this.units);
      this.units = grown;
    }
    let units = this.units;
    const shift = at - from;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c > 0xff && units instanceof Uint8Array) units = this.units = Uint16Array.from(units);
      units[shift + i] = c;
    }
    this.ends[n] = this.unitCount = end;
  }

  /** The table grown to `size` slots, its pairs placed again from `old`. */
  private place(size: number, old: Int32Array): void {
    const table = zeroed(Int32Array, 2 * size);
    const mask = size - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      let s = old[i]! & mask;
      while (table[2 * s + 1] !== 0) s = (s + 1) & mask;
      table[2 * s] = old[i]!;
      table[2 * s + 1] = old[i + 1]!;
    }
    this.slots = table;
  }
}

const damaged = (): SnapshotError =>
  new SnapshotError('CORRUPT', 'the directory state holds a damaged string numbering');
