/**
 * Seller benefit: what each seller got from employees acting without purpose — negative
 * reviews removed without a report, the rating that bought, its negative reviewers looked up,
 * its competitors' metrics looked at by the same employees — and a seller-side risk list that
 * enforcement acts on (`warden sellers`).
 */
import type { DirectoryView } from './directory-view.js';
import type { Hit } from './evidence.js';

export interface SellerBenefit {
  readonly sellerId: string;
  /** 0–100: how much the seller gained; see `scoreSeller`. */
  readonly score: number;
  readonly negativeRemovals: number;
  /** Its average rating now minus what it would be with those reviews back (stars). */
  readonly ratingLift: number;
  readonly negativeReviewersLookedUp: number;
  /** Metrics of same-category sellers looked at, without purpose, by its benefactors. */
  readonly competitorMetricsViewed: number;
  /** The employees who gave it benefits, most events first. */
  readonly employees: readonly string[];
  readonly inRing: boolean;
}

/** Per seller, as detection runs: the removed reviews' ratings and the reviewers looked up. */
export class SellerLedger {
  readonly removed = new Map<string, number[]>();
  readonly lookedUp = new Map<string, Set<string>>();
  readonly givers = new Map<string, Map<string, number>>();

  removal(sellerId: string, rating: number, employeeId: string): void {
    const list = this.removed.get(sellerId) ?? [];
    list.push(rating);
    this.removed.set(sellerId, list);
    this.gave(sellerId, employeeId);
  }

  lookup(sellerId: string, reviewerId: string, employeeId: string): void {
    const set = this.lookedUp.get(sellerId) ?? new Set<string>();
    set.add(reviewerId);
    this.lookedUp.set(sellerId, set);
    this.gave(sellerId, employeeId);
  }

  private gave(sellerId: string, employeeId: string): void {
    const g = this.givers.get(sellerId) ?? new Map<string, number>();
    g.set(employeeId, (g.get(employeeId) ?? 0) + 1);
    this.givers.set(sellerId, g);
  }
}

export function sellerBenefits(
  ledger: SellerLedger,
  dir: DirectoryView,
  hitsOf: (employeeId: string) => readonly Hit[],
  ringSellers: ReadonlySet<string>,
): SellerBenefit[] {
  const ratings = ratingsBySeller(dir);
  const out: SellerBenefit[] = [];
  for (const [sellerId, givers] of ledger.givers) {
    const removed = ledger.removed.get(sellerId) ?? [];
    const r = ratings.get(sellerId) ?? { sum: 0, n: 0 };
    const removedSum = removed.reduce((a, b) => a + b, 0);
    // The directory already shows the removals: put them back to see what they bought.
    const ratingLift = r.n === 0 ? 0 : r.sum / r.n - (r.sum + removedSum) / (r.n + removed.length);
    const category = dir.sellerCategory.get(sellerId);
    let competitorMetricsViewed = 0;
    for (const id of givers.keys())
      for (const h of hitsOf(id))
        if (h.indicator === 'unjustified-seller-access' && h.action !== 'seller.account.view')
          for (const s of h.sellerIds)
            if (s !== sellerId && dir.sellerCategory.get(s) === category) competitorMetricsViewed++;
    const benefit = {
      sellerId,
      negativeRemovals: removed.length,
      ratingLift: Math.round(ratingLift * 100) / 100,
      negativeReviewersLookedUp: ledger.lookedUp.get(sellerId)?.size ?? 0,
      competitorMetricsViewed,
      employees: [...givers]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([id]) => id),
      inRing: ringSellers.has(sellerId),
    };
    out.push({ ...benefit, score: scoreSeller(benefit) });
  }
  return out.sort((a, b) => b.score - a.score || a.sellerId.localeCompare(b.sellerId));
}

/**
 * A removal without report is the clearest gain (8 points each), a rating lift is what the
 * seller paid for (20 points a star), a looked-up negative reviewer can be pressured (3 each),
 * competitor metrics are intelligence (0.5 each), several employees at once is a ring (+25).
 * Judgement calls, saturating at 100.
 */
export function scoreSeller(b: Omit<SellerBenefit, 'score'>): number {
  const raw =
    8 * b.negativeRemovals +
    20 * Math.max(0, b.ratingLift) +
    3 * b.negativeReviewersLookedUp +
    0.5 * b.competitorMetricsViewed +
    (b.inRing ? 25 : 0);
  return Math.min(100, Math.round(raw));
}

function ratingsBySeller(dir: DirectoryView): Map<string, { sum: number; n: number }> {
  const out = new Map<string, { sum: number; n: number }>();
  dir.eachStandingRating((seller, rating) => {
    const r = out.get(seller) ?? { sum: 0, n: 0 };
    r.sum += rating;
    r.n++;
    out.set(seller, r);
  });
  return out;
}
