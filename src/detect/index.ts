export { ActorSlot, DetectionEngine } from './engine.js';
export { DirectoryView, NONE } from './directory-view.js';
export { StringNumbering } from './string-numbering.js';
export { widened } from './columns.js';
export { readTime } from './event-time.js';
export type { Baseline } from './engine.js';
export { INDICATORS } from './evidence.js';
export type { Hit, Indicator } from './evidence.js';
export { WEIGHTS } from './detectors.js';
export { DECAY_MS, INDICATOR_CAP, SATURATION } from './risk.js';
export type { Ring } from './collusion.js';
export type { SellerBenefit } from './sellers.js';
export {
  ENGINE_CLASSES,
  SNAPSHOT_VERSION,
  directoryFields,
  restoreEngine,
  snapshotDirectory,
  snapshotDirectoryView,
  snapshotEngine,
} from './snapshot.js';
export { SnapshotError } from './errors.js';
export type { SnapshotErrorCode } from './errors.js';
export type { ClassRegistry } from './snapshot-format.js';
export { DetectError } from './errors.js';
export type { DetectErrorCode } from './errors.js';
export { EMPTY_PROFILE, JOB_FUNCTIONS, parseOrgProfile } from './org-profile.js';
export type { JobFunction, OrgProfile } from './org-profile.js';
export { BEHAVIOURS } from './peers.js';
export type { Behaviour, PeerGroupReport } from './peers.js';
export { canaryKey, declareCanaries } from './canaries.js';
export { applySuppressions } from './suppress.js';
