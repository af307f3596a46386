/**
 * Peer norms: what is normal for a job, learned from the stream. A peer group is derived from
 * the directory alone — team × role × site, falling back to team × role, role × site, then role when
 * a group has fewer than `MIN_GROUP` members — so no team or role name means anything to
 * detection. Per group and behaviour the norm is the median, over members with at least
 * `MIN_DAYS` worked days, of each member's daily rate: robust, so a few insiders in a group do
 * not move it. An optional org profile can raise a norm (a floor: a declared job function);
 * it never lowers what was learned.
 */
import type { EmployeeView } from './directory-view.js';
import { EMPTY_PROFILE, floorsFor, type OrgProfile } from './org-profile.js';

import { BEHAVIOURS, type Behaviour } from './behaviours.js';

export { BEHAVIOURS, type Behaviour } from './behaviours.js';

const MIN_GROUP = 8;
/** Members need this many worked days (one finished)… */
const MIN_DAYS = 2;
/** …spanning at least this long before their rate counts (a shift ending just after midnight is not a day). */
const MIN_HISTORY = 12 * 3_600_000;
/** Qualifying members a group needs before its norm is trusted (cold start before that). */
const MIN_QUALIFIED = 3;
/**
 * The percentile of the peers' highest window counts an uncorroborated window is held against
 * (nearest rank: the highest in groups of under ten, the tenth-highest of a hundred).
 */
const PEAK_PERCENTILE = 0.9;
/** The peers' daily rate of a behaviour at which one instance of it weighs half. */
export const PEER_HALF = 0.3;
const DAY = 86_400_000;

type Counts = Record<Behaviour, number>;

export interface Member {
  days: number;
  lastDay: number;
  /** Time of their first event; -1 before it. */
  firstT: number;
  /** Enough history for their rate to count in their groups' norms. */
  qualified: boolean;
  counts: Counts;
}

/** A group's norm for one behaviour: the median member's rate, and the share of members showing it. */
export interface Norm {
  readonly group: string;
  /** Median daily rate over qualifying members, raised to the profile's floor; 0 when cold. */
  readonly rate: number;
  /** Share of qualifying members who showed the behaviour at all. */
  readonly share: number;
  readonly members: number;
  /** Too little history (and no floor from the profile): peer-relative alerts wait. */
  readonly cold: boolean;
}

/** One peer group as `warden profile` shows it. */
export interface PeerGroupReport {
  readonly group: string;
  readonly members: number;
  /** Members with enough history (`MIN_DAYS` worked days over `MIN_HISTORY`): those the norms are learned from. */
  readonly qualified: number;
  readonly norms: Readonly<Record<Behaviour, { median: number; share: number }>>;
}

interface Cached {
  day: number;
  qualified: number;
  median: number;
  share: number;
}

export class PeerNorms {
  private readonly members = new Map<string, Member>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly qualified = new Map<string, number>();
  private readonly cache = new Map<string, Cached>();
  /** The directory version each member was last filed under (a new version may move groups). */
  private readonly filed = new Map<string, EmployeeView>();
  /** Window statistic → employee → the highest count they reached in it (`notePeak`). */
  private readonly peaks = new Map<string, Map<string, number>>();

  /** `profile`: the org profile, whose declared job functions set floors under the norms. */
  constructor(private readonly profile: OrgProfile = EMPTY_PROFILE) {}

  /** Files a directory version of the employee in its groups (a new version may add groups). */
  enrol(e: EmployeeView): Member {
    let m = this.members.get(e.id);
    if (!m) {
      m = { days: 0, lastDay: -1, firstT: -1, qualified: false, counts: zeroCounts() };
      this.members.set(e.id, m);
    }
    if (this.filed.get(e.id) !== e) {
      this.filed.set(e.id, e);
      for (const key of groupKeys(e)) {
        const g = this.groups.get(key) ?? new Set<string>();
        if (!g.has(e.id)) {
          g.add(e.id);
          if (m.qualified) this.qualified.set(key, (this.qualified.get(key) ?? 0) + 1);
        }
        this.groups.set(key, g);
      }
    }
    return m;
  }

  /**
   * Counts a worked day for the employee (call for every event), given the member `enrol`
   * answered for this directory version of them (enrolled already: the engine keeps the member
   * of each version it saw an event of).
   */
  workedAs(m: Member, e: EmployeeView, t: number): void {
    const day = Math.floor(t / DAY);
    if (m.firstT < 0) m.firstT = t;
    if (m.lastDay !== day) {
      m.lastDay = day;
      m.days++;
    }
    if (m.qualified || m.days < MIN_DAYS || t - m.firstT < MIN_HISTORY) return;
    m.qualified = true;
    for (const key of groupKeys(e))
      if (this.groups.get(key)?.has(e.id))
        this.qualified.set(key, (this.qualified.get(key) ?? 0) + 1);
  }

  /** Records one instance of a behaviour by the employee. */
  count(employeeId: string, behaviour: Behaviour): void {
    const m = this.members.get(employeeId);
    // `?? 0`: a state saved before a behaviour existed has no count for it
    if (m) m.counts[behaviour] = (m.counts[behaviour] ?? 0) + 1;
  }

  /**
   * Notes a detector window's count for the employee (e.g. metrics views without purpose in
   * 7 days): the peer distribution an uncorroborated alert is held against (`beyondPeers`).
   */
  notePeak(employeeId: string, stat: string, n: number): void {
    let byId = this.peaks.get(stat);
    if (!byId) {
      byId = new Map();
      this.peaks.set(stat, byId);
    }
    if (n > (byId.get(employeeId) ?? 0)) byId.set(employeeId, n);
  }

  /**
   * Whether `n` in the window `stat` is far beyond the employee's peers: at least `times` the
   * `PEAK_PERCENTILE` of the highest counts the other qualified members of their peer group
   * have reached in it (any count, where those never showed it), with at least
   * `MIN_QUALIFIED` such members to compare. A percentile, not the maximum, so that one or two
   * others doing the same (two insiders of one kind in a group) do not hide each other.
   */
  beyondPeers(e: EmployeeView, stat: string, n: number, times: number): boolean {
    const peaks = this.peaks.get(stat);
    const values: number[] = [];
    for (const id of this.groups.get(this.groupOf(e)) ?? [])
      if (id !== e.id && this.members.get(id)?.qualified) values.push(peaks?.get(id) ?? 0);
    if (values.length < MIN_QUALIFIED) return false;
    values.sort((a, b) => a - b);
    const usual = values[Math.ceil(PEAK_PERCENTILE * values.length) - 1]!;
    return n >= Math.max(1, times * usual);
  }

  /** The employee's own worked days and counts. */
  memberOf(employeeId: string): { days: number; counts: Readonly<Counts> } | undefined {
    const m = this.members.get(employeeId);
    return m ? { days: m.days, counts: m.counts } : undefined;
  }

  /** The peer group the employee is compared with (after fall-backs). */
  groupOf(e: EmployeeView): string {
    const keys = groupKeys(e);
    for (const k of keys) if ((this.groups.get(k)?.size ?? 0) >= MIN_GROUP) return k;
    return keys[keys.length - 1]!;
  }

  /**
   * Every group that is someone's peer group now, with its members; `widest`: the widest level
   * instead (the same role), whose membership no other member's arrival can change.
   */
  peerGroups(level: 'chosen' | 'widest' = 'chosen'): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [id, who] of this.filed) {
      const key = level === 'chosen' ? this.groupOf(who) : groupKeys(who).at(-1)!;
      const list = out.get(key) ?? [];
      list.push(id);
      out.set(key, list);
    }
    return out;
  }

  /**
   * The norm of the employee's peer group for a behaviour, as of the day of `t`: recomputed
   * when the day changes or a member qualifies, so a replay and incremental runs agree.
   * `keep: false` (a report, not a detector): a norm not cached yet for the day is computed
   * without being kept, so asking changes nothing — the cache holds what the stream's own
   * first asking of the day computed, and a report asked in between must not stand in for it.
   */
  norm(e: EmployeeView, behaviour: Behaviour, t: number, keep = true): Norm {
    const group = this.groupOf(e);
    const c = this.learned(group, behaviour, Math.floor(t / DAY), keep);
    const floor = floorsFor(this.profile, e)?.[behaviour] ?? 0;
    const qualified = this.qualified.get(group) ?? 0;
    const members = this.groups.get(group)?.size ?? 0;
    // Too few members to ever learn from (someone alone in their job): no norm, evidence as is.
    const learning = members >= MIN_QUALIFIED && qualified < MIN_QUALIFIED;
    const cold = learning && floor === 0;
    return {
      group,
      rate: Math.max(members < MIN_QUALIFIED || learning ? 0 : c.median, floor),
      share: c.share,
      members,
      cold,
    };
  }

  /**
   * What one instance of the behaviour weighs for this employee: 1 where peers never do it,
   * ½ at `PEER_HALF` a day, less where it is their daily work. An unknown actor weighs 1.
   */
  factor(e: EmployeeView | undefined, behaviour: Behaviour, t: number): number {
    if (!e) return 1;
    return 1 / (1 + this.norm(e, behaviour, t).rate / PEER_HALF);
  }

  /**
   * What was learned, per peer group in use: members, those with enough history, and per
   * behaviour the median daily rate and the share of members showing it (computed afresh,
   * without touching the cache, so asking changes nothing).
   */
  describe(): PeerGroupReport[] {
    return [...this.peerGroups()]
      .map(([group, ids]) => {
        const norms = Object.fromEntries(
          BEHAVIOURS.map((b) => {
            const c = this.compute(group, b, 0);
            return [b, { median: c.median, share: c.share }];
          }),
        ) as PeerGroupReport['norms'];
        return {
          group,
          members: ids.length,
          qualified: this.qualified.get(group) ?? 0,
          norms,
        };
      })
      .sort((a, b) => a.group.localeCompare(b.group));
  }

  private learned(group: string, behaviour: Behaviour, day: number, keep: boolean): Cached {
    const key = normKey(group, behaviour);
    const qualified = this.qualified.get(group) ?? 0;
    const cached = this.cache.get(key);
    if (cached && cached.day === day && cached.qualified === qualified) return cached;
    const fresh = this.compute(group, behaviour, day);
    if (keep) this.cache.set(key, fresh);
    return fresh;
  }

  private compute(group: string, behaviour: Behaviour, day: number): Cached {
    const qualified = this.qualified.get(group) ?? 0;
    const rates: number[] = [];
    let showing = 0;
    for (const id of this.groups.get(group) ?? []) {
      const m = this.members.get(id);
      if (!m?.qualified) continue;
      const n = m.counts[behaviour] ?? 0;
      rates.push(n / m.days);
      if (n > 0) showing++;
    }
    return {
      day,
      qualified,
      median: rates.length === 0 ? 0 : medianOf(rates),
      share: rates.length === 0 ? 0 : showing / rates.length,
    };
  }
}

function zeroCounts(): Counts {
  return Object.fromEntries(BEHAVIOURS.map((b) => [b, 0])) as Counts;
}

/**
 * Each directory version's group keys, built once: a version is never changed (a new record
 * makes a new view), and the norms ask for them on every weighed event. Kept beside the
 * engine, not in it (a cache, not state: snapshot.ts saves what the engine holds).
 */
const keysOf = new WeakMap<EmployeeView, readonly string[]>();

/** Team × role × site, then team × role, role × site, role: the directory's own structure, no names. */
function groupKeys(e: EmployeeView): readonly string[] {
  let keys = keysOf.get(e);
  if (keys === undefined) {
    keys = [
      `team=${e.team} role=${e.role} site=${e.site}`,
      `team=${e.team} role=${e.role}`,
      `role=${e.role} site=${e.site}`,
      `role=${e.role}`,
    ];
    keysOf.set(e, keys);
  }
  return keys;
}

/** `group#behaviour`, the key of a norm (its cache, the cold hits held for it), built once. */
const normKeys = new Map<string, Map<string, string>>();

export function normKey(group: string, behaviour: Behaviour): string {
  let byBehaviour = normKeys.get(group);
  if (byBehaviour === undefined) normKeys.set(group, (byBehaviour = new Map<string, string>()));
  let key = byBehaviour.get(behaviour);
  if (key === undefined) byBehaviour.set(behaviour, (key = `${group}#${behaviour}`));
  return key;
}

/**
 * The median (the mean of the middle two of an even count), of numbers that are never NaN
 * and never -0: rates of counts over worked days, and absolute deviations from a median
 * (`robust.ts`). Sorted as a `Float64Array`: numerically, as `(a, b) => a - b` sorts, several
 * times faster (the two orders would differ only where -0 meets 0).
 */
export function medianOf(values: readonly number[]): number {
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
