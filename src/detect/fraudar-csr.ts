/** Building Fraudar's compressed sparse rows from a list of edges. */
import { GraphError } from './errors.js';
import { checkEdge, checkSizes, MAX_NODES } from './fraudar-checks.js';
import type { BipartiteCsr, BipartiteEdge } from './fraudar-types.js';

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
