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
import { ABUSE_B, BENIGN_B } from './library-b.js';
import type { WorldName } from './world.js';

/** A world's scenarios: abuse, look-alikes, and the shared-context look-alikes played last. */
export interface Library {
  readonly abuse: readonly ScenarioDefinition[];
  readonly benign: readonly ScenarioDefinition[];
  readonly shared: readonly ScenarioDefinition[];
}

const LIBRARIES: Record<WorldName, Library> = {
  a: { abuse: ABUSE, benign: BENIGN, shared: SHARED_CONTEXT },
  b: { abuse: ABUSE_B, benign: BENIGN_B, shared: SHARED_CONTEXT },
};

export function libraryOf(world: WorldName): Library {
  return LIBRARIES[world];
}

export function planScenarios(
  ctx: PlanContext,
  o: { readonly fullLibrary: boolean; readonly preset: PresetName },
): Scenario[] {
  const { abuse, benign, shared: sharedContext } = libraryOf(ctx.world.spec.name);
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
      abuse.filter((d) => d.type !== 'collusion-ring'),
      2,
    ))
      play(def, false);
    for (const def of pickSome(ctx.rng, benign, 2)) play(def, false);
    return out;
  }
  for (const def of [...abuse, ...benign]) play(def, true);
  const staff = ctx.world.employees.length;
  const target = Math.round(staff * (0.01 + 0.005 * ctx.rng.next()));
  const insiders = (): number =>
    out.filter((s) => s.label.kind === 'abuse').reduce((n, s) => n + s.label.employeeIds.size, 0);
  for (let tries = 0; insiders() < target && tries < 1000; tries++) {
    const def = ctx.rng.pick(abuse);
    if (def.type === 'collusion-ring' && insiders() + 5 > target) continue;
    play(def, false);
  }
  for (let i = Math.floor(staff / 1500); i > 0; i--) play(ctx.rng.pick(benign), false);
  // Last and from a stream of their own: they change only their actors' event context.
  const shared = { ...ctx, rng: ctx.rng.fork('shared-context') };
  for (const def of sharedContext) play(def, true, shared);
  return out;
}

function pickSome<T>(rng: Rng, xs: readonly T[], n: number): T[] {
  return rng.sample(xs, n);
}
