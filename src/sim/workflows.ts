/**
 * Staff's real work, one shift at a time, per role. Daily volumes scale with a person's pace,
 * the weekday, ramp-up after hiring and the season; `ROLE_DAILY_VOLUMES` documents the ranges
 * (docs/scenarios.md) and a test holds the simulator to them.
 */
import type { Day } from './day.js';
import { pickCumulative } from './population.js';
import type { Rng } from './random.js';
import { HOUR, type SimEmployee, type World } from './world.js';
import { catalogSpecialist, contactAgent, engineer } from './workflows-b.js';
import {
  DATASETS,
  LEGAL_TOPICS,
  PLAIN_FIELDS,
  SUPPORT_TOPICS,
  SUPPORT_TOPIC_WEIGHTS,
} from './topics.js';

/** Events per worked shift, per role: the 10th–90th percentile band a test checks. */
export const ROLE_DAILY_VOLUMES = {
  'account-manager': [8, 70],
  'support-agent': [6, 45],
  moderator: [5, 70],
  analyst: [2, 20],
  counsel: [1, 12],
  'team-lead': [1, 15],
} as const;

export class Workflows {
  /** Per site: sellers of the site's regions and their cumulative sizes (who calls support). */
  private readonly siteSellers: { ids: number[]; cumulative: Float64Array }[];
  readonly removed: number[] = [];

  constructor(private readonly world: World) {
    this.siteSellers = world.spec.sites.map((site) => {
      const regions = new Set(site.regions);
      const ids = world.sellers.filter((s) => regions.has(s.region)).map((s) => s.index);
      let sum = 0;
      return {
        ids,
        cumulative: Float64Array.from(ids, (i) => (sum += world.sellers[i]?.size ?? 1)),
      };
    });
  }

  work(day: Day, e: SimEmployee, load: number): void {
    switch (e.role) {
      case 'account-manager':
        return this.accountManager(day, e, load);
      case 'support-agent':
        return this.supportAgent(day, e, load);
      case 'moderator':
        return this.moderator(day, e, load);
      case 'analyst':
        return this.analyst(day, e, load);
      case 'counsel':
        return this.counsel(day, e, load);
      case 'team-lead':
        return this.lead(day, e, load);
      case 'contact-agent':
        return contactAgent(this, day, e, load);
      case 'catalog-specialist':
        return catalogSpecialist(this, day, e, load);
      case 'engineer':
        return engineer(this, day, e, load);
    }
  }

  /** A seller that would call this employee's support desk (by size, in the site's regions). */
  callingSeller(rng: Rng, e: SimEmployee): number {
    const pool = this.siteSellers[e.site.index];
    if (!pool || pool.ids.length === 0) return rng.int(0, this.world.sellers.length - 1);
    return pool.ids[pickCumulative(rng, pool.cumulative)] ?? 0;
  }

  private accountManager(day: Day, e: SimEmployee, load: number): void {
    const rng = day.rng;
    const visits = Math.min(e.book.length, rng.poisson(0.3 * e.book.length * load));
    for (const seller of rng.sample(e.book, visits)) {
      const sid = this.world.sellers[seller]!.id;
      const t = day.timeInShift(e)!;
      day.act(e, t, 'seller.account.view', 'seller', sid);
      const views = rng.int(1, 3);
      for (let i = 0; i < views; i++)
        day.act(e, t + (i + 1) * rng.int(30, 600) * 1000, 'seller.metrics.view', 'seller', sid);
      if (rng.chance(0.06))
        day.act(e, t + 900_000, 'seller.metrics.export', 'seller', sid, {
          attrs: { rows: rng.int(20, 400) },
        });
    }
    if (rng.chance(0.25 * load)) this.escalation(day, e);
    if (rng.chance(0.12)) this.cover(day, e);
  }

  /** A seller in the book escalates: a ticket assigned to their account manager. */
  private escalation(day: Day, e: SimEmployee): void {
    if (e.book.length === 0) return;
    const rng = day.rng;
    const seller = rng.pick(e.book);
    const t = day.timeInShift(e)!;
    const ticket = day.openTicket({
      seller,
      openedAt: t - rng.int(1, 6 * 3600) * 1000,
      assignee: e,
      openedBy: 'seller',
      topic: rng.pick(['account-health', 'payments', 'listing']),
      closeAfter: rng.int(1, 48) * HOUR,
    });
    const sid = this.world.sellers[seller]!.id;
    day.act(e, t, 'seller.account.view', 'seller', sid, { ticket });
    day.act(e, t + 120_000, 'seller.metrics.view', 'seller', sid, { ticket });
  }

  /** Covering for a teammate: a look at one of their sellers (no assignment of one's own). */
  private cover(day: Day, e: SimEmployee): void {
    const rng = day.rng;
    const mate = this.world.employees[e.index + rng.int(-6, 6)];
    if (!mate || mate === e || mate.role !== 'account-manager' || mate.book.length === 0) return;
    const sid = this.world.sellers[rng.pick(mate.book)]!.id;
    const t = day.timeInShift(e)!;
    day.act(e, t, 'seller.account.view', 'seller', sid);
    if (rng.chance(0.5)) day.act(e, t + 90_000, 'seller.metrics.view', 'seller', sid);
  }

  private supportAgent(day: Day, e: SimEmployee, load: number): void {
    const rng = day.rng;
    const tickets = rng.poisson(9 * load);
    for (let i = 0; i < tickets; i++) this.supportTicket(day, e);
  }

  private supportTicket(day: Day, e: SimEmployee): void {
    const rng = day.rng;
    const seller = this.callingSeller(rng, e);
    const sid = this.world.sellers[seller]!.id;
    const t = day.timeInShift(e, 0.02, 0.9)!;
    const topic = rng.weighted(SUPPORT_TOPICS, SUPPORT_TOPIC_WEIGHTS);
    const openedAt = t - rng.int(60, 10 * 3600) * 1000;
    const review = topic === 'review-dispute' ? this.reviewOf(rng, seller, openedAt) : undefined;
    const ticket = day.openTicket({
      seller,
      openedAt,
      assignee: e,
      openedBy: rng.weighted(['seller', 'customer', 'system'], [0.65, 0.25, 0.1]),
      topic,
      reviewId: review === undefined ? undefined : this.world.reviews[review]?.id,
      closeAfter: rng.chance(0.9) ? rng.int(1, 96) * HOUR : undefined,
    });
    // A few events go out without the ticket: people forget to cite it.
    const cite = (): string | undefined => (rng.chance(0.03) ? undefined : ticket);
    let at = t;
    const step = (): number => (at += rng.int(20, 400) * 1000);
    day.act(e, at, 'seller.account.view', 'seller', sid, { ticket: cite() });
    if (rng.chance(0.4))
      day.act(e, step(), 'seller.account.view', 'seller', sid, { ticket: cite() });
    if (rng.chance(0.3))
      day.act(e, step(), 'seller.metrics.view', 'seller', sid, { ticket: cite() });
    if (review !== undefined) {
      const r = this.world.reviews[review]!;
      day.act(e, step(), 'review.view', 'review', r.id, { ticket: cite() });
      if (rng.chance(0.2))
        day.act(
          e,
          step(),
          'reviewer.contact.view',
          'reviewer',
          this.world.reviewers[r.reviewer]!.id,
          {
            ticket: cite(),
          },
        );
    }
  }

  /** A published review of one of the seller's products, if it has any. */
  reviewOf(rng: Rng, seller: number, before: number): number | undefined {
    const products = this.world.sellers[seller]?.products ?? [];
    for (let tries = 0; tries < 4 && products.length > 0; tries++) {
      const reviews = this.world.products[rng.pick(products)]?.reviews ?? [];
      if (reviews.length === 0) continue;
      const r = rng.pick(reviews);
      if ((this.world.reviews[r]?.createdAt ?? Infinity) < before) return r;
    }
    return undefined;
  }

  private moderator(day: Day, e: SimEmployee, load: number): void {
    const rng = day.rng;
    const reports = rng.poisson(6 * load);
    for (let i = 0; i < reports; i++) this.moderate(day, e);
    if (rng.chance(0.12) && this.removed.length > 0) this.appeal(day, e);
  }

  /** Works one customer or system report: most are bought 5-star reviews, which go. */
  private moderate(day: Day, e: SimEmployee): void {
    const rng = day.rng;
    const t = day.timeInShift(e)!;
    const drawn = rng.weighted(['fake', 'abuse', 'seller'] as const, [0.5, 0.35, 0.15]);
    let kind = drawn;
    let review = this.reportTarget(rng, kind, t);
    if (review === undefined && drawn !== 'abuse')
      review = this.reportTarget(rng, (kind = 'abuse'), t);
    if (review === undefined) return;
    const r = this.world.reviews[review]!;
    if (r.createdAt > t - 120_000) return; // too fresh to have been reported yet
    // Reported some time after publication and before the moderator picks it up.
    const reportedAt = Math.max(r.createdAt + 60_000, t - rng.int(600, 14 * 3600) * 1000);
    day.report(review, Math.min(reportedAt, t - 30_000), reportReason(rng, kind));
    day.act(e, t, 'review.view', 'review', r.id);
    const siblings = this.world.products[r.product]?.reviews ?? [];
    const context = Math.min(siblings.length, rng.int(2, 6));
    for (const s of rng.sample(siblings, context)) {
      const sib = this.world.reviews[s]!;
      if (sib.createdAt >= t || sib.removed) continue;
      day.act(e, t + rng.int(10, 200) * 1000, 'review.view', 'review', sib.id);
      // Spotted in passing: another bought review, removed without a report.
      if (sib.fake && rng.chance(0.25)) this.remove(day, e, t + 240_000, s, 'spam');
    }
    const p = kind === 'fake' ? (r.fake ? 0.8 : 0.1) : kind === 'abuse' ? 0.3 : 0.08;
    if (rng.chance(p)) this.remove(day, e, t + 300_000, review, reason(rng, kind));
  }

  private remove(day: Day, e: SimEmployee, t: number, review: number, why: string): void {
    day.deleteReview(e, t, review, why);
    this.removed.push(review);
  }

  private reportTarget(rng: Rng, kind: 'fake' | 'abuse' | 'seller', t: number): number | undefined {
    if (kind === 'fake') {
      const fakes = this.world.fakeReviews;
      const published = this.publishedBefore(fakes, t);
      // Reports come soon after publication: mostly the newest bought reviews.
      for (let tries = 0; tries < 8 && published > 0; tries++) {
        const r = fakes[published - 1 - Math.floor(published * rng.next() ** 3)]!;
        const review = this.world.reviews[r];
        if (review && !review.removed && review.createdAt < t) return r;
      }
      return undefined;
    }
    if (kind === 'abuse') {
      const r = rng.int(0, this.world.reviews.length - 1);
      const review = this.world.reviews[r];
      return review && review.createdAt < t && !review.removed ? r : undefined;
    }
    const seller = rng.int(0, this.world.sellers.length - 1);
    const negatives = this.world.negativeBySeller.get(seller) ?? [];
    if (negatives.length === 0) return undefined;
    const r = rng.pick(negatives);
    const review = this.world.reviews[r];
    return review && !review.removed && review.createdAt < t ? r : undefined;
  }

  /** How many of `reviews` (in creation order) were published before `t`. */
  private publishedBefore(reviews: readonly number[], t: number): number {
    let lo = 0;
    let hi = reviews.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.world.reviews[reviews[mid]!]?.createdAt ?? Infinity) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A reviewer appeals a removal: a ticket, a look, and sometimes the review comes back. */
  private appeal(day: Day, e: SimEmployee): void {
    const rng = day.rng;
    const review = rng.pick(this.removed);
    const r = this.world.reviews[review]!;
    if (!r.removed) return;
    const t = day.timeInShift(e)!;
    const seller = this.world.products[r.product]!.seller;
    const ticket = day.openTicket({
      seller,
      openedAt: Math.min(t - 60_000, Math.max(r.createdAt + HOUR, t - rng.int(1, 48) * HOUR)),
      assignee: e,
      openedBy: 'reviewer',
      topic: 'review-appeal',
      reviewId: r.id,
      closeAfter: rng.int(1, 24) * HOUR,
    });
    day.act(e, t, 'review.view', 'review', r.id, { ticket });
    if (rng.chance(0.4)) day.restoreReview(e, t + 180_000, review, { ticket });
  }

  private analyst(day: Day, e: SimEmployee, load: number): void {
    const rng = day.rng;
    const views = rng.poisson(5 * load);
    for (let i = 0; i < views; i++) {
      const sid = this.world.sellers[rng.int(0, this.world.sellers.length - 1)]!.id;
      day.act(e, day.timeInShift(e)!, 'seller.metrics.view', 'seller', sid);
    }
    const monthEnd = new Date(day.start + 2 * 24 * HOUR).getUTCDate() <= 2;
    if (rng.chance(monthEnd ? 0.8 : 0.25))
      day.act(e, day.timeInShift(e)!, 'data.export', 'dataset', rng.pick(DATASETS), {
        attrs: {
          rows: Math.round(rng.logNormal(monthEnd ? 60_000 : 20_000, 1)),
          fields: rng.sample(PLAIN_FIELDS, rng.int(3, 7)),
        },
      });
  }

  private counsel(day: Day, e: SimEmployee, load: number): void {
    const rng = day.rng;
    if (!rng.chance(0.5 * load)) {
      // Follow-up on a case already open.
      const open = e.ticketsWorked.at(-1);
      const seller = open === undefined ? undefined : this.world.tickets.get(open)?.seller;
      if (seller !== undefined && rng.chance(0.5))
        day.act(
          e,
          day.timeInShift(e)!,
          'seller.account.view',
          'seller',
          this.world.sellers[seller]!.id,
          {
            ticket: open,
          },
        );
      return;
    }
    const seller = rng.int(0, this.world.sellers.length - 1);
    const t = day.timeInShift(e)!;
    const openedAt = t - rng.int(1, 72) * HOUR;
    const review = this.reviewOf(rng, seller, openedAt);
    const ticket = day.openTicket({
      seller,
      openedAt,
      assignee: e,
      openedBy: 'legal-intake',
      topic: rng.pick(LEGAL_TOPICS),
      reviewId: review === undefined ? undefined : this.world.reviews[review]?.id,
      closeAfter: rng.int(2, 20) * 24 * HOUR,
    });
    day.act(e, t, 'seller.account.view', 'seller', this.world.sellers[seller]!.id, { ticket });
    if (review === undefined) return;
    const r = this.world.reviews[review]!;
    day.act(e, t + 300_000, 'review.view', 'review', r.id, { ticket });
    day.act(
      e,
      t + 600_000,
      'reviewer.contact.view',
      'reviewer',
      this.world.reviewers[r.reviewer]!.id,
      {
        ticket,
      },
    );
  }

  /** Leads look over their people's work: a few sellers, reviews or metrics. */
  private lead(day: Day, e: SimEmployee, load: number): void {
    const rng = day.rng;
    const looks = rng.poisson(4 * load);
    for (let i = 0; i < looks; i++) {
      const t = day.timeInShift(e)!;
      if (e.team === 'review-moderation') {
        const r = this.world.reviews[rng.int(0, this.world.reviews.length - 1)]!;
        if (r.createdAt < t) day.act(e, t, 'review.view', 'review', r.id);
        continue;
      }
      const seller = this.callingSeller(rng, e);
      const action = e.team === 'analytics' ? 'seller.metrics.view' : 'seller.account.view';
      day.act(e, t, action, 'seller', this.world.sellers[seller]!.id);
    }
  }
}

function reportReason(rng: Rng, kind: 'fake' | 'abuse' | 'seller'): string {
  if (kind === 'fake') return rng.pick(['fake-review', 'incentivized']);
  if (kind === 'abuse') return rng.pick(['offensive', 'spam', 'off-topic']);
  return 'seller-dispute';
}

function reason(rng: Rng, kind: 'fake' | 'abuse' | 'seller'): string {
  // `other` turns up in honest work too: no reason string by itself tells abuse.
  if (kind === 'fake') return rng.weighted(['spam', 'policy', 'other'], [0.5, 0.4, 0.1]);
  if (kind === 'abuse') return rng.weighted(['abuse', 'policy', 'other'], [0.5, 0.35, 0.15]);
  return rng.weighted(['policy', 'seller-request', 'other'], [0.45, 0.45, 0.1]);
}
