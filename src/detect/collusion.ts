/**
 * The collusion graph: employees × sellers, weighted by benefit-giving actions without purpose
 * (metrics looked at, negative reviews removed, negative reviewers looked up, tickets that do
 * not fit), built incrementally from the hits. Fraudar (Hooi et al., KDD 2016) peels it for
 * the densest blocks; a block with two or more substantial employees is a ring candidate.
 */
import type { Hit, Indicator } from './evidence.js';
import { BipartiteGraph } from './fraudar.js';

/** The hits that give a seller something: they become edges to that seller. */
const BENEFIT: ReadonlySet<Indicator> = new Set<Indicator>([
  'unjustified-seller-access',
  'negative-reviewer-lookup',
  'unreported-negative-deletion',
  'self-serving-ticket',
  'purpose-mismatch',
]);
/** Blocks peeled per run. */
const BLOCKS = 8;
/** An employee counts as a ring member with at least this much weight inside the block. */
const MEMBER_WEIGHT = 2;
/** More people than this acting for one seller is a crowd (a popular seller), not a ring. */
const MAX_RING = 12;
/** A member must have served a shared seller with at least this much weight. */
const SELLER_WEIGHT = 1;
/** Evidence event ids kept per employee–seller edge. */
const EVIDENCE = 20;

export interface Ring {
  /** Members, most in-block weight first. */
  readonly employees: readonly string[];
  readonly sellers: readonly string[];
  readonly density: number;
  /** Per member: their own evidence events inside the block, and its latest time. */
  readonly evidence: ReadonlyMap<
    string,
    { events: readonly string[]; weight: number; lastT: number }
  >;
}

/** What the collusion graph asks of the rest of detection when it grows rings. */
export interface RingContext {
  /** Everyone sharing a small private network with the employee. */
  readonly mates: (employeeId: string) => readonly string[];
  readonly siteOf: (employeeId: string) => string | undefined;
  readonly categoryOf: (sellerId: string) => string | undefined;
}

const NO_CONTEXT: RingContext = {
  mates: () => [],
  siteOf: () => undefined,
  categoryOf: () => undefined,
};
/** Sellers of one category looked at without purpose that tie an employee to a ring there. */
const COMPETITORS = 3;

export class CollusionGraph {
  /**
   * The ring inside a dense block, if any: the sellers that two or more of its employees each
   * served with real weight, and those employees. A dense block of heavy users who each serve
   * different sellers is not a ring — they only share the peeling, not the sellers.
   */
  private ringIn(
    edges: readonly { user: number; object: number; weight: number }[],
  ): Omit<Ring, 'density'> | undefined {
    // The block names the sellers; who serves them is read from the whole graph (an earlier
    // block may have taken some of their edges).
    // A seller that many employees serve without purpose is popular, not a ring's client: the
    // camouflage Fraudar's column weights discount, here left out altogether.
    const bySeller = new Map<number, Map<number, number>>();
    for (const e of edges) {
      const col = this.cols.get(e.object);
      if (col && col.size <= MAX_RING) bySeller.set(e.object, col);
    }
    const shared = [...bySeller].filter(
      ([, users]) => [...users.values()].filter((w) => w >= SELLER_WEIGHT).length >= 2,
    );
    const weightOf = new Map<number, number>();
    for (const [, users] of shared)
      for (const [u, w] of users)
        if (w >= SELLER_WEIGHT) weightOf.set(u, (weightOf.get(u) ?? 0) + w);
    const members = [...weightOf]
      .filter(([, w]) => w >= MEMBER_WEIGHT)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    if (members.length < 2 || members.length > MAX_RING) return undefined;
    const sellers = shared.map(([o]) => o);
    const evidence = new Map<string, { events: string[]; weight: number; lastT: number }>();
    for (const [u, weight] of members) {
      const events: string[] = [];
      let lastT = -Infinity;
      for (const o of sellers) {
        const ev = this.evidence.get(`${u}|${o}`);
        if (!ev || (bySeller.get(o)?.get(u) ?? 0) < SELLER_WEIGHT) continue;
        events.push(...ev.events);
        lastT = Math.max(lastT, ev.lastT);
      }
      evidence.set(this.userIds[u]!, { events, weight, lastT });
    }
    return {
      employees: members.map(([u]) => this.userIds[u]!),
      sellers: sellers.map((o) => this.objectIds[o]!).sort(),
      evidence,
    };
  }

  private readonly graph = new BipartiteGraph();
  private readonly userIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly objectIndex = new Map<string, number>();
  private readonly objectIds: string[] = [];
  private readonly evidence = new Map<string, { events: string[]; lastT: number }>();
  /** User → category → sellers looked at without purpose in it (for growing a ring). */
  private readonly snooped = new Map<number, Map<string, Set<string>>>();
  /** Object → user → weight: who serves each seller (for a block's full membership). */
  private readonly cols = new Map<number, Map<number, number>>();
  /** User → object → weight: each employee's benefit edges (for growing a ring). */
  private readonly rows = new Map<number, Map<number, number>>();

  add(hit: Hit, categoryOf: (sellerId: string) => string | undefined = () => undefined): void {
    // Opening a seller's account page gives it nothing; its metrics, reviews and reviewers do.
    if (
      !BENEFIT.has(hit.indicator) ||
      hit.sellerIds.length === 0 ||
      hit.action === 'seller.account.view'
    )
      return;
    const u = index(this.userIndex, this.userIds, hit.employeeId);
    if (hit.indicator === 'unjustified-seller-access' && hit.action !== 'seller.account.view')
      for (const seller of hit.sellerIds) {
        const category = categoryOf(seller);
        if (category === undefined) continue;
        const byCategory = this.snooped.get(u) ?? new Map<string, Set<string>>();
        const sellers = byCategory.get(category) ?? new Set<string>();
        sellers.add(seller);
        byCategory.set(category, sellers);
        this.snooped.set(u, byCategory);
      }
    const share = hit.weight / hit.sellerIds.length;
    for (const seller of hit.sellerIds) {
      const o = index(this.objectIndex, this.objectIds, seller);
      this.graph.add(u, o, share);
      const row = this.rows.get(u) ?? new Map<number, number>();
      row.set(o, (row.get(o) ?? 0) + share);
      this.rows.set(u, row);
      const col = this.cols.get(o) ?? new Map<number, number>();
      col.set(u, (col.get(u) ?? 0) + share);
      this.cols.set(o, col);
      const key = `${u}|${o}`;
      const ev = this.evidence.get(key) ?? { events: [], lastT: -Infinity };
      if (ev.events.length < EVIDENCE) ev.events.push(hit.eventId);
      ev.lastT = Math.max(ev.lastT, hit.t);
      this.evidence.set(key, ev);
    }
  }

  get edges(): number {
    return this.graph.edges;
  }

  /** Ring candidates: dense blocks with two or more substantial members. */
  /**
   * Ring candidates: dense blocks whose employees serve the same sellers, grown by the
   * employees who share a small private network with a member (`mates`) and give sellers
   * benefits themselves; and, where no seller is shared, small networks whose users all do.
   */
  rings(context: RingContext = NO_CONTEXT): Ring[] {
    const mates = context.mates;
    if (this.graph.edges === 0) return [];
    const rings: Ring[] = [];
    const seen = new Set<string>();
    const keep = (ring: Ring): void => {
      const key = [...ring.employees].sort().join(',');
      // A ring found again, or again with a few hangers-on, is the same ring.
      const overlaps = (r: Ring): boolean =>
        ring.employees.filter((e) => r.employees.includes(e)).length * 2 >= ring.employees.length;
      if (seen.has(key) || rings.some(overlaps)) return;
      seen.add(key);
      rings.push(ring);
    };
    // Fraudar's own significance (density) is not used as a cut: the ring test below — sellers
    // shared by several substantial members, not popular — is what makes a block a ring.
    for (const block of this.graph.fraudar({ blocks: BLOCKS })) {
      const ring = this.ringIn(block.edges);
      if (ring) keep(this.grow({ ...ring, density: block.density }, context));
    }
    for (const ring of this.networkRings(mates)) keep(ring);
    return rings;
  }

  /**
   * Grows a ring by the employees who (a) share a small private network with a member and give
   * sellers benefits themselves, or (b) work at the ring's site and looked, without purpose,
   * at the metrics of `COMPETITORS` or more sellers in its sellers' category — the competitor
   * intelligence its sellers pay for.
   */
  private grow(ring: Ring, context: RingContext): Ring {
    const evidence = new Map(ring.evidence);
    for (const member of ring.employees)
      for (const mate of context.mates(member)) {
        if (evidence.has(mate)) continue;
        const found = this.allEvidence(mate);
        if (found && found.weight >= MEMBER_WEIGHT) evidence.set(mate, found);
      }
    const sites = new Set(ring.employees.map((e) => context.siteOf(e)));
    const categories = new Set(
      ring.sellers.map((s) => context.categoryOf(s)).filter((c) => c !== undefined),
    );
    if (sites.size === 1)
      for (const [u, byCategory] of this.snooped) {
        const id = this.userIds[u]!;
        if (evidence.has(id) || !sites.has(context.siteOf(id))) continue;
        const quiet = (c: string): number =>
          [...(byCategory.get(c) ?? [])].filter((seller) => !this.popular(seller)).length;
        if (![...categories].some((c) => quiet(c) >= COMPETITORS)) continue;
        const found = this.allEvidence(id);
        if (found && found.weight >= MEMBER_WEIGHT) evidence.set(id, found);
      }
    if (evidence.size > MAX_RING) return ring;
    return { ...ring, employees: [...evidence.keys()], evidence };
  }

  /** Small shared networks all of whose (two or more) users give sellers benefits. */
  private networkRings(mates: (employeeId: string) => readonly string[]): Ring[] {
    const out: Ring[] = [];
    for (const id of this.userIds) {
      const group = [id, ...mates(id)].filter((x, i, xs) => xs.indexOf(x) === i).sort();
      if (group.length < 2 || group[0] !== id) continue;
      const evidence = new Map<
        string,
        { events: readonly string[]; weight: number; lastT: number }
      >();
      for (const g of group) {
        const found = this.allEvidence(g);
        if (found && found.weight >= MEMBER_WEIGHT) evidence.set(g, found);
      }
      if (evidence.size < 2) continue;
      const sellerWeight = new Map<number, number>();
      for (const g of evidence.keys())
        for (const [o, w] of this.rows.get(this.userIndex.get(g)!) ?? [])
          if (!this.popular(this.objectIds[o]!))
            sellerWeight.set(o, (sellerWeight.get(o) ?? 0) + w);
      const sellers = [...sellerWeight]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 3)
        .map(([o]) => this.objectIds[o]!)
        .sort();
      out.push({ employees: [...evidence.keys()], sellers, density: 0, evidence });
    }
    return out;
  }

  /** Whether many employees serve the seller without purpose (a crowd, not a client). */
  private popular(sellerId: string): boolean {
    const o = this.objectIndex.get(sellerId);
    return o !== undefined && (this.cols.get(o)?.size ?? 0) > MAX_RING;
  }

  /** An employee's benefit-giving evidence over all their sellers. */
  private allEvidence(id: string): { events: string[]; weight: number; lastT: number } | undefined {
    const u = this.userIndex.get(id);
    const row = u === undefined ? undefined : this.rows.get(u);
    if (u === undefined || !row) return undefined;
    const events: string[] = [];
    let weight = 0;
    let lastT = -Infinity;
    for (const [o, w] of row) {
      weight += w;
      const ev = this.evidence.get(`${u}|${o}`);
      if (!ev) continue;
      for (const e of ev.events) if (events.length < EVIDENCE) events.push(e);
      lastT = Math.max(lastT, ev.lastT);
    }
    return { events, weight, lastT };
  }
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
