/**
 * The abuse in the public reports — seller metrics sold to brokers, reviewer emails harvested,
 * negative reviews deleted for hire — and its harder forms (docs/scenarios.md). Every volume is
 * drawn at random per instance.
 */
import type { Day } from './day.js';
import { LabelBuilder } from './label-builder.js';
import { PLAIN_FIELDS } from './topics.js';
import {
  DAY,
  castVeterans,
  competitors,
  insiderTime,
  popularSellers,
  sellersWithNegatives,
  window,
  type PlanContext,
  type Scenario,
  type ScenarioDefinition,
} from './scenario.js';
import { employeeRecord } from './records.js';
import { CATEGORIES, type Role, type SimEmployee, type World } from './world.js';
import type { Rng } from './random.js';

export const PERSONAL_FIELDS = [
  'reviewer.email',
  'reviewer.name',
  'customer.email',
  'customer.phone',
];

/**
 * Every insider does something: one who has acted fewer than this many times by the end of
 * their window (leave, weekends) goes on, every working day, until they have.
 */
export const MIN_ACTS = 4;

/** A scenario that acts on some days of a window, a drawn number of times per active day. */
export function daily(
  label: LabelBuilder,
  rng: Rng,
  [first, last]: [number, number],
  actors: SimEmployee[],
  perDay: () => number,
  act: (day: Day, e: SimEmployee, t: number) => void,
): Scenario {
  const activeShare = 0.45 + 0.45 * rng.next();
  for (const e of actors) label.employeeIds.add(e.id);
  return {
    label,
    afterWork(day) {
      if (day.index < first) return;
      for (const e of actors) {
        const behind = (label.acted.get(e.id) ?? 0) < MIN_ACTS;
        if (day.index > last && !behind) continue;
        if (day.index <= last && !day.rng.chance(activeShare)) continue;
        const n = perDay();
        for (let i = 0; i < n; i++) {
          const t = insiderTime(day, e);
          if (t !== undefined) act(day, e, t);
        }
      }
    },
  };
}

/** Where an insider acts from: their own session, or the broker's address (and device). */
export interface BrokerOptions {
  readonly label: LabelBuilder;
  readonly ticket?: string | undefined;
  readonly ip?: string;
  readonly device?: string;
}

/** Looks at (and sometimes downloads) metrics of a seller the employee has no business with. */
export function snoop(
  day: Day,
  e: SimEmployee,
  t: number,
  seller: number,
  exportShare: number,
  o: BrokerOptions & { victim?: boolean },
): void {
  const sid = day.world.sellers[seller]!.id;
  const context = o.ip === undefined ? undefined : day.session(e, false, o.ip, o.device);
  const base = { tag: o.label, ticket: o.ticket, ...(context ? { context } : {}) };
  day.act(e, t, 'seller.metrics.view', 'seller', sid, base);
  if (day.rng.chance(exportShare))
    day.act(e, t + day.rng.int(30, 300) * 1000, 'seller.metrics.export', 'seller', sid, {
      ...base,
      attrs: { rows: day.rng.int(50, 1000) },
    });
  // A ring's labelled sellers are its clients; the competitors it snoops on are victims.
  if (o.victim !== true) o.label.sellerIds.add(sid);
}

/** Looks up the reviewer behind a negative review of the client's products. */
export function harvest(
  day: Day,
  e: SimEmployee,
  t: number,
  review: number,
  o: BrokerOptions,
): void {
  const r = day.world.reviews[review]!;
  const context = o.ip === undefined ? undefined : day.session(e, false, o.ip, o.device);
  const base = { tag: o.label, ticket: o.ticket, ...(context ? { context } : {}) };
  if (day.rng.chance(0.6)) day.act(e, t, 'review.view', 'review', r.id, base);
  day.act(
    e,
    t + day.rng.int(10, 120) * 1000,
    'reviewer.contact.view',
    'reviewer',
    day.world.reviewers[r.reviewer]!.id,
    base,
  );
}

/** A negative review of one of `sellers`, published before `t` and still up. */
export function negativeOf(day: Day, sellers: readonly number[], t: number): number | undefined {
  for (let tries = 0; tries < 8; tries++) {
    const list = day.world.negativeBySeller.get(day.rng.pick(sellers)) ?? [];
    if (list.length === 0) continue;
    const r = day.rng.pick(list);
    const review = day.world.reviews[r];
    if (review && !review.removed && review.createdAt < t) return r;
  }
  return undefined;
}

export function pickReason(rng: Rng): string {
  return rng.weighted(['other', 'spam', 'policy', 'seller-request'], [0.35, 0.25, 0.2, 0.2]);
}

export function clientsWithNegatives(
  ctx: PlanContext,
  n: number,
  min: number,
  from: number,
): number[] {
  return ctx.rng.sample(sellersWithNegatives(ctx.world, min, ctx.world.startMs + from * DAY), n);
}

const metricsBroker = (ctx: PlanContext, id: string): Scenario | undefined => {
  const [e] = castVeterans(ctx, ['support-agent', 'account-manager'], 1) ?? [];
  if (!e) return undefined;
  const rng = ctx.rng;
  const category = rng.pick(CATEGORIES);
  const spread = rng.chance(0.4);
  const pool = spread
    ? ctx.world.sellers.map((s) => s.index).filter((s) => !e.book.includes(s))
    : competitors(ctx.world, category, e);
  const targets = rng.sample(pool, rng.int(8, 40));
  const lo = rng.int(1, 3);
  const hi = lo + rng.int(2, 7);
  const exportShare = 0.1 + 0.3 * rng.next();
  const label = new LabelBuilder(
    id,
    'metrics-broker',
    'abuse',
    `${e.id} sells seller metrics (${spread ? 'many unrelated sellers' : `competitors in ${category}`}) to a broker`,
  );
  return daily(
    label,
    rng,
    window(rng, ctx.world, 5, 15),
    [e],
    () => rng.int(lo, hi),
    (day, a, t) => snoop(day, a, t, day.rng.pick(targets), exportShare, { label }),
  );
};

const emailHarvest = (ctx: PlanContext, id: string): Scenario | undefined => {
  const rng = ctx.rng;
  const span = window(rng, ctx.world, 3, 12);
  const [client] = clientsWithNegatives(ctx, 1, 8, span[0]);
  const [e] = castVeterans(ctx, ['support-agent', 'account-manager'], 1) ?? [];
  if (client === undefined || !e) return undefined;
  const label = new LabelBuilder(
    id,
    'email-harvest',
    'abuse',
    `${e.id} harvests the emails of reviewers who left negative reviews of ${ctx.world.sellers[client]!.id}`,
  );
  label.sellerIds.add(ctx.world.sellers[client]!.id);
  const hi = rng.int(2, 8);
  return daily(
    label,
    rng,
    span,
    [e],
    () => rng.int(1, hi),
    (day, a, t) => {
      const review = negativeOf(day, [client], t);
      if (review !== undefined) harvest(day, a, t, review, { label });
    },
  );
};

const deletionForHire = (ctx: PlanContext, id: string): Scenario | undefined => {
  const rng = ctx.rng;
  const span = window(rng, ctx.world, 5, 20);
  const clients = clientsWithNegatives(ctx, rng.int(1, 3), 6, span[0]);
  const [e] = castVeterans(ctx, ['moderator'], 1) ?? [];
  if (clients.length === 0 || !e) return undefined;
  const label = new LabelBuilder(
    id,
    'deletion-for-hire',
    'abuse',
    `${e.id} deletes negative reviews of ${clients.length} seller(s) for money`,
  );
  for (const c of clients) label.sellerIds.add(ctx.world.sellers[c]!.id);
  const hi = rng.int(1, 5);
  return daily(
    label,
    rng,
    span,
    [e],
    () => rng.int(1, hi),
    (day, a, t) => {
      const review = negativeOf(day, clients, t);
      if (review !== undefined) day.deleteReview(a, t, review, pickReason(day.rng), { tag: label });
    },
  );
};

const collusionRing = (ctx: PlanContext, id: string): Scenario | undefined => {
  const rng = ctx.rng;
  const site = rng.pick(ctx.world.spec.sites);
  const atSite = (e: SimEmployee): boolean => e.site === site;
  const size = rng.int(3, 5);
  const mods = castVeterans(ctx, ['moderator'], rng.int(1, 2), atSite);
  const others =
    mods && castVeterans(ctx, ['support-agent', 'account-manager'], size - mods.length, atSite);
  const span = window(rng, ctx.world, 10, 25);
  const clients = clientsWithNegatives(ctx, rng.int(1, 2), 6, span[0]);
  if (!mods || !others || clients.length === 0) {
    for (const e of [...(mods ?? []), ...(others ?? [])]) ctx.cast.delete(e.index);
    return undefined;
  }
  const label = new LabelBuilder(
    id,
    'collusion-ring',
    'abuse',
    `a ring of ${size} at ${site.name} works for ${clients.length} seller(s), each member below any obvious threshold`,
  );
  for (const c of clients) label.sellerIds.add(ctx.world.sellers[c]!.id);
  const category = ctx.world.sellers[clients[0]!]!.category;
  const brokerIp = `203.0.113.${rng.int(2, 250)}`;
  // Half the brokers hand their recruits a remote desktop (or a phone) of their own: its device
  // id then shows on the broker-address actions. Drawn from a stream of its own, so that the
  // rest of the run does not change with it.
  const own = rng.fork(`${id}-broker-device`);
  const brokerDevice = own.chance(0.5) ? `dev-broker-${own.int(100, 999)}` : undefined;
  const camouflage = ctx.camouflage;
  const popular = popularSellers(ctx.world);
  const members = [...mods, ...others];
  for (const e of members) label.employeeIds.add(e.id);
  const [first, last] = span;
  return {
    label,
    afterWork(day) {
      if (day.index < first) return;
      for (const e of members) {
        if (day.index > last && (label.acted.get(e.id) ?? 0) >= MIN_ACTS) continue;
        const t = insiderTime(day, e);
        if (t === undefined) continue;
        const ip = day.rng.chance(0.3) ? brokerIp : undefined;
        const o = {
          label,
          victim: true,
          ...(ip ? { ip } : {}),
          ...(ip && brokerDevice ? { device: brokerDevice } : {}),
        };
        if (e.role === 'moderator') {
          if (!day.rng.chance(0.3)) continue;
          const review = negativeOf(day, clients, t);
          if (review !== undefined)
            day.deleteReview(e, t, review, pickReason(day.rng), { tag: label });
          continue;
        }
        if (day.rng.chance(0.35)) {
          const pool = competitors(day.world, category, e, new Set(clients));
          for (let i = day.rng.int(1, 3); i > 0 && pool.length > 0; i--)
            snoop(day, e, t + i * 60_000, day.rng.pick(pool), 0.15, o);
        }
        if (day.rng.chance(0.25)) {
          const review = negativeOf(day, clients, t);
          if (review !== undefined) harvest(day, e, t + 600_000, review, o);
        }
        // Camouflage: edges to sellers everybody looks at.
        for (let i = camouflage ? day.rng.int(1, 3) : 0; i > 0; i--)
          snoop(day, e, t + 1_200_000 + i * 60_000, day.rng.pick(popular), 0, o);
      }
    },
  };
};

const lowAndSlow = (ctx: PlanContext, id: string): Scenario | undefined => {
  const [e] = castVeterans(ctx, ['support-agent', 'account-manager'], 1) ?? [];
  if (!e) return undefined;
  const rng = ctx.rng;
  const category = rng.pick(CATEGORIES);
  const targets = rng.sample(competitors(ctx.world, category, e), rng.int(3, 6));
  const label = new LabelBuilder(
    id,
    'low-and-slow',
    'abuse',
    `${e.id} leaks metrics of ${targets.length} ${category} sellers, one or two a day, for weeks`,
  );
  label.employeeIds.add(e.id);
  const first = rng.int(0, 3);
  const share = 0.25 + 0.2 * rng.next();
  return {
    label,
    afterWork(day) {
      const left = day.world.days - day.index;
      const behind = (label.acted.get(e.id) ?? 0) + left / 3 < 2 * MIN_ACTS;
      if (day.index < first || (!behind && !day.rng.chance(share))) return;
      const t = insiderTime(day, e);
      if (t === undefined) return;
      const n = day.rng.chance(0.2) ? 2 : 1;
      for (let i = 0; i < n; i++)
        snoop(day, e, t + i * 400_000, day.rng.pick(targets), 0.1, { label });
    },
  };
};

const unrelatedTicketCover = (ctx: PlanContext, id: string): Scenario | undefined => {
  const [e] = castVeterans(ctx, ['support-agent'], 1) ?? [];
  if (!e) return undefined;
  const rng = ctx.rng;
  const category = rng.pick(CATEGORIES);
  const targets = rng.sample(competitors(ctx.world, category, e), rng.int(4, 12));
  const label = new LabelBuilder(
    id,
    'unrelated-ticket-cover',
    'abuse',
    `${e.id} looks at ${category} sellers' metrics citing real tickets about other sellers`,
  );
  const hi = rng.int(2, 6);
  return daily(
    label,
    rng,
    window(rng, ctx.world, 4, 12),
    [e],
    () => rng.int(1, hi),
    (day, a, t) => {
      const seller = day.rng.pick(targets);
      const cover = a.ticketsWorked.filter((k) => {
        const ticket = day.world.tickets.get(k);
        return ticket !== undefined && ticket.seller !== seller && ticket.openedAt < t;
      });
      if (cover.length === 0) return;
      snoop(day, a, t, seller, 0.25, { label, ticket: day.rng.pick(cover.slice(-40)) });
    },
  );
};

/** Self-opened cover tickets, by one of `roles` (world B: the contact centre, who open tickets all day). */
export const selfCover =
  (roles: readonly Role[]) =>
  (ctx: PlanContext, id: string): Scenario | undefined => {
    const rng = ctx.rng;
    const span = window(rng, ctx.world, 4, 12);
    const targets = clientsWithNegatives(ctx, rng.int(2, 5), 3, span[0]);
    const [e] = castVeterans(ctx, roles, 1) ?? [];
    if (!e || targets.length === 0) return undefined;
    const label = new LabelBuilder(
      id,
      'self-cover-tickets',
      'abuse',
      `${e.id} opens tickets for ${targets.length} sellers themself, then cites them to pull metrics and reviewer contacts`,
    );
    const own = new Map<number, string>();
    const hi = rng.int(2, 5);
    return daily(
      label,
      rng,
      span,
      [e],
      () => rng.int(1, hi),
      (day, a, t) => {
        const seller = day.rng.pick(targets);
        let ticket = own.get(seller);
        if (ticket === undefined) {
          ticket = day.openTicket({
            seller,
            openedAt: t - 120_000,
            assignee: a,
            openedBy: a.id,
            topic: day.rng.pick(['account-health', 'listing']),
            closeAfter: day.rng.int(2, 10) * DAY,
          });
          own.set(seller, ticket);
        }
        snoop(day, a, t, seller, 0.3, { label, ticket });
        const review = day.rng.chance(0.5) ? negativeOf(day, [seller], t) : undefined;
        if (review !== undefined) harvest(day, a, t + 300_000, review, { label, ticket });
      },
    );
  };

/**
 * Bulk personal data taken before leaving. With `minActs` (world B), one who has taken fewer
 * exports by the last evening takes the rest from home that evening.
 */
export const departing =
  (minActs: number) =>
  (ctx: PlanContext, id: string): Scenario | undefined => {
    const [e] = castVeterans(ctx, ['support-agent', 'account-manager', 'analyst'], 1) ?? [];
    if (!e) return undefined;
    const rng = ctx.rng;
    const world: World = ctx.world;
    const lastDay = rng.int(Math.ceil(world.days * 0.55), world.days - 2);
    const leftAt = world.startMs + lastDay * DAY;
    const noticeDay = Math.max(0, lastDay - rng.int(10, 20));
    const exportDays = rng.int(2, 6);
    const label = new LabelBuilder(
      id,
      'departing-exfiltration',
      'abuse',
      `${e.id} leaves on day ${lastDay} and exports personal fields in bulk before going`,
    );
    label.employeeIds.add(e.id);
    return {
      label,
      beforeWork(day) {
        // HR records the notice: from then on the directory shows when they leave.
        if (day.index !== noticeDay) return;
        e.leftAt = leftAt;
        day.directory(day.start + 9 * 3_600_000, employeeRecord(e));
      },
      afterWork(day) {
        if (day.index < lastDay - exportDays || day.index >= lastDay) return;
        const finalDay = day.index === lastDay - 1;
        for (let i = day.rng.int(1, 3); i > 0; i--) {
          // On the last day, nothing taken yet: they do it from home that evening.
          const t =
            insiderTime(day, e, 0.3) ??
            (finalDay && !label.played ? day.start + 20 * 3_600_000 : undefined);
          if (t === undefined) break;
          const fields = [
            ...day.rng.sample(PLAIN_FIELDS, day.rng.int(2, 4)),
            ...day.rng.sample(PERSONAL_FIELDS, day.rng.int(1, 3)),
          ];
          day.act(
            e,
            t,
            'data.export',
            'dataset',
            day.rng.pick(['reviews-full', 'customers', 'seller-metrics']),
            {
              tag: label,
              attrs: { rows: day.rng.int(2_000, 150_000), fields },
            },
          );
        }
        for (let n = label.acted.get(e.id) ?? 0; finalDay && n < minActs; n++)
          takeFromHome(day, e, day.start + 20 * 3_600_000 + n * 420_000, label);
      },
    };
  };

function takeFromHome(day: Day, e: SimEmployee, t: number, label: LabelBuilder): void {
  const fields = [
    ...day.rng.sample(PLAIN_FIELDS, day.rng.int(2, 4)),
    ...day.rng.sample(PERSONAL_FIELDS, day.rng.int(1, 3)),
  ];
  day.act(e, t, 'data.export', 'dataset', day.rng.pick(['reviews-full', 'customers']), {
    tag: label,
    attrs: { rows: day.rng.int(2_000, 150_000), fields },
  });
}

export const ABUSE: readonly ScenarioDefinition[] = [
  { type: 'metrics-broker', kind: 'abuse', plan: metricsBroker },
  { type: 'email-harvest', kind: 'abuse', plan: emailHarvest },
  { type: 'deletion-for-hire', kind: 'abuse', plan: deletionForHire },
  { type: 'collusion-ring', kind: 'abuse', plan: collusionRing },
  { type: 'low-and-slow', kind: 'abuse', plan: lowAndSlow },
  { type: 'unrelated-ticket-cover', kind: 'abuse', plan: unrelatedTicketCover },
  {
    type: 'self-cover-tickets',
    kind: 'abuse',
    plan: selfCover(['support-agent', 'account-manager']),
  },
  { type: 'departing-exfiltration', kind: 'abuse', plan: departing(0) },
];
