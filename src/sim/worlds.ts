/**
 * The organisations the simulator can staff: world A (the first one, unchanged) and world B,
 * built to differ from A in everything a detector might lean on — names, sites, hours, team
 * sizes, reporting lines, habits (docs/scenarios.md, section 7). One simulator plays both.
 */
import { WORLD_A } from './world-a.js';
import { WORLD_B } from './world-b.js';
import type { WorldName, WorldSpec } from './world.js';

export const WORLD_NAMES: readonly WorldName[] = ['a', 'b'];
export type { WorldName, WorldSpec } from './world.js';

/** The organisation a run is staffed by. */
export function worldSpec(name: WorldName): WorldSpec {
  return name === 'b' ? WORLD_B : WORLD_A;
}
