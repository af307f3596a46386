import { describe, expect, it } from 'vitest';
import type {
  AccessEvent,
  EventContext,
  EventLineRow,
  InterchangeRecord,
} from '../../domain/index.js';
import { DetectionEngine, snapshotDirectoryView, snapshotEngine } from '../../detect/index.js';
import { DIRECTORY_MEMBERS, FeedDecoder, FeedEncoder } from './detect-feed-codec.js';

/** Strings JSON must escape, or that JSON texts get wrong: quotes, controls, astral, U+2028. */
const ODD = ['a"b', 'back\\slash', 'nl\nx', '\u0001\u001f\u007f', 'é 😀', '\u2028\u2029'];

const event = (i: number): AccessEvent => {
  const odd = ODD[i % ODD.length]!;
  return {
    id: `ev-${i}-${odd}`,
    time: `2026-03-02T09:14:0${Math.floor(i / 3) % 10}Z`,
    actor: `e-${i % 7}${odd}`,
    action: i % 2 === 0 ? 'seller.metrics.view' : 'x-odd.action',
    target: { type: 'seller', id: `s-${i % 5}` },
    ...(i % 3 === 0 ? { outcome: 'denied' as const } : {}),
    ...(i % 4 === 0 ? { ticket: `t-${odd}` } : {}),
    ...(i % 5 === 0 ? { context: { ip: '10.0.0.1', geo: 'IE', device: `d-${i % 2}` } } : {}),
    // a context stored with more than interchange names: given back whole, not shared
    ...(i % 7 === 0
      ? { context: { ip: `10.0.0.${i % 3}`, deep: { a: [i] } } as EventContext }
      : {}),
    ...(i % 6 === 0 ? { attrs: { n: i, s: odd, yes: true, list: [1, 2.5, null] } } : {}),
  };
};

/** The event as its `events` row (`EventLineRow`): the stored JSON of context and attrs. */
const row = (e: AccessEvent, leaf: number): EventLineRow => [
  leaf,
  e.id,
  e.time,
  e.actor,
  e.action,
  e.target.type,
  e.target.id,
  e.outcome ?? null,
  e.ticket ?? null,
  e.context === undefined ? null : JSON.stringify(e.context),
  e.attrs === undefined ? null : JSON.stringify(e.attrs),
];

const directory = (i: number): InterchangeRecord[] => {
  const odd = ODD[i % ODD.length]!;
  return [
    {
      kind: 'employee',
      body: {
        id: `e-${i}`,
        team: 'ops',
        role: odd,
        site: 'Dublin',
        name: 'Ann Example',
        hiredAt: '2020-01-01T00:00:00Z',
        ...(i % 20 === 0 ? { shift: 'night' as const, attrs: { badge: i } } : {}),
        ...(i % 2 === 0 ? { manager: 'e-1', leftAt: '2026-01-01T00:00:00Z' } : {}),
      },
    },
    {
      kind: 'seller',
      body: {
        id: `s-${i}`,
        category: 'toys',
        region: 'EU',
        name: odd,
        openedAt: '2019-01-01T00:00:00Z',
        attrs: { tier: 'gold' },
      },
    },
    {
      kind: 'product',
      body: { id: `p-${i}`, sellerId: `s-${i % 3}`, category: 'toys', title: odd, attrs: { a: 1 } },
    },
    {
      kind: 'review',
      body: {
        id: `r-${i}`,
        productId: `p-${i % 4}`,
        reviewerId: `u-${i}`,
        rating: ([5, 2.5, 0, 2 ** 40] as const)[(i / 10) % 4] as 5,
        createdAt: '2025-01-01T00:00:00Z',
        ...(i % 3 === 0 ? { removedAt: '2026-02-01T00:00:00Z' } : {}),
        attrs: { verified: true },
      },
    },
    {
      kind: 'assignment',
      body: {
        employeeId: `e-${i}`,
        sellerId: `s-${i}`,
        from: '2025-01-01T00:00:00Z',
        ...(i % 2 === 0 ? { to: null } : { to: '2026-01-01T00:00:00Z' }),
        attrs: { via: 'crm' },
      },
    },
    {
      kind: 'ticket',
      body: {
        id: `t-${i}`,
        sellerId: `s-${i}`,
        openedAt: '2026-01-01T00:00:00Z',
        ...(i % 2 === 0 ? { relatedSellerIds: [`s-${i + 1}`, odd], topic: odd } : {}),
        ...(i % 20 === 0
          ? { closedAt: '2026-01-03T00:00:00Z', assigneeId: `e-${i}`, openedBy: 'seller' as const }
          : {}),
        ...(i % 30 === 0 ? { reviewId: `r-${i}`, assigneeId: 'e-0' } : {}),
        attrs: { x: 1 },
      },
    },
    {
      kind: 'report',
      body: {
        id: `rp-${i}`,
        reviewId: `r-${i}`,
        reportedAt: '2026-01-02T00:00:00Z',
        reason: odd,
        attrs: { n: 1 },
      },
    },
    {
      kind: 'reviewer',
      body: { id: `u-${i}`, email: `enc:${odd}` },
    },
  ];
};

/** A directory record with only the members detection reads; an event, or an unlisted kind, whole. */
function projected(r: InterchangeRecord): unknown {
  const members = (DIRECTORY_MEMBERS as Record<string, Record<string, boolean>>)[r.kind];
  if (members === undefined) return r;
  const body = r.body as unknown as Record<string, unknown>;
  return { kind: r.kind, body: Object.fromEntries(Object.keys(members).map((m) => [m, body[m]])) };
}

/** `chunks` through an encoder and a decoder, chunk for chunk. */
function roundTrip(chunks: InterchangeRecord[][], limit?: number): InterchangeRecord[] {
  const encoder = new FeedEncoder(limit);
  const decoder = new FeedDecoder();
  const out: InterchangeRecord[] = [];
  let leaf = 0;
  for (const chunk of chunks) {
    for (const r of chunk) {
      if (r.kind === 'event') encoder.event(row(r.body, leaf++));
      else {
        const payload = JSON.stringify(r.body);
        encoder.version(r.kind, JSON.parse(payload) as Record<string, unknown>, payload);
      }
    }
    const code = encoder.end();
    // as the worker posts it: the tape's and the lengths' buffers move to the other thread
    const transfer = [code.ops.buffer as ArrayBuffer, code.lengths.buffer as ArrayBuffer];
    out.push(...decoder.decode(structuredClone(code, { transfer })));
  }
  return out;
}

describe('the detection feed codec', () => {
  const chunks = Array.from({ length: 5 }, (_, c) =>
    Array.from({ length: 60 }, (_, i): InterchangeRecord[] => [
      { kind: 'event', body: event(60 * c + i) },
      ...(i % 10 === 0 ? directory(60 * c + i) : []),
    ]).flat(),
  );
  const records = chunks.flat();

  describe('when a feed goes through it', () => {
    it('gives every event as stored, member for member, and in order', () => {
      const got = roundTrip(chunks);
      expect(got.length).toBe(records.length);
      const events = (rs: InterchangeRecord[]): string =>
        JSON.stringify(rs.filter((r) => r.kind === 'event'));
      expect(events(got)).toBe(events(records));
      expect(got.filter((r) => r.kind === 'event')).toEqual(
        records.filter((r) => r.kind === 'event'),
      );
    });

    it('gives the directory records with the members detection reads, values as stored', () => {
      const got = roundTrip(chunks);
      expect(got.map((r) => r.kind)).toEqual(records.map((r) => r.kind));
      expect(got).toEqual(records.map(projected));
      // what is read keeps its type and sign; what is not read is left out
      const reviews = got.filter((r) => r.kind === 'review').map((r) => r.body.rating);
      expect(reviews.slice(0, 4)).toEqual([5, 2.5, 0, 2 ** 40]);
      const seller = got.find((r) => r.kind === 'seller')!.body as unknown as Record<
        string,
        unknown
      >;
      expect(seller['name']).toBeUndefined();
      const tickets = got.filter((r) => r.kind === 'ticket');
      expect(tickets[0]!.body.relatedSellerIds).not.toBe(tickets[2]!.body.relatedSellerIds);
    });

    it('leaves out only what detection never reads: an engine fed either way holds the same state', () => {
      // every member of every kind is in the records above, so a member DirectoryView or the
      // engine starts reading, not in DIRECTORY_MEMBERS, shows here as a difference
      const whole = new DetectionEngine();
      const fed = new DetectionEngine();
      whole.consume(JSON.parse(JSON.stringify(records)) as InterchangeRecord[]);
      fed.consume(roundTrip(chunks));
      expect(Buffer.from(snapshotDirectoryView(fed.directory))).toEqual(
        Buffer.from(snapshotDirectoryView(whole.directory)),
      );
      expect(fed.directory.ticketCount).toBeGreaterThan(20);
      expect(Buffer.from(snapshotEngine(fed))).toEqual(Buffer.from(snapshotEngine(whole)));
      expect(fed.findings()).toEqual(whole.findings());
    });

    it('gives each event a context of its own, though the text is shared', () => {
      const got = roundTrip(chunks).filter((r) => r.kind === 'event');
      const shared = got.filter((r) => r.body.context?.device === 'd-1');
      expect(shared.length).toBeGreaterThan(2);
      expect(shared[0]!.body.context).toEqual(shared[1]!.body.context);
      expect(shared[0]!.body.context).not.toBe(shared[1]!.body.context);
    });

    it('gives the same records when its table starts again every chunk', () => {
      expect(JSON.stringify(roundTrip(chunks, 10))).toBe(JSON.stringify(roundTrip(chunks)));
      expect(roundTrip(chunks, 10)).toEqual(records.map(projected));
    });
  });
});
