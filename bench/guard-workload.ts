import type {
  ApprovalFacts,
  DecisionRequest,
  EmployeeFacts,
  Outcome,
  ReviewFacts,
  TicketFacts,
} from '../src/guard/index.js';
import { NO_TICKET } from './guard-casbin.js';

const EMPLOYEES = 1_000;
const SELLERS = 20_000;
const REVIEWERS = 50_000;
/** The cached variant sees each request this many times, within a burst of BURST requests. */
export const REPEATS = 4;
const BURST = 250;

/** The request kinds of the mix, with their shares (of 100) and expected outcomes. */
export const MIX = [
  { kind: 'metrics.view by assignment', share: 25 },
  { kind: 'metrics.view by ticket', share: 20 },
  { kind: 'metrics.view, no purpose', share: 10 },
  { kind: 'metrics.export', share: 10 },
  { kind: 'contact.view by ticket', share: 15 },
  { kind: 'review.delete → pending', share: 10 },
  { kind: 'approval.grant', share: 10 },
] as const;
export type Kind = (typeof MIX)[number]['kind'];
const VIEW_KINDS: ReadonlySet<Kind> = new Set([
  'metrics.view by assignment',
  'metrics.view by ticket',
  'metrics.view, no purpose',
]);

export interface Item {
  readonly kind: Kind;
  readonly request: DecisionRequest;
  readonly expected: Outcome;
}

export interface Workload {
  readonly items: readonly Item[];
  /** The same distinct requests, each REPEATS times, bursts shuffled (for the cache). */
  readonly repeated: readonly Item[];
  /** The seller.metrics.view requests alone: what the casbin model can express. */
  readonly views: readonly Item[];
  readonly employees: readonly EmployeeFacts[];
}

// --- the workload ---

/**
 * `n` distinct requests in the MIX's shares, shuffled, over a directory of EMPLOYEES employees
 * (teams of ~20 under 50 leads, 5 heads; account managers work 20–60 sellers, support agents
 * 0–5, moderators 0–3; 2 % high-risk), SELLERS sellers and REVIEWERS reviewers.
 */
export function workload(n: number, seed: number): Workload {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const sellerId = (): string => `s${int(0, SELLERS - 1)}`;
  const employees = directory(random, int, sellerId);
  const of = (role: string): EmployeeFacts[] => employees.filter((e) => e.role === role);
  const managers = of('account-manager');
  const agents = of('support-agent');
  const moderators = of('moderator').filter((e) => !e.highRisk);
  const leads = employees.filter((e) => e.role === 'team-lead');
  const lookers = [...agents, ...of('analyst')];
  const seen = new Set<string>();
  const notAssigned = (e: EmployeeFacts): string => {
    for (;;) {
      const s = sellerId();
      if (!e.assignedSellers.includes(s)) return s;
    }
  };
  let next = 0;
  const uid = (prefix: string): string => `${prefix}${seed}-${next++}`;
  const ticketFor = (e: EmployeeFacts, over: Partial<TicketFacts>): TicketFacts => ({
    ...NO_TICKET,
    id: uid('t'),
    open: true,
    holders: [e.id],
    ...over,
  });
  const reviewOf = (over: Partial<ReviewFacts>): ReviewFacts => ({
    id: uid('r'),
    sellerId: sellerId(),
    reviewerId: `rv${int(0, REVIEWERS - 1)}`,
    rating: 4,
    removed: false,
    ...over,
  });

  const build = (kind: Kind): Item => {
    switch (kind) {
      case 'metrics.view by assignment': {
        const e = pick(managers);
        return view(kind, e, pick(e.assignedSellers), undefined, 'allow');
      }
      case 'metrics.view by ticket': {
        const e = pick(agents);
        const s = notAssigned(e);
        const related = Array.from({ length: int(0, 2) }, sellerId);
        return view(kind, e, s, ticketFor(e, { sellers: [s, ...related] }), 'allow');
      }
      case 'metrics.view, no purpose': {
        const e = pick(lookers);
        return view(kind, e, notAssigned(e), undefined, 'deny');
      }
      case 'metrics.export': {
        const e = pick(managers);
        const over = random() < 0.2;
        return {
          kind,
          expected: over ? 'deny' : 'allow',
          request: {
            principal: e,
            action: 'seller.metrics.export',
            resource: { type: 'Seller', id: pick(e.assignedSellers) },
            details: {
              rows: over ? int(5_001, 50_000) : int(1, 5_000),
              fields: ['revenue', 'units', 'orders', 'conversion'].slice(0, int(1, 4)),
            },
          },
        };
      }
      case 'contact.view by ticket': {
        const e = pick(agents);
        const r = reviewOf({ rating: int(1, 3) });
        const t = ticketFor(e, {
          sellers: [r.sellerId],
          reviews: [r.id],
          reviewers: [r.reviewerId],
        });
        return {
          kind,
          expected: 'allow',
          request: {
            principal: e,
            action: 'reviewer.contact.view',
            resource: { type: 'Reviewer', id: r.reviewerId },
            ticket: t,
          },
        };
      }
      case 'review.delete → pending': {
        const e = pick(moderators);
        const low = random() < 0.7;
        const r = reviewOf({ rating: low ? int(1, 2) : int(3, 5) });
        return {
          kind,
          expected: 'pending',
          request: {
            principal: e,
            action: 'review.delete',
            resource: { type: 'Review', review: r },
            details: { reason: low ? pick(['abuse', 'spam', 'policy']) : 'seller-request' },
          },
        };
      }
      case 'approval.grant': {
        const requester = pick(moderators);
        const seller = sellerId();
        const approval: ApprovalFacts = {
          id: uid('ap'),
          requester: requester.id,
          requesterManagers: requester.managers,
          action: 'review.delete',
          sellers: [seller],
        };
        // a third are refused: the approver is in the requester's reporting line
        const refused = random() < 1 / 3;
        const lead = leads.find((l) => l.id === requester.managers[0]);
        let approver = refused && lead ? lead : pick(moderators);
        while (
          !refused &&
          (approver.id === requester.id ||
            approver.managers[0] === requester.managers[0] ||
            approver.assignedSellers.includes(seller))
        )
          approver = pick(moderators);
        return {
          kind,
          expected: refused && lead ? 'deny' : 'allow',
          request: {
            principal: approver,
            action: 'approval.grant',
            resource: { type: 'ApprovalRequest', approval },
          },
        };
      }
    }
  };

  const items: Item[] = [];
  const total = MIX.reduce((a, m) => a + m.share, 0);
  for (const { kind, share } of MIX) {
    const want = Math.round((n * share) / total);
    for (let made = 0; made < want;) {
      const item = build(kind);
      // distinct: no two requests share principal, action, resource and ticket
      const r = item.request;
      const key = `${r.principal.id}|${r.action}|${JSON.stringify(r.resource)}|${r.ticket?.id ?? ''}|${JSON.stringify(r.details ?? {})}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push(item);
      made++;
    }
  }
  shuffle(items, random);
  const repeated: Item[] = [];
  for (let i = 0; i < items.length; i += BURST) {
    const burst = items.slice(i, i + BURST);
    const copies = burst.flatMap((item) => Array<Item>(REPEATS).fill(item));
    shuffle(copies, random);
    repeated.push(...copies);
  }
  return {
    items,
    repeated,
    views: items.filter((item) => VIEW_KINDS.has(item.kind)),
    employees,
  };
}

function view(
  kind: Kind,
  e: EmployeeFacts,
  seller: string,
  ticket: TicketFacts | undefined,
  expected: Outcome,
): Item {
  return {
    kind,
    expected,
    request: {
      principal: e,
      action: 'seller.metrics.view',
      resource: { type: 'Seller', id: seller },
      ...(ticket ? { ticket } : {}),
    },
  };
}

function directory(
  random: () => number,
  int: (lo: number, hi: number) => number,
  sellerId: () => string,
): EmployeeFacts[] {
  const TEAMS = [
    { team: 'account-management', role: 'account-manager', share: 0.3, books: [20, 60] },
    { team: 'seller-support', role: 'support-agent', share: 0.4, books: [0, 5] },
    { team: 'review-moderation', role: 'moderator', share: 0.18, books: [0, 3] },
    { team: 'analytics', role: 'analyst', share: 0.07, books: [0, 0] },
    { team: 'legal', role: 'counsel', share: 0.05, books: [0, 0] },
  ] as const;
  const SITES = ['SZX', 'DUB', 'AUS', 'MNL'];
  const heads = Array.from({ length: 5 }, (_, i) => `head${i}`);
  const LEADS = 50;
  const out: EmployeeFacts[] = heads.map((id, i) => ({
    id,
    team: TEAMS[i % TEAMS.length]!.team,
    role: 'head',
    site: SITES[i % SITES.length]!,
    active: true,
    highRisk: false,
    assignedSellers: [],
    managers: [],
  }));
  const leadTeams = Array.from({ length: LEADS }, (_, i) => TEAMS[i % TEAMS.length]!);
  for (let i = 0; i < LEADS; i++)
    out.push({
      id: `lead${i}`,
      team: leadTeams[i]!.team,
      role: 'team-lead',
      site: SITES[i % SITES.length]!,
      active: true,
      highRisk: false,
      assignedSellers: [],
      managers: [heads[i % heads.length]!],
    });
  for (let i = out.length; i < EMPLOYEES; i++) {
    let u = random();
    const t = TEAMS.find((x) => (u -= x.share) < 0) ?? TEAMS[0];
    // a lead of the same team
    const leadIndexes = leadTeams.flatMap((lt, k) => (lt.team === t.team ? [k] : []));
    const lead = leadIndexes[Math.floor(random() * leadIndexes.length)]!;
    const book = new Set<string>();
    const size = int(t.books[0], t.books[1]);
    while (book.size < size) book.add(sellerId());
    out.push({
      id: `e${i}`,
      team: t.team,
      role: t.role,
      site: SITES[int(0, SITES.length - 1)]!,
      active: true,
      highRisk: random() < 0.02,
      assignedSellers: [...book],
      managers: [`lead${lead}`, heads[lead % heads.length]!],
    });
  }
  return out;
}

function shuffle<T>(xs: T[], random: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}

/** mulberry32 (Tommy Ettinger): a tiny seeded PRNG, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
