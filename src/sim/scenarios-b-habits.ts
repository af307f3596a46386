/**
 * World B's honest work that resembles abuse, part two: the habits of whole jobs — agents who
 * open their callers' tickets, teams that hand work around the globe, engineers paged at the
 * weekend, catalog migrations, audits that remove, restore and remove again
 * (docs/scenarios.md, section 7).
 */
import type { Day } from './day.js';
import { LabelBuilder } from './label-builder.js';
import { auditSeller } from './scenarios-b-abuse.js';
import {
  DAY,
  HOUR,
  MINUTE,
  castVeterans,
  window,
  type PlanContext,
  type Scenario,
} from './scenario.js';
import { PLAIN_FIELDS } from './topics.js';
import { CATEGORIES, type SimEmployee } from './world.js';
import { isWeekend } from './population.js';

/** The label's span: every shift its actors work (for habits that add no events of their own). */
function spanShifts(label: LabelBuilder, crew: readonly SimEmployee[]) {
  return (day: Day): void => {
    for (const e of crew) {
      const shift = day.shifts.get(e.index);
      if (shift) label.span(shift.start);
    }
  };
}

/**
 * Phone and e-mail agents open a ticket for every caller and work it themselves, all day: the
 * whole contact centre does; a few of them are named here so that flagging them is counted.
 */
export const callerTickets = (ctx: PlanContext, id: string): Scenario | undefined => {
  const crew = castVeterans(ctx, ['contact-agent'], ctx.rng.int(3, 6));
  if (!crew) return undefined;
  const label = new LabelBuilder(
    id,
    'caller-tickets',
    'benign',
    `${crew.map((e) => e.id).join(', ')} (${crew[0]!.title}s) open their callers' tickets themselves and work them, as their whole team does`,
  );
  for (const e of crew) label.employeeIds.add(e.id);
  return { label, afterWork: spanShifts(label, crew) };
};

/**
 * Follow-the-sun: agents on early and late shifts pick up the open tickets colleagues at other
 * sites worked before them, citing those tickets (assigned to someone else).
 */
export const followTheSun = (ctx: PlanContext, id: string): Scenario | undefined => {
  const crew = castVeterans(
    ctx,
    ['support-agent'],
    ctx.rng.int(2, 4),
    (e) => e.shift === 'follow-the-sun',
  );
  if (!crew) return undefined;
  const label = new LabelBuilder(
    id,
    'follow-the-sun',
    'benign',
    `${crew.length} follow-the-sun agents take over tickets their colleagues at other sites opened and worked`,
  );
  for (const e of crew) label.employeeIds.add(e.id);
  const mates = ctx.world.employees.filter((e) => e.role === 'support-agent' && !crew.includes(e));
  return {
    label,
    afterWork(day) {
      for (const e of crew) {
        if (!day.shifts.has(e.index)) continue;
        const from = mates.filter((m) => m.site !== e.site && m.ticketsWorked.length > 0);
        if (from.length === 0) continue;
        for (let i = day.rng.int(2, 6); i > 0; i--) {
          const ticket = day.rng.pick(day.rng.pick(from).ticketsWorked.slice(-10));
          const open = day.world.tickets.get(ticket);
          const t = day.timeInShift(e, 0.02, 0.4)!;
          if (!open || open.openedAt >= t || t - open.openedAt > 2 * DAY) continue;
          const sid = day.world.sellers[open.seller]!.id;
          day.act(e, t, 'seller.account.view', 'seller', sid, { ticket, tag: label });
          if (day.rng.chance(0.3))
            day.act(e, t + day.rng.int(60, 600) * 1000, 'seller.metrics.view', 'seller', sid, {
              ticket,
              tag: label,
            });
        }
      }
    },
  };
};

/**
 * Weekend on-call: engineers take the weekends in turn; paged at any hour from home, they log
 * in, look at the seller the incident names and pull its service logs.
 */
export const weekendOnCall = (ctx: PlanContext, id: string): Scenario | undefined => {
  const crew = castVeterans(ctx, ['engineer'], ctx.rng.int(2, 4));
  if (!crew) return undefined;
  const label = new LabelBuilder(
    id,
    'weekend-on-call',
    'benign',
    `${crew.length} engineers take weekend on-call in turn: pages at any hour, seller accounts and logs under incident tickets`,
  );
  for (const e of crew) label.employeeIds.add(e.id);
  return {
    label,
    afterWork(day) {
      if (!isWeekend(day.start)) return;
      const e = crew[Math.floor(day.index / 7) % crew.length]!;
      for (let i = day.rng.int(1, 4); i > 0; i--) page(day, e, label);
    },
  };
};

function page(day: Day, e: SimEmployee, label: LabelBuilder): void {
  const rng = day.rng;
  const t = day.start + rng.int(0, 23 * 60) * MINUTE;
  const context = day.session(e, true);
  const seller = rng.int(0, day.world.sellers.length - 1);
  const ticket = day.openTicket({
    seller,
    openedAt: t - rng.int(2, 20) * MINUTE,
    assignee: e,
    openedBy: 'system',
    topic: 'incident',
    closeAfter: rng.int(1, 12) * HOUR,
  });
  const o = { ticket, tag: label, context };
  const sid = day.world.sellers[seller]!.id;
  day.act(e, t, 'login', 'dataset', 'console', { tag: label, context });
  day.act(e, t + rng.int(1, 5) * MINUTE, 'seller.account.view', 'seller', sid, o);
  if (rng.chance(0.5))
    day.act(e, t + rng.int(5, 15) * MINUTE, 'seller.metrics.view', 'seller', sid, o);
  if (rng.chance(0.4))
    day.act(e, t + rng.int(10, 40) * MINUTE, 'data.export', 'dataset', 'service-logs', {
      ...o,
      attrs: { rows: rng.int(500, 80_000), fields: rng.sample(PLAIN_FIELDS, rng.int(2, 4)) },
    });
}

/**
 * A catalog migration: one category's taxonomy changes; specialists open every affected
 * seller's account under migration tickets, dozens a day, for a few days.
 */
export const catalogMigration = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const [first, last] = window(rng, world, 2, 4);
  const crew = castVeterans(ctx, ['catalog-specialist'], rng.int(3, 5));
  if (!crew) return undefined;
  const category = rng.pick(CATEGORIES);
  const sellers = rng.sample(world.sellersByCategory.get(category) ?? [], rng.int(40, 120));
  const label = new LabelBuilder(
    id,
    'catalog-migration',
    'benign',
    `${crew.length} catalog specialists migrate ${sellers.length} ${category} sellers to a new taxonomy under migration tickets`,
  );
  for (const e of crew) label.employeeIds.add(e.id);
  let next = 0;
  return {
    label,
    afterWork(day) {
      if (day.index < first || next >= sellers.length) return;
      const final = day.index >= last;
      for (const e of crew) {
        if (!day.shifts.has(e.index)) continue;
        for (
          let i = final ? sellers.length : rng.int(10, 30);
          i > 0 && next < sellers.length;
          i--
        ) {
          const seller = sellers[next++]!;
          const sid = world.sellers[seller]!.id;
          label.sellerIds.add(sid);
          const t = day.timeInShift(e)!;
          const ticket = day.openTicket({
            seller,
            openedAt: t - rng.int(1, 8) * HOUR,
            assignee: e,
            openedBy: 'system',
            topic: 'category-migration',
            closeAfter: rng.int(1, 5) * DAY,
          });
          for (let j = rng.int(1, 2); j > 0; j--)
            day.act(e, t + j * rng.int(30, 300) * 1000, 'seller.account.view', 'seller', sid, {
              ticket,
              tag: label,
            });
        }
      }
    },
  };
};

/**
 * Moderation audits by several moderators: each re-checks sellers under audit tickets —
 * removals of bought reviews, restores of genuine ones, and re-removals of reviews restored
 * on appeal that the second look finds bought after all.
 */
export const moderationAudits = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const [first, last] = window(rng, world, 2, 5);
  const crew = castVeterans(ctx, ['moderator'], rng.int(2, 3));
  if (!crew) return undefined;
  const big = world.sellers.filter((s) => s.products.length >= 4).map((s) => s.index);
  const plan = new Map(crew.map((m) => [m, rng.sample(big, rng.int(1, 3))]));
  const label = new LabelBuilder(
    id,
    'moderation-audit',
    'benign',
    `${crew.length} moderators audit ${[...plan.values()].flat().length} sellers' moderation: removals, restores and re-removals under audit tickets`,
  );
  for (const m of crew) label.employeeIds.add(m.id);
  const tickets = new Map<string, string>();
  return {
    label,
    afterWork(day) {
      if (day.index < first || day.index > last) return;
      const removedBefore = new Set(ctx.work.removed);
      for (const [m, sellers] of plan) {
        if (!day.shifts.has(m.index)) continue;
        for (const seller of sellers) {
          label.sellerIds.add(world.sellers[seller]!.id);
          const key = `${m.index}/${seller}`;
          let ticket = tickets.get(key);
          if (ticket === undefined) {
            ticket = day.openTicket({
              seller,
              openedAt: day.timeInShift(m, 0, 0.1)! - HOUR,
              assignee: m,
              openedBy: 'system',
              topic: 'quality-audit',
              closeAfter: (last - day.index + 2) * DAY,
            });
            tickets.set(key, ticket);
          }
          auditSeller(day, m, seller, ticket, label);
          reRemove(day, m, seller, { ticket, tag: label, removedBefore });
        }
      }
    },
  };
};

/**
 * Bought reviews of the seller that are up: one restored on appeal (removed earlier in the run
 * by ordinary moderation) goes again after a second look more often than not; others now and then.
 */
function reRemove(
  day: Day,
  m: SimEmployee,
  seller: number,
  o: {
    readonly ticket: string;
    readonly tag: LabelBuilder;
    readonly removedBefore: ReadonlySet<number>;
  },
): void {
  const world = day.world;
  for (const p of world.sellers[seller]!.products)
    for (const r of world.products[p]!.reviews) {
      const review = world.reviews[r]!;
      if (!review.fake || review.removed) continue;
      if (!day.rng.chance(o.removedBefore.has(r) ? 0.6 : 0.1)) continue;
      const t = day.timeInShift(m)!;
      if (review.createdAt < t) day.deleteReview(m, t, r, 'spam', o);
    }
}

/**
 * Quality sampling: support and contact-centre supervisors re-read a sample of their team's
 * closed tickets every day, opening each seller's account under a ticket someone else worked
 * and closed.
 */
export const qaSampling = (ctx: PlanContext, id: string): Scenario | undefined => {
  const crew = castVeterans(
    ctx,
    ['team-lead'],
    ctx.rng.int(2, 3),
    (e) => e.team === 'seller-support' || e.team === 'contact-centre',
  );
  if (!crew) return undefined;
  const label = new LabelBuilder(
    id,
    'qa-sampling',
    'benign',
    `${crew.length} supervisors sample their teams' closed tickets daily and reopen the sellers' accounts under them`,
  );
  for (const e of crew) label.employeeIds.add(e.id);
  return {
    label,
    afterWork(day) {
      for (const lead of crew) {
        if (!day.shifts.has(lead.index)) continue;
        // their reports today: someone transferred away is no longer theirs to sample
        const team = day.world.employees.filter((m) => m.manager === lead.id);
        const t0 = day.timeInShift(lead, 0.1, 0.5)!;
        const closed = team
          .flatMap((m) => m.ticketsWorked.slice(-20))
          .filter((k) => (day.world.tickets.get(k)?.closedAt ?? Infinity) < t0);
        for (const ticket of day.rng.sample(closed, day.rng.int(5, 15))) {
          const t = t0 + day.rng.int(1, 120) * MINUTE;
          const sid = day.world.sellers[day.world.tickets.get(ticket)!.seller]!.id;
          day.act(lead, t, 'seller.account.view', 'seller', sid, { ticket, tag: label });
          if (day.rng.chance(0.3))
            day.act(lead, t + day.rng.int(30, 300) * 1000, 'seller.metrics.view', 'seller', sid, {
              ticket,
              tag: label,
            });
        }
      }
    },
  };
};
