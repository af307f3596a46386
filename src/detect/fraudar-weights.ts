/** The masses Fraudar's density sums: the column-weighted edges and the node priors. */
import { GraphError } from './errors.js';
import type { BipartiteCsr, DensityOptions } from './fraudar-types.js';

export const DEFAULT_C = 5; // the paper's choice

/**
 * The column weighting: c_ij = w_ij / ln(d_j + c), d_j the weighted degree of object j in the whole graph (the
 * sum of its edges' given weights, so that ten actions count as ten, as in a count matrix).
 */
export function columnWeights(csr: BipartiteCsr, c: number): Float64Array {
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

export function nodePriors(csr: BipartiteCsr, options: DensityOptions): Float64Array {
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
