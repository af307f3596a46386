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

interface ShapeNode {
  id: number;
  readonly next: Map<string, ShapeNode>;
}

const TYPED_KIND = new Map<object, number>(TYPED_ARRAYS.map((c, i) => [c.prototype, i]));

export class TapeWriter {
  private ops = new Int32Array(1 << 16);
  private length = 0;
  private doubles = new Float64Array(1 << 12);
  private doubleCount = 0;
  private readonly strings: string[] = [];
  private readonly bigints: bigint[] = [];
  private readonly buffers: ArrayBuffer[] = [];
  private readonly bufferIndex = new Map<ArrayBuffer, number>();
  private readonly seen = new Map<object, number>();
  private readonly shapes: Tape['shapes'] = [];
  private readonly shapeRoots = new Map<number, ShapeNode>();
  private readonly classes: string[] = [];
  private readonly classIndex = new Map<object, number>();
  private readonly registered: Map<object, string>;

  constructor(
    registry: ClassRegistry,
    private readonly externals: ReadonlyMap<object, number> = new Map(),
  ) {
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
   * value shared by two is written twice), and where each starts: 4 integers per value (op,
   * string, double, bigint), so that `TapeReader.cursor` can decode any one alone.
   */
  static writeEntries(
    values: Iterable<unknown>,
    registry: ClassRegistry,
    rootName = 'state',
  ): { tape: Tape; starts: Int32Array } {
    const writer = new TapeWriter(registry);
    const starts: number[] = [];
    for (const v of values) {
      starts.push(writer.length, writer.strings.length, writer.doubleCount, writer.bigints.length);
      writer.seen.clear();
      try {
        writer.value(v);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        throw new SnapshotError(
          'NOT_SNAPSHOTTABLE',
          `cannot snapshot the detection state: ${error.what} in an entry of ${rootName}`,
        );
      }
    }
    return { tape: writer.finish(true), starts: Int32Array.from(starts) };
  }

  private finish(withLengths = false): Tape {
    return {
      format: TAPE_FORMAT,
      ops: this.ops.slice(0, this.length),
      ...joinStrings(this.strings, withLengths),
      doubles: this.doubles.slice(0, this.doubleCount),
      bigints: this.bigints,
      buffers: this.buffers,
      shapes: this.shapes,
      classes: this.classes,
    };
  }

  private op(n: number): void {
    if (this.length === this.ops.length) {
      const bigger = new Int32Array(this.ops.length * 2);
      bigger.set(this.ops);
      this.ops = bigger;
    }
    this.ops[this.length++] = n;
  }

  private double(n: number): void {
    if (this.doubleCount === this.doubles.length) {
      const bigger = new Float64Array(this.doubles.length * 2);
      bigger.set(this.doubles);
      this.doubles = bigger;
    }
    this.doubles[this.doubleCount++] = n;
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.op(OP.STR);
        this.strings.push(v);
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
    const external = this.externals.get(o);
    if (external !== undefined) {
      this.op(OP.EXTERNAL);
      this.op(external);
      return;
    }
    const ordinal = this.seen.get(o);
    if (ordinal !== undefined) {
      this.op(OP.REF);
      this.op(ordinal);
      return;
    }
    this.seen.set(o, this.seen.size);
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
    let node = this.shapeRoot(cls);
    const r = o as Record<string, unknown>;
    for (const k in r) {
      let next = node.next.get(k);
      if (!next) node.next.set(k, (next = { id: -1, next: new Map() }));
      node = next;
      this.value(r[k]);
    }
    if (node.id < 0 || cls !== PLAIN) this.checkShape(o, cls, node);
    this.ops[shapeAt] = node.id;
  }

  private shapeRoot(cls: number): ShapeNode {
    let node = this.shapeRoots.get(cls);
    if (!node) this.shapeRoots.set(cls, (node = { id: -1, next: new Map() }));
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
    m.forEach((v, k) => {
      this.value(k);
      this.value(v);
    });
  }

  private set(s: Set<unknown>, cls: number): void {
    if (Object.keys(s).length > 0) throw new Refusal(s, 'a Set with properties of its own');
    this.op(OP.SET);
    this.op(cls);
    this.op(s.size);
    s.forEach((v) => this.value(v));
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

function joinStrings(
  strings: readonly string[],
  withLengths: boolean,
): Pick<Tape, 'strings' | 'stringLengths'> {
  // Lengths when a string holds a NUL, and for none at all ('' splits into one string).
  if (!withLengths && strings.length > 0 && !strings.some((s) => s.includes('\0')))
    return { strings: strings.join('\0'), stringLengths: undefined };
  const stringLengths = new Int32Array(strings.length);
  for (let i = 0; i < strings.length; i++) stringLengths[i] = strings[i]!.length;
  return { strings: strings.join(''), stringLengths };
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
