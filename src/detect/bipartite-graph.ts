import { checkEdge, checkSizes, MAX_NODES } from './fraudar-checks.js';
import { fraudarCsr } from './fraudar-peeling.js';
import type { BipartiteCsr, DenseBlock, FraudarOptions } from './fraudar-types.js';

/**
 * A graph that grows edge by edge between full runs: each `add` merges into its (user, object)
 * pair and updates both weighted degrees in O(1) (amortised); {@link toCsr} and
 * {@link fraudar} build rows on demand in O(|E|). Users and objects grow with the indices seen.
 *
 * @example
 * const graph = new BipartiteGraph();
 * for (const e of todaysActions) graph.add(e.user, e.object, 1);
 * const blocks = graph.fraudar({ blocks: 3 });
 */
export class BipartiteGraph {
  private readonly rows: (Map<number, number> | undefined)[] = [];
  private userDegrees: Float64Array = new Float64Array(16);
  private objectDegrees: Float64Array = new Float64Array(16);
  private userCount: number;
  private objectCount: number;
  private pairs = 0;

  constructor(users = 0, objects = 0) {
    checkSizes(users, objects);
    this.userCount = users;
    this.objectCount = objects;
  }

  get users(): number {
    return this.userCount;
  }

  get objects(): number {
    return this.objectCount;
  }

  /** Distinct (user, object) pairs. */
  get edges(): number {
    return this.pairs;
  }

  /** Adds `weight` (≥ 0, default 1) to the edge user → object. */
  add(user: number, object: number, weight = 1): void {
    checkEdge({ user, object, weight }, this.pairs, MAX_NODES, MAX_NODES);
    if (user >= this.userCount) this.userCount = user + 1;
    if (object >= this.objectCount) this.objectCount = object + 1;
    const row = this.rows[user] ?? new Map<number, number>();
    if (row.size === 0) this.rows[user] = row;
    const had = row.get(object);
    if (had === undefined) this.pairs++;
    row.set(object, (had ?? 0) + weight);
    this.userDegrees = grown(this.userDegrees, user);
    this.objectDegrees = grown(this.objectDegrees, object);
    this.userDegrees[user]! += weight;
    this.objectDegrees[object]! += weight;
  }

  /** The summed weight of user's edges. */
  userDegree(user: number): number {
    return this.userDegrees[user] ?? 0;
  }

  /** The summed weight of object's edges: d_j of the column weight. */
  objectDegree(object: number): number {
    return this.objectDegrees[object] ?? 0;
  }

  /** The summed weight of the edge user → object (0 if none). */
  weight(user: number, object: number): number {
    return this.rows[user]?.get(object) ?? 0;
  }

  toCsr(): BipartiteCsr {
    const offsets = new Int32Array(this.userCount + 1);
    const targets = new Int32Array(this.pairs);
    const weights = new Float64Array(this.pairs);
    let out = 0;
    for (let u = 0; u < this.userCount; u++) {
      const row = this.rows[u];
      if (row)
        for (const [j, w] of row) {
          targets[out] = j;
          weights[out++] = w;
        }
      offsets[u + 1] = out;
    }
    return { users: this.userCount, objects: this.objectCount, offsets, targets, weights };
  }

  /** {@link fraudar} over the edges so far. */
  fraudar(options: FraudarOptions = {}): DenseBlock[] {
    return fraudarCsr(this.toCsr(), options);
  }
}

function grown(array: Float64Array, index: number): Float64Array {
  if (index < array.length) return array;
  let length = array.length;
  while (length <= index) length *= 2;
  const bigger = new Float64Array(length);
  bigger.set(array);
  return bigger;
}
