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
import { checkIndex } from './fraudar-checks.js';
import { csrFromEdges } from './fraudar-csr.js';
import { fraudarCsr } from './fraudar-peeling.js';
import type { BipartiteEdge, DenseBlock, DensityOptions, FraudarOptions } from './fraudar-types.js';
import { columnWeights, DEFAULT_C, nodePriors } from './fraudar-weights.js';

export { GraphError } from './errors.js';
export type { GraphErrorCode } from './errors.js';
export type {
  BipartiteCsr,
  BipartiteEdge,
  DenseBlock,
  DensityOptions,
  FraudarOptions,
} from './fraudar-types.js';
export { csrFromEdges } from './fraudar-csr.js';
export { fraudarCsr } from './fraudar-peeling.js';
export { BipartiteGraph } from './bipartite-graph.js';

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
