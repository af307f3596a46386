/**
 * A Map restored from saved entries (`SavedEntries`) that decodes an entry the first time it
 * is asked for. It behaves as the Map it was saved from, iteration order included: saved keys
 * first, in their saved order (a key set again keeps its place), then keys added since, in the
 * order they were added (a saved key deleted and set again moves to the end, as in a Map).
 * Only resumed engines hold one; a fresh engine's maps are plain Maps.
 */
import type { SavedEntries } from './saved-entries.js';

export class LazyMap<V> extends Map<string, V> {
  /** Saved keys deleted since the restore (their saved place is gone). */
  private readonly removed = new Set<string>();
  /** Keys held by the Map itself that are not live saved keys: added, or re-added. */
  private readonly added = new Set<string>();

  constructor(private readonly saved: SavedEntries) {
    super();
  }

  /** A saved key not deleted since: its place in the iteration is its saved place. */
  private live(key: string): boolean {
    return !this.removed.has(key) && this.saved.find(key) >= 0;
  }

  override get(key: string): V | undefined {
    const held = super.get(key);
    if (held !== undefined || super.has(key) || this.removed.has(key)) return held;
    const i = this.saved.find(key);
    if (i < 0) return undefined;
    const v = this.saved.valueAt(i) as V;
    super.set(key, v); // decoded once; mutations of it are the Map's from now on
    return v;
  }

  override has(key: string): boolean {
    return super.has(key) || this.live(key);
  }

  override set(key: string, value: V): this {
    if (!super.has(key) && !this.live(key)) this.added.add(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    const held = super.has(key);
    const live = this.live(key);
    if (!held && !live) return false;
    if (live) this.removed.add(key);
    else this.added.delete(key);
    super.delete(key);
    return true;
  }

  override clear(): void {
    for (let i = 0; i < this.saved.size; i++) this.removed.add(this.saved.keyAt(i));
    this.added.clear();
    super.clear();
  }

  override get size(): number {
    return this.saved.size - this.removed.size + this.added.size;
  }

  override *entries(): MapIterator<[string, V]> {
    for (let i = 0; i < this.saved.size; i++) {
      const key = this.saved.keyAt(i);
      if (this.removed.has(key)) continue;
      let v = super.get(key);
      if (v === undefined && !super.has(key)) super.set(key, (v = this.saved.valueAt(i) as V));
      yield [key, v as V];
    }
    for (const [key, v] of super.entries()) if (this.added.has(key)) yield [key, v];
  }

  override *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  override *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  override forEach(f: (value: V, key: string, map: Map<string, V>) => void, self?: unknown): void {
    for (const [k, v] of this.entries()) f.call(self, v, k, this);
  }
}
