// Leak attribution: canary records, relay-alias reverse look-up, tracing leaked lists.
export { AttributeError } from './errors.js';
export type { AttributeErrorCode } from './errors.js';
export { AccessProver } from './proofs.js';
export type { InclusionProof, SignedHead } from './proofs.js';
export { canaryTargets, readCanaries } from './canary-book.js';
export type { Canary, CanaryList } from './canary-book.js';
export { plantCanaries } from './canary-plant.js';
export type { PlantDeps, PlantReport } from './canary-plant.js';
export type { CanaryVariant } from './canary-plan.js';
export { resolveAlias, resolveAliases } from './alias-resolve.js';
export type { AliasHandOut, AliasResolution } from './alias-resolve.js';
