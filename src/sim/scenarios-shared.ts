/**
 * Look-alikes of a broker's shared context (docs/scenarios.md): honest colleagues who share a
 * console device or an office address for all their work. A ring's members share an address
 * or a device too; these must not be taken for one.
 *
 * They are planned after every other scenario, from a stream of their own, and change only
 * the `context` of their actors' events: the rest of the run stays as it was without them.
 */
import { LabelBuilder } from './label-builder.js';
import {
  castVeterans,
  type PlanContext,
  type Scenario,
  type ScenarioDefinition,
} from './scenario.js';
import type { Role, SimEmployee } from './world.js';
import type { Day } from './day.js';

const ROLES: readonly Role[] = ['account-manager', 'support-agent', 'moderator'];

/** Colleagues of one role at one site, or undefined if too few are left to cast. */
function colleagues(ctx: PlanContext, min: number, max: number): SimEmployee[] | undefined {
  for (let tries = 0; tries < 20; tries++) {
    const site = ctx.rng.pick(ctx.world.spec.sites);
    const role = ctx.rng.pick(ROLES);
    const crew = castVeterans(ctx, [role], ctx.rng.int(min, max), (e) => e.site === site);
    if (crew) return crew;
  }
  return undefined;
}

/** The label's span: every shift its actors work (they add no events of their own). */
function spanShifts(label: LabelBuilder, crew: readonly SimEmployee[]) {
  return (day: Day): void => {
    for (const e of crew) {
      const shift = day.shifts.get(e.index);
      if (shift) label.span(shift.start);
    }
  };
}

/**
 * Shared terminals: 2–4 colleagues of one role at one site work on one console device — a hot
 * desk, or a terminal handed over from one shift to the next — for all of their work.
 */
const sharedTerminal = (ctx: PlanContext, id: string): Scenario | undefined => {
  const crew = colleagues(ctx, 2, 4);
  if (!crew) return undefined;
  const terminal = `dev-desk-${crew[0]!.site.index}-${ctx.rng.int(100, 999)}`;
  for (const e of crew) e.device = terminal;
  const label = new LabelBuilder(
    id,
    'shared-terminal',
    'benign',
    `${crew.map((e) => e.id).join(', ')} (${crew[0]!.title}s at ${crew[0]!.site.name}) share the terminal ${terminal}`,
  );
  for (const e of crew) label.employeeIds.add(e.id);
  return { label, afterWork: spanShifts(label, crew) };
};

/** A small office behind one address: 3–8 colleagues' on-site sessions all leave from it. */
const officeNat = (ctx: PlanContext, id: string): Scenario | undefined => {
  const crew = colleagues(ctx, 3, 8);
  if (!crew) return undefined;
  const address = `10.${crew[0]!.site.index}.255.${ctx.rng.int(1, 254)}`;
  for (const e of crew) e.officeIp = address;
  const label = new LabelBuilder(
    id,
    'office-nat',
    'benign',
    `${crew.length} ${crew[0]!.title}s at ${crew[0]!.site.name} work behind one office address ${address}`,
  );
  for (const e of crew) label.employeeIds.add(e.id);
  return { label, afterWork: spanShifts(label, crew) };
};

export const SHARED_CONTEXT: readonly ScenarioDefinition[] = [
  { type: 'shared-terminal', kind: 'benign', plan: sharedTerminal },
  { type: 'office-nat', kind: 'benign', plan: officeNat },
];
