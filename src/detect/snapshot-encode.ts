/**
 * Flattens an object graph into a tape (`snapshot-format.ts`). Everything it cannot restore
 * faithfully is refused here, at snapshot time, never discovered after a restore: functions
 * and closures, symbols, instances of classes outside the registry, accessors, non-enumerable
 * or symbol-keyed properties, weak collections, proxies. Shared references and cycles are kept
 * (a second visit is a `REF` to the first).
 */
import { types } from 'node:util';
import { SnapshotError } from './errors.js';
import {
  FLAG,
  NULL_PROTO,
  OP,
  PLAIN,
  TAPE_FORMAT,
  TYPED_ARRAYS,
  type ClassRegistry,
  type Tape,
} from './snapshot-format.js';
import { pathTo } from './snapshot-path.js';

/** Thrown inside the walk; turned into a `SnapshotError` naming the path once the walk is over. */
class Refusal extends Error {
  constructor(
    readonly value: unknown,
    readonly what: string,
  ) {
    super(what);
  }
}

/**
 * A node of the trie of keys (a shape is a path from a class's root). Most nodes have one
 * child: it is kept in `key`/`child`, looked up by identity (keys from `for…in` are the same
 * internalised strings), and the rest, rare, in `more`.
 */
interface ShapeNode {
  id: number;
  key: string | undefined;
  child: ShapeNode | undefined;
  more: Map<string, ShapeNode> | undefined;
}

const shapeNode = (): ShapeNode => ({ id: -1, key: undefined, child: undefined, more: undefined });

function childOf(node: ShapeNode, k: string): ShapeNode {
  if (node.key === k) return node.child!;
  if (node.key === undefined) {
    node.key = k;
    return (node.child = shapeNode());
  }
  node.more ??= new Map();
  let next = node.more.get(k);
  if (!next) node.more.set(k, (next = shapeNode()));
  return next;
}

/**
 * Objects met in the value being written, by ordinal: the first few in a list searched by
 * identity (an entry of a table holds a handful: no hash to make for each object, no table to
 * clear between entries), the rest in a Map once there are more.
 */
const SEEN_LIST = 16;

const TYPED_KIND = new Map<object, number>(TYPED_ARRAYS.map((c, i) => [c.prototype, i]));

/**
 * How the tape's buffers grow. They live outside the heap, and V8 answers each ~64 MB allocated
 * there with a full collection of the whole heap (~0.3 s on a large state): doubling from a
 * small start allocates every buffer about twice over and copies it as often. An entry tape
 * knows how many entries it will hold (and an entry table how many keys: `saved-entries.ts`),
 * so once some are written, what they took foretells the whole (with a little to spare) and a
 * buffer grows about once, to about its final size.
 */
export class Growth {
  /** Entries written so far. */
  done = 0;

  /** `total`: how many entries the tape will hold, or undefined (then a buffer doubles). */
  constructor(private readonly total: number | undefined) {}

  /** The capacity to give a buffer of `current` elements that must hold `needed`. */
  capacity(current: number, needed: number): number {
    if (this.total === undefined || this.done === 0) return Math.max(2 * current, needed);
    const foretold = Math.ceil((needed / this.done) * this.total * 1.05);
    // not less than a quarter more (a foretelling that falls short again and again would copy
    // as often as doubling), nor more than 16 times (the first entries may be the largest)
    return Math.max(needed, Math.min(Math.max(foretold, current + (current >> 2)), 16 * current));
  }
}

/** Whether `n` fits in an Int16 op. */
const fitsInt16 = (n: number): boolean => n === (n << 16) >> 16;

type Column = Int16Array | Int32Array | Uint8Array | Uint16Array | Float64Array;

/** A new array of `size` elements, of the kind `make` makes, holding the first `used` of `from`. */
function resized<T extends Column>(
  make: new (size: number) => T,
  size: number,
  from: Column,
  used: number,
): T {
  const to = new make(size);
  to.set(from.subarray(0, used));
  return to;
}

/** A new buffer of `size` bytes holding the first `used` of `from` (the rest not cleared). */
export function resizedBuffer(from: Buffer, size: number, used: number): Buffer<ArrayBuffer> {
  const to = Buffer.allocUnsafe(size);
  from.copy(to, 0, 0, used);
  return to;
}

export class TapeWriter {
  /**
   * Int32, or for an entry tape Int16 while every op fits: written narrow from the start, an
   * entry tape's ops are never held twice (wide, then narrowed).
   */
  private ops: Int32Array | Int16Array;
  private narrow: boolean;
  private length = 0;
  private doubles = new Float64Array(1 << 12);
  private doubleCount = 0;
  private readonly strings: StringSink;
  private readonly bigints: bigint[] = [];
  private readonly buffers: ArrayBuffer[] = [];
  private readonly bufferIndex = new Map<ArrayBuffer, number>();
  /** The first `SEEN_LIST` objects met (ordinal: index), then `seenMap` holds them all. */
  private readonly seenList: object[] = [];
  private seenCount = 0;
  private seenMap: Map<object, number> | undefined;
  private readonly shapes: Tape['shapes'] = [];
  private readonly shapeRoots = new Map<number, ShapeNode>();
  private readonly plainRoot = shapeNode();
  private readonly classes: string[] = [];
  private readonly classIndex = new Map<object, number>();
  private readonly registered: Map<object, string>;

  /** `growth`: an entry tape's (its ops and string lengths are then as narrow as they fit). */
  constructor(
    registry: ClassRegistry,
    private readonly externals: ReadonlyMap<object, number> | undefined = undefined,
    private readonly growth = new Growth(undefined),
    entries = false,
  ) {
    if (externals?.size === 0) this.externals = undefined;
    this.narrow = entries;
    this.ops = entries ? new Int16Array(1 << 16) : new Int32Array(1 << 16);
    this.strings = new StringSink(growth, entries);
    this.registered = new Map(
      Object.entries(registry).map(([name, c]) => [c.prototype as object, name]),
    );
  }

  /**
   * The tape of `root`; throws `SnapshotError('NOT_SNAPSHOTTABLE')` naming the path of a refusal.
   * Objects in `externals` are written as their index (`OP.EXTERNAL`), not walked.
   */
  static write(
    root: unknown,
    registry: ClassRegistry,
    rootName = 'state',
    externals?: ReadonlyMap<object, number>,
  ): Tape {
    const writer = new TapeWriter(registry, externals);
    try {
      writer.value(root);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      const path = pathTo(root, error.value, rootName) ?? `${rootName} (path not found)`;
      throw new SnapshotError(
        'NOT_SNAPSHOTTABLE',
        `cannot snapshot the detection state: ${error.what} at ${path}. Keep engine state as data (plain objects, arrays, Map, Set, typed arrays, Date, instances of classes listed in src/detect/snapshot.ts): make functions methods, register new classes`,
      );
    }
    return writer.finish();
  }

  /**
   * One tape holding each of `values` on its own (no reference crosses from one to another: a
   * value shared by two is written twice), and where each starts, so that `TapeReader.cursor`
   * can decode any one alone: `startsPerEntry` integers per value, op, string, double and
   * bigint, or when the tape holds no double and no bigint (most tables), op and string only
   * (the others are 0 for every entry). Its ops are Int16 when they all fit, its string lengths
   * as narrow as the longest allows. `count`: how many values there are, when known (the
   * buffers are then sized from the first entries instead of doubling).
   */
  static writeEntries(
    values: Iterable<unknown>,
    registry: ClassRegistry,
    rootName = 'state',
    count?: number,
  ): { tape: Tape; starts: Int32Array; startsPerEntry: 2 | 4 } {
    const growth = new Growth(count);
    const writer = new TapeWriter(registry, undefined, growth, true);
    const starts = new EntryStarts(count ?? 1 << 11, growth);
    for (const v of values) {
      starts.add(writer.length, writer.strings.count, writer.doubleCount, writer.bigints.length);
      writer.forget();
      try {
        writer.value(v);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        throw new SnapshotError(
          'NOT_SNAPSHOTTABLE',
          `cannot snapshot the detection state: ${error.what} in an entry of ${rootName}`,
        );
      }
      growth.done++;
    }
    const tape = writer.finish(true);
    if (tape.doubles.length > 0 || tape.bigints.length > 0)
      return { tape, starts: starts.fourPerEntry(), startsPerEntry: 4 };
    return { tape, starts: starts.twoPerEntry(), startsPerEntry: 2 };
  }

  private finish(withLengths = false): Tape {
    return {
      format: TAPE_FORMAT,
      ops: this.ops.subarray(0, this.length),
      ...this.strings.finish(withLengths),
      doubles: this.doubles.subarray(0, this.doubleCount),
      bigints: this.bigints,
      buffers: this.buffers,
      shapes: this.shapes,
      classes: this.classes,
    };
  }

  private op(n: number): void {
    if (this.length === this.ops.length || (this.narrow && !fitsInt16(n))) this.makeRoom(n);
    this.ops[this.length++] = n;
  }

  /** Writes `n` over the op at `at` (written before as a placeholder). */
  private patch(at: number, n: number): void {
    if (this.narrow && !fitsInt16(n)) this.widen(this.ops.length);
    this.ops[at] = n;
  }

  /** Room for one more op, `n`: a bigger buffer, or a wider one if `n` does not fit. */
  private makeRoom(n: number): void {
    const size =
      this.length === this.ops.length
        ? this.growth.capacity(this.ops.length, this.length + 1)
        : this.ops.length;
    if (this.narrow && !fitsInt16(n)) return this.widen(size);
    this.ops = resized<Int16Array | Int32Array>(
      this.narrow ? Int16Array : Int32Array,
      size,
      this.ops,
      this.length,
    );
  }

  private widen(size: number): void {
    this.ops = resized(Int32Array, size, this.ops, this.length);
    this.narrow = false;
  }

  private double(n: number): void {
    if (this.doubleCount === this.doubles.length) {
      const size = this.growth.capacity(this.doubles.length, this.doubleCount + 1);
      this.doubles = resized(Float64Array, size, this.doubles, this.doubleCount);
    }
    this.doubles[this.doubleCount++] = n;
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.op(OP.STR);
        this.strings.add(v);
        return;
      case 'number':
        if ((v | 0) === v && !Object.is(v, -0)) {
          this.op(OP.INT);
          this.op(v);
        } else {
          this.op(OP.NUM);
          this.double(v);
        }
        return;
      case 'boolean':
        return this.op(v ? OP.TRUE : OP.FALSE);
      case 'undefined':
        return this.op(OP.UNDEFINED);
      case 'bigint':
        this.op(OP.BIGINT);
        this.bigints.push(v);
        return;
      case 'object':
        if (v === null) return this.op(OP.NULL);
        return this.object(v);
      case 'function':
        throw new Refusal(v, `a function (${describeFunction(v)})`);
      default:
        throw new Refusal(v, `a ${typeof v}`);
    }
  }

  private object(o: object): void {
    if (this.externals !== undefined) {
      const external = this.externals.get(o);
      if (external !== undefined) {
        this.op(OP.EXTERNAL);
        this.op(external);
        return;
      }
    }
    const ordinal = this.meet(o);
    if (ordinal >= 0) {
      this.op(OP.REF);
      this.op(ordinal);
      return;
    }
    const proto = Object.getPrototypeOf(o) as object | null;
    if (proto === Object.prototype || proto === null) return this.record(o, proto);
    if (proto === Array.prototype) return this.array(o as unknown[], PLAIN);
    if (proto === Map.prototype) return this.map(o as Map<unknown, unknown>, PLAIN);
    if (proto === Set.prototype) return this.set(o as Set<unknown>, PLAIN);
    if (proto === Date.prototype) return this.date(o as Date);
    const kind = TYPED_KIND.get(proto);
    if (kind !== undefined) return this.view(o as ArrayBufferView, kind);
    const cls = this.classOf(o, proto);
    if (Array.isArray(o)) return this.array(o, cls);
    if (types.isMap(o)) return this.map(o, cls);
    if (types.isSet(o)) return this.set(o, cls);
    return this.record(o, proto, cls);
  }

  /** The ordinal of `o` if it was met before, else -1 (and it is met now: the next ordinal). */
  private meet(o: object): number {
    const n = this.seenCount;
    if (this.seenMap === undefined) {
      const list = this.seenList;
      for (let i = 0; i < n; i++) if (list[i] === o) return i;
      if (n < SEEN_LIST) {
        list[n] = o;
        this.seenCount = n + 1;
        return -1;
      }
      this.seenMap = new Map();
      for (let i = 0; i < n; i++) this.seenMap.set(list[i]!, i);
    }
    const ordinal = this.seenMap.get(o);
    if (ordinal !== undefined) return ordinal;
    this.seenMap.set(o, n);
    this.seenCount = n + 1;
    return -1;
  }

  /** Forgets the objects met: what follows is a value of its own. */
  private forget(): void {
    this.seenCount = 0;
    this.seenMap = undefined;
  }

  private classOf(o: object, proto: object): number {
    const known = this.classIndex.get(proto);
    if (known !== undefined) return known;
    const name = this.registered.get(proto);
    if (name === undefined || types.isProxy(o))
      throw new Refusal(o, `an instance of ${nameOf(proto)}, a class not in the snapshot registry`);
    this.classIndex.set(proto, this.classes.length);
    this.classes.push(name);
    return this.classes.length - 1;
  }

  /**
   * An object: `OBJ shape flags` and its values. Keys come from `for…in` (no array per object);
   * the checks that need descriptors run once per shape, and for every class instance.
   */
  private record(o: object, proto: object | null, cls = proto === null ? NULL_PROTO : PLAIN): void {
    this.op(OP.OBJ);
    const shapeAt = this.length;
    this.op(0);
    this.op(integrity(o));
    let node = cls === PLAIN ? this.plainRoot : this.shapeRoot(cls);
    const r = o as Record<string, unknown>;
    for (const k in r) {
      node = childOf(node, k);
      this.value(r[k]);
    }
    if (node.id < 0 || cls !== PLAIN) this.checkShape(o, cls, node);
    this.patch(shapeAt, node.id);
  }

  private shapeRoot(cls: number): ShapeNode {
    let node = this.shapeRoots.get(cls);
    if (!node) this.shapeRoots.set(cls, (node = shapeNode()));
    return node;
  }

  /** What objects of one shape share: no accessor, no hidden or symbol key, no proxy. */
  private checkShape(o: object, cls: number, node: ShapeNode): void {
    if (types.isProxy(o)) throw new Refusal(o, 'a proxy');
    const keys = Object.keys(o);
    if (Object.getOwnPropertyNames(o).length !== keys.length)
      throw new Refusal(o, 'an object with a non-enumerable property');
    if (Object.getOwnPropertySymbols(o).length > 0)
      throw new Refusal(o, 'an object with a symbol-keyed property');
    for (const k of keys) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d?.get || d?.set) throw new Refusal(o, `an accessor property '${k}'`);
    }
    if (node.id < 0) {
      node.id = this.shapes.length;
      this.shapes.push({ cls, keys });
    }
  }

  private array(a: unknown[], cls: number): void {
    this.op(OP.ARR);
    this.op(cls);
    this.op(integrity(a));
    this.op(a.length);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (v === undefined && !(i in a)) this.op(OP.HOLE);
      else this.value(v);
    }
  }

  private map(m: Map<unknown, unknown>, cls: number): void {
    if (Object.keys(m).length > 0) throw new Refusal(m, 'a Map with properties of its own');
    this.op(OP.MAP);
    this.op(cls);
    this.op(m.size);
    // for…of, not forEach: no closure called per entry (~10 % of a table of Maps of arrays)
    for (const [k, v] of m) {
      this.value(k);
      this.value(v);
    }
  }

  private set(s: Set<unknown>, cls: number): void {
    if (Object.keys(s).length > 0) throw new Refusal(s, 'a Set with properties of its own');
    this.op(OP.SET);
    this.op(cls);
    this.op(s.size);
    for (const v of s) this.value(v);
  }

  private date(d: Date): void {
    if (Object.keys(d).length > 0) throw new Refusal(d, 'a Date with properties of its own');
    this.op(OP.DATE);
    this.double(d.getTime());
  }

  private view(v: ArrayBufferView, kind: number): void {
    if (types.isSharedArrayBuffer(v.buffer)) throw new Refusal(v, 'a view of a SharedArrayBuffer');
    let buffer = this.bufferIndex.get(v.buffer);
    if (buffer === undefined) {
      buffer = this.buffers.length;
      this.bufferIndex.set(v.buffer, buffer);
      this.buffers.push(v.buffer);
    }
    this.op(OP.VIEW);
    this.op(kind);
    this.op(buffer);
    this.op(v.byteOffset);
    this.op(v.byteLength / TYPED_ARRAYS[kind]!.BYTES_PER_ELEMENT);
  }
}

/**
 * Where each entry of an entry tape starts: op and string in one array, double and bigint in
 * another made only once one of them is not 0 (most tables hold neither: their starts are the
 * first array alone, no copy).
 */
class EntryStarts {
  private pairs: Int32Array;
  private more: Int32Array | undefined;
  private n = 0;

  constructor(
    expected: number,
    private readonly growth: Growth,
  ) {
    this.pairs = new Int32Array(2 * Math.max(expected, 1));
  }

  add(op: number, string: number, double: number, bigint: number): void {
    const at = 2 * this.n++;
    if (at + 2 > this.pairs.length) this.grow();
    this.pairs[at] = op;
    this.pairs[at + 1] = string;
    if (double === 0 && bigint === 0) return;
    this.more ??= new Int32Array(this.pairs.length);
    this.more[at] = double;
    this.more[at + 1] = bigint;
  }

  private grow(): void {
    // two integers per entry: an even size (a count given too small may foretell an odd one)
    const wanted = this.growth.capacity(this.pairs.length, this.pairs.length + 2);
    const size = wanted + (wanted & 1);
    this.pairs = resized(Int32Array, size, this.pairs, this.pairs.length);
    if (this.more !== undefined) this.more = resized(Int32Array, size, this.more, this.more.length);
  }

  twoPerEntry(): Int32Array {
    return this.pairs.subarray(0, 2 * this.n);
  }

  fourPerEntry(): Int32Array {
    const starts = new Int32Array(4 * this.n);
    const { pairs, more } = this;
    for (let i = 0; i < this.n; i++) {
      starts[4 * i] = pairs[2 * i]!;
      starts[4 * i + 1] = pairs[2 * i + 1]!;
      starts[4 * i + 2] = more?.[2 * i] ?? 0;
      starts[4 * i + 3] = more?.[2 * i + 1] ?? 0;
    }
    return starts;
  }
}

/**
 * The tape's strings, copied as they are met into one buffer of Latin-1 bytes: a string's
 * characters are read while it is in the cache, and the millions of small strings are neither
 * kept in an array nor joined afterwards (that second pass was most of an encoding's time).
 * The string it makes is the join of them all, as `Tape.strings` says, and V8 writes it as the
 * same bytes (a one-byte string). Once a string holds a character beyond Latin-1 the rest are
 * kept as strings and joined (the join is then a two-byte string, as it was).
 */
class StringSink {
  private bytes = Buffer.allocUnsafe(1 << 16);
  private end = 0;
  /** Int32, or (`narrow`) the narrowest of Uint8, Uint16 and Int32 that holds every length. */
  private lengths: Int32Array | Uint16Array | Uint8Array;
  /** The longest length `lengths` holds. */
  private longest: number;
  /** How many strings were added. */
  count = 0;
  private nul = false;
  /** The strings from the first one beyond Latin-1 on. */
  private wide: string[] | undefined;

  constructor(
    private readonly growth: Growth,
    narrow: boolean,
  ) {
    this.lengths = narrow ? new Uint8Array(1 << 12) : new Int32Array(1 << 12);
    this.longest = narrow ? 0xff : 2 ** 31 - 1;
  }

  add(s: string): void {
    const n = s.length;
    if (this.count === this.lengths.length || n > this.longest) this.makeRoom(n);
    this.lengths[this.count++] = n;
    if (this.wide !== undefined) {
      this.wide.push(s);
      if (s.includes('\0')) this.nul = true;
      return;
    }
    if (this.end + n > this.bytes.length) {
      const size = this.growth.capacity(this.bytes.length, this.end + n);
      this.bytes = resizedBuffer(this.bytes, size, this.end);
    }
    const b = this.bytes;
    const at = this.end;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // c is 0, or beyond Latin-1 (both rare)
      if ((c - 1) >>> 0 >= 255) {
        if (c === 0) this.nul = true;
        else {
          this.wide = [s];
          if (s.includes('\0')) this.nul = true;
          return;
        }
      }
      b[at + i] = c;
    }
    this.end = at + n;
  }

  /** Room for one more length, `n`: a bigger array, or a wider one if `n` does not fit. */
  private makeRoom(n: number): void {
    const size =
      this.count === this.lengths.length
        ? this.growth.capacity(this.lengths.length, this.count + 1)
        : this.lengths.length;
    if (n > this.longest) this.longest = n <= 0xffff ? 0xffff : 2 ** 31 - 1;
    const kind =
      this.longest === 0xff ? Uint8Array : this.longest === 0xffff ? Uint16Array : Int32Array;
    this.lengths = resized<Uint8Array | Uint16Array | Int32Array>(
      kind,
      size,
      this.lengths,
      this.count,
    );
  }

  /**
   * The strings joined by NUL, or (`withLengths`, when one holds a NUL, and for none at all:
   * '' splits into one string) joined with nothing between, and their lengths.
   */
  finish(withLengths: boolean): Pick<Tape, 'strings' | 'stringLengths'> {
    const count = this.count;
    const lengths = this.lengths.subarray(0, count);
    if (withLengths || count === 0 || this.nul)
      return { strings: this.latin1() + (this.wide?.join('') ?? ''), stringLengths: lengths };
    if (this.wide !== undefined) {
      const latin1 = this.latin1();
      const pieces: string[] = [];
      for (let i = 0, at = 0; i < count - this.wide.length; at += lengths[i++]!)
        pieces.push(latin1.slice(at, at + lengths[i]!));
      return { strings: [...pieces, ...this.wide].join('\0'), stringLengths: undefined };
    }
    const joined = Buffer.allocUnsafe(this.end + count - 1);
    const b = this.bytes;
    let from = 0;
    let to = 0;
    for (let i = 0; i < count; i++) {
      if (i > 0) joined[to++] = 0;
      const end = from + lengths[i]!;
      while (from < end) joined[to++] = b[from++]!;
    }
    return { strings: joined.toString('latin1'), stringLengths: undefined };
  }

  private latin1(): string {
    return this.bytes.toString('latin1', 0, this.end);
  }
}

function integrity(o: object): number {
  if (Object.isExtensible(o)) return 0;
  if (Object.isFrozen(o)) return FLAG.FROZEN;
  return Object.isSealed(o) ? FLAG.SEALED : FLAG.NOT_EXTENSIBLE;
}

function nameOf(proto: object): string {
  const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'an anonymous class';
}

function describeFunction(f: object): string {
  const name = (f as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : 'anonymous: a closure';
}
