/**
 * Small typed arrays cut from a few shared buffers. Every employee holds a handful of small
 * arrays (a habit's hours and week, a person's counts and history, a group's days): made one by
 * one, each had a buffer of its own, and the engine's saved state ~20,000 buffers at the large
 * preset, each written, read back and collected on its own. Cut from shared buffers, they are a
 * few dozen: a snapshot writes each buffer once, with the arrays as views into it
 * (`TapeWriter` keeps views that share a buffer sharing it).
 *
 * The carver is state like the rest (its buffer and what of it is used are saved with its
 * owner), so an engine resumed from a save goes on cutting where it stopped, into the buffer
 * restored: its arrays lie as those of an engine never saved. An array cut is zeroed (bytes are
 * handed out once) and never given back: one its owner replaces stays in its buffer, saved with
 * it. Each owner has a carver of its own, so that nothing of one engine is saved with another's.
 */

import { zeroed } from './columns.js';

/** Bytes per shared buffer. */
export const SLAB_BYTES = 1 << 16;

/** Past this many bytes an array has a buffer of its own (a slab holds at least four). */
const OWN_BUFFER = SLAB_BYTES / 4;

/** The kinds cut here, and how they are made over a buffer. */
type Kind<C> = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): C;
  readonly BYTES_PER_ELEMENT: number;
};

export class Slabs {
  /** The buffer being cut, whole (a view, so that the snapshot saves it with the arrays). */
  private slab = new Uint8Array(0);
  /** Bytes of it handed out. */
  private used = 0;

  /** A zeroed array of `length` elements, cut from the current buffer (or a new one when full). */
  carve<C extends Int32Array | Float64Array>(kind: Kind<C>, length: number): C {
    const bytes = length * kind.BYTES_PER_ELEMENT;
    if (bytes > OWN_BUFFER) return new kind(zeroed(Uint8Array, bytes).buffer, 0, length);
    // aligned for any kind: a Float64Array must start on a multiple of 8
    let at = (this.used + 7) & ~7;
    if (at + bytes > this.slab.length) {
      this.slab = zeroed(Uint8Array, SLAB_BYTES);
      at = 0;
    }
    this.used = at + bytes;
    return new kind(this.slab.buffer, this.slab.byteOffset + at, length);
  }
}
