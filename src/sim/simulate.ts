/**
 * The simulator's day loop: a directory file, then one file per simulated UTC day holding
 * the events whose time falls on that day and the directory records (tickets, reports, new
 * reviews, removals, staff changes) that became true that day.
 */
import { Day, reviewRecord, type DueRecord, type SimEvent } from './day.js';
import type { Labels, Manifest } from './labels.js';
import { planScenarios } from './library.js';
import { buildWorld, isWeekend } from './population.js';
import type { SimOptions } from './presets.js';
import { Rng } from './random.js';
import { assignmentRecord, employeeRecord, sellerRecord } from './records.js';
import { popularSellers, type Scenario } from './scenario.js';
import { DAY, HOUR, iso, type SimEmployee, type World } from './world.js';
import { Workflows } from './workflows.js';
import { worldSpec } from './worlds.js';

/** Where the stream goes: one call per file, lines without their `\n`. */
export interface StreamSink {
  write(file: string, lines: readonly string[]): void;
}

export interface Simulation {
  readonly manifest: Manifest;
  readonly labels: Labels;
}

/** Days 10–12 of a run are a sale: more tickets, more reports. */
const SALE_DAYS = new Set([10, 11, 12]);
const WEEKDAY_LOAD = [0.6, 1.1, 1.05, 1, 1, 0.9, 0.6]; // Sunday first

export function simulate(
  options: SimOptions,
  sink: StreamSink,
  progress: (day: number, days: number) => void = () => {},
): Simulation {
  const rng = new Rng(options.seed);
  const world = buildWorld(
    worldSpec(options.world),
    rng.fork('world'),
    options.employees,
    options.startMs,
    options.days,
  );
  const work = new Workflows(world);
  const scenarios = planScenarios(
    { world, work, rng: rng.fork('scenarios'), cast: new Set(), camouflage: options.camouflage },
    options,
  );
  const counts: Record<string, number> = {};
  const files: string[] = [];
  const emit = (file: string, lines: string[]): void => {
    sink.write(file, lines);
    files.push(file);
  };
  emit('0000-directory.ndjson', directoryLines(world, rng.fork('assignments'), counts));
  const state = { due: [] as DueRecord[], carry: [] as SimEvent[], nextEvent: 1, nextReview: 0 };
  while ((world.reviews[state.nextReview]?.createdAt ?? Infinity) < world.startMs)
    state.nextReview++;
  const dayRng = rng.fork('days');
  // With camouflage, honest staff idly look at the most popular sellers too (the crowd a ring hides in).
  const popular = options.camouflage ? popularSellers(world) : [];
  for (let d = 0; d < world.days; d++) {
    const day = new Day(world, d, world.startMs + d * DAY, dayRng, state.due);
    playDay(day, work, scenarios, popular);
    const last = d === world.days - 1;
    emit(
      `${String(d + 1).padStart(4, '0')}-${iso(day.start).slice(0, 10)}.ndjson`,
      flushDay(day, state, last, counts),
    );
    progress(d + 1, world.days);
  }
  return finish(options, world, scenarios, counts, files);
}

function playDay(
  day: Day,
  work: Workflows,
  scenarios: readonly Scenario[],
  popular: readonly number[],
): void {
  const world = day.world;
  for (const s of scenarios) s.beforeWork?.(day);
  for (const e of world.employees) workShift(day, work, e, popular);
  for (const s of scenarios) s.afterWork(day);
}

/** The employee's shift that starts on this UTC day, if they work it. */
function workShift(day: Day, work: Workflows, e: SimEmployee, popular: readonly number[]): void {
  const rng = day.rng;
  const offset = e.site.utcOffset;
  const start = day.start + ((((e.startHour - offset) % 24) + 24) % 24) * HOUR;
  if (start < e.hiredAt || (e.leftAt !== undefined && start >= e.leftAt)) return;
  const local = start + offset * HOUR;
  const localDay = Math.floor((local - day.world.startMs) / DAY);
  if (e.leave.has(localDay)) return;
  const weekend = isWeekend(local);
  if (weekend && !e.weekendWorker && !rng.chance(0.03)) return;
  const weekday = new Date(local).getUTCDay();
  const ramp = Math.min(1, 0.25 + (0.75 * (start - e.hiredAt)) / (14 * DAY));
  const load = e.pace * ramp * (WEEKDAY_LOAD[weekday] ?? 1) * (SALE_DAYS.has(localDay) ? 1.3 : 1);
  const length = (8 + rng.next() * 1.5) * HOUR;
  day.beginShift(e, start + rng.int(-15, 25) * 60_000, length, rng.chance(0.08));
  work.work(day, e, load);
  if (
    popular.length > 0 &&
    (e.role === 'account-manager' || e.role === 'support-agent') &&
    rng.chance(0.1)
  )
    day.act(
      e,
      start + length * rng.next(),
      'seller.metrics.view',
      'seller',
      day.world.sellers[rng.pick(popular)]!.id,
    );
  if (rng.chance(0.4)) day.relogin(e, start + length * (0.45 + 0.1 * rng.next()));
}

function directoryLines(world: World, rng: Rng, counts: Record<string, number>): string[] {
  const records: Record<string, unknown>[] = [];
  for (const e of world.employees) records.push(employeeRecord(e));
  for (const s of world.sellers) records.push(sellerRecord(world, s.index));
  for (const p of world.products)
    records.push({
      kind: 'product',
      id: p.id,
      sellerId: world.sellers[p.seller]!.id,
      category: p.category,
      title: `Product ${p.id.slice(2)}`,
    });
  for (const r of world.reviewers)
    records.push({ kind: 'reviewer', id: r.id, email: r.email, name: r.name });
  for (let i = 0; i < world.reviews.length && world.reviews[i]!.createdAt < world.startMs; i++)
    records.push(reviewRecord(world, i));
  for (const e of world.employees)
    for (const s of e.book) {
      const from = Math.max(e.hiredAt, world.startMs - rng.int(30, 700) * DAY);
      world.assignedFrom.set(`${e.index}/${s}`, Math.floor(from / DAY) * DAY);
      records.push(assignmentRecord(e, world.sellers[s]!.id, Math.floor(from / DAY) * DAY));
    }
  return records.map((r) => line({ v: 1, ...r }, counts));
}

/** Writes what happened before the day's end; keeps what spills into the next day. */
function flushDay(
  day: Day,
  state: { due: DueRecord[]; carry: SimEvent[]; nextEvent: number; nextReview: number },
  last: boolean,
  counts: Record<string, number>,
): string[] {
  const world = day.world;
  const lines: string[] = [];
  const all = state.carry.concat(day.events);
  // The last file also takes the tail of the shifts still running at the run's end, and the
  // records they need.
  let horizon = day.end;
  if (last) for (const e of all) horizon = Math.max(horizon, e.t + 1);
  while ((world.reviews[state.nextReview]?.createdAt ?? Infinity) < horizon) {
    lines.push(line({ v: 1, ...reviewRecord(world, state.nextReview) }, counts));
    state.nextReview++;
  }
  const due = state.due.filter((r) => r.t < horizon).sort((a, b) => a.t - b.t || a.seq - b.seq);
  const later = state.due.filter((r) => r.t >= horizon);
  state.due.length = 0;
  state.due.push(...later);
  for (const r of due) lines.push(line(r.record, counts));
  const now = last ? all : all.filter((e) => e.t < day.end);
  state.carry = last ? [] : all.filter((e) => e.t >= day.end);
  now.sort((a, b) => a.t - b.t || a.seq - b.seq);
  for (const e of now) {
    const id = `ev-${String(state.nextEvent++).padStart(9, '0')}`;
    e.tag?.saw(id, e.t);
    lines.push(eventLine(id, e));
  }
  counts['event'] = (counts['event'] ?? 0) + now.length;
  return lines;
}

function eventLine(id: string, e: SimEvent): string {
  const o: Record<string, unknown> = {
    v: 1,
    kind: 'event',
    id,
    time: iso(e.t),
    actor: e.actor.id,
    action: e.action,
    target: { type: e.targetType, id: e.targetId },
  };
  if (e.ticket !== undefined) o['ticket'] = e.ticket;
  o['context'] = e.context;
  if (e.attrs !== undefined) o['attrs'] = e.attrs;
  return JSON.stringify(o);
}

function line(record: Record<string, unknown>, counts: Record<string, number>): string {
  const kind = String(record['kind']);
  counts[kind] = (counts[kind] ?? 0) + 1;
  return JSON.stringify(record);
}

function finish(
  options: SimOptions,
  world: World,
  scenarios: readonly Scenario[],
  counts: Record<string, number>,
  files: string[],
): Simulation {
  const played = scenarios.filter((s) => s.label.played).map((s) => s.label.build());
  const insiders = [
    ...new Set(played.filter((s) => s.kind === 'abuse').flatMap((s) => s.employeeIds)),
  ].sort();
  let employeeDays = 0;
  for (const e of world.employees) {
    const from = Math.max(e.hiredAt, world.startMs);
    const to = Math.min(e.leftAt ?? world.endMs, world.endMs);
    if (to > from) employeeDays += (to - from) / DAY;
  }
  return {
    manifest: {
      format: 'warden-sim/1',
      preset: options.preset,
      ...worldField(options),
      seed: options.seed,
      from: iso(world.startMs),
      to: iso(world.endMs),
      days: world.days,
      employees: world.employees.length,
      employeeDays: Math.round(employeeDays * 10) / 10,
      counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
      files,
    },
    labels: {
      format: 'warden-sim-labels/1',
      preset: options.preset,
      ...worldField(options),
      seed: options.seed,
      insiders,
      scenarios: played,
    },
  };
}

/** World A's files name no world (as before worlds existed); others say which they are. */
function worldField(options: SimOptions): { world?: 'b' } {
  return options.world === 'a' ? {} : { world: options.world };
}
