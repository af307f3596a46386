import type { BipartiteCsr } from './fraudar-types.js';

/**
 * The rows and the columns, each with its own copy of the column-weighted masses and of the
 * flags of edges still in the graph: peeling walks both, and reading them in place beats
 * chasing edge ids through memory.
 */
export interface PeelableGraph {
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

export function peelableGraph(csr: BipartiteCsr, rowMass: Float64Array): PeelableGraph {
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
