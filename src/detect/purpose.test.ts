import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccessEvent, InterchangeRecord } from '../domain/index.js';
import { NONE, DirectoryView, type EmployeeView, type TicketView } from './directory-view.js';
import { readTime } from './event-time.js';
import { judge, type Judgement, type TicketProblem } from './purpose.js';
import { at } from './test-support.js';

const DAY = 86_400_000;

/**
 * `judge` as it read a cited or held ticket through a whole `TicketView` (one per judgement):
 * the fast path reads the ticket's fields in place and must answer exactly this.
 */
function judgeByView(
  dir: DirectoryView,
  e: AccessEvent,
  t: number,
  who: EmployeeView | undefined,
  sellers: readonly string[],
  reviews: readonly number[],
): { justified: boolean; problems: TicketProblem[]; ticket: TicketView | undefined } {
  if (sellers.some((s) => dir.isAssigned(e.actor, s, t)))
    return { justified: true, problems: [], ticket: undefined };
  if (e.ticket === undefined) {
    for (const s of sellers)
      for (let n = dir.firstHeld(e.actor, s); n !== NONE; n = dir.nextHeld(n)) {
        const k = dir.heldTicket(n);
        const closedAt = dir.ticketClosedAt(k);
        if (
          dir.ticketOpenedAt(k) <= t + 10 * 60_000 &&
          (closedAt === undefined || t <= closedAt + 3 * DAY)
        )
          return { justified: true, problems: [], ticket: dir.ticket(k) };
      }
    return { justified: false, problems: [], ticket: undefined };
  }
  const k = dir.ticketOf(e.ticket);
  if (k === NONE) return { justified: false, problems: ['unknown-ticket'], ticket: undefined };
  const ticket = dir.ticket(k);
  const problems: TicketProblem[] = [];
  const fits =
    sellers.some((s) => ticket.sellerId === s || ticket.related.includes(s)) ||
    (ticket.review !== NONE && reviews.includes(ticket.review));
  if (!fits) problems.push('other-seller');
  const assignee =
    ticket.assigneeId === undefined ? undefined : dir.employees.get(ticket.assigneeId);
  if (
    ticket.closedAt !== undefined &&
    t > ticket.closedAt + 3 * DAY &&
    assignee?.manager !== e.actor
  )
    problems.push('closed');
  if (ticket.openedBy === e.actor) problems.push('self-opened');
  const colleague =
    who !== undefined &&
    assignee !== undefined &&
    (assignee.team === who.team ||
      assignee.role === who.role ||
      (assignee.manager !== undefined && assignee.manager === who.manager) ||
      assignee.manager === who.id ||
      who.manager === assignee.id);
  if (ticket.assigneeId !== e.actor && !colleague) problems.push('not-theirs');
  const blocking = problems.includes('other-seller') || problems.includes('not-theirs');
  return { justified: !blocking && ticket.openedAt <= t + 10 * 60_000, problems, ticket };
}

const plain = (j: Judgement) => ({
  justified: j.justified,
  problems: [...j.problems],
  ticket: j.ticket === undefined ? undefined : { ...j.ticket, related: [...j.ticket.related] },
});

function directory(records: readonly InterchangeRecord[]): DirectoryView {
  const dir = new DirectoryView(7);
  for (const r of records) dir.apply(r);
  return dir;
}

function access(actor: string, seller: string, time: string, ticket?: string): AccessEvent {
  return {
    id: 'ev-1',
    time,
    actor,
    action: 'seller.metrics.view',
    target: { type: 'seller', id: seller },
    ...(ticket === undefined ? {} : { ticket }),
  };
}

function judgeAccess(dir: DirectoryView, e: AccessEvent): Judgement {
  const t = readTime(e.time)!;
  return judge(dir, e, t, dir.employees.get(e.actor), [e.target.id], []);
}

const employee = (id: string, team: string, role: string, manager?: string): InterchangeRecord => ({
  kind: 'employee',
  body: { id, team, role, site: 'Dublin', ...(manager === undefined ? {} : { manager }) },
});

const BASE: InterchangeRecord[] = [
  employee('e-boss', 'leads', 'manager'),
  employee('e-1', 'support', 'agent', 'e-boss'),
  employee('e-2', 'risk', 'analyst', 'e-other-boss'),
  employee('e-3', 'audit', 'auditor', 'e-other-boss'),
  {
    kind: 'ticket',
    body: {
      id: 't-related',
      sellerId: 's-1',
      relatedSellerIds: ['s-2', 's-3'],
      assigneeId: 'e-1',
      openedBy: 'seller',
      openedAt: at(-2),
      closedAt: at(-1),
    },
  },
];

describe('judge', () => {
  describe('when the cited ticket names the seller among its related sellers', () => {
    it('finds no problem and keeps the ticket, related sellers and all', () => {
      const dir = directory(BASE);
      const j = judgeAccess(dir, access('e-1', 's-3', at(0), 't-related'));
      expect(j.justified).toBe(true);
      expect(j.problems).toEqual([]);
      expect(j.ticket?.sellerId).toBe('s-1');
      expect(j.ticket?.related).toEqual(['s-2', 's-3']);
    });

    it('tells another seller apart', () => {
      const dir = directory(BASE);
      expect(judgeAccess(dir, access('e-1', 's-4', at(0), 't-related')).problems).toEqual([
        'other-seller',
      ]);
    });
  });

  describe('when the cited ticket closed', () => {
    it('is no problem within the grace', () => {
      const dir = directory(BASE);
      expect(judgeAccess(dir, access('e-1', 's-1', at(2), 't-related')).problems).toEqual([]);
    });

    it('is a problem past the grace, except to the assignee’s manager', () => {
      const dir = directory(BASE);
      expect(judgeAccess(dir, access('e-1', 's-1', at(3), 't-related')).problems).toEqual([
        'closed',
      ]);
      expect(judgeAccess(dir, access('e-boss', 's-1', at(3), 't-related')).problems).toEqual([]);
      // someone else's manager is no colleague of the assignee (other team, role and manager)
      expect(judgeAccess(dir, access('e-2', 's-1', at(3), 't-related')).problems).toEqual([
        'closed',
        'not-theirs',
      ]);
    });
  });

  describe('when the cited ticket is not in the directory', () => {
    it('is an unknown ticket, unjustified, with no ticket kept', () => {
      const dir = directory(BASE);
      expect(plain(judgeAccess(dir, access('e-1', 's-1', at(0), 't-nowhere')))).toEqual({
        justified: false,
        problems: ['unknown-ticket'],
        ticket: undefined,
      });
    });
  });

  describe('when a judgement is read twice', () => {
    it('answers the same ticket, copied from the directory as it stood', () => {
      const dir = directory(BASE);
      const j = judgeAccess(dir, access('e-1', 's-2', at(0), 't-related'));
      expect(j.ticket).toBe(j.ticket);
      expect(j.ticket).toEqual(dir.ticket(dir.ticketOf('t-related')));
    });
  });

  describe('when fed any small directory and any access (as a stream could)', () => {
    const ids = (prefix: string, n: number) =>
      fc.integer({ min: 0, max: n - 1 }).map((i) => `${prefix}-${i}`);
    const day = fc.integer({ min: -6, max: 6 });
    const ticket = fc.record({
      id: ids('t', 5),
      sellerId: ids('s', 4),
      relatedSellerIds: fc.option(fc.array(ids('s', 5), { maxLength: 3 }), { nil: undefined }),
      assigneeId: fc.option(ids('e', 5), { nil: undefined }),
      openedBy: fc.option(fc.oneof(ids('e', 5), fc.constant('seller')), { nil: undefined }),
      openedAt: day,
      closedAt: fc.option(day, { nil: undefined }),
      reviewId: fc.option(ids('r', 3), { nil: undefined }),
    });
    const record = fc.oneof(
      fc
        .record({
          id: ids('e', 5),
          team: ids('team', 2),
          role: ids('role', 2),
          manager: fc.option(ids('e', 5), { nil: undefined }),
        })
        .map(({ id, team, role, manager }) => employee(id, team, role, manager)),
      ticket.map((k): InterchangeRecord => ({
        kind: 'ticket',
        body: {
          id: k.id,
          sellerId: k.sellerId,
          openedAt: at(k.openedAt),
          ...(k.relatedSellerIds === undefined ? {} : { relatedSellerIds: k.relatedSellerIds }),
          ...(k.assigneeId === undefined ? {} : { assigneeId: k.assigneeId }),
          ...(k.openedBy === undefined ? {} : { openedBy: k.openedBy }),
          ...(k.closedAt === undefined ? {} : { closedAt: at(k.closedAt) }),
          ...(k.reviewId === undefined ? {} : { reviewId: k.reviewId }),
        },
      })),
      fc
        .record({ id: ids('r', 3), seller: ids('s', 5) })
        .map(({ id, seller }): InterchangeRecord => ({
          kind: 'review',
          body: { id, productId: `p-${seller}`, reviewerId: 'v-1', rating: 1, createdAt: at(-9) },
        })),
      fc
        .record({ e: ids('e', 5), s: ids('s', 5), from: day })
        .map(({ e, s, from }): InterchangeRecord => ({
          kind: 'assignment',
          body: { employeeId: e, sellerId: s, from: at(from), to: at(from + 2) },
        })),
    );
    const products = [0, 1, 2, 3, 4].map((i): InterchangeRecord => ({
      kind: 'product',
      body: { id: `p-s-${i}`, sellerId: `s-${i}`, category: 'toys' },
    }));

    it('answers what the whole ticket view would', () => {
      fc.assert(
        fc.property(
          fc.array(record, { maxLength: 30 }),
          ids('e', 6),
          fc.array(ids('s', 6), { maxLength: 3 }),
          fc.array(ids('r', 4), { maxLength: 2 }),
          fc.option(ids('t', 6), { nil: undefined }),
          fc.integer({ min: -8 * 24, max: 8 * 24 }),
          (records, actor, sellers, reviewIds, cited, hour) => {
            const dir = directory([...products, ...records]);
            const reviews = reviewIds.map((r) => dir.reviewOf(r)).filter((r) => r !== NONE);
            const e = access(actor, sellers[0] ?? 's-0', at(0, hour), cited);
            const t = readTime(e.time)!;
            const who = dir.employees.get(actor);
            expect(plain(judge(dir, e, t, who, sellers, reviews))).toEqual(
              judgeByView(dir, e, t, who, sellers, reviews),
            );
          },
        ),
        { numRuns: 2_000 },
      );
    });
  });
});
