/**
 * The snapshot's tape: what `snapshot-encode.ts` writes and `snapshot-decode.ts` reads. The
 * object graph is flattened depth-first into one stream of integer ops, with strings, doubles,
 * rare values and typed-array buffers in side lists; object keys are stored once per shape, not
 * once per object. Long runs of small objects therefore cost a few integers each, and the
 * whole tape goes through `v8.serialize` as a handful of arrays (a few copies, no per-object
 * work in V8's deserializer, which is where a plain `v8.serialize` of the graph spends its time).
 */
/** Bumped whenever the tape's layout changes. */
export const TAPE_FORMAT = 3;

export const OP = {
  STR: 1,
  INT: 2,
  NUM: 3,
  TRUE: 4,
  FALSE: 5,
  NULL: 6,
  UNDEFINED: 7,
  BIGINT: 8,
  /** A reference to an object met before: `REF ordinal`. Preserves sharing and cycles. */
  REF: 9,
  /** `OBJ shape flags`, then one value per key of the shape. */
  OBJ: 10,
  /** `ARR class flags length`, then the elements (`HOLE` for a hole). */
  ARR: 11,
  /** `MAP class size`, then key, value, key, value… */
  MAP: 12,
  /** `SET class size`, then the members. */
  SET: 13,
  /** `DATE`; its time is the next double. */
  DATE: 14,
  /** `VIEW kind buffer byteOffset length`: a typed array over one of the tape's buffers. */
  VIEW: 15,
  HOLE: 16,
  /**
   * `EXTERNAL index`: an object kept outside this tape (the directory's records, saved in a
   * tape of their own), handed back by the reader's caller. Preserves identity across tapes.
   */
  EXTERNAL: 17,
} as const;

/** Integrity levels, restored after the object is filled. */
export const FLAG = { FROZEN: 1, SEALED: 2, NOT_EXTENSIBLE: 4 } as const;

/** The prototype of a plain object, and of a null-prototype dictionary. */
export const PLAIN = -1;
export const NULL_PROTO = -2;

export const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

/** What `v8.serialize` receives. */
export interface Tape {
  readonly format: number;
  /**
   * Int32, or for an entry tape (`TapeWriter.writeEntries`) whose ops all fit, Int16: half the
   * bytes to read and MAC on every resume. Ops are opcodes, shape and class ids (PLAIN and
   * NULL_PROTO are negative), flags, small ints, sizes and ordinals: most tables' ops fit.
   */
  readonly ops: Int32Array | Int16Array;
  /**
   * Every string, in order, joined by `separator` (NUL, or when some string holds a NUL, the
   * lengths in `stringLengths`): one string to deserialize, split in one call, instead of
   * millions of small ones.
   */
  readonly strings: string;
  /** Int32, or for an entry tape whose strings are all short enough, Uint16 or Uint8. */
  readonly stringLengths: Int32Array | Uint16Array | Uint8Array | undefined;
  readonly doubles: Float64Array;
  readonly bigints: bigint[];
  readonly buffers: ArrayBuffer[];
  /** Shape i: the class (an index into `classes`, or PLAIN, NULL_PROTO) and the own keys in order. */
  readonly shapes: { readonly cls: number; readonly keys: readonly string[] }[];
  /** Names of the registered classes the tape uses. */
  readonly classes: string[];
}

/**
 * The classes whose instances a snapshot may hold, by a stable name. Instances are restored
 * without running a constructor: `Object.create(prototype)` and the own fields as they were.
 */
export type ClassRegistry = Readonly<Record<string, abstract new (...args: never[]) => unknown>>;
