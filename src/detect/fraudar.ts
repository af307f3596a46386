/**
 * Fraudar: dense blocks in the bipartite graph employees × sellers of benefit-giving actions.
 * Bribery leaves a shape — a few employees repeatedly acting for a few sellers — and that shape
 * is a block far denser than the graph around it. Implemented from Hooi, Song, Beutel, Shah,
 * Shin, Faloutsos, "FRAUDAR: Bounding Graph Fraud in the Face of Camouflage", KDD 2016.
 *
 * Names follow the paper: `users` are the rows (employees), `objects` the columns (sellers).
 * Nodes are numbered users first (0 … users−1), then objects (users … users+objects−1).
 *
 * The threat the paper answers is camouflage: an insider also acts for popular sellers, so that
 * their row looks like everyone else's. The paper's logarithmic column weighting makes an edge
 * into a popular seller worth little, so camouflage adds little mass to any block, and greedy
 * peeling sheds it. (The paper's section numbers are not cited: they were not checked here.)
 */
import { WardenError } from '../domain/index.js';

/**
 * | code | meaning |
 * |---|---|
 * | `INVALID_SIZE` | a user or object count is not a non-negative integer below 2^31 |
 * | `INVALID_EDGE` | an edge names a node out of range, or its weight is negative or not finite |
 * | `INVALID_PRIOR` | a prior array has the wrong length, or holds a negative or non-finite value |
 * | `INVALID_OPTION` | `blocks`, `c` or `minDensity` is out of range |
 *
 * Belongs in `src/detect/errors.ts` once the context has one.
 */
export type GraphErrorCode = 'INVALID_SIZE' | 'INVALID_EDGE' | 'INVALID_PRIOR' | 'INVALID_OPTION';

export class GraphError extends WardenError<GraphErrorCode> {
  readonly category = 'input' as const;
}

/** One action (or a count of them) of a user for an object; duplicates are summed. */
export interface BipartiteEdge {
  readonly user: number;
  readonly object: number;
  /** Multiplicity or strength, ≥ 0. */
  readonly weight: number;
}

export interface FraudarOptions {
  /** How many blocks to find at most (default 1). */
  readonly blocks?: number;
  /** The constant of the column weight 1 / ln(d_j + c); > 1 (default 5, as the paper). */
  readonly c?: number;
  /** Prior suspiciousness a_i ≥ 0 of each user (length `users`; default all 0). */
  readonly userPrior?: Float64Array;
  /** Prior suspiciousness a_j ≥ 0 of each object (length `objects`; default all 0). */
  readonly objectPrior?: Float64Array;
  /** Stop when the best block's density is at or below this (≥ 0; default 0). */
  readonly minDensity?: number;
}

/** The options that define the density metric itself. */
export type DensityOptions = Pick<FraudarOptions, 'c' | 'userPrior' | 'objectPrior'>;

export interface DenseBlock {
  /** Ascending. */
  readonly users: number[];
  /** Ascending. */
  readonly objects: number[];
  /** g = mass / (|users| + |objects|). */
  readonly density: number;
  /** f: the priors of the block's nodes plus the column-weighted weights of its edges. */
  readonly mass: number;
  /** The edges inside the block, duplicates merged, with their given (unweighted) weight. */
  readonly edges: BipartiteEdge[];
}

/**
 * A bipartite graph in compressed sparse rows: user u's edges have the ids
 * `offsets[u]` … `offsets[u + 1] − 1`; edge e goes to object `targets[e]` with `weights[e]`.
 */
export interface BipartiteCsr {
  readonly users: number;
  readonly objects: number;
  /** Length `users + 1`, non-decreasing, from 0 to the edge count. */
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float64Array;
}

const DEFAULT_C = 5; // the paper's choice
const MAX_NODES = 2 ** 31 - 1; // node ids and edge ids live in Int32Arrays

/**
 * Finds up to `options.blocks` dense blocks, in the order found (each the best of its run, so
 * usually densest first). Each block is the densest set seen while greedily peeling the graph
 * (the paper proves it within a factor 2 of the densest subgraph). Its edges are then removed,
 * and its nodes' priors zeroed (they are explained), and the graph peeled again, until the count
 * is reached or the best density is ≤ `minDensity`; a node may so reappear in a later block with
 * other edges. Column weights are computed once, from the whole graph. O(k · |E| log |V|).
 *
 * @example
 * // one edge per benefit-giving action; indices into your own employee and seller lists
 * const edges = actions.map((a) => ({ user: employeeIndex(a), object: sellerIndex(a), weight: 1 }));
 * const [ring] = fraudar(employees.length, sellers.length, edges, { blocks: 3 });
 * ring?.users.map((u) => employees[u]);
 */
export function fraudar(
  users: number,
  objects: number,
  edges: readonly BipartiteEdge[],
  options: FraudarOptions = {},
): DenseBlock[] {
  return fraudarCsr(csrFromEdges(users, objects, edges), options);
}

/** {@link fraudar} over a graph already in rows (from {@link csrFromEdges} or {@link BipartiteGraph.toCsr}). */
export function fraudarCsr(csr: BipartiteCsr, options: FraudarOptions = {}): DenseBlock[] {
  validateCsr(csr);
  const blocks = options.blocks ?? 1;
  const minDensity = options.minDensity ?? 0;
  if (!Number.isSafeInteger(blocks) || blocks < 0)
    throw new GraphError('INVALID_OPTION', `fraudar: blocks must be an integer ≥ 0, not ${blocks}`);
  if (!Number.isFinite(minDensity) || minDensity < 0)
    throw new GraphError(
      'INVALID_OPTION',
      `fraudar: minDensity must be a finite number ≥ 0, not ${minDensity}`,
    );
  const graph = peelableGraph(csr, columnWeights(csr, options.c ?? DEFAULT_C));
  const prior = nodePriors(csr, options);
  const found: FoundBlock[] = [];
  while (found.length < blocks) {
    const block = densestByPeeling(graph, prior);
    if (block === undefined || block.density <= minDensity) break;
    found.push(block);
    retire(block, graph, prior);
  }
  return found.map(({ edgeIds: _, ...block }) => block);
}

/**
 * The density g(S) = f(S) / |S| of the node set S = blockUsers ∪ blockObjects, with the column
 * weights of the whole graph, as {@link fraudar} scores blocks; 0 for the empty set. Repeated
 * indices count once.
 */
export function density(
  users: number,
  objects: number,
  edges: readonly BipartiteEdge[],
  blockUsers: readonly number[],
  blockObjects: readonly number[],
  options: DensityOptions = {},
): number {
  const csr = csrFromEdges(users, objects, edges);
  const mass = columnWeights(csr, options.c ?? DEFAULT_C);
  const prior = nodePriors(csr, options);
  const inSet = new Uint8Array(users + objects);
  for (const u of blockUsers) inSet[checkIndex(u, users, 'user')] = 1;
  for (const j of blockObjects) inSet[users + checkIndex(j, objects, 'object')] = 1;
  let size = 0;
  let f = 0;
  for (let v = 0; v < users + objects; v++) {
    if (!inSet[v]) continue;
    size++;
    f += prior[v]!;
  }
  for (let u = 0; u < users; u++) {
    if (!inSet[u]) continue;
    for (let e = csr.offsets[u]!; e < csr.offsets[u + 1]!; e++)
      if (inSet[users + csr.targets[e]!]) f += mass[e]!;
  }
  return size === 0 ? 0 : f / size;
}

/** Validates the edges and builds rows, merging duplicate (user, object) pairs by summing. */
export function csrFromEdges(
  users: number,
  objects: number,
  edges: readonly BipartiteEdge[],
): BipartiteCsr {
  checkSizes(users, objects);
  if (edges.length > MAX_NODES)
    throw new GraphError('INVALID_SIZE', `fraudar: ${edges.length} edges, the limit is 2^31 − 1`);
  const count = new Int32Array(users + 1);
  for (let i = 0; i < edges.length; i++) count[checkEdge(edges[i]!, i, users, objects).user + 1]!++;
  for (let u = 0; u < users; u++) count[u + 1]! += count[u]!;
  const cursor = count.slice(0, users);
  const rawTargets = new Int32Array(edges.length);
  const rawWeights = new Float64Array(edges.length);
  for (const { user, object, weight } of edges) {
    const at = cursor[user]!++;
    rawTargets[at] = object;
    rawWeights[at] = weight;
  }
  return mergeDuplicates(users, objects, count, rawTargets, rawWeights);
}

/** One pass over each row: a stamp per object says where in this row it already landed. */
function mergeDuplicates(
  users: number,
  objects: number,
  rawOffsets: Int32Array,
  rawTargets: Int32Array,
  rawWeights: Float64Array,
): BipartiteCsr {
  const stamp = new Int32Array(objects).fill(-1);
  const slot = new Int32Array(objects);
  const offsets = new Int32Array(users + 1);
  const targets = new Int32Array(rawTargets.length);
  const weights = new Float64Array(rawTargets.length);
  let out = 0;
  for (let u = 0; u < users; u++) {
    for (let e = rawOffsets[u]!; e < rawOffsets[u + 1]!; e++) {
      const j = rawTargets[e]!;
      if (stamp[j] === u) {
        weights[slot[j]!]! += rawWeights[e]!;
        continue;
      }
      stamp[j] = u;
      slot[j] = out;
      targets[out] = j;
      weights[out++] = rawWeights[e]!;
    }
    offsets[u + 1] = out;
  }
  return {
    users,
    objects,
    offsets,
    targets: targets.slice(0, out),
    weights: weights.slice(0, out),
  };
}

/**
 * The column weighting: c_ij = w_ij / ln(d_j + c), d_j the weighted degree of object j in the whole graph (the
 * sum of its edges' given weights, so that ten actions count as ten, as in a count matrix).
 */
function columnWeights(csr: BipartiteCsr, c: number): Float64Array {
  if (!Number.isFinite(c) || c <= 1)
    throw new GraphError('INVALID_OPTION', `fraudar: c must be a finite number > 1, not ${c}`);
  const degree = new Float64Array(csr.objects);
  for (let e = 0; e < csr.targets.length; e++) degree[csr.targets[e]!]! += csr.weights[e]!;
  const scale = new Float64Array(csr.objects);
  for (let j = 0; j < csr.objects; j++) scale[j] = 1 / Math.log(degree[j]! + c);
  const mass = new Float64Array(csr.targets.length);
  for (let e = 0; e < mass.length; e++) mass[e] = csr.weights[e]! * scale[csr.targets[e]!]!;
  return mass;
}

function nodePriors(csr: BipartiteCsr, options: DensityOptions): Float64Array {
  const prior = new Float64Array(csr.users + csr.objects);
  copyPrior(options.userPrior, csr.users, prior, 0, 'userPrior');
  copyPrior(options.objectPrior, csr.objects, prior, csr.users, 'objectPrior');
  return prior;
}

function copyPrior(
  given: Float64Array | undefined,
  length: number,
  into: Float64Array,
  at: number,
  name: string,
): void {
  if (given === undefined) return;
  if (given.length !== length)
    throw new GraphError(
      'INVALID_PRIOR',
      `fraudar: ${name} has ${given.length} values, not ${length}`,
    );
  for (let i = 0; i < length; i++) {
    const a = given[i]!;
    if (!Number.isFinite(a) || a < 0)
      throw new GraphError(
        'INVALID_PRIOR',
        `fraudar: ${name}[${i}] is ${a}; priors are finite and ≥ 0`,
      );
    into[at + i] = a;
  }
}

/**
 * The rows and the columns, each with its own copy of the column-weighted masses and of the
 * flags of edges still in the graph: peeling walks both, and reading them in place beats
 * chasing edge ids through memory.
 */
interface PeelableGraph {
  readonly csr: BipartiteCsr;
  readonly rowMass: Float64Array;
  readonly rowAlive: Uint8Array;
  readonly columnOffsets: Int32Array;
  readonly columnUser: Int32Array;
  readonly columnMass: Float64Array;
  readonly columnAlive: Uint8Array;
  /** Where edge e sits in the columns. */
  readonly columnOf: Int32Array;
}

function peelableGraph(csr: BipartiteCsr, rowMass: Float64Array): PeelableGraph {
  const { users, objects, offsets, targets } = csr;
  const edges = targets.length;
  const columnOffsets = new Int32Array(objects + 1);
  for (let e = 0; e < edges; e++) columnOffsets[targets[e]! + 1]!++;
  for (let j = 0; j < objects; j++) columnOffsets[j + 1]! += columnOffsets[j]!;
  const cursor = columnOffsets.slice(0, objects);
  const columnUser = new Int32Array(edges);
  const columnMass = new Float64Array(edges);
  const columnOf = new Int32Array(edges);
  for (let u = 0; u < users; u++)
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const k = cursor[targets[e]!]!++;
      columnUser[k] = u;
      columnMass[k] = rowMass[e]!;
      columnOf[e] = k;
    }
  const rowAlive = new Uint8Array(edges).fill(1);
  const columnAlive = new Uint8Array(edges).fill(1);
  return { csr, rowMass, rowAlive, columnOffsets, columnUser, columnMass, columnAlive, columnOf };
}

interface FoundBlock extends DenseBlock {
  readonly edgeIds: number[];
}

/**
 * The paper's greedy peeling: start from every node that still carries mass, repeatedly remove the node
 * whose removal lowers f the least (its priority: its prior plus its edges into S), and keep
 * the set with the highest g seen. O(|E| log |V|) through a heap with decrease-key.
 */
function densestByPeeling(graph: PeelableGraph, prior: Float64Array): FoundBlock | undefined {
  const { live, priority, mass } = initialPriorities(graph, prior);
  if (live.length === 0) return undefined;
  const heap = new PriorityHeap(priority, live);
  const removedAt = new Int32Array(prior.length);
  let f = mass;
  let best = f / live.length;
  let bestStep = 0;
  for (let step = 0; heap.size > 0; step++) {
    const v = heap.pop();
    f -= priority[v]!;
    removedAt[v] = step;
    lowerNeighbours(graph, heap, v);
    const left = live.length - step - 1;
    if (left > 0 && f / left > best) {
      best = f / left;
      bestStep = step + 1;
    }
  }
  const inBlock = new Uint8Array(prior.length);
  for (const v of live) if (removedAt[v]! >= bestStep) inBlock[v] = 1;
  return collectBlock(graph, prior, inBlock);
}

function initialPriorities(
  graph: PeelableGraph,
  prior: Float64Array,
): { live: Int32Array; priority: Float64Array; mass: number } {
  const { users, offsets, targets } = graph.csr;
  const { rowAlive, rowMass } = graph;
  const priority = prior.slice();
  const isLive = new Uint8Array(prior.length);
  let mass = 0;
  for (let v = 0; v < prior.length; v++) {
    if (prior[v]! <= 0) continue;
    isLive[v] = 1;
    mass += prior[v]!;
  }
  for (let u = 0; u < users; u++)
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      if (!rowAlive[e]) continue;
      const j = users + targets[e]!;
      const m = rowMass[e]!;
      priority[u]! += m;
      priority[j]! += m;
      mass += m;
      isLive[u] = 1;
      isLive[j] = 1;
    }
  const live: number[] = [];
  for (let v = 0; v < prior.length; v++) if (isLive[v]) live.push(v);
  return { live: Int32Array.from(live), priority, mass };
}

/** Removing v takes each of its live edges out of the priority of the neighbour still in S. */
function lowerNeighbours(graph: PeelableGraph, heap: PriorityHeap, v: number): void {
  const { users, offsets, targets } = graph.csr;
  if (v < users) {
    const { rowAlive, rowMass } = graph;
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const j = users + targets[e]!;
      if (rowAlive[e] && heap.has(j)) heap.decrease(j, rowMass[e]!);
    }
    return;
  }
  const { columnOffsets, columnUser, columnMass, columnAlive } = graph;
  const j = v - users;
  for (let k = columnOffsets[j]!; k < columnOffsets[j + 1]!; k++) {
    const u = columnUser[k]!;
    if (columnAlive[k] && heap.has(u)) heap.decrease(u, columnMass[k]!);
  }
}

/** The block's nodes and edges, with f summed afresh (not the peel's running total). */
function collectBlock(graph: PeelableGraph, prior: Float64Array, inBlock: Uint8Array): FoundBlock {
  const { users: userCount, offsets, targets, weights } = graph.csr;
  const { rowAlive, rowMass } = graph;
  const users: number[] = [];
  const objects: number[] = [];
  const edges: BipartiteEdge[] = [];
  const edgeIds: number[] = [];
  let mass = 0;
  for (let v = 0; v < inBlock.length; v++) {
    if (!inBlock[v]) continue;
    mass += prior[v]!;
    if (v >= userCount) objects.push(v - userCount);
    else users.push(v);
  }
  for (const u of users)
    for (let e = offsets[u]!; e < offsets[u + 1]!; e++) {
      const j = targets[e]!;
      if (!rowAlive[e] || !inBlock[userCount + j]) continue;
      mass += rowMass[e]!;
      edges.push({ user: u, object: j, weight: weights[e]! });
      edgeIds.push(e);
    }
  const size = users.length + objects.length;
  return { users, objects, density: mass / size, mass, edges, edgeIds };
}

/** Takes a found block out of later runs: its edges, and its nodes' priors (now explained). */
function retire(block: FoundBlock, graph: PeelableGraph, prior: Float64Array): void {
  for (const e of block.edgeIds) {
    graph.rowAlive[e] = 0;
    graph.columnAlive[graph.columnOf[e]!] = 0;
  }
  for (const u of block.users) prior[u] = 0;
  for (const j of block.objects) prior[graph.csr.users + j] = 0;
}

/** A binary min-heap of node ids by `key`, with decrease-key through a position index. */
class PriorityHeap {
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

function checkSizes(users: number, objects: number): void {
  for (const [name, n] of [
    ['users', users],
    ['objects', objects],
  ] as const)
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_NODES)
      throw new GraphError(
        'INVALID_SIZE',
        `fraudar: ${name} must be an integer in [0, 2^31 − 1], not ${n}`,
      );
  if (users + objects > MAX_NODES)
    throw new GraphError(
      'INVALID_SIZE',
      `fraudar: ${users} users + ${objects} objects exceed 2^31 − 1 nodes`,
    );
}

function checkIndex(i: number, n: number, name: string): number {
  if (!Number.isSafeInteger(i) || i < 0 || i >= n)
    throw new GraphError('INVALID_EDGE', `fraudar: ${name} ${i} is not an index in [0, ${n})`);
  return i;
}

function checkEdge(edge: BipartiteEdge, at: number, users: number, objects: number): BipartiteEdge {
  const { user, object, weight } = edge;
  if (!Number.isSafeInteger(user) || user < 0 || user >= users)
    throw new GraphError(
      'INVALID_EDGE',
      `fraudar: edge ${at}: user ${user} is not in [0, ${users})`,
    );
  if (!Number.isSafeInteger(object) || object < 0 || object >= objects)
    throw new GraphError(
      'INVALID_EDGE',
      `fraudar: edge ${at}: object ${object} is not in [0, ${objects})`,
    );
  if (!Number.isFinite(weight) || weight < 0)
    throw new GraphError(
      'INVALID_EDGE',
      `fraudar: edge ${at}: weight ${weight} is not finite and ≥ 0`,
    );
  return edge;
}

function validateCsr(csr: BipartiteCsr): void {
  const { users, objects, offsets, targets, weights } = csr;
  checkSizes(users, objects);
  const edges = targets.length;
  if (
    offsets.length !== users + 1 ||
    weights.length !== edges ||
    offsets[0] !== 0 ||
    offsets[users] !== edges
  )
    throw new GraphError(
      'INVALID_SIZE',
      'fraudar: rows do not fit: offsets, targets and weights disagree',
    );
  for (let u = 0; u < users; u++)
    if (offsets[u + 1]! < offsets[u]!)
      throw new GraphError(
        'INVALID_SIZE',
        `fraudar: rows do not fit: offsets decrease at user ${u}`,
      );
  for (let e = 0; e < edges; e++) {
    const j = targets[e]!;
    const w = weights[e]!;
    if (j < 0 || j >= objects || !Number.isFinite(w) || w < 0)
      throw new GraphError(
        'INVALID_EDGE',
        `fraudar: edge ${e}: object ${j}, weight ${w} out of range`,
      );
  }
}
