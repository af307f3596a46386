/**
 * Rebuilds the graph a tape describes (`snapshot-format.ts`). Registered classes are restored
 * without their constructors: `Object.create(prototype)` and the own fields as they were
 * (`Reflect.construct` with the class as new.target for subclasses of Array, Map and Set).
 * Every index is checked: a damaged tape is a `SnapshotError('CORRUPT')`, never a wrong graph.
 */
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

/** A tape's strings by index: the split list, or slices of the joined string (`StringSlices`). */
export interface Strings {
  readonly length: number;
  at(i: number): string | undefined;
}

export class TapeReader {
  /**
   * The ops read, always Int32 (one element kind: the reading stays monomorphic): the tape's,
   * or for an Int16 entry tape a copy of the entry being read. Read up to `end`.
   */
  private ops: Int32Array;
  private end: number;
  private at = 0;
  private stringAt = 0;
  private readonly strings: Strings;
  private doubleAt = 0;
  private bigintAt = 0;
  private readonly objects: unknown[] = [];
  private readonly prototypes: (object | null)[];
  private readonly classes: (abstract new (...args: never[]) => unknown)[];

  private constructor(
    private readonly tape: Tape,
    registry: ClassRegistry,
    private readonly externals: readonly unknown[],
    strings?: Strings,
  ) {
    this.classes = tape.classes.map((name) => {
      const c = Object.hasOwn(registry, name) ? registry[name] : undefined;
      if (c === undefined)
        throw new SnapshotError('UNKNOWN_CLASS', `the snapshot holds a class ${name} unknown here`);
      return c;
    });
    this.prototypes = this.classes.map((c) => c.prototype as object);
    this.strings = strings ?? splitStrings(tape);
    this.ops = tape.ops instanceof Int32Array ? tape.ops : new Int32Array(64);
    this.end = tape.ops.length;
  }

  /** The graph of `tape`; `externals[i]` stands for the tape's `EXTERNAL i`. */
  static read(tape: Tape, registry: ClassRegistry, externals: readonly unknown[] = []): unknown {
    checkTape(tape);
    if (!(tape.ops instanceof Int32Array)) corrupt('a whole tape with ops other than Int32');
    const reader = new TapeReader(tape, registry, externals);
    const root = reader.value();
    if (reader.at !== tape.ops.length) corrupt('ops left over after the root');
    return root;
  }

  /**
   * A reader of single values anywhere in `tape` (`TapeWriter.writeEntries`): `read(op, end,
   * string, double, bigint)` decodes the value whose ops are [op, end) and whose strings,
   * doubles and bigints start at those positions, alone. For entries decoded on demand:
   * nothing else of the tape is touched (an Int16 entry's ops are copied as Int32 first).
   */
  static cursor(
    tape: Tape,
    registry: ClassRegistry,
  ): (op: number, end: number, string: number, double: number, bigint: number) => unknown {
    checkTape(tape);
    const reader = new TapeReader(tape, registry, [], new StringSlices(tape));
    const ops = tape.ops;
    // Two closures, one per kind of ops: each reads one element kind only.
    if (ops instanceof Int32Array)
      return (op, end, string, double, bigint) => {
        if (op < 0 || end <= op || end > ops.length) corrupt(`an entry at op ${op}`);
        reader.at = op;
        return reader.entry(end, string, double, bigint);
      };
    return (op, end, string, double, bigint) => {
      if (op < 0 || end <= op || end > ops.length) corrupt(`an entry at op ${op}`);
      if (reader.ops.length < end - op) reader.ops = new Int32Array(2 * (end - op));
      // a loop, not `set(subarray)`: for a few dozen ops the call and the view cost more
      const into = reader.ops;
      for (let i = op; i < end; i++) into[i - op] = ops[i]!;
      reader.at = 0;
      return reader.entry(end - op, string, double, bigint);
    };
  }

  /** The value from `at` to `end`, its strings, doubles and bigints from those positions. */
  private entry(end: number, string: number, double: number, bigint: number): unknown {
    if (string < 0 || double < 0 || bigint < 0) corrupt(`an entry at op ${this.at}`);
    this.end = end;
    this.stringAt = string;
    this.doubleAt = double;
    this.bigintAt = bigint;
    this.objects.length = 0; // an entry's references are its own
    const value = this.value();
    if (this.at !== end) corrupt(`ops left over after the entry at op ${this.at}`);
    return value;
  }

  private op(): number {
    if (this.at >= this.end) corrupt('the ops end early');
    return this.ops[this.at++]!;
  }

  private count(): number {
    const n = this.op();
    if (n < 0 || n > this.end) corrupt(`a count of ${n}`);
    return n;
  }

  private value(): unknown {
    const op = this.op();
    switch (op) {
      case OP.STR:
        if (this.stringAt >= this.strings.length) corrupt('more strings than the tape holds');
        return this.strings.at(this.stringAt++)!;
      case OP.INT:
        return this.op();
      case OP.NUM:
        return this.next(this.tape.doubles, this.doubleAt++, 'double');
      case OP.TRUE:
        return true;
      case OP.FALSE:
        return false;
      case OP.NULL:
        return null;
      case OP.UNDEFINED:
        return undefined;
      case OP.BIGINT:
        return this.next(this.tape.bigints, this.bigintAt++, 'bigint');
      case OP.REF: {
        const i = this.op();
        if (i < 0 || i >= this.objects.length) corrupt(`a reference to object ${i}`);
        return this.objects[i];
      }
      case OP.EXTERNAL: {
        const i = this.op();
        if (i < 0 || i >= this.externals.length) corrupt(`a reference to external object ${i}`);
        return this.externals[i];
      }
      case OP.OBJ:
        return this.record();
      case OP.ARR:
        return this.array();
      case OP.MAP:
        return this.map();
      case OP.SET:
        return this.set();
      case OP.DATE:
        return this.keep(new Date(this.next(this.tape.doubles, this.doubleAt++, 'double')));
      case OP.VIEW:
        return this.view();
      default:
        return corrupt(`op ${op} at ${this.at - 1}`);
    }
  }

  private next<T>(list: ArrayLike<T>, i: number, what: string): T {
    if (i >= list.length) corrupt(`more ${what}s than the tape holds`);
    return list[i]!;
  }

  private keep<T>(o: T): T {
    this.objects.push(o);
    return o;
  }

  private record(): object {
    const shape = this.tape.shapes[this.op()] ?? corrupt('an unknown shape');
    const flags = this.op();
    const o = this.keep(
      (shape.cls === PLAIN ? {} : Object.create(this.prototypeOf(shape.cls))) as Record<
        string,
        unknown
      >,
    );
    for (const k of shape.keys) {
      const v = this.value();
      // An own `__proto__` (JSON.parse makes them) must stay a property, not become the prototype.
      if (k === '__proto__')
        Object.defineProperty(o, k, {
          value: v,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      else o[k] = v;
    }
    return seal(o, flags);
  }

  private prototypeOf(cls: number): object | null {
    if (cls === PLAIN) return Object.prototype;
    if (cls === NULL_PROTO) return null;
    const proto = this.prototypes[cls];
    return proto === undefined ? corrupt(`an unknown class ${cls}`) : proto;
  }

  private construct<T extends object>(base: new () => T, cls: number): T {
    if (cls === PLAIN) return new base();
    const c = this.classes[cls] ?? corrupt(`an unknown class ${cls}`);
    return Reflect.construct(base, [], c as unknown as new () => T);
  }

  private array(): unknown[] {
    const a = this.keep(this.construct(Array<unknown>, this.op()));
    const flags = this.op();
    const n = this.count();
    for (let i = 0; i < n; i++) {
      if (this.at < this.end && this.ops[this.at] === OP.HOLE) {
        this.at++;
        a.length = i + 1;
      } else a.push(this.value());
    }
    return seal(a, flags);
  }

  private map(): Map<unknown, unknown> {
    const m = this.keep(this.construct(Map<unknown, unknown>, this.op()));
    const n = this.count();
    for (let i = 0; i < n; i++) {
      const k = this.value();
      m.set(k, this.value());
    }
    return m;
  }

  private set(): Set<unknown> {
    const s = this.keep(this.construct(Set<unknown>, this.op()));
    const n = this.count();
    for (let i = 0; i < n; i++) s.add(this.value());
    return s;
  }

  private view(): ArrayBufferView {
    const kind = TYPED_ARRAYS[this.op()] ?? corrupt('an unknown typed array kind');
    const buffer = this.tape.buffers[this.op()] ?? corrupt('an unknown buffer');
    const offset = this.op();
    const length = this.op();
    if (offset < 0 || length < 0 || offset + length * kind.BYTES_PER_ELEMENT > buffer.byteLength)
      corrupt('a typed array beyond its buffer');
    return this.keep(new kind(buffer, offset, length));
  }
}

/** The strings of a tape written with their lengths, sliced out one at a time when asked for. */
class StringSlices implements Strings {
  private readonly ends: Int32Array;
  readonly length: number;

  constructor(private readonly tape: Tape) {
    const lengths = tape.stringLengths ?? corrupt('an entry tape without string lengths');
    this.length = lengths.length;
    this.ends = new Int32Array(lengths.length + 1);
    for (let i = 0; i < lengths.length; i++) {
      const n = lengths[i]!;
      if (n < 0) corrupt('a negative string length');
      this.ends[i + 1] = this.ends[i]! + n;
    }
    if (this.ends[lengths.length]! > tape.strings.length)
      corrupt('a string beyond the joined strings');
  }

  at(i: number): string | undefined {
    return i < this.length ? this.tape.strings.slice(this.ends[i], this.ends[i + 1]) : undefined;
  }
}

function splitStrings(tape: Tape): string[] {
  if (tape.stringLengths === undefined) return tape.strings.split('\0');
  const out: string[] = [];
  let at = 0;
  for (const n of tape.stringLengths) {
    if (n < 0 || at + n > tape.strings.length) corrupt('a string beyond the joined strings');
    out.push(tape.strings.slice(at, at + n));
    at += n;
  }
  return out;
}

function seal<T extends object>(o: T, flags: number): T {
  if (flags & FLAG.FROZEN) return Object.freeze(o);
  if (flags & FLAG.SEALED) return Object.seal(o);
  if (flags & FLAG.NOT_EXTENSIBLE) return Object.preventExtensions(o);
  return o;
}

function checkTape(tape: Tape): void {
  const t = tape as Partial<Tape> | null;
  if (
    typeof t !== 'object' ||
    t === null ||
    t.format !== TAPE_FORMAT ||
    !(t.ops instanceof Int32Array || t.ops instanceof Int16Array) ||
    !(t.doubles instanceof Float64Array) ||
    typeof t.strings !== 'string' ||
    !(
      t.stringLengths === undefined ||
      t.stringLengths instanceof Int32Array ||
      t.stringLengths instanceof Uint16Array ||
      t.stringLengths instanceof Uint8Array
    ) ||
    !Array.isArray(t.bigints) ||
    !Array.isArray(t.buffers) ||
    !Array.isArray(t.shapes) ||
    !Array.isArray(t.classes)
  )
    corrupt('not a snapshot tape of this format');
}

function corrupt(what: string): never {
  throw new SnapshotError('CORRUPT', `the detection state does not decode: ${what}`);
}
