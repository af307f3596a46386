/**
 * World B's insiders: each abuse kind of the library played by someone whose ordinary work
 * looks like it (docs/scenarios.md, section 7). An account manager sells metrics of sellers
 * next to their own portfolio; a support agent harvests reviewer e-mails for weeks under real
 * dispute tickets; a moderator deletes for hire inside a quality audit; a ring mixes roles and
 * sites; a contact-centre agent, who opens tickets all day, opens the ones that cover them.
 */
import type { Day } from './day.js';
import { LabelBuilder } from './label-builder.js';
import type { Rng } from './random.js';
import {
  MIN_ACTS,
  clientsWithNegatives,
  daily,
  harvest,
  negativeOf,
  pickReason,
  snoop,
  type BrokerOptions,
} from './scenarios-abuse.js';
import {
  DAY,
  HOUR,
  MINUTE,
  castVeterans,
  competitors,
  insiderTime,
  window,
  type PlanContext,
  type Scenario,
} from './scenario.js';
import type { SimEmployee, World } from './world.js';

/** The category most of the employee's book is in. */
function bookCategory(world: World, e: SimEmployee): string {
  const counts = new Map<string, number>();
  for (const s of e.book) {
    const c = world.sellers[s]!.category;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

/** Sellers of the book's category and regions that are not in the book: the portfolio's neighbours. */
function neighbours(world: World, e: SimEmployee): number[] {
  const regions = new Set(e.site.regions);
  const all = competitors(world, bookCategory(world, e), e);
  const near = all.filter((s) => regions.has(world.sellers[s]!.region));
  return near.length >= 8 ? near : all;
}

/** A look at a seller the way an account manager looks at their own: account, then metrics. */
function visit(day: Day, e: SimEmployee, t: number, seller: number, o: BrokerOptions): void {
  const sid = day.world.sellers[seller]!.id;
  const context = o.ip === undefined ? undefined : day.session(e, false, o.ip, o.device);
  const base = { tag: o.label, ...(context ? { context } : {}) };
  day.act(e, t, 'seller.account.view', 'seller', sid, base);
  let at = t;
  for (let i = day.rng.int(1, 3); i > 0; i--)
    day.act(e, (at += day.rng.int(30, 600) * 1000), 'seller.metrics.view', 'seller', sid, base);
  if (day.rng.chance(0.12))
    day.act(e, at + 900_000, 'seller.metrics.export', 'seller', sid, {
      ...base,
      attrs: { rows: day.rng.int(20, 600) },
    });
}

/** Metrics sold: an account manager's neighbours in their own category, visited like the book. */
export const portfolioBroker = (ctx: PlanContext, id: string): Scenario | undefined => {
  const [e] = castVeterans(ctx, ['account-manager'], 1, (x) => x.book.length >= 10) ?? [];
  if (!e) return undefined;
  const rng = ctx.rng;
  const targets = rng.sample(neighbours(ctx.world, e), rng.int(8, 25));
  const category = ctx.world.sellers[targets[0]!]!.category;
  const hi = rng.int(2, 6);
  const label = new LabelBuilder(
    id,
    'metrics-broker',
    'abuse',
    `${e.id} (${e.title}) sells metrics of ${targets.length} ${category} sellers next to their own portfolio, visited like their own`,
  );
  return daily(
    label,
    rng,
    window(rng, ctx.world, 6, 18),
    [e],
    () => rng.int(1, hi),
    (day, a, t) => {
      const seller = day.rng.pick(targets);
      label.sellerIds.add(day.world.sellers[seller]!.id);
      visit(day, a, t, seller, { label });
    },
  );
};

/** A dispute ticket the client seller opens about one of its negative reviews. */
function disputeTicket(day: Day, e: SimEmployee, t: number, review: number): string {
  const seller = day.world.products[day.world.reviews[review]!.product]!.seller;
  return day.openTicket({
    seller,
    openedAt: t - day.rng.int(10, 180) * MINUTE,
    assignee: e,
    openedBy: 'seller',
    topic: 'review-dispute',
    reviewId: day.world.reviews[review]!.id,
    closeAfter: day.rng.int(1, 24) * HOUR,
  });
}

/** Harvesting for weeks, one or two look-ups a day, each under a real ticket the client opened. */
export const ticketedHarvest = (ctx: PlanContext, id: string): Scenario | undefined => {
  const rng = ctx.rng;
  const span = window(rng, ctx.world, 14, 25);
  const [client] = clientsWithNegatives(ctx, 1, 10, span[0]);
  const [e] = castVeterans(ctx, ['support-agent', 'contact-agent'], 1) ?? [];
  if (client === undefined || !e) return undefined;
  const sid = ctx.world.sellers[client]!.id;
  const label = new LabelBuilder(
    id,
    'email-harvest',
    'abuse',
    `${e.id} (${e.title}) harvests, for weeks, the e-mails of reviewers who left negative reviews of ${sid}, each under a dispute ticket the seller opened`,
  );
  label.sellerIds.add(sid);
  return daily(
    label,
    rng,
    span,
    [e],
    () => rng.int(1, 2),
    (day, a, t) => {
      const review = negativeOf(day, [client], t);
      if (review === undefined) return;
      const ticket = disputeTicket(day, a, t, review);
      day.act(a, t, 'seller.account.view', 'seller', sid, { ticket });
      harvest(day, a, t + day.rng.int(60, 600) * 1000, review, { label, ticket });
    },
  );
};

/** Deletion for hire inside a quality audit: the client's negatives go with the audit's fakes. */
export const auditCoverDeletion = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const [first, last] = window(rng, world, 4, 8);
  const clients = clientsWithNegatives(ctx, rng.int(1, 2), 6, first);
  const [m] = castVeterans(ctx, ['moderator'], 1) ?? [];
  if (clients.length === 0 || !m) return undefined;
  const others = rng
    .sample(
      world.sellers.filter((s) => s.products.length >= 4).map((s) => s.index),
      rng.int(2, 4),
    )
    .filter((s) => !clients.includes(s));
  const audited = rng.sample([...others, ...clients], others.length + clients.length);
  const label = new LabelBuilder(
    id,
    'deletion-for-hire',
    'abuse',
    `${m.id} (${m.title}) audits ${audited.length} sellers and, inside the audit, deletes negative reviews of ${clients.length} of them for money`,
  );
  for (const c of clients) label.sellerIds.add(world.sellers[c]!.id);
  label.employeeIds.add(m.id);
  const tickets = new Map<number, string>();
  return {
    label,
    afterWork(day) {
      const behind = (label.acted.get(m.id) ?? 0) < 2 * MIN_ACTS;
      if (day.index < first || (day.index > last && !behind) || !day.shifts.has(m.index)) return;
      for (const seller of audited) {
        let ticket = tickets.get(seller);
        if (ticket === undefined) {
          ticket = day.openTicket({
            seller,
            openedAt: day.timeInShift(m, 0, 0.1)! - HOUR,
            assignee: m,
            openedBy: 'system',
            topic: 'quality-audit',
            closeAfter: (last - day.index + 3) * DAY,
          });
          tickets.set(seller, ticket);
        }
        auditSeller(day, m, seller, ticket);
        if (!clients.includes(seller)) continue;
        for (let i = day.rng.int(1, 3); i > 0; i--) {
          const t = day.timeInShift(m)!;
          const review = negativeOf(day, [seller], t);
          if (review !== undefined)
            day.deleteReview(m, t, review, day.rng.pick(['policy', 'spam']), {
              ticket,
              tag: label,
            });
        }
      }
    },
  };
};

/** Honest audit work on one seller: views, restores of genuine reviews, removals of bought ones. */
export function auditSeller(
  day: Day,
  m: SimEmployee,
  seller: number,
  ticket: string,
  tag?: LabelBuilder,
): void {
  const world = day.world;
  const products = world.sellers[seller]!.products;
  for (let i = day.rng.int(8, 30); i > 0; i--) {
    const reviews = world.products[day.rng.pick(products)]!.reviews;
    if (reviews.length === 0) continue;
    const r = day.rng.pick(reviews);
    const review = world.reviews[r]!;
    const t = day.timeInShift(m)!;
    if (review.createdAt >= t) continue;
    if (review.removed && !review.fake && day.rng.chance(0.3)) {
      day.act(m, t, 'review.view', 'review', review.id, { ticket, tag });
      day.restoreReview(m, t + 60_000, r, { ticket, tag });
    } else if (!review.removed && review.fake && day.rng.chance(0.5)) {
      day.deleteReview(m, t, r, 'policy', { ticket, tag });
    } else day.act(m, t, 'review.view', 'review', review.id, { ticket, tag });
  }
}

/**
 * A ring that mixes roles and sites: an account manager looks at competitors as if they were
 * neighbours of the book, a moderator deletes the clients' negatives, a support or contact
 * agent harvests their authors under the clients' own dispute tickets (and an analyst, in some
 * rings, reads competitors' metrics as analysts do). Each member stays small.
 */
export const mixedRing = (ctx: PlanContext, id: string): Scenario | undefined => {
  const rng = ctx.rng;
  const span = window(rng, ctx.world, 10, 25);
  const clients = clientsWithNegatives(ctx, rng.int(1, 2), 6, span[0]);
  const roles = [['account-manager'], ['moderator'], ['support-agent', 'contact-agent']] as const;
  const extra = rng.chance(0.5) ? [rng.pick([['analyst'], ['account-manager']] as const)] : [];
  const members: SimEmployee[] = [];
  for (const r of [...roles, ...extra]) {
    const [e] = castVeterans(ctx, r, 1) ?? [];
    if (e) members.push(e);
  }
  if (clients.length === 0 || members.length < 3 + extra.length) {
    for (const e of members) ctx.cast.delete(e.index);
    return undefined;
  }
  const sites = new Set(members.map((e) => e.site.name));
  const label = new LabelBuilder(
    id,
    'collusion-ring',
    'abuse',
    `a ring of ${members.length} (${members.map((e) => e.title).join(', ')}) across ${sites.size} site(s) works for ${clients.length} seller(s), each member inside their own job's habits`,
  );
  for (const c of clients) label.sellerIds.add(ctx.world.sellers[c]!.id);
  for (const e of members) label.employeeIds.add(e.id);
  const category = ctx.world.sellers[clients[0]!]!.category;
  const brokerIp = `198.51.100.${rng.int(2, 250)}`;
  const [first, last] = span;
  return {
    label,
    afterWork(day) {
      if (day.index < first) return;
      // Behind on the run's last week (or after the window), a member acts on every day at work.
      const late = day.index > last || day.index >= day.world.days - 8;
      for (const e of members) {
        const behind = (): boolean => (label.acted.get(e.id) ?? 0) < MIN_ACTS;
        if (day.index > last && !behind()) continue;
        const force = late && behind();
        for (let n = 0; n < (force ? 3 : 1) && (n === 0 || behind()); n++) {
          const t = insiderTime(day, e);
          if (t === undefined) break;
          const ip = e.role !== 'moderator' && day.rng.chance(0.3) ? brokerIp : undefined;
          ringAct(day, e, t, { label, ...(ip ? { ip } : {}) }, { clients, category, force });
        }
      }
    },
  };
};

function ringAct(
  day: Day,
  e: SimEmployee,
  t: number,
  o: BrokerOptions,
  { clients, category, force }: { clients: readonly number[]; category: string; force: boolean },
): void {
  const rng: Rng = day.rng;
  const chance = (p: number): boolean => rng.chance(p) || force;
  if (e.role === 'moderator') {
    if (!chance(0.35)) return;
    const review = negativeOf(day, clients, t);
    if (review !== undefined) day.deleteReview(e, t, review, pickReason(rng), { tag: o.label });
    return;
  }
  if (e.role === 'support-agent' || e.role === 'contact-agent') {
    if (!chance(0.35)) return;
    const review = negativeOf(day, clients, t);
    if (review === undefined) return;
    const ticket = disputeTicket(day, e, t, review);
    harvest(day, e, t + rng.int(60, 600) * 1000, review, { ...o, ticket });
    return;
  }
  if (!chance(0.4)) return;
  const pool = competitors(day.world, category, e, new Set(clients));
  for (let i = rng.int(1, 2); i > 0 && pool.length > 0; i--) {
    const seller = rng.pick(pool);
    if (e.role === 'account-manager') visit(day, e, t + i * 120_000, seller, o);
    else snoop(day, e, t + i * 120_000, seller, 0.2, { ...o, victim: true });
  }
}
