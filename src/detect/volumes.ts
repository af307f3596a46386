/**
 * Daily volume baselines per action: each employee's finished days against their own history
 * and their peer group's, robustly (median and MAD), as the detection issue asks. A day far
 * above both is a `volume-spike` hit: weak evidence on its own (quarter ends, recalls and
 * audits spike too), which only adds up with other signals.
 */
import { STANDARD_ACTIONS } from '../domain/index.js';
import type { EmployeeView } from './directory-view.js';
import type { Hit } from './evidence.js';
import { medianAndMad } from './robust.js';
import { Slabs } from './slabs.js';

const DAY = 86_400_000;
/** Completed days kept per employee and action, and per peer group and action. */
const OWN_DAYS = 28;
const GROUP_DAYS = 400;
/** A spike: at least this many events, and this many robust deviations above both baselines. */
const MIN_COUNT = 10;
const MIN_Z = 5;
/**
 * Cold start: no volume judgement until the employee has this many days of their own history
 * (a new hire, or the first days of the stream), nor before the peer group has `GROUP_SETTLED`
 * employee-days — against too little history, every busy day looks like a spike.
 */
const OWN_SETTLED = 5;
const GROUP_SETTLED = 200;
export const SPIKE_WEIGHT = 0.5;

const ACTION_INDEX = new Map<string, number>(STANDARD_ACTIONS.map((a, i) => [a, i]));
const ACTIONS = STANDARD_ACTIONS.length;

/**
 * The last `days.length` completed days' counts of one action, as a ring: `filled` of them are
 * held, and the next goes to slot `next`, over the oldest once the ring is full. Until then
 * `next` is `filled`, so the held days are always `days[0..filled)`, in no particular order
 * (the median and MAD ignore order). Counts are events of one action by one employee in one
 * day: whole numbers ≥ 0, far below 2³¹, so an Int32Array holds them — and the snapshot copies
 * it as one buffer, where an array of numbers costs two tape ops per element each way.
 */
interface Ring {
  readonly days: Int32Array;
  filled: number;
  next: number;
}

export interface Person {
  group: string;
  day: number;
  counts: Int32Array;
  lastEventId: string[];
  lastT: Float64Array;
  /**
   * Completed days: per action `a`, a ring of the last OWN_DAYS counts in
   * `history[a * OWN_DAYS .. (a + 1) * OWN_DAYS)`. Every closed day adds one count to every
   * action (`close`), so all the actions' rings fill and turn together: one `filled` and one
   * `next` for all of them (the rings as `Ring` describes, held days `[0..filled)` of each).
   */
  history: Int32Array;
  /** Days in each action's ring (at most OWN_DAYS). */
  filled: number;
  /** The slot of each action's ring that the next closed day goes to. */
  next: number;
}

export class VolumeBaselines {
  private readonly people = new Map<string, Person>();
  /** Where each person's counts and history, and each group's days, are cut from. */
  private readonly slabs = new Slabs();
  /** Per `group|action` key, the group's last GROUP_DAYS employee-days. */
  private readonly group = new Map<string, Ring>();
  /** The directory version each person was last filed under (a new version may move groups). */
  private readonly filed = new Map<string, EmployeeView>();
  private readonly cache = new Map<
    string,
    { day: number; median: number; mad: number } | undefined
  >();

  /** Counts the event; when it starts the employee's new day, judges the day before. */
  observe(who: EmployeeView, action: string, eventId: string, t: number, out: Hit[]): void {
    const a = ACTION_INDEX.get(action);
    if (a === undefined) return;
    let p = this.people.get(who.id);
    if (!p) {
      p = {
        group: '',
        day: Math.floor(t / DAY),
        counts: this.slabs.carve(Int32Array, ACTIONS),
        lastEventId: new Array<string>(ACTIONS).fill(''),
        lastT: this.slabs.carve(Float64Array, ACTIONS),
        history: this.slabs.carve(Int32Array, ACTIONS * OWN_DAYS),
        filled: 0,
        next: 0,
      };
      this.people.set(who.id, p);
    }
    if (this.filed.get(who.id) !== who) {
      this.filed.set(who.id, who);
      p.group = `${who.team}|${who.role}`;
    }
    this.count(p, who.id, a, eventId, t, out);
  }

  /** The employee's counts, once an event of a standard action made them (never replaced). */
  personOf(id: string): Person | undefined {
    return this.people.get(id);
  }

  /**
   * `observe`, given the employee's person (`personOf`) once an `observe` of this directory
   * version of them filed it (the engine keeps it).
   */
  observeAs(
    p: Person,
    who: EmployeeView,
    action: string,
    eventId: string,
    t: number,
    out: Hit[],
  ): void {
    const a = ACTION_INDEX.get(action);
    if (a !== undefined) this.count(p, who.id, a, eventId, t, out);
  }

  private count(p: Person, id: string, a: number, eventId: string, t: number, out: Hit[]): void {
    const day = Math.floor(t / DAY);
    if (p.day !== day) {
      this.close(id, p, out);
      p.day = day;
      p.counts.fill(0);
    }
    p.counts[a]!++;
    p.lastEventId[a] = eventId;
    p.lastT[a] = t;
  }

  private close(id: string, p: Person, out: Hit[]): void {
    const rings = this.ringsOf(p.group);
    for (let a = 0; a < ACTIONS; a++) {
      const n = p.counts[a]!;
      if (n >= MIN_COUNT && p.filled >= OWN_SETTLED) {
        const peer = this.stats(actionKeys(p.group)[a]!, p.day);
        const peerZ = peer ? (n - peer.median) / (1.4826 * peer.mad + 1) : 0;
        const ownZ = robustZ(n, p.history, a * OWN_DAYS, p.filled);
        if (peerZ >= MIN_Z && ownZ >= MIN_Z)
          out.push({
            indicator: 'volume-spike',
            employeeId: id,
            eventId: p.lastEventId[a]!,
            t: p.lastT[a]!,
            weight: SPIKE_WEIGHT * Math.min(3, peerZ / MIN_Z),
            sellerIds: [],
            action: STANDARD_ACTIONS[a]!,
          });
      }
      // Zero days count too: a day without the action is part of the baseline.
      p.history[a * OWN_DAYS + p.next] = n;
      let all = rings[a];
      if (all === undefined) {
        const key = actionKeys(p.group)[a]!;
        all = this.group.get(key);
        if (!all) {
          all = { days: this.slabs.carve(Int32Array, GROUP_DAYS), filled: 0, next: 0 };
          this.group.set(key, all);
        }
        rings[a] = all;
      }
      push(all, n);
    }
    turn(p, OWN_DAYS);
  }

  /**
   * The group's rings by action, as far as found in `group` (where they stay, and are never
   * replaced): every closed day adds to all of them, and a list read by index spares a look-up
   * by `group|action` key per action.
   */
  private ringsOf(group: string): (Ring | undefined)[] {
    let byGroup = groupRings.get(this);
    if (byGroup === undefined)
      groupRings.set(this, (byGroup = new Map<string, (Ring | undefined)[]>()));
    let rings = byGroup.get(group);
    if (rings === undefined) byGroup.set(group, (rings = new Array<Ring | undefined>(ACTIONS)));
    return rings;
  }

  /** The peer group's median and MAD for an action, as of the start of `day` (cached per day). */
  private stats(key: string, day: number): { median: number; mad: number } | undefined {
    const cached = this.cache.get(key);
    if (cached && cached.day === day) return cached;
    const values = this.group.get(key);
    if (!values || values.filled < GROUP_SETTLED) return undefined;
    // the ring's order is not the days' order: the median and MAD do not need it
    const { median, mad } = medianAndMad(values.days, 0, values.filled);
    const s = { day, median, mad };
    this.cache.set(key, s);
    return s;
  }
}

/**
 * Per baselines, group → its rings by action (`ringsOf`): a cache beside the state, which
 * holds the rings themselves (snapshot.ts saves `group`); restored baselines start without it.
 */
const groupRings = new WeakMap<VolumeBaselines, Map<string, (Ring | undefined)[]>>();

/** Group → its `group|action` keys, built once (a cache beside the engine, not its state). */
const groupActionKeys = new Map<string, readonly string[]>();

function actionKeys(group: string): readonly string[] {
  let keys = groupActionKeys.get(group);
  if (keys === undefined) {
    keys = Array.from({ length: ACTIONS }, (_, a) => `${group}|${a}`);
    groupActionKeys.set(group, keys);
  }
  return keys;
}

/** Adds a day's count to the ring, over its oldest once it holds `days.length`. */
function push(ring: Ring, n: number): void {
  ring.days[ring.next] = n;
  turn(ring, ring.days.length);
}

/** Moves a ring of `size` slots (or rings that turn together, `Person`) past the day just written. */
function turn(ring: { filled: number; next: number }, size: number): void {
  ring.next = (ring.next + 1) % size;
  if (ring.filled < size) ring.filled++;
}

/** How far `n` is above an action's own ring (`filled` days from `start`), in robust deviations. */
function robustZ(n: number, history: Int32Array, start: number, filled: number): number {
  const { median, mad } = medianAndMad(history, start, start + filled);
  return (n - median) / (1.4826 * mad + 1);
}
