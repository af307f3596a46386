/**
 * Risk: per employee and indicator, the time-decayed sum of their hits' weights; of it, only
 * what lies beyond their peers counts (`PEER_RANK`: the amount the third-highest of the other
 * employees of their role reached — the widest peer level, see `peerReference`), so a behaviour
 * common among peers adds nothing however much of it one of them shows. Each indicator is capped (one noisy signal cannot carry a
 * score alone) and the sum saturates into 0–100. Pure: hits and the peers' amounts in, scores out.
 */
import type { RiskEntry, RiskReason } from '../domain/index.js';
import type { Hit, Indicator } from './evidence.js';

/** Decay time constant: a hit loses half its weight in 30 days. */
export const DECAY_MS = (30 / Math.LN2) * 86_400_000;
/** The most one indicator can add, in weight units. */
export const INDICATOR_CAP = 40;
/** Weight units at which the score reaches 63 (1 − 1/e). */
export const SATURATION = 30;
/**
 * The peer an employee's amount is measured from: the third-highest of the other members of
 * their group. An order statistic from the top, not a share of the group, so that adding
 * members who copy existing ones can only raise it (no one's risk rises for it), and two other
 * insiders of one kind in the same group do not hide a third (`docs/detection.md`, "Risk").
 */
export const PEER_RANK = 3;
/** Event ids cited per reason. */
const CITED = 25;

/**
 * Indicators whose evidence is about a group or a fact, not a rate: measured as they are, not
 * against the peers (a ring's members are each other's peers; an alert has passed its own test
 * of rarity or corroboration; a leaver acting or a canary touched is never a job).
 */
const ABSOLUTE: ReadonlySet<Indicator> = new Set([
  'alerted',
  'dense-block',
  'shared-sellers',
  'acted-after-leaving',
  'canary-touched',
]);

/** Where an employee's amount of an indicator stands among their peers. */
export interface PeerStanding {
  /** The `PEER_RANK`-th highest amount among the other members (0 when fewer show it). */
  readonly reference: number;
  /** Other members of the peer group. */
  readonly peers: number;
  /** How many of them reached less than the employee. */
  readonly below: number;
  /** The group's name (as `warden profile` shows it). */
  readonly group: string;
}

/** Answers where an amount of an indicator stands in the employee's peer group (none: no group). */
export type PeerReference = (
  employeeId: string,
  indicator: Indicator,
  amount: number,
) => PeerStanding | undefined;

/** The time-decayed sums of one employee's hits, per indicator. */
export function amounts(hits: readonly Hit[], asOf: number): Map<Indicator, number> {
  const out = new Map<Indicator, number>();
  for (const h of hits)
    out.set(
      h.indicator,
      (out.get(h.indicator) ?? 0) + h.weight * Math.exp(-Math.max(0, asOf - h.t) / DECAY_MS),
    );
  return out;
}

export function scoreEmployee(
  employeeId: string,
  hits: readonly Hit[],
  asOf: number,
  peers: PeerReference = () => undefined,
  /** The hits' `amounts` as of `asOf`, when the caller has them already. */
  sums: ReadonlyMap<Indicator, number> = amounts(hits, asOf),
): RiskEntry | undefined {
  const byIndicator = new Map<Indicator, Hit[]>();
  for (const h of hits) {
    const list = byIndicator.get(h.indicator) ?? [];
    list.push(h);
    byIndicator.set(h.indicator, list);
  }
  const parts: Part[] = [];
  for (const [indicator, list] of byIndicator) {
    const amount = sums.get(indicator) ?? 0;
    const standing = ABSOLUTE.has(indicator) ? undefined : peers(employeeId, indicator, amount);
    const beyond = Math.max(0, amount - (standing?.reference ?? 0));
    parts.push({
      indicator,
      amount,
      standing,
      points: Math.min(INDICATOR_CAP, beyond),
      hits: list,
    });
  }
  const total = parts.reduce((a, p) => a + p.points, 0);
  const score = Math.round(100 * (1 - Math.exp(-total / SATURATION)));
  if (score <= 0) return undefined;
  parts.sort((a, b) => b.points - a.points || a.indicator.localeCompare(b.indicator));
  const reasons: RiskReason[] = parts
    .filter((p) => p.points >= 0.05)
    .map((p) => reason(p, total, score));
  return { employeeId, score, reasons };
}

interface Part {
  indicator: Indicator;
  amount: number;
  standing: PeerStanding | undefined;
  points: number;
  hits: Hit[];
}

function reason(p: Part, total: number, score: number): RiskReason {
  const sellers = new Set(p.hits.flatMap((h) => h.sellerIds));
  const share = Math.round((score * p.points) / total);
  const cited = [...p.hits].sort((a, b) => b.weight - a.weight || a.t - b.t).slice(0, CITED);
  const capped = p.points >= INDICATOR_CAP ? ' (capped)' : '';
  return {
    indicator: p.indicator,
    detail: `${p.hits.length} event(s)${sellers.size > 0 ? `, ${sellers.size} seller(s)` : ''}: ${p.points.toFixed(1)} weight${capped}${standingText(p)} ≈ ${share} of the ${score} points`,
    events: [...new Set(cited.sort((a, b) => a.t - b.t).map((h) => h.eventId))],
  };
}

function standingText(p: Part): string {
  const s = p.standing;
  if (s === undefined || s.peers === 0) return '';
  const of =
    s.below === s.peers
      ? `more than all ${s.peers} peers`
      : `more than ${s.below} of ${s.peers} peers (${Math.floor((100 * s.below) / s.peers)}th percentile)`;
  return ` beyond the peers' ${s.reference.toFixed(1)} of ${p.amount.toFixed(1)}, ${of} in ${s.group}`;
}

/**
 * The peers' amounts of every indicator, per peer group: answers `PeerReference` for members.
 * The engine passes the widest level (the role): a finer group is chosen by its size, so an
 * arrival could move someone into a smaller group with a lower reference and raise their risk;
 * the role's third-highest can only rise as members join (test/detect-metamorphic.test.ts).
 * `groups`: each peer group's members (every member, whether or not they have hits);
 * `sums`: each employee's amounts (`amounts`).
 */
export function peerReference(
  groups: ReadonlyMap<string, readonly string[]>,
  sums: ReadonlyMap<string, ReadonlyMap<Indicator, number>>,
): PeerReference {
  const groupOf = new Map<string, string>();
  for (const [group, ids] of groups) for (const id of ids) groupOf.set(id, group);
  // group → indicator → members' amounts, highest first (members without it are 0)
  const sorted = new Map<string, Map<Indicator, { id: string; amount: number }[]>>();
  for (const [group, ids] of groups) {
    const byIndicator = new Map<Indicator, { id: string; amount: number }[]>();
    for (const id of ids)
      for (const [indicator, amount] of sums.get(id) ?? []) {
        const list = byIndicator.get(indicator) ?? [];
        list.push({ id, amount });
        byIndicator.set(indicator, list);
      }
    for (const list of byIndicator.values())
      list.sort((a, b) => b.amount - a.amount || a.id.localeCompare(b.id));
    sorted.set(group, byIndicator);
  }
  return (employeeId, indicator, amount) => {
    const group = groupOf.get(employeeId);
    if (group === undefined) return undefined;
    const peers = groups.get(group)!.length - 1;
    const members = sorted.get(group)?.get(indicator) ?? [];
    const top = members.slice(0, PEER_RANK + 1).filter((m) => m.id !== employeeId);
    const reference = top[PEER_RANK - 1]?.amount ?? 0;
    // members at or above the amount, highest first: the first index below it, less oneself
    let lo = 0;
    let hi = members.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (members[mid]!.amount >= amount) lo = mid + 1;
      else hi = mid;
    }
    let self = 0;
    for (let i = 0; i < lo && self === 0; i++) if (members[i]!.id === employeeId) self = 1;
    return { reference, peers, below: peers - (lo - self), group };
  };
}
