import { SimError } from './errors.js';
import { WORLD_NAMES, type WorldName } from './worlds.js';

/** The simulator's presets. `--employees` and `--days` override a preset's size. */
export interface SimOptions {
  readonly preset: PresetName;
  /** The organisation: `a` (the first world) or `b` (built to break what A lets detectors lean on). */
  readonly world: WorldName;
  readonly seed: number;
  readonly employees: number;
  readonly days: number;
  /** First simulated day, UTC midnight (ms). A Monday, so that weeks line up. */
  readonly startMs: number;
  /** Whether every scenario type and every look-alike must be played (medium and large). */
  readonly fullLibrary: boolean;
  /**
   * Camouflage (Fraudar's word): ring members also look at the most popular sellers' metrics
   * without purpose, as many honest colleagues idly do, so that a ring hides among edges to
   * sellers everybody touches.
   */
  readonly camouflage: boolean;
}

export const PRESETS = {
  small: { employees: 60, days: 14, fullLibrary: false },
  medium: { employees: 1_000, days: 30, fullLibrary: true },
  large: { employees: 3_000, days: 30, fullLibrary: true },
} as const;
export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export const MIN_EMPLOYEES = 50;
export const MAX_EMPLOYEES = 20_000;
export const MAX_DAYS = 120;

/**
 * Monday 7 September 2026: a 30-day run crosses the quarter end (30 September), so that
 * quarter-end exports happen inside it.
 */
export const DEFAULT_START_MS = Date.UTC(2026, 8, 7);

export function resolveOptions(input: {
  preset: PresetName;
  seed: number;
  employees?: number;
  days?: number;
  camouflage?: boolean;
  world?: string;
}): SimOptions {
  const base = PRESETS[input.preset];
  const employees = input.employees ?? base.employees;
  const days = input.days ?? base.days;
  if (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > 0xffffffff)
    throw new SimError(
      'INVALID_OPTION',
      `--seed must be an integer from 0 to 4294967295, got ${input.seed}`,
    );
  if (!Number.isInteger(employees) || employees < MIN_EMPLOYEES || employees > MAX_EMPLOYEES)
    throw new SimError(
      'INVALID_OPTION',
      `--employees must be an integer from ${MIN_EMPLOYEES} to ${MAX_EMPLOYEES}, got ${employees}`,
    );
  if (!Number.isInteger(days) || days < 7 || days > MAX_DAYS)
    throw new SimError(
      'INVALID_OPTION',
      `--days must be an integer from 7 to ${MAX_DAYS}, got ${days}`,
    );
  const world = input.world ?? 'a';
  if (!(WORLD_NAMES as readonly string[]).includes(world))
    throw new SimError(
      'INVALID_OPTION',
      `--world must be one of ${WORLD_NAMES.join(', ')}, got "${world}"`,
    );
  return {
    preset: input.preset,
    world: world as WorldName,
    seed: input.seed,
    employees,
    days,
    startMs: DEFAULT_START_MS,
    fullLibrary: base.fullLibrary && employees >= 300 && days >= 21,
    camouflage: input.camouflage ?? false,
  };
}
