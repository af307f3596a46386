/**
 * A Map's entries as saved in the directory part of the state: the keys in insertion order,
 * a sorted index over them, and the values in one tape, each decodable alone. A resumed engine
 * reads only the entries the new leaves touch (`LazyMap`), so a resume costs the bytes' reading
 * and MAC, not the rebuilding of hundreds of thousands of objects.
 */
import { SnapshotError } from './errors.js';
import { TapeReader } from './snapshot-decode.js';
import { Growth, TapeWriter, resizedBuffer } from './snapshot-encode.js';
import type { ClassRegistry, Tape } from './snapshot-format.js';

/** What is serialised: a handful of flat arrays and two strings. */
export interface EntryTable {
  /** The keys, joined; key i is `keys.slice(keyEnds[i - 1] ?? 0, keyEnds[i])`. */
  readonly keys: string;
  readonly keyEnds: Int32Array;
  /** Entry indices in key order (UTF-16 code units, as `<` compares strings). */
  readonly order: Int32Array;
  readonly values: Tape;
  /**
   * `startsPerEntry` integers per entry: where its value starts in `values` (op, string, and
   * when the tape holds doubles or bigints, double and bigint). An entry's ops end where the
   * next one's start.
   */
  readonly starts: Int32Array;
  readonly startsPerEntry: 2 | 4;
  /**
   * The values are the entries' positions (0, 1, 2…: a Map that numbers its keys in the order
   * it met them): `values` holds nothing and `starts` is empty, the position is the value.
   */
  readonly numbering: boolean;
}

/** The table of a Map whose keys are all strings, else undefined (then it is saved whole). */
export function entryTable(
  map: ReadonlyMap<unknown, unknown>,
  registry: ClassRegistry,
  name: string,
): EntryTable | undefined {
  const keys = keyColumn(map);
  if (keys === undefined) return undefined;
  const numbering = numbers(map);
  const { tape, starts, startsPerEntry } = TapeWriter.writeEntries(
    numbering ? [] : map.values(),
    registry,
    name,
    numbering ? 0 : map.size,
  );
  return {
    keys: keys.joined,
    keyEnds: keys.ends,
    order: keys.sorted ? identity(map.size) : sortedOrder([...map.keys()] as string[]),
    values: tape,
    starts,
    startsPerEntry,
    numbering,
  };
}

/** Whether each value is its entry's position (a Map numbering its keys in the order met). */
export function numbers(map: ReadonlyMap<unknown, unknown>): boolean {
  if (map.size === 0) return false;
  let i = 0;
  for (const v of map.values()) if (v !== i++) return false;
  return true;
}

/**
 * The keys of `map` joined, where each ends, and whether they came in key order, in one pass
 * over them (each key is read once, while it is in the cache); undefined if one is not a
 * string. The join is copied into a buffer of Latin-1 bytes first: the same one-byte string as
 * `keys.join('')`, made outside the heap, and no array of keys; a key beyond Latin-1 makes it
 * that join (two-byte).
 */
function keyColumn(
  map: ReadonlyMap<unknown, unknown>,
): { joined: string; ends: Int32Array; sorted: boolean } | undefined {
  // Arrays made at their size, and the keys' string outside the heap: on a large state every
  // array that grows is copied in the large-object space, whose growth calls full collections
  // of the whole heap while the state is saved.
  const ends = new Int32Array(map.size);
  const growth = new Growth(map.size);
  let bytes: Buffer = Buffer.allocUnsafe(1 << 16);
  let at = 0;
  let n = 0;
  let sorted = true;
  let latin1 = true;
  let previous = '';
  for (const k of map.keys()) {
    if (typeof k !== 'string') return undefined;
    if (n > 0 && !(previous < k)) sorted = false;
    previous = k;
    if (at + k.length > bytes.length) {
      growth.done = n;
      bytes = resizedBuffer(bytes, growth.capacity(bytes.length, at + k.length), at);
    }
    for (let i = 0; i < k.length; i++) {
      const c = k.charCodeAt(i);
      if (c > 255) latin1 = false;
      bytes[at + i] = c;
    }
    ends[n++] = at += k.length;
  }
  const joined = latin1 ? bytes.toString('latin1', 0, at) : [...map.keys()].join('');
  return { joined, ends, sorted };
}

const identity = (n: number): Int32Array => {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
};

/**
 * Entry indices in key order, by UTF-16 code unit as `<` compares (keys are unique: no tie to
 * break). A multikey quicksort (Bentley and Sedgewick, "Fast algorithms for sorting and
 * searching strings", 1997): it partitions on one character at a time, so the long prefix ids
 * share is not compared again at every step, and calls no comparator (an Array's sort with one
 * took ~1.5 times as long on the tickets of a large state, whose keys come in no useful order).
 */
function sortedOrder(keys: readonly string[]): Int32Array {
  const order = identity(keys.length);
  const at = (i: number, d: number): number => {
    const k = keys[order[i]!]!;
    return d < k.length ? k.charCodeAt(d) : -1;
  };
  // ranges left to sort: start, end, and the depth from which their keys may differ
  const ranges = [0, keys.length, 0];
  while (ranges.length > 0) {
    let d = ranges.pop()!;
    let hi = ranges.pop()!;
    let lo = ranges.pop()!;
    while (hi - lo > SMALL_RANGE) {
      const p = median(at(lo, d), at((lo + hi) >>> 1, d), at(hi - 1, d));
      // [lo, lt) below the pivot's character, [lt, gt] equal to it, (gt, hi) above
      let lt = lo;
      let gt = hi - 1;
      for (let i = lo; i <= gt;) {
        const c = at(i, d);
        if (c < p) swap(order, lt++, i++);
        else if (c > p) swap(order, i, gt--);
        else i++;
      }
      ranges.push(lo, lt, d, gt + 1, hi, d);
      if (p < 0) break; // the keys that end here: one at most
      lo = lt;
      hi = gt + 1;
      d++;
    }
    if (hi - lo <= SMALL_RANGE) insertionSort(keys, order, lo, hi);
  }
  return order;
}

/** Ranges this short are sorted by comparing whole keys. */
const SMALL_RANGE = 12;

function insertionSort(keys: readonly string[], order: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = order[i]!;
    const k = keys[x]!;
    let j = i;
    for (; j > lo && keys[order[j - 1]!]! > k; j--) order[j] = order[j - 1]!;
    order[j] = x;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

const median = (a: number, b: number, c: number): number =>
  a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Read access to an `EntryTable`: look a key up, decode one value. Checks what it reads. */
export class SavedEntries {
  readonly size: number;
  private readonly read: ReturnType<typeof TapeReader.cursor>;
  private readonly width: 2 | 4;
  private readonly numbering: boolean;
  private readonly opCount: number;

  constructor(
    private readonly table: EntryTable,
    registry: ClassRegistry,
  ) {
    const t = table as Partial<EntryTable>;
    const n = t.keyEnds?.length ?? -1;
    if (
      typeof t.keys !== 'string' ||
      !(t.keyEnds instanceof Int32Array) ||
      !(t.order instanceof Int32Array) ||
      !(t.starts instanceof Int32Array) ||
      (t.startsPerEntry !== 2 && t.startsPerEntry !== 4) ||
      typeof t.numbering !== 'boolean' ||
      t.order.length !== n ||
      t.starts.length !== (t.numbering ? 0 : t.startsPerEntry * n) ||
      (n > 0 && t.keyEnds[n - 1] !== t.keys.length)
    )
      throw damaged();
    this.size = n;
    this.numbering = t.numbering;
    this.width = t.startsPerEntry;
    this.read = TapeReader.cursor(table.values, registry);
    // Two integers per entry say the double and bigint starts are 0: true only of a tape
    // with none (else an entry would read another's doubles).
    if (this.width === 2 && (table.values.doubles.length > 0 || table.values.bigints.length > 0))
      throw damaged();
    this.opCount = table.values.ops.length;
    if (this.numbering && this.opCount > 0) throw damaged();
  }

  keyAt(i: number): string {
    return this.table.keys.slice(i === 0 ? 0 : this.table.keyEnds[i - 1], this.table.keyEnds[i]);
  }

  /** The entry index of `key`, or -1 (binary search over the sorted index). */
  find(key: string): number {
    const order = this.table.order;
    let lo = 0;
    let hi = order.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const i = order[mid]!;
      const c = compare(this.keyAt(i), key);
      if (c === 0) return i;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  valueAt(i: number): unknown {
    if (this.numbering) return i;
    const s = this.table.starts;
    const w = this.width;
    const at = w * i;
    const end = i + 1 < this.size ? s[at + w]! : this.opCount;
    return w === 2
      ? this.read(s[at]!, end, s[at + 1]!, 0, 0)
      : this.read(s[at]!, end, s[at + 1]!, s[at + 2]!, s[at + 3]!);
  }
}

const damaged = (): SnapshotError =>
  new SnapshotError('CORRUPT', 'the directory state holds a damaged entry table');
