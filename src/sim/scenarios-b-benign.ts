/**
 * World B's honest work that resembles abuse, part one: programmes and hand-overs that touch
 * many sellers, personal data or other people's portfolios for a documented reason
 * (docs/scenarios.md, section 7).
 */
import type { Day } from './day.js';
import { LabelBuilder } from './label-builder.js';
import { assignmentRecord, employeeRecord } from './records.js';
import { PERSONAL_FIELDS } from './scenarios-abuse.js';
import {
  DAY,
  HOUR,
  MINUTE,
  castVeterans,
  competitors,
  window,
  type PlanContext,
  type Scenario,
} from './scenario.js';
import { PLAIN_FIELDS } from './topics.js';
import { CATEGORIES, type SimEmployee } from './world.js';

/** A look at a seller's account and metrics under a ticket, tagged for the label. */
function ticketedLook(
  day: Day,
  e: SimEmployee,
  t: number,
  seller: number,
  ticket: string,
  label: LabelBuilder,
  exportShare = 0,
): void {
  const sid = day.world.sellers[seller]!.id;
  day.act(e, t, 'seller.account.view', 'seller', sid, { ticket, tag: label });
  day.act(e, t + day.rng.int(20, 300) * 1000, 'seller.metrics.view', 'seller', sid, {
    ticket,
    tag: label,
  });
  if (day.rng.chance(exportShare))
    day.act(e, t + day.rng.int(300, 900) * 1000, 'seller.metrics.export', 'seller', sid, {
      ticket,
      tag: label,
      attrs: { rows: day.rng.int(20, 400) },
    });
}

/**
 * A product-safety recall programme: catalog specialists work through every seller of one
 * category that sold the recalled item, in bursts of hours: account, sales metrics (units to
 * recall), and the buyers who reviewed it. The recall system opens either a ticket per seller,
 * or (half the programmes) one case per specialist naming all their sellers in
 * `relatedSellerIds`.
 */
export const recallProgramme = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const [first] = window(rng, world, 1, 3);
  const staff = castVeterans(ctx, ['catalog-specialist'], rng.int(3, 6));
  if (!staff) return undefined;
  const category = rng.pick(CATEGORIES);
  const sellers = rng.sample(world.sellersByCategory.get(category) ?? [], rng.int(25, 80));
  const label = new LabelBuilder(
    id,
    'recall-programme',
    'benign',
    `a product-safety recall in ${category}: ${staff.length} catalog specialists work through ${sellers.length} sellers in hours, under tickets the recall system opened`,
  );
  for (const e of staff) label.employeeIds.add(e.id);
  const shares = new Map(
    staff.map((a, i) => [a, sellers.filter((_, j) => j % staff.length === i)]),
  );
  const cases = rng.chance(0.5) ? new Map<SimEmployee, string>() : undefined;
  return {
    label,
    afterWork(day) {
      if (day.index < first) return;
      for (const a of staff) {
        const todo = shares.get(a)!;
        if (!day.shifts.has(a.index) || todo.length === 0) continue;
        const t0 = day.timeInShift(a, 0.05, 0.3)!;
        if (cases && !cases.has(a))
          cases.set(
            a,
            day.openTicket({
              seller: todo[0]!,
              related: todo.slice(1),
              openedAt: t0 - day.rng.int(1, 12) * HOUR,
              assignee: a,
              openedBy: 'system',
              topic: 'product-safety-recall',
              closeAfter: 14 * DAY,
            }),
          );
        for (let i = day.rng.int(8, 20); i > 0 && todo.length > 0; i--) {
          const seller = todo.shift()!;
          label.sellerIds.add(world.sellers[seller]!.id);
          const t = t0 + day.rng.int(1, 3 * 3600) * 1000;
          const ticket =
            cases?.get(a) ??
            day.openTicket({
              seller,
              openedAt: t - day.rng.int(5, 60) * MINUTE,
              assignee: a,
              openedBy: 'system',
              topic: 'product-safety-recall',
              closeAfter: 10 * DAY,
            });
          ticketedLook(day, a, t, seller, ticket, label, 0.5);
          for (let j = day.rng.int(0, 4); j > 0; j--) {
            const review = day.world.products[day.rng.pick(world.sellers[seller]!.products)]!;
            const r = review.reviews.length > 0 ? day.rng.pick(review.reviews) : undefined;
            if (r === undefined || world.reviews[r]!.createdAt >= t) continue;
            day.act(
              a,
              t + day.rng.int(600, 1800) * 1000,
              'reviewer.contact.view',
              'reviewer',
              world.reviewers[world.reviews[r]!.reviewer]!.id,
              { ticket, tag: label },
            );
          }
        }
      }
    },
  };
};

/** A legal e-discovery export: counsel export personal fields for a case, under its ticket. */
export const ediscoveryExport = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const [first, last] = window(rng, world, 2, 6);
  const counsel = castVeterans(ctx, ['counsel'], rng.int(2, 3));
  if (!counsel) return undefined;
  const seller = rng.int(0, world.sellers.length - 1);
  const sid = world.sellers[seller]!.id;
  const label = new LabelBuilder(
    id,
    'ediscovery-export',
    'benign',
    `${counsel.length} legal counsel export reviews and customer records with personal fields for an e-discovery request about ${sid}, under the legal hold`,
  );
  label.sellerIds.add(sid);
  for (const e of counsel) label.employeeIds.add(e.id);
  const tickets = new Map<SimEmployee, string>();
  return {
    label,
    afterWork(day) {
      if (day.index < first) return;
      for (const e of counsel) {
        const done = (label.acted.get(e.id) ?? 0) >= 4;
        if (!day.shifts.has(e.index) || (day.index > last && done)) continue;
        if (done && !day.rng.chance(0.5)) continue;
        const t = day.timeInShift(e)!;
        let ticket = tickets.get(e);
        if (ticket === undefined) {
          ticket = day.openTicket({
            seller,
            openedAt: t - day.rng.int(24, 120) * HOUR,
            assignee: e,
            openedBy: 'legal-intake',
            topic: 'legal-hold',
            closeAfter: 40 * DAY,
          });
          tickets.set(e, ticket);
        }
        day.act(e, t, 'seller.account.view', 'seller', sid, { ticket, tag: label });
        for (let i = day.rng.int(1, 2); i > 0; i--)
          day.act(
            e,
            t + i * day.rng.int(10, 40) * MINUTE,
            'data.export',
            'dataset',
            day.rng.pick(['reviews-full', 'customers', 'messages']),
            {
              ticket,
              tag: label,
              attrs: {
                rows: day.rng.int(5_000, 200_000),
                fields: [
                  ...day.rng.sample(PLAIN_FIELDS, day.rng.int(2, 4)),
                  ...day.rng.sample(PERSONAL_FIELDS, day.rng.int(1, 3)),
                ],
              },
            },
          );
      }
    },
  };
};

/**
 * A departing account manager's hand-over: notice in the directory, then in the last days
 * exports of their own sellers' metrics and account notes for the successor, who takes the
 * book over (assignments end and begin) on the last day.
 */
export const departingHandover = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const [e] = castVeterans(ctx, ['account-manager'], 1, (x) => x.book.length >= 8) ?? [];
  const [heir] = e
    ? (castVeterans(ctx, ['account-manager'], 1, (x) => x.site === e.site) ??
      castVeterans(ctx, ['account-manager'], 1) ??
      [])
    : [];
  if (!e || !heir) {
    if (e) ctx.cast.delete(e.index);
    return undefined;
  }
  const lastDay = rng.int(Math.ceil(world.days * 0.55), world.days - 2);
  const leftAt = world.startMs + lastDay * DAY;
  const noticeDay = Math.max(0, lastDay - rng.int(10, 20));
  const handoverDays = rng.int(3, 6);
  const contacts = rng.chance(0.5);
  const label = new LabelBuilder(
    id,
    'departing-handover',
    'benign',
    `${e.id} leaves on day ${lastDay} and hands a book of ${e.book.length} sellers to ${heir.id}: exports of their own sellers for the successor, then the assignments move`,
  );
  label.employeeIds.add(e.id);
  label.employeeIds.add(heir.id);
  return {
    label,
    beforeWork(day) {
      if (day.index === noticeDay) {
        e.leftAt = leftAt;
        day.directory(day.start + 9 * HOUR, employeeRecord(e));
      }
      if (day.index !== lastDay) return;
      const t = day.start + HOUR;
      for (const s of e.book) {
        const sid = world.sellers[s]!.id;
        const from = world.assignedFrom.get(`${e.index}/${s}`);
        if (from !== undefined) day.directory(t, assignmentRecord(e, sid, from, leftAt));
        day.directory(t, assignmentRecord(heir, sid, t));
        world.sellers[s]!.managers.push(heir.index);
      }
      heir.book = [...heir.book, ...e.book];
      label.span(t);
    },
    afterWork(day) {
      if (day.index < lastDay - handoverDays || day.index >= lastDay) return;
      if (!day.shifts.has(e.index)) return;
      for (const s of day.rng.sample(e.book, day.rng.int(3, 8))) {
        const t = day.timeInShift(e)!;
        day.act(e, t, 'seller.metrics.export', 'seller', world.sellers[s]!.id, {
          tag: label,
          attrs: { rows: day.rng.int(20, 400) },
        });
      }
      day.act(e, day.timeInShift(e, 0.6, 0.95)!, 'data.export', 'dataset', 'account-notes', {
        tag: label,
        attrs: {
          rows: day.rng.int(100, 3_000),
          fields: day.rng.sample(PLAIN_FIELDS, day.rng.int(3, 6)),
        },
      });
      // Half the hand-overs pass on the book's contact sheet: names and addresses of its sellers' staff.
      if (contacts && day.index === lastDay - 1)
        day.act(e, day.timeInShift(e, 0.3, 0.9)!, 'data.export', 'dataset', 'seller-contacts', {
          tag: label,
          attrs: {
            rows: e.book.length * day.rng.int(1, 3),
            fields: ['sellerId', 'contact.name', 'contact.email', 'contact.phone'],
          },
        });
    },
  };
};

/**
 * Leave cover: while an account manager is on leave, a colleague is assigned their book for
 * those days and works it like their own.
 */
export const leaveCover = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world } = ctx;
  const longLeave = (x: SimEmployee): boolean =>
    x.book.length >= 8 && x.leave.size >= 2 && Math.min(...x.leave) >= 1;
  const [away] = castVeterans(ctx, ['account-manager'], 1, longLeave) ?? [];
  const free = (x: SimEmployee): boolean =>
    away !== undefined && !x.leave.has(Math.min(...away.leave));
  const [cover] = away
    ? (castVeterans(ctx, ['account-manager'], 1, (x) => x.site === away.site && free(x)) ??
      castVeterans(ctx, ['account-manager'], 1, free) ??
      [])
    : [];
  if (!away || !cover) {
    if (away) ctx.cast.delete(away.index);
    return undefined;
  }
  const first = Math.min(...away.leave);
  const last = Math.max(...away.leave);
  const label = new LabelBuilder(
    id,
    'leave-cover',
    'benign',
    `${cover.id} covers ${away.id}'s book of ${away.book.length} sellers during their leave (days ${first}–${last}), assigned for those days`,
  );
  label.employeeIds.add(cover.id);
  label.employeeIds.add(away.id);
  return {
    label,
    beforeWork(day) {
      if (day.index !== first) return;
      const from = day.start;
      // Until the end of the cover's last shift: a shift of day `last` may start late that UTC
      // day and run past midnight (sites east of UTC), so `last + 1` at 00:00 UTC cut it short.
      const to = world.startMs + (last + 2) * DAY;
      for (const s of away.book)
        day.directory(from, assignmentRecord(cover, world.sellers[s]!.id, from, to));
      label.span(from);
    },
    afterWork(day) {
      if (day.index < first || day.index > last || !day.shifts.has(cover.index)) return;
      const visits = Math.min(away.book.length, day.rng.poisson(0.3 * away.book.length));
      for (const s of day.rng.sample(away.book, visits)) {
        const t = day.timeInShift(cover)!;
        const sid = world.sellers[s]!.id;
        day.act(cover, t, 'seller.account.view', 'seller', sid, { tag: label });
        day.act(cover, t + day.rng.int(30, 600) * 1000, 'seller.metrics.view', 'seller', sid, {
          tag: label,
        });
      }
    },
  };
};

/**
 * Sale nominations: account managers pick the sellers of their category for the coming sale,
 * their own book's neighbours included, each under a ticket the campaign tool opened.
 */
export const promoNominations = (ctx: PlanContext, id: string): Scenario | undefined => {
  const { world, rng } = ctx;
  const managers = castVeterans(ctx, ['account-manager'], rng.int(2, 4), (x) => x.book.length > 0);
  if (!managers) return undefined;
  const [first, last] = [Math.max(1, 10 - rng.int(3, 6)), 9];
  const label = new LabelBuilder(
    id,
    'promo-nominations',
    'benign',
    `${managers.length} account managers nominate sellers of their categories for the sale (days 10–12), beyond their books, under campaign tickets`,
  );
  const picks = new Map<SimEmployee, number[]>();
  for (const m of managers) {
    label.employeeIds.add(m.id);
    const category = world.sellers[m.book[0]!]!.category;
    picks.set(m, rng.sample(competitors(world, category, m), rng.int(10, 30)));
  }
  return {
    label,
    afterWork(day) {
      if (day.index < first || day.index > last) return;
      for (const m of managers) {
        const todo = picks.get(m)!;
        if (!day.shifts.has(m.index) || todo.length === 0) continue;
        const n = day.index === last ? todo.length : Math.ceil(todo.length / 2);
        for (const seller of todo.splice(0, n)) {
          const t = day.timeInShift(m)!;
          label.sellerIds.add(world.sellers[seller]!.id);
          const ticket = day.openTicket({
            seller,
            openedAt: t - day.rng.int(1, 48) * HOUR,
            assignee: m,
            openedBy: 'system',
            topic: 'campaign-nomination',
            closeAfter: 5 * DAY,
          });
          ticketedLook(day, m, t, seller, ticket, label, 0.4);
        }
      }
    },
  };
};
