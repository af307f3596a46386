/**
 * Casts the scenario library into a run. Medium and large runs hold every scenario type and
 * every look-alike, then more abuse instances until insiders are 1–1.5 % of staff; small runs
 * hold a few of each kind.
 */
import { SimError } from './errors.js';
import type { PresetName } from './presets.js';
import type { Rng } from './random.js';
import { ABUSE } from './scenarios-abuse.js';
import { BENIGN } from './scenarios-benign.js';
import { SHARED_CONTEXT } from './scenarios-shared.js';
import type { PlanContext, Scenario, ScenarioDefinition } from './scenario.js';

export const LIBRARY: readonly ScenarioDefinition[] = [...ABUSE, ...BENIGN];

export function planScenarios(
  ctx: PlanContext,
  o: { readonly fullLibrary: boolean; readonly preset: PresetName },
): Scenario[] {
  const counts = new Map<string, number>();
  const out: Scenario[] = [];
  const play = (def: ScenarioDefinition, required: boolean, from = ctx): boolean => {
    const n = (counts.get(def.type) ?? 0) + 1;
    const scenario = def.plan(from, `${def.type}-${n}`);
    if (!scenario) {
      if (required)
        throw new SimError(
          'INVALID_OPTION',
          `the ${o.preset} run has too few staff to cast the ${def.type} scenario; use more --employees`,
        );
      return false;
    }
    counts.set(def.type, n);
    out.push(scenario);
    return true;
  };
  if (!o.fullLibrary) {
    for (const def of pickSome(
      ctx.rng,
      ABUSE.filter((d) => d.type !== 'collusion-ring'),
      2,
    ))
      play(def, false);
    for (const def of pickSome(ctx.rng, BENIGN, 2)) play(def, false);
    return out;
  }
  for (const def of LIBRARY) play(def, true);
  const staff = ctx.world.employees.length;
  const target = Math.round(staff * (0.01 + 0.005 * ctx.rng.next()));
  const insiders = (): number =>
    out.filter((s) => s.label.kind === 'abuse').reduce((n, s) => n + s.label.employeeIds.size, 0);
  for (let tries = 0; insiders() < target && tries < 1000; tries++) {
    const def = ctx.rng.pick(ABUSE);
    if (def.type === 'collusion-ring' && insiders() + 5 > target) continue;
    play(def, false);
  }
  for (let i = Math.floor(staff / 1500); i > 0; i--) play(ctx.rng.pick(BENIGN), false);
  // Last and from a stream of their own: they change only their actors' event context.
  const shared = { ...ctx, rng: ctx.rng.fork('shared-context') };
  for (const def of SHARED_CONTEXT) play(def, true, shared);
  return out;
}

function pickSome<T>(rng: Rng, xs: readonly T[], n: number): T[] {
  return rng.sample(xs, n);
}
