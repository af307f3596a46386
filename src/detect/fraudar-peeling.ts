/** Fraudar's runs: peel the graph greedily, keep the densest set, retire it, and peel again. */
import { GraphError } from './errors.js';
import { validateCsr } from './fraudar-checks.js';
import { PriorityHeap } from './fraudar-heap.js';
import { peelableGraph, type PeelableGraph } from './fraudar-peelable.js';
import type { BipartiteCsr, BipartiteEdge, DenseBlock, FraudarOptions } from './fraudar-types.js';
import { columnWeights, DEFAULT_C, nodePriors } from './fraudar-weights.js';

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
