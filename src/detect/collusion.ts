/**
 * The collusion graph: employees × sellers, weighted by benefit-giving actions without purpose
 * (metrics looked at, negative reviews removed, negative reviewers looked up, tickets that do
 * not fit), built incrementally from the hits. Fraudar (Hooi et al., KDD 2016) peels it for
 * the densest blocks; a block with two or more substantial employees is a ring candidate,
 * grown by `ring-growth.ts` through shared context, site and category.
 */
import type { Hit, Indicator } from './evidence.js';
import { BipartiteGraph } from './fraudar.js';
import { SellerEdges, type Evidence } from './seller-edges.js';
import {
  contextRings,
  growRing,
  MAX_RING,
  MEMBER_WEIGHT,
  SELLER_WEIGHT,
  type Ring,
  type RingContext,
} from './ring-growth.js';

export type { Ring, RingContext } from './ring-growth.js';

/**
 * The hits that give a seller something: they become edges to that seller. A
 * `repeated-detractor-lookup` is one seller's critics looked up again on another day, tickets
 * or not (`detectors.ts`, the harvest rule, which counts it as a benefit to that seller for the
 * `seller-ring` detector too): a ring's harvester works under the client's real dispute tickets,
 * so it has no other edge to the client, and the ring's moderator was left a ring of one.
 */
const BENEFIT: ReadonlySet<Indicator> = new Set<Indicator>([
  'unjustified-seller-access',
  'negative-reviewer-lookup',
  'unreported-negative-deletion',
  'self-serving-ticket',
  'purpose-mismatch',
  'repeated-detractor-lookup',
]);
/** Blocks peeled per run. */
const BLOCKS = 8;

const NO_CONTEXT: RingContext = {
  mates: () => [],
  groups: () => [],
  siteOf: () => undefined,
  categoryOf: () => undefined,
};

/** Whether the hit gives a seller something (an edge of the graph). */
export function givesBenefit(hit: Hit): boolean {
  // Opening a seller's account page gives it nothing; its metrics, reviews and reviewers do.
  return (
    BENEFIT.has(hit.indicator) && hit.sellerIds.length > 0 && hit.action !== 'seller.account.view'
  );
}

export class CollusionGraph {
  private readonly graph = new BipartiteGraph();
  private readonly edges_ = new SellerEdges();

  add(hit: Hit, categoryOf: (sellerId: string) => string | undefined = () => undefined): void {
    if (!givesBenefit(hit)) return;
    const u = this.edges_.user(hit.employeeId);
    for (const { object, share } of this.edges_.add(hit, categoryOf))
      this.graph.add(u, object, share);
  }

  get edges(): number {
    return this.graph.edges;
  }

  /**
   * Ring candidates: dense blocks whose employees serve the same sellers, grown by colleagues
   * tied to them by shared context, site and category (`growRing`); and, where no seller is
   * shared, small contexts (a broker's address, device or session) whose users all give
   * sellers benefits from it.
   */
  rings(context: RingContext = NO_CONTEXT): Ring[] {
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
      if (ring) keep(growRing({ ...ring, density: block.density }, this.edges_, context));
    }
    for (const ring of contextRings(this.edges_, context)) keep(ring);
    return rings;
  }

  /**
   * The ring inside a dense block, if any: the sellers that two or more of its employees each
   * served with real weight, and those employees. A dense block of heavy users who each serve
   * different sellers is not a ring — they only share the peeling, not the sellers.
   */
  private ringIn(
    edges: readonly { user: number; object: number; weight: number }[],
  ): Omit<Ring, 'density'> | undefined {
    // The block names the sellers; who serves them is read from the whole graph (an earlier
    // block may have taken some of their edges). A seller many employees serve without purpose
    // is popular, not a ring's client: the camouflage Fraudar's column weights discount.
    const bySeller = new Map<number, ReadonlyMap<number, number>>();
    for (const e of edges) {
      const col = this.edges_.column(e.object);
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
    const evidence = new Map<string, Evidence>();
    for (const [u, weight] of members) {
      const served = sellers.filter((o) => (bySeller.get(o)?.get(u) ?? 0) >= SELLER_WEIGHT);
      evidence.set(this.edges_.userId(u), { ...this.edges_.evidenceOn(u, served), weight });
    }
    return {
      employees: members.map(([u]) => this.edges_.userId(u)),
      sellers: sellers.map((o) => this.edges_.objectId(o)).sort(),
      evidence,
    };
  }
}
