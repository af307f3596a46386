/**
 * The collusion graph's edges as the ring rules read them: who served which seller with what
 * weight, with which events, and which of those benefits went to the seller itself (a negative
 * review removed, a negative reviewer looked up) rather than to whoever bought its metrics.
 */
import type { Hit } from './evidence.js';

/** Evidence event ids kept per employee–seller edge. */
const EVIDENCE = 20;
/** More people than this acting for one seller is a crowd (a popular seller), not a ring. */
export const CROWD_SELLER = 12;

export interface Evidence {
  readonly events: readonly string[];
  readonly weight: number;
  readonly lastT: number;
}

export class SellerEdges {
  private readonly userIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly objectIndex = new Map<string, number>();
  private readonly objectIds: string[] = [];
  private readonly evidence = new Map<string, { events: string[]; lastT: number }>();
  /** User → category → sellers whose metrics they looked at without purpose. */
  private readonly snooped = new Map<number, Map<string, Set<string>>>();
  /** Object → user → weight: who serves each seller. */
  private readonly cols = new Map<number, Map<number, number>>();
  /** User → object → weight: each employee's benefit edges. */
  private readonly rows = new Map<number, Map<number, number>>();
  /** User → object → weight of the benefits that help the seller itself (removals, look-ups). */
  private readonly direct = new Map<number, Map<number, number>>();
  /** Object → how many employees helped the seller itself. */
  private readonly helpers = new Map<number, number>();

  user(id: string): number {
    return index(this.userIndex, this.userIds, id);
  }

  userId(u: number): string {
    return this.userIds[u]!;
  }

  objectId(o: number): string {
    return this.objectIds[o]!;
  }

  get employees(): readonly string[] {
    return this.userIds;
  }

  /** Records a benefit hit; returns the (object, weight share) edges it adds. */
  add(
    hit: Hit,
    categoryOf: (sellerId: string) => string | undefined,
  ): { object: number; share: number }[] {
    const u = this.user(hit.employeeId);
    if (hit.indicator === 'unjustified-seller-access') this.snoop(u, hit.sellerIds, categoryOf);
    const itself =
      hit.indicator === 'unreported-negative-deletion' ||
      hit.indicator === 'negative-reviewer-lookup';
    const share = hit.weight / hit.sellerIds.length;
    return hit.sellerIds.map((seller) => {
      const o = index(this.objectIndex, this.objectIds, seller);
      bump(this.rows, u, o, share);
      bump(this.cols, o, u, share);
      if (itself && !this.direct.get(u)?.has(o))
        this.helpers.set(o, (this.helpers.get(o) ?? 0) + 1);
      if (itself) bump(this.direct, u, o, share);
      const key = `${u}|${o}`;
      const ev = this.evidence.get(key) ?? { events: [], lastT: -Infinity };
      if (ev.events.length < EVIDENCE) ev.events.push(hit.eventId);
      ev.lastT = Math.max(ev.lastT, hit.t);
      this.evidence.set(key, ev);
      return { object: o, share };
    });
  }

  /** Who serves the seller, and with what weight. */
  column(o: number): ReadonlyMap<number, number> | undefined {
    return this.cols.get(o);
  }

  /** Whether many employees serve the seller without purpose (a crowd, not a client). */
  popular(sellerId: string): boolean {
    const o = this.objectIndex.get(sellerId);
    return o !== undefined && (this.cols.get(o)?.size ?? 0) > CROWD_SELLER;
  }

  /**
   * Whether many employees helped the seller itself without purpose. A big seller whose metrics
   * everybody looks at is still a quiet client when few remove its negatives or look up its critics.
   */
  crowdedHelp(sellerId: string): boolean {
    const o = this.objectIndex.get(sellerId);
    return o !== undefined && (this.helpers.get(o) ?? 0) > CROWD_SELLER;
  }

  /** The employee's benefit weight per seller id (all of it, or only that to the seller itself). */
  sellersOf(id: string, only: 'all' | 'itself' = 'all'): Map<string, number> {
    const u = this.userIndex.get(id);
    const row = u === undefined ? undefined : (only === 'all' ? this.rows : this.direct).get(u);
    return new Map([...(row ?? [])].map(([o, w]) => [this.objectIds[o]!, w]));
  }

  /** The employee's benefit weight to sellers that are not popular. */
  quietWeight(id: string): number {
    let sum = 0;
    for (const [seller, w] of this.sellersOf(id)) if (!this.popular(seller)) sum += w;
    return sum;
  }

  /** Category → sellers whose metrics the employee looked at without purpose. */
  snoopedBy(id: string): ReadonlyMap<string, ReadonlySet<string>> {
    const u = this.userIndex.get(id);
    return (u === undefined ? undefined : this.snooped.get(u)) ?? new Map();
  }

  /** The employee's events on the given sellers (up to 20 each), and the latest time. */
  evidenceOn(u: number, objects: readonly number[]): { events: string[]; lastT: number } {
    const events: string[] = [];
    let lastT = -Infinity;
    for (const o of objects) {
      const ev = this.evidence.get(`${u}|${o}`);
      if (!ev) continue;
      events.push(...ev.events);
      lastT = Math.max(lastT, ev.lastT);
    }
    return { events, lastT };
  }

  /** An employee's benefit-giving evidence over all their sellers (the first 20 events). */
  allEvidence(id: string): Evidence | undefined {
    const u = this.userIndex.get(id);
    const row = u === undefined ? undefined : this.rows.get(u);
    if (u === undefined || !row) return undefined;
    const { events, lastT } = this.evidenceOn(u, [...row.keys()]);
    let weight = 0;
    for (const w of row.values()) weight += w;
    return { events: events.slice(0, EVIDENCE), weight, lastT };
  }

  private snoop(
    u: number,
    sellers: readonly string[],
    categoryOf: (sellerId: string) => string | undefined,
  ): void {
    for (const seller of sellers) {
      const category = categoryOf(seller);
      if (category === undefined) continue;
      const byCategory = this.snooped.get(u) ?? new Map<string, Set<string>>();
      const set = byCategory.get(category) ?? new Set<string>();
      set.add(seller);
      byCategory.set(category, set);
      this.snooped.set(u, byCategory);
    }
  }
}

function bump(map: Map<number, Map<number, number>>, a: number, b: number, w: number): void {
  const inner = map.get(a) ?? new Map<number, number>();
  inner.set(b, (inner.get(b) ?? 0) + w);
  map.set(a, inner);
}

function index(map: Map<string, number>, ids: string[], id: string): number {
  let i = map.get(id);
  if (i === undefined) {
    i = ids.length;
    ids.push(id);
    map.set(id, i);
  }
  return i;
}
