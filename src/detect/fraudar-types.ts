/** The data types of Fraudar's API (`fraudar.ts` explains the algorithm and the names). */

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
