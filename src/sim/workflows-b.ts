/**
 * Daily work of the job functions only world B has: contact-centre agents, who open a ticket
 * for every caller themselves and work it; catalog specialists, who fix listings flagged by
 * the catalog system; engineers, who look into incidents the monitoring opens.
 */
import type { Day } from './day.js';
import type { Rng } from './random.js';
import { PLAIN_FIELDS, SUPPORT_TOPICS, SUPPORT_TOPIC_WEIGHTS } from './topics.js';
import { HOUR, type SimEmployee } from './world.js';

const MINUTE = 60_000;

/** What these workflows need of the desk: who calls, and a review of a seller. */
export interface Desk {
  callingSeller(rng: Rng, e: SimEmployee): number;
  reviewOf(rng: Rng, seller: number, before: number): number | undefined;
}

/** Phone and e-mail support: the agent opens the caller's ticket, then works it. */
export function contactAgent(work: Desk, day: Day, e: SimEmployee, load: number): void {
  const rng = day.rng;
  for (let n = rng.poisson(8 * load); n > 0; n--) {
    const seller = work.callingSeller(rng, e);
    const sid = day.world.sellers[seller]!.id;
    const t = day.timeInShift(e, 0.02, 0.9)!;
    const topic = rng.weighted(SUPPORT_TOPICS, SUPPORT_TOPIC_WEIGHTS);
    const openedAt = t - rng.int(30, 300) * 1000;
    const review = topic === 'review-dispute' ? work.reviewOf(rng, seller, openedAt) : undefined;
    const ticket = day.openTicket({
      seller,
      openedAt,
      assignee: e,
      // The caller is on the line: the agent opens the ticket (e-mails arrive as customer tickets).
      openedBy: rng.chance(0.85) ? e.id : 'customer',
      topic,
      reviewId: review === undefined ? undefined : day.world.reviews[review]?.id,
      closeAfter: rng.chance(0.7) ? rng.int(10, 120) * MINUTE : rng.int(2, 48) * HOUR,
    });
    let at = t;
    day.act(e, at, 'seller.account.view', 'seller', sid, { ticket });
    if (rng.chance(0.35))
      day.act(e, (at += rng.int(20, 300) * 1000), 'seller.metrics.view', 'seller', sid, {
        ticket,
      });
    if (review === undefined) continue;
    const r = day.world.reviews[review]!;
    day.act(e, (at += rng.int(20, 300) * 1000), 'review.view', 'review', r.id, { ticket });
    if (rng.chance(0.25))
      day.act(
        e,
        at + rng.int(20, 300) * 1000,
        'reviewer.contact.view',
        'reviewer',
        reviewerOf(day, review),
        {
          ticket,
        },
      );
  }
}

/** Listing fixes: the catalog system flags a seller's listing, a specialist opens the account. */
export function catalogSpecialist(work: Desk, day: Day, e: SimEmployee, load: number): void {
  const rng = day.rng;
  for (let n = rng.poisson(6 * load); n > 0; n--) {
    const seller = work.callingSeller(rng, e);
    const sid = day.world.sellers[seller]!.id;
    const t = day.timeInShift(e)!;
    const ticket = day.openTicket({
      seller,
      openedAt: t - rng.int(1, 20) * HOUR,
      assignee: e,
      openedBy: 'system',
      topic: rng.pick(['listing-quality', 'category-mapping', 'prohibited-item']),
      closeAfter: rng.int(1, 72) * HOUR,
    });
    day.act(e, t, 'seller.account.view', 'seller', sid, { ticket });
    if (rng.chance(0.5))
      day.act(e, t + rng.int(60, 900) * 1000, 'seller.account.view', 'seller', sid, { ticket });
  }
}

/** Incidents: monitoring opens a ticket naming the seller affected; the engineer looks, pulls logs. */
export function engineer(work: Desk, day: Day, e: SimEmployee, load: number): void {
  const rng = day.rng;
  for (let n = rng.poisson(1.5 * load); n > 0; n--) {
    const seller = work.callingSeller(rng, e);
    const t = day.timeInShift(e)!;
    const ticket = day.openTicket({
      seller,
      openedAt: t - rng.int(5, 240) * MINUTE,
      assignee: e,
      openedBy: 'system',
      topic: 'incident',
      closeAfter: rng.int(1, 30) * HOUR,
    });
    day.act(e, t, 'seller.account.view', 'seller', day.world.sellers[seller]!.id, { ticket });
    if (rng.chance(0.3))
      day.act(e, t + rng.int(5, 60) * MINUTE, 'data.export', 'dataset', 'service-logs', {
        ticket,
        attrs: { rows: rng.int(500, 50_000), fields: rng.sample(PLAIN_FIELDS, rng.int(2, 4)) },
      });
  }
}

function reviewerOf(day: Day, review: number): string {
  const r = day.world.reviews[review]!;
  return day.world.reviewers[r.reviewer]!.id;
}
