/**
 * Benign look-alikes: legitimate work that resembles abuse on one axis or another, which a good
 * system must not flag (docs/scenarios.md).
 */
import { LabelBuilder } from './label-builder.js';
import { assignmentRecord, employeeRecord } from './records.js';
import {
  DAY,
  HOUR,
  castVeterans,
  window,
  type PlanContext,
  type Scenario,
  type ScenarioDefinition,
} from './scenario.js';
import { PLAIN_FIELDS } from './topics.js';
import type { SimEmployee } from './world.js';

/** A product-safety recall: agents contact every reviewer of one product, under tickets. */
const productRecall = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const [first] = window(rng, world, 1, 3);
  const at = world.startMs + first * DAY;
  const candidates = world.products.filter(
    (p) => p.reviews.filter((r) => (world.reviews[r]?.createdAt ?? Infinity) < at).length >= 15,
  );
  const agents = castVeterans(ctx, ['support-agent'], rng.int(2, 4));
  if (candidates.length === 0 || !agents) return undefined;
  // A popular product: recalls hit what sold.
  candidates.sort((a, b) => b.reviews.length - a.reviews.length || a.seller - b.seller);
  const product = rng.pick(candidates.slice(0, 10));
  const seller = product.seller;
  const reviews = product.reviews.filter((r) => (world.reviews[r]?.createdAt ?? Infinity) < at);
  const label = new LabelBuilder(
    id,
    'product-recall',
    'benign',
    `a safety recall of ${product.id}: ${agents.length} agents contact its ${reviews.length} reviewers under recall tickets`,
  );
  label.sellerIds.add(world.sellers[seller]!.id);
  for (const a of agents) label.employeeIds.add(a.id);
  const tickets = new Map<SimEmployee, string>();
  let next = 0;
  return {
    label,
    afterWork(day) {
      if (day.index < first || next >= reviews.length) return;
      for (const a of agents) {
        if (!day.shifts.has(a.index)) continue;
        let ticket = tickets.get(a);
        const t0 = day.timeInShift(a, 0.05, 0.3)!;
        if (ticket === undefined) {
          ticket = day.openTicket({
            seller,
            openedAt: t0 - HOUR,
            assignee: a,
            openedBy: 'system',
            topic: 'product-safety-recall',
            closeAfter: 14 * DAY,
          });
          tickets.set(a, ticket);
        }
        for (let i = day.rng.int(10, 40); i > 0 && next < reviews.length; i--) {
          const r = world.reviews[reviews[next++]!]!;
          const t = t0 + day.rng.int(1, 5 * 3600) * 1000;
          if (day.rng.chance(0.3))
            day.act(a, t - 30_000, 'review.view', 'review', r.id, { ticket, tag: label });
          day.act(a, t, 'reviewer.contact.view', 'reviewer', world.reviewers[r.reviewer]!.id, {
            ticket,
            tag: label,
          });
        }
      }
    },
  };
};

/** A moderation quality audit: one moderator re-checks a few sellers' reviews under tickets. */
const moderationAudit = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const [first, last] = window(rng, world, 2, 5);
  const away = (e: SimEmployee): boolean => [first, last].some((d) => e.leave.has(d));
  const [m] = castVeterans(ctx, ['moderator'], 1, (e) => !away(e) && !e.weekendWorker) ?? [];
  if (!m) return undefined;
  const sellers = rng.sample(
    world.sellers.filter((s) => s.products.length >= 4).map((s) => s.index),
    rng.int(1, 3),
  );
  const label = new LabelBuilder(
    id,
    'moderation-audit',
    'benign',
    `${m.id} audits moderation of ${sellers.length} seller(s): many review views, a few restores and removals, all under audit tickets`,
  );
  label.employeeIds.add(m.id);
  const tickets = new Map<number, string>();
  return {
    label,
    afterWork(day) {
      if (day.index < first || day.index > last || !day.shifts.has(m.index)) return;
      for (const seller of sellers) {
        label.sellerIds.add(world.sellers[seller]!.id);
        let ticket = tickets.get(seller);
        if (ticket === undefined) {
          ticket = day.openTicket({
            seller,
            openedAt: day.timeInShift(m, 0, 0.1)! - HOUR,
            assignee: m,
            openedBy: 'system',
            topic: 'quality-audit',
            closeAfter: (last - day.index + 2) * DAY,
          });
          tickets.set(seller, ticket);
        }
        const products = world.sellers[seller]!.products;
        for (let i = day.rng.int(10, 40); i > 0; i--) {
          const reviews = world.products[day.rng.pick(products)]!.reviews;
          if (reviews.length === 0) continue;
          const r = day.rng.pick(reviews);
          const review = world.reviews[r]!;
          const t = day.timeInShift(m)!;
          if (review.createdAt >= t) continue;
          if (review.removed && !review.fake && day.rng.chance(0.3)) {
            day.act(m, t, 'review.view', 'review', review.id, { ticket, tag: label });
            day.restoreReview(m, t + 60_000, r, { ticket, tag: label });
          } else if (!review.removed && review.fake && day.rng.chance(0.5)) {
            day.deleteReview(m, t, r, 'policy', { ticket, tag: label });
          } else day.act(m, t, 'review.view', 'review', review.id, { ticket, tag: label });
        }
      }
    },
  };
};

/** New hires: no history at all, slow at first, shadowing a colleague's tickets. */
const newHire = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const hires = castVeterans(ctx, ['support-agent', 'moderator'], rng.int(1, 2));
  if (!hires) return undefined;
  const label = new LabelBuilder(
    id,
    'new-hire',
    'benign',
    `${hires.length} new hire(s) start during the run, ramp up and shadow a colleague`,
  );
  for (const h of hires) {
    Object.assign(h, { hiredAt: world.startMs + rng.int(2, 6) * DAY });
    label.employeeIds.add(h.id);
  }
  return {
    label,
    afterWork(day) {
      for (const h of hires) {
        const since = (day.start - h.hiredAt) / DAY;
        if (since < 0 || since > 7 || !day.shifts.has(h.index)) continue;
        label.span(day.shifts.get(h.index)!.start);
        const mentor = world.employees.find(
          (e) => e !== h && e.team === h.team && e.site === h.site && e.ticketsWorked.length > 5,
        );
        if (!mentor) continue;
        for (const ticket of day.rng.sample(mentor.ticketsWorked.slice(-30), day.rng.int(3, 10))) {
          const t = day.timeInShift(h)!;
          const opened = world.tickets.get(ticket);
          if (opened === undefined || opened.openedAt >= t) continue;
          day.act(h, t, 'seller.account.view', 'seller', world.sellers[opened.seller]!.id, {
            ticket,
            tag: label,
          });
        }
      }
    },
  };
};

/** A day-shift employee moves to nights: all their work moves to other hours. */
const nightShift = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const [e] = castVeterans(ctx, ['support-agent', 'moderator'], 1, (x) => x.shift === 'day') ?? [];
  if (!e) return undefined;
  const switchDay = rng.int(4, Math.max(5, Math.floor(world.days / 2)));
  const label = new LabelBuilder(
    id,
    'night-shift',
    'benign',
    `${e.id} moves from the day shift to nights on day ${switchDay}`,
  );
  label.employeeIds.add(e.id);
  return {
    label,
    beforeWork(day) {
      if (day.index !== switchDay) return;
      e.shift = 'night';
      e.startHour = 22;
      day.directory(day.start, employeeRecord(e));
      label.span(day.start);
    },
    afterWork(day) {
      if (day.index >= switchDay && day.shifts.has(e.index))
        label.span(day.shifts.get(e.index)!.start);
    },
  };
};

/** Quarter-end: analysts export far more than usual, metrics of many sellers included. */
const quarterEndExports = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const quarterEnd = [...Array(world.days).keys()].find((d) => {
    const date = new Date(world.startMs + d * DAY);
    return (
      [2, 5, 8, 11].includes(date.getUTCMonth()) &&
      new Date(world.startMs + (d + 1) * DAY).getUTCDate() === 1
    );
  });
  // Without a quarter end in the run, the last weekday stands in for it.
  let last = quarterEnd ?? world.days - 1;
  while (
    quarterEnd === undefined &&
    [0, 6].includes(new Date(world.startMs + last * DAY).getUTCDay())
  )
    last--;
  const atWork = (e: SimEmployee): boolean =>
    ![last - 2, last - 1, last].some((d) => e.leave.has(d));
  const analysts = castVeterans(ctx, ['analyst'], rng.int(1, 3), atWork);
  if (!analysts) return undefined;
  const label = new LabelBuilder(
    id,
    'quarter-end-exports',
    'benign',
    `${analysts.length} analyst(s) run the quarter-end exports: huge row counts and many sellers' metrics`,
  );
  for (const a of analysts) label.employeeIds.add(a.id);
  return {
    label,
    afterWork(day) {
      if (day.index < last - 2 || day.index > last) return;
      for (const a of analysts) {
        if (!day.shifts.has(a.index)) continue;
        for (let i = day.rng.int(1, 3); i > 0; i--)
          day.act(
            a,
            day.timeInShift(a)!,
            'data.export',
            'dataset',
            day.rng.pick(['sales-quarterly', 'seller-metrics', 'returns']),
            {
              tag: label,
              attrs: {
                rows: day.rng.int(300_000, 3_000_000),
                fields: day.rng.sample(PLAIN_FIELDS, day.rng.int(4, 8)),
              },
            },
          );
        for (const s of day.rng.sample(world.sellers, day.rng.int(20, 60)))
          day.act(a, day.timeInShift(a)!, 'seller.metrics.export', 'seller', s.id, {
            tag: label,
            attrs: { rows: day.rng.int(50, 500) },
          });
      }
    },
  };
};

/** A support agent transfers to account management and takes on a book of new sellers. */
const teamTransfer = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const [e] = castVeterans(ctx, ['support-agent'], 1) ?? [];
  if (!e) return undefined;
  const moveDay = rng.int(6, Math.max(7, world.days - 8));
  const pool = world.sellers.filter((s) => e.site.regions.includes(s.region)).map((s) => s.index);
  const book = rng.sample(pool, rng.int(15, 30));
  const label = new LabelBuilder(
    id,
    'team-transfer',
    'benign',
    `${e.id} moves from seller support to account management on day ${moveDay} with a new book of ${book.length} sellers`,
  );
  label.employeeIds.add(e.id);
  return {
    label,
    beforeWork(day) {
      if (day.index !== moveDay) return;
      world.spec.transfer(world, e, 'account-management', 'account-manager');
      e.book = book;
      const t = day.start + HOUR;
      day.directory(t, employeeRecord(e));
      for (const s of book) {
        world.sellers[s]!.managers.push(e.index);
        day.directory(t, assignmentRecord(e, world.sellers[s]!.id, t));
      }
      label.span(t);
    },
    afterWork(day) {
      if (day.index >= moveDay && day.shifts.has(e.index))
        label.span(day.shifts.get(e.index)!.start);
    },
  };
};

export const BENIGN: readonly ScenarioDefinition[] = [
  { type: 'product-recall', kind: 'benign', plan: productRecall },
  { type: 'moderation-audit', kind: 'benign', plan: moderationAudit },
  { type: 'new-hire', kind: 'benign', plan: newHire },
  { type: 'night-shift', kind: 'benign', plan: nightShift },
  { type: 'quarter-end-exports', kind: 'benign', plan: quarterEndExports },
  { type: 'team-transfer', kind: 'benign', plan: teamTransfer },
];
