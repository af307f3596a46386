/**
 * A straightforward entry table (`saved-entries.ts`), for tests: what `entryTable` must write,
 * computed the plain way — arrays that grow, every key sorted with a comparator, ops and string
 * lengths narrowed once all are known, shapes looked up by their keys — for the values the
 * directory holds (primitives, plain and null-prototype objects, arrays, Maps, Sets, Dates).
 */
import { numbers, type EntryTable } from './saved-entries.js';
import { FLAG, NULL_PROTO, OP, PLAIN, TAPE_FORMAT, type Tape } from './snapshot-format.js';

export function referenceEntryTable(map: ReadonlyMap<string, unknown>): EntryTable {
  const keys = [...map.keys()];
  let end = 0;
  const keyEnds = Int32Array.from(keys, (k) => (end += k.length));
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
  const w = new ReferenceWriter();
  const starts: number[] = [];
  const numbering = numbers(map);
  if (!numbering)
    for (const v of map.values()) {
      starts.push(w.ops.length, w.strings.length, w.doubles.length, w.bigints.length);
      w.seen.clear();
      w.value(v);
    }
  const four = w.doubles.length > 0 || w.bigints.length > 0;
  const values: Tape = {
    format: TAPE_FORMAT,
    ops: w.ops.every((n) => n === (n << 16) >> 16)
      ? Int16Array.from(w.ops)
      : Int32Array.from(w.ops),
    strings: w.strings.join(''),
    stringLengths: narrowest(w.strings.map((s) => s.length)),
    doubles: Float64Array.from(w.doubles),
    bigints: w.bigints,
    buffers: [],
    shapes: w.shapes,
    classes: [],
  };
  return {
    keys: keys.join(''),
    keyEnds,
    order: Int32Array.from(order),
    values,
    starts: Int32Array.from(four ? starts : starts.filter((_, i) => i % 4 < 2)),
    startsPerEntry: four ? 4 : 2,
    numbering,
  };
}

function narrowest(lengths: number[]): Uint8Array | Uint16Array | Int32Array {
  const longest = Math.max(0, ...lengths);
  if (longest <= 0xff) return Uint8Array.from(lengths);
  return longest <= 0xffff ? Uint16Array.from(lengths) : Int32Array.from(lengths);
}

class ReferenceWriter {
  readonly ops: number[] = [];
  readonly strings: string[] = [];
  readonly doubles: number[] = [];
  readonly bigints: bigint[] = [];
  readonly shapes: { cls: number; keys: string[] }[] = [];
  readonly seen = new Map<object, number>();
  private readonly shapeIds = new Map<string, number>();

  value(v: unknown): void {
    if (typeof v === 'string') {
      this.ops.push(OP.STR);
      this.strings.push(v);
    } else if (typeof v === 'number') {
      if ((v | 0) === v && !Object.is(v, -0)) this.ops.push(OP.INT, v);
      else {
        this.ops.push(OP.NUM);
        this.doubles.push(v);
      }
    } else if (typeof v === 'boolean') this.ops.push(v ? OP.TRUE : OP.FALSE);
    else if (v === undefined) this.ops.push(OP.UNDEFINED);
    else if (v === null) this.ops.push(OP.NULL);
    else if (typeof v === 'bigint') {
      this.ops.push(OP.BIGINT);
      this.bigints.push(v);
    } else if (typeof v === 'object') this.object(v);
    else throw new Error(`the reference writes no ${typeof v}`);
  }

  private object(o: object): void {
    const ordinal = this.seen.get(o);
    if (ordinal !== undefined) {
      this.ops.push(OP.REF, ordinal);
      return;
    }
    this.seen.set(o, this.seen.size);
    const proto = Object.getPrototypeOf(o) as object | null;
    if (o instanceof Date) {
      this.ops.push(OP.DATE);
      this.doubles.push(o.getTime());
      return;
    }
    if (Array.isArray(o)) {
      this.ops.push(OP.ARR, PLAIN, integrity(o), o.length);
      for (let i = 0; i < o.length; i++) {
        if (i in o) this.value(o[i]);
        else this.ops.push(OP.HOLE);
      }
    } else if (o instanceof Map) {
      this.ops.push(OP.MAP, PLAIN, o.size);
      for (const [k, v] of o) {
        this.value(k);
        this.value(v);
      }
    } else if (o instanceof Set) {
      this.ops.push(OP.SET, PLAIN, o.size);
      for (const v of o) this.value(v);
    } else if (proto === Object.prototype || proto === null) {
      const cls = proto === null ? NULL_PROTO : PLAIN;
      const keys = Object.keys(o);
      const at = this.ops.length + 1;
      this.ops.push(OP.OBJ, -1, integrity(o));
      for (const k of keys) this.value((o as Record<string, unknown>)[k]);
      // a shape is numbered once its first object is written (after the objects it holds)
      const name = JSON.stringify([cls, keys]);
      let id = this.shapeIds.get(name);
      if (id === undefined) {
        this.shapeIds.set(name, (id = this.shapes.length));
        this.shapes.push({ cls, keys });
      }
      this.ops[at] = id;
    } else throw new Error('the reference writes no class instance');
  }
}

function integrity(o: object): number {
  if (Object.isExtensible(o)) return 0;
  if (Object.isFrozen(o)) return FLAG.FROZEN;
  return Object.isSealed(o) ? FLAG.SEALED : FLAG.NOT_EXTENSIBLE;
}
