import { describe, expect, it } from 'vitest';
import type { InterchangeRecord } from '../domain/index.js';
import { ReferenceDirectory } from './directory-reference-test-support.js';
import { DirectoryView, NONE } from './directory-view.js';
import { DetectionEngine } from './engine.js';
import { deserialize, serialize } from 'node:v8';
import { SnapshotError } from './errors.js';
import { restoreEngine, snapshotDirectoryView, snapshotEngine } from './snapshot.js';
import { at, mulberry32 } from './test-support.js';

const SELLERS = 30;
const PRODUCTS = 60;
const REVIEWS = 500;
const REVIEWERS = 70;
const TICKETS = 400;
const PEOPLE = ['e-0', 'e-1', 'e-2', 'e-3', 'e-4', 'e-5', 'system'];

/**
 * Directory records in a mixed order, with what the columns must get right: later versions
 * (a review's rating, product and removal, a ticket's seller, people, related sellers and
 * review), ids met before their record (a review's unknown product, a ticket's or a report's
 * unknown review), times that do not read, related lists that grow, shrink and repeat a seller,
 * and enough of one assignee's tickets for one seller to pass the 50 they hold.
 */
function directoryRecords(seed: number, n: number): InterchangeRecord[] {
  const r = mulberry32(seed);
  const pick = (k: number): number => Math.floor(r() * k);
  const id = (p: string, k: number): string => `${p}-${String(pick(k)).padStart(4, '0')}`;
  const when = (): string => (r() < 0.05 ? 'not a time' : at(pick(30), pick(24), pick(60)));
  const out: InterchangeRecord[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.03)
      out.push({
        kind: 'seller',
        body: {
          id: id('s', SELLERS),
          name: 'S',
          category: r() < 0.5 ? 'toys' : 'beauty',
          region: 'EU',
        },
      });
    else if (x < 0.1)
      out.push({
        kind: 'product',
        body: { id: id('p', PRODUCTS), sellerId: id('s', SELLERS), category: 'toys', title: 'P' },
      });
    else if (x < 0.45)
      out.push({
        kind: 'review',
        body: {
          id: id('r', REVIEWS),
          productId: id('p', PRODUCTS + 10),
          reviewerId: id('u', REVIEWERS),
          rating: (1 + pick(5)) as 1,
          createdAt: at(0),
          ...(r() < 0.2 ? { removedAt: when() } : {}),
        },
      });
    else if (x < 0.85) {
      // a few tickets of one assignee for one seller, to pass the 50 held
      const heavy = r() < 0.2;
      const related =
        r() < 0.4 ? Array.from({ length: pick(5) }, () => id('s', SELLERS)) : undefined;
      out.push({
        kind: 'ticket',
        body: {
          id: heavy ? `t-h${String(i).padStart(5, '0')}` : id('t', TICKETS),
          sellerId: heavy ? 's-0001' : id('s', SELLERS),
          openedAt: when(),
          ...(heavy || r() < 0.8
            ? { assigneeId: heavy ? 'e-1' : PEOPLE[pick(PEOPLE.length)]! }
            : {}),
          ...(r() < 0.7 ? { openedBy: PEOPLE[pick(PEOPLE.length)]! } : {}),
          ...(r() < 0.4 ? { closedAt: when() } : {}),
          ...(r() < 0.3 ? { reviewId: id('r', REVIEWS + 50) } : {}),
          ...(related ? { relatedSellerIds: related } : {}),
          ...(r() < 0.5 ? { topic: 'returns' } : {}),
        },
      });
    } else if (x < 0.95)
      out.push({
        kind: 'report',
        body: {
          id: `rp-${i}`,
          reviewId: id('r', REVIEWS + 50),
          reportedAt: when(),
          reason: 'spam',
        },
      });
    else
      out.push({
        kind: 'assignment',
        body: {
          employeeId: PEOPLE[pick(6)]!,
          sellerId: id('s', SELLERS),
          from: at(pick(20)),
          ...(r() < 0.5 ? { to: at(10 + pick(20)) } : {}),
        },
      });
  }
  return out;
}

const ids = (p: string, k: number): string[] =>
  Array.from({ length: k }, (_, i) => `${p}-${String(i).padStart(4, '0')}`);

/** Everything the view answers, as the reference words it (ids, not numbers). */
function answers(view: DirectoryView, records: readonly InterchangeRecord[]): unknown {
  const tickets = [
    ...new Set([
      ...ids('t', TICKETS + 5),
      ...records.flatMap((r) => (r.kind === 'ticket' ? [r.body.id] : [])),
    ]),
  ];
  const reviewIds = ids('r', REVIEWS + 60);
  const reviewId = (n: number): string | undefined =>
    n === NONE
      ? undefined
      : (reviewIds.find((id) => view.reviewOf(id) === n) ?? `unseen review ${n}`);
  const ticketId = (k: number): string => tickets.find((id) => view.ticketOf(id) === k)!;
  const sellers = ids('s', SELLERS + 2);
  const held: Record<string, string[]> = {};
  for (const p of [...PEOPLE, 'nobody'])
    for (const s of sellers) {
      const list: string[] = [];
      for (let e = view.firstHeld(p, s); e !== NONE; e = view.nextHeld(e))
        list.push(ticketId(view.heldTicket(e)));
      if (list.length > 0) held[`${p} ${s}`] = list;
    }
  const reviewsBy: Record<string, unknown[]> = {};
  for (const u of ids('u', REVIEWERS + 2)) {
    const list: unknown[] = [];
    for (let r = view.firstReviewBy(u); r !== NONE; r = view.nextReviewBy(r))
      list.push({
        reviewId: reviewId(r),
        sellerId: view.firstSeller(r),
        rating: view.firstRating(r),
      });
    if (list.length > 0) reviewsBy[u] = list;
  }
  const ratings = new Map<string, number[]>();
  view.eachStandingRating((s, rating) => ratings.set(s, [...(ratings.get(s) ?? []), rating]));
  return {
    tickets: tickets.map((id) => {
      const t = view.ticketById(id);
      return t && { ...t, review: reviewId(t.review) };
    }),
    reviews: reviewIds.map((id) => {
      const r = view.reviewOf(id);
      return r === NONE
        ? undefined
        : {
            rating: view.reviewRating(r),
            seller: view.reviewSeller(r),
            reported: view.firstReport(r),
          };
    }),
    held,
    reviewsBy,
    ratings: [...ratings].map(([s, list]) => [s, list.sort()]).sort(),
    assigned: PEOPLE.flatMap((p) => sellers.map((s) => view.isAssigned(p, s, Date.parse(at(15))))),
  };
}

function referenceAnswers(ref: ReferenceDirectory): unknown {
  const tickets = [...new Set([...ids('t', TICKETS + 5), ...ref.tickets.keys()])];
  const seen = (id: string | undefined): string | undefined =>
    id === undefined ? undefined : ref.reviews.has(id) ? id : `unseen`;
  const sellers = ids('s', SELLERS + 2);
  const held: Record<string, string[]> = {};
  for (const p of [...PEOPLE, 'nobody'])
    for (const s of sellers) {
      const list = ref.ticketsHeld(p, s);
      if (list && list.length > 0) held[`${p} ${s}`] = [...list];
    }
  const reviewsBy: Record<string, unknown[]> = {};
  for (const [u, list] of ref.reviewsBy) reviewsBy[u] = list.map((x) => ({ ...x }));
  const ratings = new Map<string, number[]>();
  for (const [id, review] of ref.reviews) {
    const s = ref.products.get(review.productId)?.sellerId;
    if (ref.removedReviews.has(id) || s === undefined) continue;
    ratings.set(s, [...(ratings.get(s) ?? []), review.rating]);
  }
  return {
    tickets: tickets.map((id) => {
      const t = ref.tickets.get(id);
      if (!t) return undefined;
      const { reviewId, topic: _topic, ...rest } = t;
      return { ...rest, related: [...t.related], review: seen(reviewId) };
    }),
    reviews: ids('r', REVIEWS + 60).map((id) => {
      const r = ref.reviews.get(id);
      return (
        r && {
          rating: r.rating,
          seller: ref.sellerOfReview(id),
          reported: ref.firstReport.get(id) ?? Infinity,
        }
      );
    }),
    held,
    reviewsBy,
    ratings: [...ratings].map(([s, list]) => [s, list.sort()]).sort(),
    assigned: PEOPLE.flatMap((p) => sellers.map((s) => ref.isAssigned(p, s, Date.parse(at(15))))),
  };
}

/** Unseen reviews are named by number in the view's answers: the reference has no number. */
const unseenAsOne = (a: unknown): unknown =>
  JSON.parse(
    JSON.stringify(a, (_k, v: unknown) =>
      typeof v === 'string' && v.startsWith('unseen') ? 'unseen' : v === Infinity ? 'Infinity' : v,
    ),
  );

describe('the directory view in columns', () => {
  it('answers as the directory of objects it replaced, for any mix of records and versions', () => {
    for (const seed of [1, 2, 3]) {
      const records = directoryRecords(seed, 3000);
      const view = new DirectoryView();
      const ref = new ReferenceDirectory();
      view.replay(records);
      ref.replay(records);
      expect(unseenAsOne(answers(view, records))).toEqual(unseenAsOne(referenceAnswers(ref)));
      // the generator reached what it is for
      expect(ref.reviewsBy.size).toBeGreaterThan(20);
      expect(ref.ticketsHeld('e-1', 's-0001')).toHaveLength(50);
      expect([...ref.tickets.values()].some((t) => t.related.length > 2)).toBe(true);
      expect(
        [...ref.tickets.values()].some(
          (t) => t.reviewId !== undefined && !ref.reviews.has(t.reviewId),
        ),
      ).toBe(true);
    }
  });

  it("keeps every product's seller while the columns grow under it", () => {
    // past 256, 512 and 1024 products: each new row that grows the columns is one whose seller
    // was once written into the column being replaced, and its reviews had no seller
    const products = 1300;
    const records: InterchangeRecord[] = [];
    for (let i = 0; i < products; i++) {
      records.push({
        kind: 'product',
        body: { id: `p-${i}`, sellerId: `s-${i % 7}`, category: 'toys' },
      });
      records.push({
        kind: 'review',
        body: {
          id: `r-${i}`,
          productId: `p-${i}`,
          reviewerId: `u-${i}`,
          rating: 1 + (i % 5),
          createdAt: at(1),
        },
      } as InterchangeRecord);
    }
    const view = new DirectoryView();
    const ref = new ReferenceDirectory();
    view.replay(records);
    ref.replay(records);
    const sellers = (f: (i: number) => string | undefined): (string | undefined)[] =>
      Array.from({ length: products }, (_, i) => f(i));
    const got = sellers((i) => view.reviewSeller(view.reviewOf(`r-${i}`)));
    expect(got).toEqual(sellers((i) => ref.sellerOfReview(`r-${i}`)));
    expect(got).toEqual(sellers((i) => `s-${i % 7}`));
  });

  it('saves the same bytes however it was saved and restored on the way, and answers the same after', () => {
    const records = directoryRecords(7, 4000);
    const whole = new DirectoryView();
    whole.replay(records);
    // an engine fed the first part, saved, restored, and fed the rest
    const engine = new DetectionEngine();
    engine.consume(records.slice(0, 1500));
    const restored = restoreEngine(snapshotEngine(engine), snapshotDirectoryView(engine.directory));
    restored.directory.replay(records.slice(1500));
    expect(Buffer.from(snapshotDirectoryView(restored.directory))).toEqual(
      Buffer.from(snapshotDirectoryView(whole)),
    );
    expect(answers(restored.directory, records)).toEqual(answers(whole, records));
    // and again from there: restored columns are cut to their rows, and grow from them
    const again = restoreEngine(
      snapshotEngine(restored),
      snapshotDirectoryView(restored.directory),
    );
    again.directory.replay(records.slice(0, 300));
    whole.replay(records.slice(0, 300));
    expect(Buffer.from(snapshotDirectoryView(again.directory))).toEqual(
      Buffer.from(snapshotDirectoryView(whole)),
    );
  });

  it('refuses a directory part saved when the directory was objects, rather than misread it', () => {
    const records = directoryRecords(5, 500);
    const engine = new DetectionEngine();
    engine.consume(records);
    // the part as the objects' layout saved it: their fields, tables without `numbering`
    const ref = new ReferenceDirectory();
    ref.replay(records);
    const old = deserialize(snapshotDirectoryView(ref as unknown as DirectoryView)) as {
      parts: { table?: Record<string, unknown> }[];
    };
    for (const p of old.parts) delete p.table?.['numbering'];
    expect(() => restoreEngine(snapshotEngine(engine), serialize(old))).toThrow(SnapshotError);
    // its tables alone, under today's fields, are refused as damaged too
    const mine = deserialize(snapshotDirectoryView(engine.directory)) as typeof old;
    for (const p of mine.parts) delete p.table?.['numbering'];
    expect(() => restoreEngine(snapshotEngine(engine), serialize(mine))).toThrow(SnapshotError);
  });
});
