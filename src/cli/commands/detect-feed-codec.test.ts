import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  AccessEvent,
  EventContext,
  EventLineRow,
  InterchangeRecord,
  VersionLineRow,
} from '../../domain/index.js';
import { DetectionEngine, snapshotDirectoryView, snapshotEngine } from '../../detect/index.js';
import { canonicalJson } from '../../ledger/index.js';
import { feedLeaf } from '../../store/index.js';
import {
  DIRECTORY_MEMBERS,
  FeedDecoder,
  FeedEncoder,
  encodeRows,
  type FeedCode,
} from './detect-feed-codec.js';

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

/** An `events` row as `recordRowChunks` gives its text (`FEED_EVENT_TEXT`, here in JS). */
const eventText = (r: EventLineRow): string => {
  const nullable = (v: string | null): string => (v === null ? '' : `+${v}`);
  const fields = [r[0], r[1], r[2], r[3], r[4], r[5], nullable(r[7]), r[6], nullable(r[8])];
  return [...fields, nullable(r[9]), nullable(r[10])].join('\u001f');
};

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

/**
 * `chunks` through an encoder, chunk for chunk: as row texts (`encodeRows`, as the worker reads
 * them), or every row by its columns; each code as the worker posts it.
 */
function encoded(
  chunks: InterchangeRecord[][],
  limit?: number,
  by: 'texts' | 'columns' = 'texts',
): FeedCode[] {
  const encoder = new FeedEncoder(limit);
  const codes: FeedCode[] = [];
  let leaf = 0;
  for (const chunk of chunks) {
    const events = new Map<number, EventLineRow>();
    const versions = new Map<number, VersionLineRow>();
    const texts: string[] = [];
    for (const r of chunk) {
      if (r.kind === 'event') {
        const line = row(r.body, leaf++);
        events.set(line[0], line);
        texts.push(eventText(line));
      } else {
        const line: VersionLineRow = [leaf++, r.kind, JSON.stringify(r.body)];
        versions.set(line[0], line);
        texts.push(`${line[0]}\u001e${line[1]}\u001f${line[2]}`);
      }
    }
    const columns = {
      eventLineRow: (l: number) => events.get(l),
      versionLineRow: (l: number) => versions.get(l),
    };
    if (by === 'texts') encodeRows(encoder, texts, columns);
    else
      for (const text of texts) {
        const l = feedLeaf(text);
        if (events.has(l)) encoder.event(events.get(l)!);
        else encoder.version(versions.get(l)![1], versions.get(l)![2]);
      }
    const code = encoder.end();
    // as the worker posts it: the tape's and the lengths' buffers move to the other thread
    const transfer = [
      code.ops.buffer as ArrayBuffer,
      code.lengths.buffer as ArrayBuffer,
      code.times.buffer as ArrayBuffer,
    ];
    codes.push(structuredClone(code, { transfer }));
  }
  return codes;
}

/** `chunks` through an encoder and a decoder, chunk for chunk (`encoded`). */
function roundTrip(
  chunks: InterchangeRecord[][],
  limit?: number,
  by: 'texts' | 'columns' = 'texts',
): InterchangeRecord[] {
  const decoder = new FeedDecoder();
  return encoded(chunks, limit, by).flatMap((code) => decoder.decode(code));
}

/** The engine's state and findings, as bytes and text to compare. */
const stateOf = (engine: DetectionEngine): string[] => [
  Buffer.from(snapshotDirectoryView(engine.directory)).toString('base64'),
  Buffer.from(snapshotEngine(engine)).toString('base64'),
  JSON.stringify(engine.findings()),
];

/**
 * Two engines fed `codes`: one the records `decode` gives, one by `decodeInto`; their states,
 * or the errors that stopped them.
 */
function bothWays(codes: readonly FeedCode[]): { consumed: unknown; into: unknown } {
  const run = (feed: (engine: DetectionEngine, decoder: FeedDecoder, code: FeedCode) => void) => {
    const engine = new DetectionEngine(undefined, { seed: 0x5eed });
    const decoder = new FeedDecoder();
    try {
      for (const code of codes) feed(engine, decoder, code);
    } catch (error) {
      return { threw: (error as Error).constructor.name };
    }
    return stateOf(engine);
  };
  return {
    consumed: run((engine, decoder, code) => engine.consume(decoder.decode(code))),
    into: run((engine, decoder, code) => decoder.decodeInto(code, engine)),
  };
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

    it('makes every event with the same members in the same order, an absent one undefined', () => {
      const got = roundTrip(chunks)
        .filter((r) => r.kind === 'event')
        .map((r) => r.body as unknown as Record<string, unknown>);
      // the stream's events have every mix of the optional members (the test's `event`)
      expect(new Set(records.map((r) => Object.keys(r.body).join(','))).size).toBeGreaterThan(8);
      const members = ['id', 'time', 'actor', 'action', 'target'];
      const optional = ['outcome', 'ticket', 'context', 'attrs'];
      for (const e of got) expect(Object.keys(e)).toEqual([...members, ...optional]);
      const stored = records.filter((r) => r.kind === 'event').map((r) => r.body);
      got.forEach((e, i) => {
        for (const m of optional) expect(m in stored[i]!).toBe(e[m] !== undefined);
      });
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

    it('shares one frozen context among the events naming the same flat one', () => {
      const got = roundTrip(chunks).filter((r) => r.kind === 'event');
      const shared = got.filter((r) => r.body.context?.device === 'd-1');
      expect(shared.length).toBeGreaterThan(2);
      expect(shared[0]!.body.context).toBe(shared[1]!.body.context);
      expect(Object.isFrozen(shared[0]!.body.context)).toBe(true);
      // nobody can change what the others read
      expect(() => Object.assign(shared[0]!.body.context!, { ip: '10.9.9.9' })).toThrow(TypeError);
      // a context with a nested value is parsed anew for each event, and is the event's own
      const deep = got.filter((r) => r.body.context !== undefined && 'deep' in r.body.context);
      expect(deep.length).toBeGreaterThan(2);
      expect(deep[0]!.body.context).not.toBe(deep[3]!.body.context);
      expect(Object.isFrozen(deep[0]!.body.context)).toBe(false);
    });

    it('gives the same records from row texts as from their columns', () => {
      expect(roundTrip(chunks, undefined, 'columns')).toEqual(records.map(projected));
      expect(JSON.stringify(roundTrip(chunks))).toBe(
        JSON.stringify(roundTrip(chunks, undefined, 'columns')),
      );
    });

    it('reads by their columns only the rows whose texts hold the separator', () => {
      const events = [0, 1, 2].map((i) => row(event(i), i));
      events[1]![1] = 'ev-\u001f-1'; // an id may hold any character
      // a payload holds none (JSON escapes it); a kind not known to detection might
      const versions: VersionLineRow[] = [[3, 'odd\u001fkind', '{"id":"s-1"}']];
      const read: number[] = [];
      const encoder = new FeedEncoder();
      encodeRows(encoder, [...events.map(eventText), '3\u001eodd\u001fkind\u001f{"id":"s-1"}'], {
        eventLineRow: (l) => (read.push(l), events[l]),
        versionLineRow: (l) => (read.push(l), versions[l - 3]),
      });
      expect(read).toEqual([1, 3]);
      const got = new FeedDecoder().decode(encoder.end());
      expect(got.map((r) => (r.body as { id?: string }).id)).toEqual([
        event(0).id,
        'ev-\u001f-1',
        event(2).id,
        's-1',
      ]);
      expect(got[3]!.kind).toBe('odd\u001fkind');
    });

    it('gives the same records when its table starts again every chunk', () => {
      expect(JSON.stringify(roundTrip(chunks, 10))).toBe(JSON.stringify(roundTrip(chunks)));
      expect(roundTrip(chunks, 10)).toEqual(records.map(projected));
    });
  });

  describe('when directory records come as their stored payload texts', () => {
    const kinds = Object.keys(DIRECTORY_MEMBERS) as (keyof typeof DIRECTORY_MEMBERS)[];
    /** A body of `kind`: some of the members read, and others, with any JSON values. */
    const body = (kind: keyof typeof DIRECTORY_MEMBERS) =>
      fc.dictionary(
        fc.oneof(fc.constantFrom(...Object.keys(DIRECTORY_MEMBERS[kind])), fc.string()),
        fc.oneof(
          fc.jsonValue({ maxDepth: 2 }),
          fc.string({ unit: 'grapheme-composite', maxLength: 8 }),
          fc.constantFrom(...ODD, -0, 0, -1, 2 ** 31 - 1, 2 ** 31, 1e21, 0.5, null, true, [], {}),
        ),
      );
    /** Texts of a body: canonical as stored, in insertion order, or with whitespace. */
    const texts = (b: Record<string, unknown>): string[] => [
      canonicalJson(b),
      JSON.stringify(b),
      JSON.stringify(b, null, 1),
    ];

    /** Payloads through an encoder and a decoder, one chunk. */
    function decoded(payloads: [string, string][]): InterchangeRecord[] {
      const encoder = new FeedEncoder();
      for (const [kind, payload] of payloads) encoder.version(kind, payload);
      return new FeedDecoder().decode(encoder.end());
    }

    /** The members detection reads of the payload's parse, as `projected` gives them. */
    const expected = (kind: string, payload: string): unknown =>
      projected({ kind, body: JSON.parse(payload) as never } as InterchangeRecord);

    it("gives the members of the payload's parse, whatever the text and values", () => {
      const record = fc
        .constantFrom(...kinds)
        .chain((kind) => body(kind).map((b) => [kind, b] as const));
      fc.assert(
        fc.property(fc.array(record, { maxLength: 12 }), (records) => {
          const payloads = records.flatMap(([kind, b]) =>
            texts(b).map((t): [string, string] => [kind, t]),
          );
          expect(decoded(payloads)).toStrictEqual(payloads.map(([k, t]) => expected(k, t)));
        }),
        { numRuns: 300 },
      );
    });

    it('keeps -0, big and fractional numbers, null and absent members apart', () => {
      const payloads: [string, string][] = [
        ['review', '{"id":"r-1","productId":"p-1","rating":-0,"removedAt":null}'],
        ['review', '{"id":"r-2","productId":"p-1","rating":4.5}'],
        ['review', '{"id":"r-3","rating":1e2,"productId":null,"reviewerId":"u-\\\\"}'],
        ['review', '{"id": "r-4", "rating": -0}'],
        ['review', '{"id":"r-5","rating":9007199254740993,"removedAt":false}'],
        ['ticket', '{"id":"t-1","relatedSellerIds":["s-1","s-\\u00e9"],"topic":"é 😀\u2028"}'],
        ['ticket', '{"id":"t-2","relatedSellerIds":[],"topic":{"a":[1,{"b":null}]}}'],
      ];
      const got = decoded(payloads);
      expect(got).toStrictEqual(payloads.map(([k, t]) => expected(k, t)));
      const ratings = got.slice(0, 5).map((r) => (r.body as { rating?: unknown }).rating);
      expect(Object.is(ratings[0], -0)).toBe(true);
      expect(Object.is(ratings[3], -0)).toBe(true);
      expect(ratings.slice(1, 3)).toEqual([4.5, 100]);
      expect(ratings[4]).toBe(9007199254740992);
      expect(got[0]!.body).toHaveProperty('removedAt', null);
      expect(Object.hasOwn(got[1]!.body, 'removedAt')).toBe(true); // there, undefined
      expect((got[1]!.body as { removedAt?: unknown }).removedAt).toBeUndefined();
      expect((got[5]!.body as { relatedSellerIds?: unknown }).relatedSellerIds).toEqual([
        's-1',
        's-é',
      ]);
    });

    it('gives the error of the parse for a payload that is not JSON', () => {
      const encoder = new FeedEncoder();
      expect(() => encoder.version('seller', '{"id":"s-1",}')).toThrow(SyntaxError);
    });
  });

  describe('when a chunk is decoded straight into an engine', () => {
    it('reaches the state the records it gives would, its table kept or started again', () => {
      for (const limit of [undefined, 10]) {
        const { consumed, into } = bothWays(encoded(chunks, limit));
        expect(consumed).not.toHaveProperty('threw');
        expect(into).toEqual(consumed);
      }
    });

    // times as an attacker writes them: each must read on the worker's thread as the engine's
    // thread reads it (`readTime`), or be left to the engine's thread where it is no string
    const ODD_TIMES = [
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.999Z',
      '2016-12-31T23:59:60Z', // a leap second: the next minute's first instant
      '2016-12-31T23:59:60.500Z',
      '2024-02-29T12:00:00Z',
      '2026-02-29T12:00:00Z', // no such day
      '2026-01-01T24:00:00Z',
      '2026-01-01T00:60:00Z',
      '2026-01-01T00:00:61Z',
      '2026-13-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '2026-01-01t00:00:00z', // lower case, other offsets, other precisions: not canonical
      '2026-01-01T00:00:00+01:00',
      '2026-01-01T00:00:00-00:00',
      '2026-01-01T00:00:00+24:00',
      '2026-01-01T00:00:00.5Z',
      '2026-01-01T00:00:00.123456789Z',
      '2026-01-01 00:00:00Z',
      '2026-01-01T00:00:00.2a5Z', // canonical lengths, a character off
      '2026-01-01T00:00:00 Z',
      '2026-01-01T00:0０:00Z',
      '+2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00',
      '',
      'not a time',
    ];
    // values that are not strings: read by the engine's thread as apply reads them
    const ODD_VALUES: unknown[] = [
      0,
      -0,
      1.5,
      2 ** 40,
      1_767_225_600_000,
      true,
      false,
      ['2026-01-01T00:00:00Z'], // its text is a time
      ['2026-01-01T00:00:00Z', 'x'],
      {},
      { t: '2026-01-01T00:00:00Z' },
    ];
    // values that are not strings, which `readTime` once failed on (null, a length its canonical
    // path believes): read as no time now, on both paths
    const FAILING: unknown[] = [null, { length: 20 }, Array<number>(24).fill(1)];

    // a stream written to meet the decoder's shortcuts: ids repeated across versions and chunks,
    // one string as a seller, a person, a product, a review and a ticket at once, a reviewer
    // changed in a later version, related sellers repeated, duplicated or not strings at all
    const id = fc.constantFrom('x', 'y', 'é', '😀', 'a"b', 'nl\nx', '', 's-1', 'p-1');
    const time = fc.constantFrom(...ODD_TIMES);
    const optional = <T>(key: string, a: fc.Arbitrary<T>) =>
      fc.option(a, { nil: undefined }).map((v) => (v === undefined ? {} : { [key]: v }));
    const record: fc.Arbitrary<InterchangeRecord> = fc.oneof(
      fc.nat(500).map((i): InterchangeRecord => ({ kind: 'event', body: event(i) })),
      fc
        .tuple(fc.nat(500), time)
        .map(([i, t]): InterchangeRecord => ({ kind: 'event', body: { ...event(i), time: t } })),
      fc
        .tuple(id, id)
        .map(([i, s]) => ({ kind: 'product', body: { id: i, sellerId: s } }) as InterchangeRecord),
      fc.tuple(id, id, id, fc.integer({ min: 1, max: 5 }), optional('removedAt', time)).map(
        ([i, p, u, rating, removed]) =>
          ({
            kind: 'review',
            body: { id: i, productId: p, reviewerId: u, rating, ...removed },
          }) as InterchangeRecord,
      ),
      fc
        .tuple(
          id,
          id,
          time,
          optional('closedAt', time),
          optional('assigneeId', id),
          optional('openedBy', id),
          optional('reviewId', id),
          optional(
            'relatedSellerIds',
            fc.oneof(
              fc.array(id, { maxLength: 4 }),
              fc.constantFrom(['x', 'x'], ['x', 1, null], 'xy', []),
            ),
          ),
        )
        .map(
          ([i, s, openedAt, ...rest]) =>
            ({
              kind: 'ticket',
              body: Object.assign({ id: i, sellerId: s, openedAt }, ...rest) as unknown,
            }) as InterchangeRecord,
        ),
      fc
        .tuple(id, time)
        .map(
          ([r, at]) =>
            ({ kind: 'report', body: { reviewId: r, reportedAt: at } }) as InterchangeRecord,
        ),
      fc
        .tuple(id, id)
        .map(([i, c]) => ({ kind: 'seller', body: { id: i, category: c } }) as InterchangeRecord),
      fc.nat(40).map((i) => directory(i)[0]!),
    );

    it('numbers ids that repeat and collide across kinds, versions and chunks as apply does', () => {
      fc.assert(
        fc.property(
          fc.array(fc.array(record, { maxLength: 30 }), { maxLength: 6 }),
          fc.constantFrom(undefined, 1, 8),
          (stream, limit) => {
            const { consumed, into } = bothWays(encoded(stream, limit));
            expect(into).toEqual(consumed);
          },
        ),
        { numRuns: 200 },
      );
    });

    it('reads members of any value as apply reads them, or fails where it fails', () => {
      const kind = fc.constantFrom('product', 'review', 'ticket', 'report');
      const odd = fc.constantFrom(...ODD_VALUES, ...FAILING);
      const body = fc.dictionary(
        fc.constantFrom('id', 'sellerId', 'productId', 'reviewerId', 'rating', 'removedAt'),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), id, time),
      );
      const ticket = fc.dictionary(
        fc.constantFrom('id', 'sellerId', 'assigneeId', 'openedBy', 'reviewId', 'relatedSellerIds'),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), id),
      );
      // a ticket's and a report's times of any value (their other members are `body`'s)
      const times = fc.dictionary(
        fc.constantFrom('openedAt', 'closedAt', 'reportedAt'),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), time, odd),
      );
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.tuple(kind, body),
              ticket.map((b) => ['ticket', { openedAt: '2026-01-01T00:00:00Z', ...b }] as const),
              fc
                .tuple(fc.constantFrom('ticket', 'report'), body, times)
                .map(([k, b, t]) => [k, { ...b, ...t }] as const),
            ),
            { maxLength: 12 },
          ),
          (payloads) => {
            const encoder = new FeedEncoder();
            for (const [k, b] of payloads) encoder.version(k, JSON.stringify(b));
            const { consumed, into } = bothWays([encoder.end()]);
            expect(into).toEqual(consumed);
          },
        ),
        { numRuns: 300 },
      );
    });

    /** A ticket, a report and two events (allowed, then at the same time) with time `t`. */
    const timed = (t: unknown, i: number): InterchangeRecord[] => {
      const at = t === undefined ? {} : { closedAt: t };
      const body = (members: Record<string, unknown>) => members as never;
      const events: InterchangeRecord[] =
        typeof t === 'string'
          ? [0, 1].map((j) => ({
              kind: 'event',
              body: { ...event(2 * (3 * i + 1)), id: `ev-${i}-${j}`, time: t },
            }))
          : [];
      return [
        ...events,
        {
          kind: 'ticket',
          body: body({ id: `t-${i % 3}`, sellerId: 's', openedAt: t, ...at }),
        },
        {
          kind: 'ticket',
          body: body({ id: `t-${i % 5}`, sellerId: 's', openedAt: '2026-01-01T00:00:00Z', ...at }),
        },
        { kind: 'report', body: body({ reviewId: `r-${i % 4}`, reportedAt: t }) },
      ];
    };

    it('reads every time, however written, as apply reads it', () => {
      const values = [undefined, ...ODD_TIMES, ...ODD_VALUES];
      const stream = values.flatMap((t, i) => timed(t, i));
      for (const limit of [undefined, 4]) {
        // as row texts, and as the parse of payloads written with escapes the texts' read skips
        const codes = encoded([stream.slice(0, 40), stream.slice(40)], limit);
        const { consumed, into } = bothWays(codes);
        expect(consumed).not.toHaveProperty('threw');
        expect(into).toEqual(consumed);
      }
      const escaped = new FeedEncoder();
      for (const [i, t] of ODD_TIMES.entries()) {
        const text = JSON.stringify(t).replace(/^"2/, '"\\u0032');
        escaped.version('ticket', `{"id":"t-${i}","sellerId":"s","openedAt":${text}}`);
        escaped.version('report', `{"reviewId":"r-${i}","reportedAt":${text}}`);
      }
      const { consumed, into } = bothWays([escaped.end()]);
      expect(consumed).not.toHaveProperty('threw');
      expect(into).toEqual(consumed);
    });

    it('reads a time that is not a string as none, whichever member holds it, both ways', () => {
      const state = (records: InterchangeRecord[]) => bothWays(encoded([records]));
      for (const t of [...FAILING, ['2026-01-01T00:00:00Z'], 1_767_225_600_000]) {
        for (const [body, without] of [
          [
            { id: 't', sellerId: 's', openedAt: t },
            { id: 't', sellerId: 's' },
          ],
          [
            { id: 't', sellerId: 's', openedAt: '2026-01-01T00:00:00Z', closedAt: t },
            { id: 't', sellerId: 's', openedAt: '2026-01-01T00:00:00Z' },
          ],
        ] as const) {
          const { consumed, into } = state([{ kind: 'ticket', body } as never]);
          expect(consumed).not.toHaveProperty('threw');
          expect(into).toEqual(consumed);
          // as if the member were absent
          expect(consumed).toEqual(state([{ kind: 'ticket', body: without } as never]).consumed);
        }
        const report = { kind: 'report', body: { reviewId: 'r', reportedAt: t } } as never;
        const { consumed, into } = state([report]);
        expect(consumed).not.toHaveProperty('threw');
        expect(into).toEqual(consumed);
        expect(consumed).toEqual(
          state([{ kind: 'report', body: { reviewId: 'r' } } as never]).consumed,
        );
      }
    });

    it('sends one time per event and per timed member, read on its way', () => {
      const stream = [undefined, ...ODD_TIMES, ...ODD_VALUES].flatMap((t, i) => timed(t, i));
      const [code] = encoded([stream]);
      const events = stream.filter((r) => r.kind === 'event').length;
      const tickets = stream.filter((r) => r.kind === 'ticket').length;
      const reports = stream.filter((r) => r.kind === 'report').length;
      expect(code!.times).toHaveLength(events + 2 * tickets + reports);
      expect(code!.times).toContain(Date.UTC(2017, 0, 1));
    });

    it('keeps of a product what apply keeps while the columns grow under it', () => {
      const products = Array.from({ length: 1100 }, (_, i): InterchangeRecord[] => [
        { kind: 'product', body: { id: `p-${i}`, sellerId: `s-${i % 7}` } } as InterchangeRecord,
        ...(i % 3 === 0
          ? [
              {
                kind: 'review',
                body: { id: `r-${i}`, productId: `p-${i + 1}`, reviewerId: 'u', rating: 4 },
              } as InterchangeRecord,
            ]
          : []),
      ]).flat();
      const { consumed, into } = bothWays(encoded([products.slice(0, 700), products.slice(700)]));
      expect(consumed).not.toHaveProperty('threw');
      expect(into).toEqual(consumed);
    });

    it('numbers anew in another engine: what one engine numbered is not taken for the next', () => {
      const [first, second] = encoded([chunks[0]!, chunks[0]!]);
      const straight = new FeedDecoder();
      const a = new DetectionEngine();
      straight.decodeInto(first!, a);
      const b = new DetectionEngine();
      straight.decodeInto(second!, b);
      const made = new FeedDecoder();
      made.decode(first!);
      const c = new DetectionEngine();
      c.consume(made.decode(second!));
      expect(stateOf(b)).toEqual(stateOf(c));
      expect(b.directory.ticketCount).toBeGreaterThan(0);
    });
  });
});
