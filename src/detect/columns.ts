/**
 * Typed columns that grow by doubling, for state kept as rows of numbers instead of an object
 * per row (`directory-view.ts`). What is saved is a copy cut to the rows in use (`trimmed`):
 * the room to grow is not the state's, and without it the saved bytes are a function of the
 * rows alone, however often the columns were saved and restored on the way.
 */
export type Column = Int32Array | Float64Array | Uint8Array;

/** Rows a column starts with. */
export const FIRST_ROWS = 256;

/** `column` copied into one of at least `rows` rows (new rows are 0). */
export function widened<C extends Column>(column: C, rows: number): C {
  const next = new (column.constructor as new (n: number) => C)(Math.max(rows, FIRST_ROWS));
  next.set(column);
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
