import type {
  Assignment,
  Employee,
  InterchangeRecord,
  Product,
  Review,
  Reviewer,
  Seller,
} from '../domain/index.js';
import { formatTime, parseTime } from '../domain/index.js';
import type { Store } from '../store/index.js';
import type { Canary } from './canary-book.js';
import { AttributeError } from './errors.js';
import { IdMaker, mostCommon, nameLike, personOn, pick } from './canary-shapes.js';
import { randomInt } from 'node:crypto';

export type DirectoryRecord = Exclude<InterchangeRecord, { kind: 'event' }>;
export type CanaryVariant = 'team' | 'employee';

/** What one plant adds: the canaries' descriptions and their records (reviewers unsealed). */
export interface CanaryPlan {
  readonly canaries: Canary[];
  readonly records: DirectoryRecord[];
}

/** The directory as planting needs it: who works where, and the records to look like. */
interface Directory {
  readonly employees: Employee[];
  readonly sellers: Seller[];
  readonly products: Product[];
  readonly reviewerIds: string[];
  readonly reviewIds: string[];
  readonly assignments: Assignment[];
}

const DAY = 86_400_000;
/** A past day at midnight UTC, `days` before now (times of day would only add a fingerprint). */
const daysAgo = (nowMs: number, days: number): string =>
  formatTime(Math.floor(nowMs / DAY - days) * DAY);

async function readDirectory(store: Store, nowMs: number): Promise<Directory> {
  const all = async <T>(kind: Parameters<Store['attribution']['currentRecords']>[0]) =>
    (await store.attribution.currentRecords(kind)).map((p) => JSON.parse(p) as T);
  const current = (leftAt: string | undefined): boolean =>
    leftAt === undefined || (parseTime(leftAt) ?? 0) > nowMs;
  return {
    employees: (await all<Employee>('employee')).filter((e) => current(e.leftAt)),
    sellers: await all<Seller>('seller'),
    products: await all<Product>('product'),
    // reviewers hold sealed personal data: only their ids are used
    reviewerIds: (await all<Reviewer>('reviewer')).map((r) => r.id),
    reviewIds: (await all<Review>('review')).map((r) => r.id),
    assignments: (await all<Assignment>('assignment')).filter((a) => current(a.to ?? undefined)),
  };
}

/** Who each canary is planted for: every team of current staff, or every current employee. */
function variantsOf(d: Directory, per: CanaryVariant): { for: string; members: string[] }[] {
  if (per === 'employee') return d.employees.map((e) => ({ for: e.id, members: [e.id] }));
  const teams = new Map<string, string[]>();
  for (const e of d.employees) teams.set(e.team, [...(teams.get(e.team) ?? []), e.id]);
  return [...teams].map(([team, members]) => ({ for: team, members }));
}

/**
 * Plans one canary per team or per employee: a seller in the category its people work most
 * (so it sits among what they see, yet no assignment or ticket leads to it), a product, a
 * reviewer with an address on the operator's `domain`, and that reviewer's review.
 */
export async function planCanaries(
  store: Store,
  o: { per: CanaryVariant; domain: string; now: string; takenAddresses: Set<string> },
): Promise<CanaryPlan> {
  const nowMs = parseTime(o.now) ?? Date.now();
  const d = await readDirectory(store, nowMs);
  const variants = variantsOf(d, o.per);
  if (variants.length === 0)
    throw new AttributeError('NOTHING_TO_PLANT', 'the directory has no current employee');
  if (d.sellers.length === 0)
    throw new AttributeError('NOTHING_TO_PLANT', 'the directory has no seller to model one on');
  const ids = {
    seller: IdMaker.forKind(
      'seller',
      d.sellers.map((s) => s.id),
    ),
    product: IdMaker.forKind(
      'product',
      d.products.map((p) => p.id),
    ),
    reviewer: IdMaker.forKind('reviewer', d.reviewerIds),
    review: IdMaker.forKind('review', d.reviewIds),
  };
  const categoryOf = new Map(d.sellers.map((s) => [s.id, s.category]));
  const plan: CanaryPlan = { canaries: [], records: [] };
  for (const v of variants) {
    const members = new Set(v.members);
    const worked = d.assignments
      .filter((a) => members.has(a.employeeId))
      .map((a) => categoryOf.get(a.sellerId))
      .filter((c): c is string => c !== undefined);
    const category = mostCommon(worked) ?? pick(d.sellers).category;
    const records = canaryRecords(d, ids, category, o, nowMs);
    plan.records.push(...records.records);
    plan.canaries.push({
      per: o.per,
      for: v.for,
      address: records.address,
      records: records.records.map((r) => ({
        kind: r.kind as 'seller' | 'product' | 'reviewer' | 'review',
        id: (r.body as { id: string }).id,
      })),
      plantedAt: o.now,
    });
  }
  return plan;
}

function canaryRecords(
  d: Directory,
  ids: Record<'seller' | 'product' | 'reviewer' | 'review', IdMaker>,
  category: string,
  o: { domain: string; takenAddresses: Set<string> },
  nowMs: number,
): { records: DirectoryRecord[]; address: string } {
  const sameCategory = d.sellers.filter((s) => s.category === category);
  const like = pick(sameCategory.length > 0 ? sameCategory : d.sellers);
  const s = ids.seller.next();
  const sellerName = nameLike(like.name, like.id, s.digits);
  const seller: Seller = {
    id: s.id,
    category,
    region: like.region,
    ...(sellerName === undefined ? {} : { name: sellerName }),
    ...(like.openedAt === undefined ? {} : { openedAt: daysAgo(nowMs, randomInt(200, 1000)) }),
  };
  const p = ids.product.next();
  const productLike = d.products.find((x) => x.id === p.template);
  const title = nameLike(productLike?.title, p.template, p.digits);
  const product: Product = {
    id: p.id,
    sellerId: seller.id,
    category,
    ...(title === undefined ? {} : { title }),
  };
  const person = personOn(o.domain, o.takenAddresses);
  const reviewer: Reviewer = { id: ids.reviewer.next().id, email: person.email, name: person.name };
  const review: Review = {
    id: ids.review.next().id,
    productId: product.id,
    reviewerId: reviewer.id,
    rating: (1 + randomInt(5)) as Review['rating'],
    createdAt: daysAgo(nowMs, randomInt(1, 60)),
  };
  return {
    address: person.email,
    records: [
      { kind: 'seller', body: seller },
      { kind: 'product', body: product },
      { kind: 'reviewer', body: reviewer },
      { kind: 'review', body: review },
    ],
  };
}
