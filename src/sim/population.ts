/**
 * Builds the marketplace before the first simulated day: sellers and their products, reviewers
 * and their reviews (J-shaped ratings, a share of bought positive reviews), and the staff —
 * sites, teams, leads, shifts, hires and leavers, leave, and account managers' books.
 */
import type { Rng } from './random.js';
import {
  CATEGORIES,
  DAY,
  type SimEmployee,
  type SimReview,
  type SimSeller,
  type World,
  type WorldSpec,
} from './world.js';
import { FIRST_NAMES, LAST_NAMES, MAIL_DOMAINS } from './names.js';

/** Genuine reviews: the J shape of online ratings (many 5s, a bump at 1). */
const RATING_WEIGHTS = [0.16, 0.07, 0.08, 0.17, 0.52];
/** Bought reviews: a steady share of the back catalogue, and a campaign season during the run. */
const FAKE_SHARE = { historic: 0.06, during: 0.2 };

export function buildWorld(
  spec: WorldSpec,
  rng: Rng,
  employees: number,
  startMs: number,
  days: number,
): World {
  const world: World = {
    spec,
    startMs,
    days,
    endMs: startMs + days * DAY,
    employees: [],
    sellers: [],
    products: [],
    reviews: [],
    reviewers: [],
    negativeBySeller: new Map(),
    fakeReviews: [],
    sellersByCategory: new Map(),
    tickets: new Map(),
    assignedFrom: new Map(),
    counters: { ticket: 0, report: 0, session: 0 },
  };
  addSellers(world, rng.fork('sellers'), employees * 4);
  addReviews(world, rng.fork('reviews'), employees * 40, employees * 3);
  addStaff(world, rng.fork('staff'), employees);
  spec.organise(world, rng.fork('organisation'));
  assignBooks(world, rng.fork('books'));
  return world;
}

function addSellers(world: World, rng: Rng, count: number): void {
  for (let i = 0; i < count; i++) {
    const seller: SimSeller = {
      id: `s-${String(i + 1).padStart(5, '0')}`,
      index: i,
      category: rng.pick(CATEGORIES),
      region: rng.weighted(world.spec.regions, world.spec.regionWeights),
      size: rng.logNormal(1, 1),
      products: [],
      managers: [],
    };
    world.sellers.push(seller);
    const same = world.sellersByCategory.get(seller.category) ?? [];
    same.push(i);
    world.sellersByCategory.set(seller.category, same);
    const products = Math.min(12, 1 + Math.floor(rng.logNormal(2, 0.6) * Math.sqrt(seller.size)));
    for (let p = 0; p < products; p++) {
      seller.products.push(world.products.length);
      world.products.push({
        id: `p-${String(world.products.length + 1).padStart(6, '0')}`,
        seller: i,
        category: seller.category,
        reviews: [],
      });
    }
  }
}

/** Historic reviews over the past year, then new ones every day of the run. */
function addReviews(world: World, rng: Rng, historic: number, perDay: number): void {
  const weights = world.products.map((p) => world.sellers[p.seller]?.size ?? 1);
  const cumulative = cumulate(weights);
  const times: number[] = [];
  for (let i = 0; i < historic; i++) times.push(world.startMs - rng.next() * 365 * DAY);
  for (let d = 0; d < world.days; d++) {
    const n = rng.poisson(perDay * (isWeekend(world.startMs + d * DAY) ? 1.3 : 1));
    for (let i = 0; i < n; i++) times.push(world.startMs + (d + rng.next()) * DAY);
  }
  times.sort((a, b) => a - b);
  for (const createdAt of times) addReview(world, rng, pickCumulative(rng, cumulative), createdAt);
}

function addReview(world: World, rng: Rng, product: number, createdAt: number): void {
  const fake = rng.chance(createdAt < world.startMs ? FAKE_SHARE.historic : FAKE_SHARE.during);
  const rating = fake
    ? rng.chance(0.9)
      ? 5
      : 4
    : rng.weighted([1, 2, 3, 4, 5] as const, RATING_WEIGHTS);
  const reviewer =
    world.reviewers.length > 0 && rng.chance(fake ? 0.5 : 0.15)
      ? rng.int(0, world.reviewers.length - 1)
      : addReviewer(world, rng);
  const review: SimReview = {
    id: `r-${String(world.reviews.length + 1).padStart(7, '0')}`,
    product,
    reviewer,
    rating,
    createdAt: Math.floor(createdAt / 1000) * 1000,
    fake,
    removed: false,
  };
  const index = world.reviews.length;
  world.products[product]?.reviews.push(index);
  world.reviews.push(review);
  if (fake) world.fakeReviews.push(index);
  if (rating <= 2) {
    const seller = world.products[product]?.seller ?? 0;
    const list = world.negativeBySeller.get(seller) ?? [];
    list.push(index);
    world.negativeBySeller.set(seller, list);
  }
}

function addReviewer(world: World, rng: Rng): number {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const n = world.reviewers.length + 1;
  world.reviewers.push({
    id: `u-${String(n).padStart(7, '0')}`,
    email: `${first}.${last}${n % 997}@${rng.pick(MAIL_DOMAINS)}`,
    name: `${cap(first)} ${cap(last)}`,
  });
  return n - 1;
}

function addStaff(world: World, rng: Rng, count: number): void {
  const { teams, sites: allSites, startHours } = world.spec;
  for (let i = 0; i < count; i++) {
    const t = rng.weighted(
      teams,
      teams.map((x) => x.weight),
    );
    const sites = t.sites.map((s) => allSites[s]!);
    const site = rng.weighted(
      sites,
      sites.map((s) => s.weight),
    );
    const shift =
      t.shifts === undefined
        ? 'day'
        : rng.weighted(['day', 'night', 'follow-the-sun'] as const, t.shifts);
    const e: SimEmployee = {
      id: `e-${String(i + 1).padStart(5, '0')}`,
      index: i,
      team: t.team,
      role: t.role,
      unit: t.team,
      title: t.role,
      site,
      shift,
      startHour:
        shift === 'day'
          ? rng.int(...startHours.day)
          : shift === 'night'
            ? rng.int(...startHours.night)
            : rng.pick(startHours.followTheSun),
      name: `${cap(rng.pick(FIRST_NAMES))} ${cap(rng.pick(LAST_NAMES))}`,
      hiredAt: world.startMs - rng.int(45, 3000) * DAY,
      pace: rng.logNormal(1, 0.25),
      book: [],
      device: `dev-${(i + 1).toString(36)}-${rng.int(100, 999)}`,
      leave: leaveDays(rng, world.days),
      weekendWorker:
        (t.shifts !== undefined || t.weekendShare !== undefined) && rng.chance(t.weekendShare ?? 0),
      ticketsWorked: [],
    };
    // About 1.5 % join during the run and 1.5 % leave (having given notice before it).
    const fate = rng.next();
    if (fate < 0.015) Object.assign(e, { hiredAt: hireDuringRun(rng, world) });
    else if (fate < 0.03) e.leftAt = world.startMs + rng.int(5, world.days - 1) * DAY;
    world.employees.push(e);
  }
}

function hireDuringRun(rng: Rng, world: World): number {
  return world.startMs + rng.int(1, Math.max(2, world.days - 10)) * DAY;
}

/** Account managers' books: sellers of their site's regions, spread evenly. */
function assignBooks(world: World, rng: Rng): void {
  const byRegion = new Map<string, number[]>();
  for (const s of world.sellers) {
    const list = byRegion.get(s.region) ?? [];
    list.push(s.index);
    byRegion.set(s.region, list);
  }
  for (const e of world.employees) {
    if (e.role !== 'account-manager') continue;
    const pool = e.site.regions.flatMap((r) => byRegion.get(r) ?? []);
    const size = rng.int(15, 40);
    const candidates = rng.sample(pool, size * 3);
    candidates.sort(
      (a, b) => (world.sellers[a]?.managers.length ?? 0) - (world.sellers[b]?.managers.length ?? 0),
    );
    e.book = candidates.slice(0, size);
    for (const s of e.book) world.sellers[s]?.managers.push(e.index);
  }
}

function leaveDays(rng: Rng, days: number): Set<number> {
  const out = new Set<number>();
  if (!rng.chance(0.4)) return out;
  const first = rng.int(0, days - 1);
  const length = rng.int(1, 5);
  for (let d = first; d < Math.min(days, first + length); d++) out.add(d);
  return out;
}

export function isWeekend(ms: number): boolean {
  const wd = new Date(ms).getUTCDay();
  return wd === 0 || wd === 6;
}

function cumulate(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) out[i] = sum += weights[i] ?? 0;
  return out;
}

/** Index drawn in proportion to the weights behind `cumulative`. */
export function pickCumulative(rng: Rng, cumulative: Float64Array): number {
  const r = rng.next() * (cumulative[cumulative.length - 1] ?? 0);
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
