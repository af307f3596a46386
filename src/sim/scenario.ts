/**
 * What every scenario is: a plan made before the first day (who, for which sellers, when, how
 * much — drawn at random, so that no one threshold separates abuse from work), then played
 * day by day into the same stream as everyone's work.
 */
import type { Day } from './day.js';
import type { LabelBuilder } from './label-builder.js';
import type { ScenarioType } from './labels.js';
import type { Rng } from './random.js';
import type { Workflows } from './workflows.js';
import { DAY, HOUR, type Role, type SimEmployee, type World } from './world.js';

export interface Scenario {
  readonly label: LabelBuilder;
  /** Before the day's work: directory changes (a transfer, a shift change, a notice). */
  beforeWork?(day: Day): void;
  /** After the day's work: the scenario's own events, inside or near the actors' shifts. */
  afterWork(day: Day): void;
}

export interface PlanContext {
  readonly world: World;
  readonly work: Workflows;
  readonly rng: Rng;
  /** Employees already cast in a scenario (nobody plays two). */
  readonly cast: Set<number>;
  /** Whether rings camouflage themselves with edges to popular sellers. */
  readonly camouflage: boolean;
}

/** The most popular sellers (by size): what everybody looks at, and what camouflage uses. */
export function popularSellers(world: World, n = 20): number[] {
  return [...world.sellers]
    .sort((a, b) => b.size - a.size || a.index - b.index)
    .slice(0, n)
    .map((s) => s.index);
}

export type Planner = (ctx: PlanContext, id: string) => Scenario | undefined;

export interface ScenarioDefinition {
  readonly type: ScenarioType;
  readonly kind: 'abuse' | 'benign';
  readonly plan: Planner;
}

/**
 * Picks `n` uncast employees in one of `roles` who work the whole run (veterans: no hire or
 * departure inside it), optionally at one site. Returns undefined if there are too few.
 */
export function castVeterans(
  ctx: PlanContext,
  roles: readonly Role[],
  n: number,
  filter: (e: SimEmployee) => boolean = () => true,
): SimEmployee[] | undefined {
  const pool = ctx.world.employees.filter(
    (e) =>
      roles.includes(e.role) &&
      !ctx.cast.has(e.index) &&
      e.leftAt === undefined &&
      e.hiredAt < ctx.world.startMs - 30 * DAY &&
      filter(e),
  );
  if (pool.length < n) return undefined;
  const chosen = ctx.rng.sample(pool, n);
  for (const e of chosen) ctx.cast.add(e.index);
  return chosen;
}

/** A window of `length` days starting somewhere in the run (and ending inside it). */
export function window(
  rng: Rng,
  world: World,
  minLength: number,
  maxLength: number,
): [number, number] {
  const length = Math.min(world.days - 1, rng.int(minLength, maxLength));
  const first = rng.int(1, Math.max(1, world.days - length - 1));
  return [first, first + length];
}

/**
 * When an insider acts today: inside their shift mostly, sometimes late in the evening after
 * it; undefined when they are not at work today (and `offDay` does not allow it).
 */
export function insiderTime(day: Day, e: SimEmployee, lateShare = 0.15): number | undefined {
  const shift = day.shifts.get(e.index);
  if (!shift) return undefined;
  if (day.rng.chance(lateShare))
    return shift.start + shift.length + day.rng.int(1, 3 * 60) * 60_000;
  return shift.start + shift.length * (0.05 + 0.9 * day.rng.next());
}

/** Sellers in `category` outside the employee's book and not in `exclude`. */
export function competitors(
  world: World,
  category: string,
  e: SimEmployee,
  exclude: ReadonlySet<number> = new Set(),
): number[] {
  const book = new Set(e.book);
  return (world.sellersByCategory.get(category) ?? []).filter(
    (s) => !book.has(s) && !exclude.has(s),
  );
}

/** Sellers with at least `min` published negative (1–2 star) reviews before `before`. */
export function sellersWithNegatives(world: World, min: number, before: number): number[] {
  const out: number[] = [];
  for (const [seller, reviews] of world.negativeBySeller) {
    let n = 0;
    for (const r of reviews) if ((world.reviews[r]?.createdAt ?? Infinity) < before) n++;
    if (n >= min) out.push(seller);
  }
  return out.sort((a, b) => a - b);
}

export const MINUTE = 60_000;
export { DAY, HOUR };
