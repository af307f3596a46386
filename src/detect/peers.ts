/**
 * Peer-group baselines: how often people doing the same job touch sellers without a
 * purpose. A peer group is team × role × site; a group with fewer than `MIN_GROUP` members
 * falls back to team × role, then to role. The statistic is robust (the median over the
 * group of each member's rate), so a few insiders in a group do not move it.
 */
import type { EmployeeView } from './directory-view.js';

const MIN_GROUP = 8;
/** Members need this many worked days before their rate counts. */
const MIN_DAYS = 3;
const DAY = 86_400_000;

interface Member {
  days: number;
  lastDay: number;
  unjustified: number;
}

export class PeerBaselines {
  private readonly members = new Map<string, Member>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly cache = new Map<string, { day: number; median: number }>();
  /** The directory version each member was last filed under (a new version may move groups). */
  private readonly filed = new Map<string, EmployeeView>();

  /** Counts a worked day for the employee (call for every event). */
  worked(e: EmployeeView, t: number): void {
    const day = Math.floor(t / DAY);
    let m = this.members.get(e.id);
    if (!m) {
      m = { days: 0, lastDay: -1, unjustified: 0 };
      this.members.set(e.id, m);
    }
    if (m.lastDay !== day) {
      m.lastDay = day;
      m.days++;
    }
    if (this.filed.get(e.id) === e) return;
    this.filed.set(e.id, e);
    for (const key of groupKeys(e)) {
      const g = this.groups.get(key) ?? new Set<string>();
      g.add(e.id);
      this.groups.set(key, g);
    }
  }

  /** The employee's own counts: worked days and accesses without purpose. */
  memberOf(employeeId: string): { days: number; unjustified: number } | undefined {
    const m = this.members.get(employeeId);
    return m ? { days: m.days, unjustified: m.unjustified } : undefined;
  }

  /** The peer group the employee is compared with (after fall-backs). */
  groupOf(e: EmployeeView): string {
    const keys = groupKeys(e);
    return keys.find((k) => (this.groups.get(k)?.size ?? 0) >= MIN_GROUP) ?? keys[keys.length - 1]!;
  }

  unjustified(employeeId: string): void {
    const m = this.members.get(employeeId);
    if (m) m.unjustified++;
  }

  /**
   * The peer group's median daily rate of access without a purpose, as of the day of `t`
   * (recomputed once per group and day, so a replay and incremental runs agree).
   */
  peerRate(e: EmployeeView, t: number): number {
    const day = Math.floor(t / DAY);
    const keys = groupKeys(e);
    const key =
      keys.find((k) => (this.groups.get(k)?.size ?? 0) >= MIN_GROUP) ?? keys[keys.length - 1]!;
    const cached = this.cache.get(key);
    if (cached && cached.day === day) return cached.median;
    const rates: number[] = [];
    for (const id of this.groups.get(key) ?? []) {
      const m = this.members.get(id);
      if (m && m.days >= MIN_DAYS) rates.push(m.unjustified / m.days);
    }
    const median = rates.length < 3 ? 0.1 : medianOf(rates);
    this.cache.set(key, { day, median });
    return median;
  }
}

function groupKeys(e: EmployeeView): string[] {
  return [`${e.team}|${e.role}|${e.site}`, `${e.team}|${e.role}`, `*|${e.role}`];
}

export function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
