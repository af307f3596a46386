/**
 * Typed columns that grow by doubling, for state kept as rows of numbers instead of an object
 * per row (`directory-view.ts`). What is saved is a copy cut to the rows in use (`trimmed`):
 * the room to grow is not the state's, and without it the saved bytes are a function of the
 * rows alone, however often the columns were saved and restored on the way.
 */
export type Column = Int32Array | Float64Array | Uint8Array;

/** Rows a column starts with. */
export const FIRST_ROWS = 256;

/**
 * A zero-filled column of `length` entries whose pages have each been written once. A fresh
 * large buffer's pages are not there until touched, and one first touched by a read is mapped
 * to the kernel's shared zero page: the first write then replaces it (a copy-on-write fault)
 * and must flush that mapping from every core running one of the process's threads (an
 * interrupt to each, costly on a virtual machine). A hash table, read at random slots before
 * they are written, met that on most of its pages; written first, each page costs one plain
 * fault (docs/detection.md, "Fresh pages").
 */
export function zeroed<C extends Column>(kind: new (n: number) => C, length: number): C {
  const column = new kind(length);
  column.fill(0);
  return column;
}

/** `column` copied into one of at least `rows` rows (new rows are 0). */
export function widened<C extends Column>(column: C, rows: number): C {
  const next = new (column.constructor as new (n: number) => C)(Math.max(rows, FIRST_ROWS));
  next.set(column);
  // the new rows written once as well (`zeroed`): a column may be read at a row before it is set
  next.fill(0, column.length);
  return next;
}

/** The capacity for `needed` rows past `capacity`: doubled until it fits. */
export function roomFor(capacity: number, needed: number): number {
  let rows = Math.max(capacity, FIRST_ROWS);
  while (rows < needed) rows *= 2;
  return rows;
}

export abstract class Columns {
  /** How many entries of the typed column in field `name` are in use. */
  protected abstract used(name: string): number;

  /** Every typed column of this object (not those of nested columns) widened to `rows` rows. */
  protected widenAll(rows: number): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [name, v] of Object.entries(this))
      if (v instanceof Int32Array || v instanceof Float64Array || v instanceof Uint8Array)
        self[name] = widened(v, rows);
  }

  /**
   * Makes a copy `trimmed` gave, and the tape restored, ready for use (nested columns alike):
   * nothing to do for rows (they grow again from what they hold); a class whose saved form
   * leaves something out rebuilds it here, or refuses a form whose parts disagree
   * (`SnapshotError`).
   */
  restored(): void {
    for (const v of Object.values(this)) if (v instanceof Columns) v.restored();
  }

  /** A copy whose typed columns hold only the entries in use (nested columns alike). */
  trimmed(): this {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as Record<string, unknown>;
    for (const [name, v] of Object.entries(this))
      copy[name] =
        v instanceof Columns
          ? v.trimmed()
          : v instanceof Int32Array || v instanceof Float64Array || v instanceof Uint8Array
            ? v.slice(0, this.used(name))
            : v;
    return copy as this;
  }
}

/**
 * Columns of one row per item, every typed column of the object a field of the row: `add`
 * grows them all together (a column left out of the growth could not be forgotten).
 */
export abstract class Rows extends Columns {
  rows = 0;

  /** The rows the columns have room for (the length of any one of them). */
  protected abstract capacity(): number;

  protected used(): number {
    return this.rows;
  }

  /** A new row: its number (its values are 0 until set). */
  add(): number {
    if (this.rows === this.capacity()) this.widenAll(2 * this.rows);
    return this.rows++;
  }
}
