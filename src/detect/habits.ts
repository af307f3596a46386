/**
 * Each employee's own pattern: the networks they work from and the hours they work, learned
 * from their history. A changed shift in the directory starts the hours afresh (cold start),
 * as does a new hire's first week.
 */
import type { AccessEvent } from '../domain/index.js';
import type { EmployeeView } from './directory-view.js';
import type { Hit } from './evidence.js';
import { Slabs } from './slabs.js';

const DAY = 86_400_000;
/** Days of history before an employee's own pattern is trusted. */
const SETTLED_DAYS = 5;
/** Days of history before the day-of-week pattern is trusted. */
const WEEK_SETTLED_DAYS = 14;
/** A network used by this few people, and no more, looks like a shared private one. */
const SMALL_GROUP = { min: 2, max: 8 };

export interface Habit {
  days: number;
  lastDay: number;
  shift: string;
  hours: Float64Array;
  /** Events per hour of the week (UTC, Thursday 00:00 first: the epoch's weekday). */
  week: Float64Array;
  total: number;
  networks: Set<string>;
  lastOffHoursDay: number;
}

export class Habits {
  private readonly habits = new Map<string, Habit>();
  /** Where each habit's hours and week are cut from. */
  private readonly slabs = new Slabs();
  /** Network → employee → their first event on it. */
  private readonly networkUsers = new Map<string, Map<string, { eventId: string; t: number }>>();

  /** Adds to `out` the hits for the event against the employee's own pattern; then learns from it. */
  observe(
    e: AccessEvent,
    t: number,
    who: EmployeeView | undefined,
    sensitive: boolean,
    out: Hit[],
  ): void {
    this.observeAs(this.habitOf(e.actor, who), e, t, sensitive, out);
  }

  /**
   * `observe`, given the habit `habitOf` answered for the actor and this directory version of
   * them (one version has one pattern: the engine keeps it). `known`: a network already among
   * `h.networks` (the engine's last one for it), which the event's is then not looked up against.
   */
  observeAs(
    h: Habit,
    e: AccessEvent,
    t: number,
    sensitive: boolean,
    out: Hit[],
    known?: string,
  ): void {
    const day = Math.floor(t / DAY);
    if (h.lastDay !== day) {
      h.lastDay = day;
      h.days++;
    }
    const hour = Math.floor(t / 3_600_000) % 24;
    const weekHour = Math.floor(t / 3_600_000) % 168;
    if (sensitive && h.lastOffHoursDay !== day && this.offPattern(h, hour, weekHour)) {
      h.lastOffHoursDay = day;
      out.push({
        indicator: 'off-hours',
        employeeId: e.actor,
        eventId: e.id,
        t,
        weight: 0.3,
        sellerIds: [],
      });
    }
    h.hours[hour]!++;
    h.week[weekHour]!++;
    h.total++;
    const ip = e.context?.ip;
    if (ip !== undefined && ip !== known) this.network(e, t, ip, h, out);
  }

  private network(e: AccessEvent, t: number, ip: string, h: Habit, hits: Hit[]): void {
    if (h.networks.has(ip)) return;
    h.networks.add(ip);
    if (h.days > SETTLED_DAYS)
      hits.push({
        indicator: 'new-network',
        employeeId: e.actor,
        eventId: e.id,
        t,
        weight: 0.5,
        sellerIds: [],
      });
    const users = this.networkUsers.get(ip) ?? new Map<string, { eventId: string; t: number }>();
    if (users.size > SMALL_GROUP.max) return;
    users.set(e.actor, { eventId: e.id, t });
    this.networkUsers.set(ip, users);
    if (users.size < SMALL_GROUP.min || users.size > SMALL_GROUP.max) return;
    // Everyone on the network gets the hit once, citing their own first event on it.
    const hitFor = (id: string, first: { eventId: string }): Hit => ({
      indicator: 'shared-network',
      employeeId: id,
      eventId: first.eventId,
      t,
      weight: 3,
      sellerIds: [],
    });
    if (users.size === SMALL_GROUP.min)
      for (const [id, first] of users) hits.push(hitFor(id, first));
    else hits.push(hitFor(e.actor, { eventId: e.id }));
  }

  /**
   * Off the employee's own pattern: an hour of the day holding under 1 % of their events (after
   * 5 worked days and 50 events), or — after 14 worked days, when a week's pattern is known — a
   * day of the week holding under 2 % of them (weekend work by someone who never works weekends).
   */
  private offPattern(h: Habit, hour: number, weekHour: number): boolean {
    if (h.days <= SETTLED_DAYS || h.total <= 50) return false;
    if (h.hours[hour]! / h.total < 0.01) return true;
    if (h.days < WEEK_SETTLED_DAYS) return false;
    const dayStart = weekHour - (weekHour % 24);
    let onThatDay = 0;
    for (let i = dayStart; i < dayStart + 24; i++) onThatDay += h.week[i]!;
    return onThatDay / h.total < 0.02;
  }

  /** The employee's usual hours (UTC, most worked first) and the networks they use. */
  patternOf(
    id: string,
  ): { hours: { hour: number; share: number }[]; networks: number; days: number } | undefined {
    const h = this.habits.get(id);
    if (!h || h.total === 0) return undefined;
    const hours = [...h.hours.keys()]
      .map((hour) => ({ hour, share: h.hours[hour]! / h.total }))
      .filter((x) => x.share > 0)
      .sort((a, b) => b.share - a.share || a.hour - b.hour);
    return { hours, networks: h.networks.size, days: h.days };
  }

  /** Everyone who shares a small network (2–8 users) with the employee. */
  smallNetworkMates(id: string): string[] {
    const out = new Set<string>();
    for (const ip of this.networksOf(id)) {
      const users = this.networkUsers.get(ip);
      if (!users || users.size < SMALL_GROUP.min || users.size > SMALL_GROUP.max) continue;
      for (const u of users.keys()) if (u !== id) out.add(u);
    }
    return [...out].sort();
  }

  /** The networks the employee has used. */
  networksOf(id: string): ReadonlySet<string> {
    return this.habits.get(id)?.networks ?? new Set();
  }

  /** The employee's habit for the pattern of this directory version of them (a new one starts it afresh). */
  habitOf(id: string, who: EmployeeView | undefined): Habit {
    // A new shift or a new role is a new pattern.
    const shift = who?.shift ?? 'day';
    const role = who?.role ?? '';
    let h = this.habits.get(id);
    if (!h || !isPattern(h.shift, shift, role)) {
      // A new person, or a new shift: their hours start afresh (their networks stay known).
      h = {
        days: 0,
        lastDay: -1,
        shift: `${shift}|${role}`,
        hours: this.slabs.carve(Float64Array, 24),
        week: this.slabs.carve(Float64Array, 168),
        total: 0,
        networks: h?.networks ?? new Set(),
        lastOffHoursDay: -1,
      };
      this.habits.set(id, h);
    }
    return h;
  }
}

/**
 * Whether a habit's `shift|role` is `${shift}|${role}`, compared in place: asked for every
 * event, where building the string would allocate one per event.
 */
function isPattern(held: string, shift: string, role: string): boolean {
  return (
    held.length === shift.length + 1 + role.length &&
    held.startsWith(shift) &&
    held.charCodeAt(shift.length) === 124 && // '|'
    held.endsWith(role)
  );
}
