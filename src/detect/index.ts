export { DetectionEngine } from './engine.js';
export type { Baseline } from './engine.js';
export { INDICATORS } from './evidence.js';
export type { Hit, Indicator } from './evidence.js';
export { WEIGHTS } from './detectors.js';
export { DECAY_MS, INDICATOR_CAP, SATURATION } from './risk.js';
export type { Ring } from './collusion.js';
export type { SellerBenefit } from './sellers.js';
