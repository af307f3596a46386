/** Defensive checks of Fraudar's input: every size, index, edge and row is hostile until checked. */
import { GraphError } from './errors.js';
import type { BipartiteCsr, BipartiteEdge } from './fraudar-types.js';

export const MAX_NODES = 2 ** 31 - 1; // node ids and edge ids live in Int32Arrays

export function checkSizes(users: number, objects: number): void {
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

export function checkIndex(i: number, n: number, name: string): number {
  if (!Number.isSafeInteger(i) || i < 0 || i >= n)
    throw new GraphError('INVALID_EDGE', `fraudar: ${name} ${i} is not an index in [0, ${n})`);
  return i;
}

export function checkEdge(
  edge: BipartiteEdge,
  at: number,
  users: number,
  objects: number,
): BipartiteEdge {
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

export function validateCsr(csr: BipartiteCsr): void {
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
