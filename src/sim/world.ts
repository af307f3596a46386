/**
 * The simulated marketplace, as the simulator holds it: richer than the interchange records it
 * writes (books, personal rates, which reviews are fake), indexed by position for speed.
 */
import type { Shift } from '../domain/index.js';
import type { Rng } from './random.js';

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
  /** The `geo` of its staff's sessions. */
  readonly geo: string;
}

export const SITES: readonly Site[] = [
  { name: 'Shenzhen', utcOffset: 8, regions: ['CN', 'APAC'], index: 0, weight: 0.34, geo: 'CN-GD' },
  { name: 'Seattle', utcOffset: -7, regions: ['NA'], index: 1, weight: 0.22, geo: 'US-WA' },
  { name: 'Dublin', utcOffset: 1, regions: ['EU'], index: 2, weight: 0.2, geo: 'IE-D' },
  {
    name: 'Hyderabad',
    utcOffset: 5.5,
    regions: ['IN', 'NA', 'EU'],
    index: 3,
    weight: 0.24,
    geo: 'IN-TG',
  },
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

/**
 * The simulator's job functions: what a person's work is, whatever the organisation calls it.
 * Workflows and scenarios speak of these; the directory shows the world's own names.
 */
export type TeamName =
  | 'account-management'
  | 'seller-support'
  | 'review-moderation'
  | 'analytics'
  | 'legal'
  | 'contact-centre'
  | 'catalog-ops'
  | 'engineering';
export type Role =
  | 'account-manager'
  | 'support-agent'
  | 'moderator'
  | 'analyst'
  | 'counsel'
  | 'contact-agent'
  | 'catalog-specialist'
  | 'engineer'
  | 'team-lead';

/** A job function: its working role, share of staff, the sites that have it, its hours. */
export interface TeamSpec {
  readonly team: TeamName;
  readonly role: Role;
  readonly weight: number;
  readonly sites: readonly number[];
  /** Shift mix (day, night, follow-the-sun); day only, with no draw, when absent. */
  readonly shifts?: readonly [number, number, number];
  /** Share of weekend workers among shift workers (or of the function, for `onCall`). */
  readonly weekendShare?: number;
}

/** Teams, their one working role, their share of staff, and the sites that have them. */
export const TEAMS: readonly TeamSpec[] = [
  { team: 'account-management', role: 'account-manager', weight: 0.24, sites: [0, 1, 2, 3] },
  {
    team: 'seller-support',
    role: 'support-agent',
    weight: 0.4,
    sites: [0, 1, 2, 3],
    shifts: [0.7, 0.18, 0.12],
    weekendShare: 0.25,
  },
  {
    team: 'review-moderation',
    role: 'moderator',
    weight: 0.2,
    sites: [0, 1, 2, 3],
    shifts: [0.7, 0.18, 0.12],
    weekendShare: 0.25,
  },
  { team: 'analytics', role: 'analyst', weight: 0.1, sites: [0, 1, 2] },
  { team: 'legal', role: 'counsel', weight: 0.06, sites: [1, 2] },
];

export type WorldName = 'a' | 'b';

export interface WorldSpec {
  readonly name: WorldName;
  readonly sites: readonly Site[];
  readonly regions: readonly string[];
  readonly regionWeights: readonly number[];
  readonly teams: readonly TeamSpec[];
  /** Local start hours: day (range), night (range), follow-the-sun (choices). */
  readonly startHours: {
    readonly day: readonly [number, number];
    readonly night: readonly [number, number];
    readonly followTheSun: readonly number[];
  };
  /** Groups the staff into teams under leads, and gives each the directory's names. */
  organise(world: World, rng: Rng): void;
  /** Moves an employee to another function (a transfer): its team, role and manager there. */
  transfer(world: World, e: SimEmployee, team: TeamName, role: Role): void;
}

export interface SimEmployee {
  readonly id: string;
  readonly index: number;
  team: TeamName;
  role: Role;
  /** The team as the directory names it (world A: the function; world B: a numbered team). */
  unit: string;
  /** The role as the directory names it. */
  title: string;
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
  /** The organisation staffing the marketplace (world A or B). */
  readonly spec: WorldSpec;
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
  readonly tickets: Map<
    string,
    {
      readonly seller: number;
      readonly openedAt: number;
      readonly closedAt?: number;
      readonly assignee?: number;
    }
  >;
  /** When each assignment of the directory file began, by `employee index/seller index`. */
  readonly assignedFrom: Map<string, number>;
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
