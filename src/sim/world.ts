/**
 * The simulated marketplace, as the simulator holds it: richer than the interchange records it
 * writes (books, personal rates, which reviews are fake), indexed by position for speed.
 */
import type { Shift } from '../domain/index.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Site {
  readonly name: string;
  /** Offset from UTC in hours during the simulated period (summer time where it applies). */
  readonly utcOffset: number;
  /** The seller region its account managers and agents mostly serve. */
  readonly regions: readonly string[];
  readonly index: number;
  /** Share of staff. */
  readonly weight: number;
}

export const SITES: readonly Site[] = [
  { name: 'Shenzhen', utcOffset: 8, regions: ['CN', 'APAC'], index: 0, weight: 0.34 },
  { name: 'Seattle', utcOffset: -7, regions: ['NA'], index: 1, weight: 0.22 },
  { name: 'Dublin', utcOffset: 1, regions: ['EU'], index: 2, weight: 0.2 },
  { name: 'Hyderabad', utcOffset: 5.5, regions: ['IN', 'NA', 'EU'], index: 3, weight: 0.24 },
];

export const REGIONS = ['CN', 'APAC', 'NA', 'EU', 'IN'] as const;
export const CATEGORIES = [
  'electronics',
  'home',
  'toys',
  'beauty',
  'sports',
  'apparel',
  'garden',
  'automotive',
  'books',
  'pet',
] as const;

/** Teams, their one working role, their share of staff, and the sites that have them. */
export const TEAMS = [
  { team: 'account-management', role: 'account-manager', weight: 0.24, sites: [0, 1, 2, 3] },
  { team: 'seller-support', role: 'support-agent', weight: 0.4, sites: [0, 1, 2, 3] },
  { team: 'review-moderation', role: 'moderator', weight: 0.2, sites: [0, 1, 2, 3] },
  { team: 'analytics', role: 'analyst', weight: 0.1, sites: [0, 1, 2] },
  { team: 'legal', role: 'counsel', weight: 0.06, sites: [1, 2] },
] as const;
export type TeamName = (typeof TEAMS)[number]['team'];
export type Role = (typeof TEAMS)[number]['role'] | 'team-lead';

export interface SimEmployee {
  readonly id: string;
  readonly index: number;
  team: TeamName;
  role: Role;
  readonly site: Site;
  shift: Shift;
  /** Local hour at which the shift starts. */
  startHour: number;
  manager?: string;
  readonly name: string;
  readonly hiredAt: number;
  leftAt?: number;
  /** A personal pace: some people simply do more. Multiplies every daily volume. */
  readonly pace: number;
  /** Sellers they look after (account managers), as seller indexes. */
  book: number[];
  /** The console device: personal, or a terminal shared with colleagues (`shared-terminal`). */
  device: string;
  /** The office address their on-site sessions leave from, when not their own (`office-nat`). */
  officeIp?: string;
  /** Day indexes of leave. */
  readonly leave: ReadonlySet<number>;
  readonly weekendWorker: boolean;
  /** Tickets this employee worked, most recent last (the pool a careless or cunning one cites). */
  readonly ticketsWorked: string[];
}

export interface SimSeller {
  readonly id: string;
  readonly index: number;
  readonly category: string;
  readonly region: string;
  /** Relative size: how often the seller appears in tickets and reports. */
  readonly size: number;
  readonly products: number[];
  /** Account managers (employee indexes) currently assigned. */
  readonly managers: number[];
}

export interface SimProduct {
  readonly id: string;
  readonly seller: number;
  readonly category: string;
  readonly reviews: number[];
}

export interface SimReview {
  readonly id: string;
  readonly product: number;
  readonly reviewer: number;
  readonly rating: 1 | 2 | 3 | 4 | 5;
  readonly createdAt: number;
  /** A fake positive review (bought, incentivised): most legitimate removals are these. */
  readonly fake: boolean;
  removed: boolean;
}

export interface SimReviewer {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

export interface World {
  readonly startMs: number;
  readonly days: number;
  readonly endMs: number;
  readonly employees: SimEmployee[];
  readonly sellers: SimSeller[];
  readonly products: SimProduct[];
  readonly reviews: SimReview[];
  readonly reviewers: SimReviewer[];
  /** Reviews (of the whole run: check `createdAt`) by seller index that are negative (1–2 stars). */
  readonly negativeBySeller: Map<number, number[]>;
  /** Fake positive reviews (of the whole run: check `createdAt` and `removed`). */
  readonly fakeReviews: number[];
  /** Sellers by category, for competitor choices. */
  readonly sellersByCategory: Map<string, number[]>;
  /** Each ticket's seller and opening time, by ticket id. */
  readonly tickets: Map<string, { readonly seller: number; readonly openedAt: number }>;
  /** Counters for ids minted during the run. */
  readonly counters: { ticket: number; report: number; session: number };
}

export function dayStart(world: World, day: number): number {
  return world.startMs + day * DAY;
}

/** Whether the employee is employed at `ms`. */
export function employedAt(e: SimEmployee, ms: number): boolean {
  return e.hiredAt <= ms && (e.leftAt === undefined || ms < e.leftAt);
}

/** RFC 3339 in UTC, to the second. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
