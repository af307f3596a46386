/** A binary min-heap of node ids by `key`, with decrease-key through a position index. */
export class PriorityHeap {
  private readonly heap: Int32Array;
  /** Where each node sits in `heap`; −1 once popped (or never pushed). */
  private readonly position: Int32Array;
  size: number;

  constructor(
    private readonly key: Float64Array,
    nodes: Int32Array,
  ) {
    this.heap = nodes.slice();
    this.size = nodes.length;
    this.position = new Int32Array(key.length).fill(-1);
    for (let i = 0; i < this.size; i++) this.position[this.heap[i]!] = i;
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  has(v: number): boolean {
    return this.position[v]! >= 0;
  }

  pop(): number {
    const top = this.heap[0]!;
    this.position[top] = -1;
    const last = this.heap[--this.size]!;
    if (this.size > 0) {
      this.heap[0] = last;
      this.position[last] = 0;
      this.siftDown(0);
    }
    return top;
  }

  /** Lowers v's key by `by` ≥ 0. */
  decrease(v: number, by: number): void {
    this.key[v]! -= by;
    this.siftUp(this.position[v]!);
  }

  private siftUp(at: number): void {
    const { heap, key, position } = this;
    const v = heap[at]!;
    const k = key[v]!;
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (key[p]! <= k) break;
      heap[i] = p;
      position[p] = i;
      i = parent;
    }
    heap[i] = v;
    position[v] = i;
  }

  private siftDown(at: number): void {
    const { heap, key, position, size } = this;
    const v = heap[at]!;
    const k = key[v]!;
    let i = at;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && key[heap[child + 1]!]! < key[heap[child]!]!) child++;
      const c = heap[child]!;
      if (key[c]! >= k) break;
      heap[i] = c;
      position[c] = i;
      i = child;
    }
    heap[i] = v;
    position[v] = i;
  }
}
