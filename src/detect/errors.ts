import { WardenError } from '../domain/index.js';

/**
 * Stable codes of the detect context's graph input (Fraudar). Tests assert these, never messages.
 *
 * | code | meaning |
 * |---|---|
 * | `INVALID_SIZE` | a user or object count is not a non-negative integer below 2^31 |
 * | `INVALID_EDGE` | an edge names a node out of range, or its weight is negative or not finite |
 * | `INVALID_PRIOR` | a prior array has the wrong length, or holds a negative or non-finite value |
 * | `INVALID_OPTION` | `blocks`, `c` or `minDensity` is out of range |
 */
export type GraphErrorCode = 'INVALID_SIZE' | 'INVALID_EDGE' | 'INVALID_PRIOR' | 'INVALID_OPTION';

export class GraphError extends WardenError<GraphErrorCode> {
  readonly category = 'input' as const;
}

/**
 * Stable codes of engine snapshots (`snapshot.ts`).
 *
 * | code | meaning |
 * |---|---|
 * | `NOT_SNAPSHOTTABLE` | the state holds something that cannot be restored faithfully (a function, an unregistered class, a symbol key, an accessor…); the message names its path |
 * | `CORRUPT` | a snapshot's bytes do not decode (damaged, or written in another format) |
 * | `UNKNOWN_CLASS` | a snapshot names a class the registry does not have (written by other code) |
 */
export type SnapshotErrorCode = 'NOT_SNAPSHOTTABLE' | 'CORRUPT' | 'UNKNOWN_CLASS';

export class SnapshotError extends WardenError<SnapshotErrorCode> {
  readonly category = 'infrastructure' as const;
}

/**
 * Stable codes of the detect context's configuration.
 *
 * | code | meaning |
 * |---|---|
 * | `ORG_PROFILE_INVALID` | the org profile's `detection` section does not validate (the message names the file and field) |
 */
export type DetectErrorCode = 'ORG_PROFILE_INVALID';

export class DetectError extends WardenError<DetectErrorCode> {
  readonly category = 'input' as const;
}
