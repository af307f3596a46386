/**
 * Growing a ring beyond its dense block (docs/collusion.md, section 5): a broker's members
 * share console context (an address, a device, a session) and a site, and they serve the same
 * clients in different ways — one removes the client's negative reviews, another sells its
 * competitors' metrics. None of that needs the same seller edge in one Fraudar block.
 */
import { CROWD_SELLER, type Evidence, type SellerEdges } from './seller-edges.js';

/** An employee counts as a ring member with at least this much weight. */
export const MEMBER_WEIGHT = 2;
/** More members than this is a crowd, not a ring. */
export const MAX_RING = CROWD_SELLER;
/** A member must have served a shared seller with at least this much weight. */
export const SELLER_WEIGHT = 1;
/** Sellers of one category looked at without purpose that make it the ring's category. */
const COMPETITORS = 3;
/** Sellers named for a ring that shares no seller at all (its most served). */
const FALLBACK_SELLERS = 3;

export interface Ring {
  /** Members: the block's, most weight first, then those grown. */
  readonly employees: readonly string[];
  readonly sellers: readonly string[];
  readonly density: number;
  /** Per member: their own evidence events, their weight, the latest evidence time. */
  readonly evidence: ReadonlyMap<string, Evidence>;
}

/** What the ring rules ask of the rest of detection. */
export interface RingContext {
  /** Everyone tied to the employee by a small shared context they used for giving benefits. */
  readonly mates: (employeeId: string) => readonly string[];
  /** The users of each small shared context who used it for giving benefits (two or more). */
  readonly groups: () => readonly (readonly string[])[];
  readonly siteOf: (employeeId: string) => string | undefined;
  readonly categoryOf: (sellerId: string) => string | undefined;
}

/**
 * Grows a ring by (1) colleagues tied to a member by shared context who give quiet sellers
 * benefits themselves; and, when all members work at one site, by colleagues there who
 * (2) gave a seller of the category the ring snoops on a benefit of its own — the client the
 * competitor intelligence is for — or (3) looked at the metrics of several quiet sellers of
 * the ring's sellers' categories. The ring's sellers become the union of what it serves.
 */
export function growRing(ring: Ring, edges: SellerEdges, context: RingContext): Ring {
  const evidence = new Map(ring.evidence);
  const admit = (id: string): void => {
    if (evidence.has(id) || edges.quietWeight(id) < MEMBER_WEIGHT) return;
    const found = edges.allEvidence(id);
    if (found) evidence.set(id, found);
  };
  for (const member of evidence.keys()) for (const mate of context.mates(member)) admit(mate);
  const clients = new Set<string>();
  const sites = new Set([...evidence.keys()].map((e) => context.siteOf(e)));
  const site = sites.size === 1 ? [...sites][0] : undefined;
  if (site !== undefined) {
    const atSite = edges.employees.filter((id) => context.siteOf(id) === site);
    const snoopedIn = snoopedCategories([...evidence.keys()], edges);
    for (const id of atSite)
      for (const [seller, w] of edges.sellersOf(id, 'itself'))
        if (w >= MEMBER_WEIGHT && !edges.crowdedHelp(seller)) {
          const category = context.categoryOf(seller);
          if (category === undefined || !snoopedIn.has(category)) continue;
          clients.add(seller);
          admit(id);
        }
    const categories = new Set(
      [...ring.sellers, ...clients]
        .map((s) => context.categoryOf(s))
        .filter((c) => c !== undefined),
    );
    for (const id of atSite)
      if ([...categories].some((c) => quietIn(edges, id, c) >= COMPETITORS)) admit(id);
  }
  if (evidence.size > MAX_RING) return ring;
  const members = [...evidence.keys()];
  const sellers = new Set([...ring.sellers, ...clients, ...helpedSellers(members, edges)]);
  if (sellers.size === 0) for (const s of mostServed(members, edges)) sellers.add(s);
  return { ...ring, employees: members, sellers: [...sellers].sort(), evidence };
}

/**
 * Rings that share no seller edge in any block: the givers of each small shared context
 * (a broker's address, device or session) with real weight of their own, grown as above.
 */
export function contextRings(edges: SellerEdges, context: RingContext): Ring[] {
  const out: Ring[] = [];
  const seen = new Set<string>();
  for (const group of context.groups()) {
    const evidence = new Map<string, Evidence>();
    for (const id of group) {
      const found = edges.quietWeight(id) >= MEMBER_WEIGHT ? edges.allEvidence(id) : undefined;
      if (found) evidence.set(id, found);
    }
    const key = [...evidence.keys()].sort().join(',');
    if (evidence.size < 2 || seen.has(key)) continue;
    seen.add(key);
    out.push(
      growRing(
        { employees: [...evidence.keys()], sellers: [], density: 0, evidence },
        edges,
        context,
      ),
    );
  }
  return out;
}

/** Categories in which the members, together, looked at several quiet sellers' metrics. */
function snoopedCategories(members: readonly string[], edges: SellerEdges): Set<string> {
  const byCategory = new Map<string, Set<string>>();
  for (const id of members)
    for (const [category, sellers] of edges.snoopedBy(id))
      for (const s of sellers)
        if (!edges.popular(s))
          byCategory.set(category, (byCategory.get(category) ?? new Set()).add(s));
  return new Set([...byCategory].filter(([, s]) => s.size >= COMPETITORS).map(([c]) => c));
}

/** How many quiet sellers of the category the employee looked at without purpose. */
function quietIn(edges: SellerEdges, id: string, category: string): number {
  return [...(edges.snoopedBy(id).get(category) ?? [])].filter((s) => !edges.popular(s)).length;
}

/**
 * Quiet sellers the members helped themselves (a negative review removed, a negative reviewer
 * looked up), not only by looking at their metrics — which helps whoever buys them: those one
 * member helped with real weight, and those two or more members served, one of them so.
 */
function helpedSellers(members: readonly string[], edges: SellerEdges): string[] {
  const servers = new Map<string, number>();
  const helped = new Map<string, number>();
  for (const id of members) {
    for (const [seller, w] of edges.sellersOf(id))
      if (w >= SELLER_WEIGHT) servers.set(seller, (servers.get(seller) ?? 0) + 1);
    for (const [seller, w] of edges.sellersOf(id, 'itself'))
      helped.set(seller, Math.max(helped.get(seller) ?? 0, w));
  }
  return [...helped]
    .filter(([s, w]) => !edges.crowdedHelp(s) && (w >= MEMBER_WEIGHT || (servers.get(s) ?? 0) >= 2))
    .map(([s]) => s);
}

/** The quiet sellers the members served with the most weight. */
function mostServed(members: readonly string[], edges: SellerEdges): string[] {
  const weight = new Map<string, number>();
  for (const id of members)
    for (const [seller, w] of edges.sellersOf(id))
      if (!edges.popular(seller)) weight.set(seller, (weight.get(seller) ?? 0) + w);
  return [...weight]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, FALLBACK_SELLERS)
    .map(([s]) => s);
}
