/**
 * Writes the bundled sample: a few dozen employees' week in a marketplace back office, as
 * interchange v1 (samples/sample-week.ndjson). Deterministic: a seeded PRNG, no clock.
 *
 * On purpose, to exercise the contract: the last employees and some tickets come after the
 * events that name them; one employee record is sent twice with a change (last write wins);
 * a few events are delivered twice (same id).
 *
 *   node dist/scripts/sample-week.js [OUT]
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const SITES = [
  { site: 'Shenzhen', utcStart: 1 },
  { site: 'Seattle', utcStart: 16 },
  { site: 'Dublin', utcStart: 8 },
  { site: 'Hyderabad', utcStart: 3 },
] as const;
const TEAMS = [
  ['account-management', 'account-manager', 10],
  ['seller-support', 'support-agent', 12],
  ['review-moderation', 'moderator', 8],
  ['analytics', 'analyst', 3],
  ['legal', 'counsel', 3],
] as const;
const CATEGORIES = ['electronics', 'home', 'toys', 'beauty', 'sports'];
const REGIONS = ['NA', 'EU', 'APAC'];
const FIRST = [
  'ana',
  'bo',
  'chen',
  'dev',
  'eli',
  'fay',
  'gus',
  'hana',
  'ivan',
  'jun',
  'kim',
  'lee',
];
const LAST = ['wu', 'patel', 'smith', 'garcia', 'murphy', 'li', 'khan', 'silva', 'nguyen', 'brown'];
const START = Date.UTC(2026, 2, 2);
const HOUR = 3_600_000;

/** mulberry32: a small, well-known seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeSampleWeek(seed = 7): string[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  const out: string[] = [];
  const late: string[] = [];
  const emit = (o: object, deferred = false): void =>
    void (deferred ? late : out).push(JSON.stringify(o));

  const sellers = Array.from({ length: 60 }, (_, i) => ({
    id: `s-${100 + i}`,
    category: pick(CATEGORIES),
  }));
  for (const s of sellers)
    emit({
      v: 1,
      kind: 'seller',
      id: s.id,
      category: s.category,
      region: pick(REGIONS),
      name: `Seller ${s.id.slice(2)}`,
    });
  const products = Array.from({ length: 150 }, (_, i) => ({
    id: `p-${1000 + i}`,
    seller: pick(sellers),
  }));
  for (const p of products)
    emit({
      v: 1,
      kind: 'product',
      id: p.id,
      sellerId: p.seller.id,
      category: p.seller.category,
      title: `Product ${p.id.slice(2)}`,
    });
  for (let i = 0; i < 300; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    emit({
      v: 1,
      kind: 'reviewer',
      id: `rv-${i}`,
      email: `${first}.${last}${i}@example.${pick(['com', 'org', 'net'])}`,
      name: `${first} ${last}`,
    });
  }
  const reviews = Array.from({ length: 600 }, (_, i) => {
    const r = rnd();
    const rating = r < 0.55 ? 5 : r < 0.72 ? 4 : r < 0.78 ? 3 : r < 0.84 ? 2 : 1; // J-shaped
    const product = pick(products);
    return { id: `r-${i}`, product, rating, createdAt: iso(START - int(1, 90) * 24 * HOUR) };
  });
  for (const r of reviews)
    emit({
      v: 1,
      kind: 'review',
      id: r.id,
      productId: r.product.id,
      reviewerId: `rv-${int(0, 299)}`,
      rating: r.rating,
      createdAt: r.createdAt,
    });

  const employees: {
    id: string;
    team: string;
    role: string;
    site: (typeof SITES)[number];
    book: string[];
  }[] = [];
  let n = 0;
  for (const [team, role, count] of TEAMS) {
    for (let i = 0; i < count; i++) {
      const site = SITES[n % SITES.length]!;
      const e = { id: `e-${String(++n).padStart(3, '0')}`, team, role, site, book: [] as string[] };
      if (team === 'account-management')
        e.book = Array.from({ length: int(4, 8) }, () => pick(sellers).id);
      employees.push(e);
      const record = {
        v: 1,
        kind: 'employee',
        id: e.id,
        team,
        role,
        site: site.site,
        shift: site.site === 'Seattle' ? 'night' : 'day',
        hiredAt: '2024-01-15T00:00:00Z',
      };
      emit(n === 7 ? { ...record, leftAt: iso(START + 6 * 24 * HOUR) } : record, n > 33);
    }
  }
  emit(
    {
      v: 1,
      kind: 'employee',
      id: 'e-003',
      team: 'account-management',
      role: 'account-manager',
      site: 'Hyderabad',
      shift: 'day',
      hiredAt: '2024-01-15T00:00:00Z',
      attrs: { note: 'site corrected' },
    },
    true,
  );
  for (const e of employees)
    for (const s of e.book)
      emit({
        v: 1,
        kind: 'assignment',
        employeeId: e.id,
        sellerId: s,
        from: '2025-06-01T00:00:00Z',
      });

  const tickets = Array.from({ length: 80 }, (_, i) => {
    const seller = pick(sellers).id;
    const legal = i % 10 === 0;
    const staff = employees.filter((e) => e.team === (legal ? 'legal' : 'seller-support'));
    const review = pick(reviews);
    const t = {
      id: `t-${500 + i}`,
      seller,
      assignee: pick(staff).id,
      legal,
      review: legal ? review.id : undefined,
    };
    const opened = START + int(-48, 120) * HOUR;
    const record = {
      v: 1,
      kind: 'ticket',
      id: t.id,
      sellerId: seller,
      openedAt: iso(opened),
      assigneeId: t.assignee,
      openedBy: legal ? 'legal-intake' : pick(['seller', 'customer', 'system']),
      topic: legal ? 'legal-request' : pick(['listing', 'payout', 'account']),
      ...(t.review ? { reviewId: t.review } : {}),
      ...(rnd() < 0.4 ? { closedAt: iso(opened + int(2, 60) * HOUR) } : {}),
    };
    emit(record, i >= 70);
    return t;
  });
  const reported = reviews.filter(() => rnd() < 0.07);
  reported.forEach((r, i) =>
    emit({
      v: 1,
      kind: 'report',
      id: `rp-${i}`,
      reviewId: r.id,
      reportedAt: iso(START + int(0, 100) * HOUR),
      reason: pick(['fake', 'offensive', 'off-topic']),
    }),
  );

  let ev = 0;
  const event = (
    e: (typeof employees)[number],
    at: number,
    action: string,
    target: object,
    extra: object = {},
  ): void =>
    emit({
      v: 1,
      kind: 'event',
      id: `ev-${String(++ev).padStart(5, '0')}`,
      time: iso(at),
      actor: e.id,
      action,
      target,
      context: {
        ip: `10.${SITES.indexOf(e.site)}.0.${int(2, 250)}`,
        device: `d-${e.id}`,
        session: `${e.id}-${Math.floor(at / HOUR)}`,
      },
      ...extra,
    });
  for (let day = 0; day < 7; day++) {
    if (day >= 5) continue; // weekend
    for (const e of employees) {
      if (e.id === 'e-007' && day >= 6) continue;
      const t0 = START + day * 24 * HOUR + e.site.utcStart * HOUR + int(0, 40) * 60_000;
      let at = t0;
      const step = (): number => (at += int(2, 25) * 60_000);
      event(e, at, 'login', { type: 'dataset', id: 'console' });
      if (e.team === 'account-management') {
        for (let k = 0; k < int(6, 14); k++)
          event(e, step(), pick(['seller.metrics.view', 'seller.account.view']), {
            type: 'seller',
            id: pick(e.book),
          });
      } else if (e.team === 'seller-support') {
        const mine = tickets.filter((t) => t.assignee === e.id);
        for (let k = 0; k < int(4, 10) && mine.length > 0; k++) {
          const t = pick(mine);
          event(
            e,
            step(),
            pick(['seller.account.view', 'seller.metrics.view']),
            { type: 'seller', id: t.seller },
            { ticket: t.id },
          );
        }
      } else if (e.team === 'review-moderation') {
        for (let k = 0; k < int(8, 16); k++) {
          const r = rnd() < 0.5 && reported.length > 0 ? pick(reported) : pick(reviews);
          event(e, step(), 'review.view', { type: 'review', id: r.id });
          if (reported.includes(r) && r.rating >= 4 && rnd() < 0.3)
            event(
              e,
              step(),
              'review.delete',
              { type: 'review', id: r.id },
              { attrs: { reason: pick(['policy', 'spam']) } },
            );
        }
      } else if (e.team === 'analytics') {
        if (day % 2 === 0)
          event(
            e,
            step(),
            'data.export',
            { type: 'dataset', id: 'seller-metrics-weekly' },
            { attrs: { rows: int(5000, 20000), fields: ['sellerId', 'revenue', 'units'] } },
          );
        for (let k = 0; k < int(3, 8); k++)
          event(e, step(), 'seller.metrics.view', { type: 'seller', id: pick(sellers).id });
      } else {
        const mine = tickets.filter((t) => t.legal && t.assignee === e.id);
        for (const t of mine.slice(0, 2))
          event(
            e,
            step(),
            'reviewer.contact.view',
            { type: 'reviewer', id: `rv-${int(0, 299)}` },
            { ticket: t.id },
          );
      }
    }
  }
  const duplicates = out.filter((l) => l.includes('"kind":"event"')).slice(100, 104);
  return [...out, ...duplicates, ...late];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2] ?? 'samples/sample-week.ndjson';
  writeFileSync(path, `${makeSampleWeek().join('\n')}\n`);
  console.log(`wrote ${path}`);
}
