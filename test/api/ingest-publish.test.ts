import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { request as httpRequest } from 'node:http';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../src/cli/commands/serve.js';
import { wire } from '../../src/cli/wiring.js';
import {
  StreamError,
  StreamPublisher,
  openJetStream,
  type EventStream,
  type PublishReport,
  type PublishedRecord,
} from '../../src/stream/index.js';
import { dumpDb, employee, event, line, runCli } from '../helpers.js';
import {
  deleteStream,
  lastSeq,
  makeStream,
  natsTestStream,
  TEST_NATS_URL,
  streamMessagesAfter,
} from '../nats-support.js';
import { ANY_TEXT, apiFixture, bearer, type ApiFixture } from './fixture.js';

/**
 * `POST /v1/ingest` of a server in publish mode (`warden serve --publish`): validated as the
 * import validates, published to JetStream through the CLI's publisher, answered once every
 * message is acknowledged; the local store is never written.
 */
const LIMIT = 256 * 1024;
const PARTITIONS = 4;
const nats = await natsTestStream();

/** Two employees, a seller, and `n` events by four actors, ids prefixed per test. */
function batch(prefix: string, n: number): string[] {
  const lines = [
    employee(`${prefix}-e1`),
    employee(`${prefix}-e2`, { role: 'investigator' }),
    line({ v: 1, kind: 'seller', id: `${prefix}-s1`, category: 'toys', region: 'EU' }),
  ];
  for (let i = 0; i < n; i++)
    lines.push(
      event(`${prefix}-ev-${i}`, {
        actor: `${prefix}-e${(i % 4) + 1}`,
        target: { type: 'seller', id: 's1' },
      }),
    );
  return lines;
}

const post = (
  f: ApiFixture,
  payload: string | Buffer,
  headers: Record<string, string> = bearer(f.tokens['feed1']!),
  query = '',
  type = 'application/x-ndjson',
) =>
  f.app.inject({
    method: 'POST',
    url: `/v1/ingest${query}`,
    headers: { ...headers, 'content-type': type },
    payload,
  });

const body = (lines: string[]) => `${lines.join('\n')}\n`;

/** The partition a record belongs to, computed here: SHA-256 of its key, first 4 bytes BE, mod P. */
function expectedSubject(stream: string, text: string): string {
  const r = JSON.parse(text) as { kind: string; id: string; actor?: string };
  const key = r.kind === 'event' ? r.actor! : r.kind === 'employee' ? r.id : `${r.kind}\0${r.id}`;
  const p = createHash('sha256').update(key, 'utf8').digest().readUInt32BE(0) % PARTITIONS;
  return `${stream}.${p}.${r.kind === 'event' ? 'event' : 'directory'}`;
}

const withoutFile = (issues: readonly object[]) =>
  issues.map(({ file: _f, ...rest }: { file?: string }) => rest);

describe('POST /v1/ingest in publish mode, when the stream fails', () => {
  let f: ApiFixture;
  let open: () => Promise<EventStream>;

  beforeAll(async () => {
    // a port nothing listens on: NATS does not answer
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    open = () =>
      openJetStream({ url: `nats://secret:pw@127.0.0.1:${port}`, stream: 'down', create: true });
    f = await apiFixture(
      { ingestBody: 4 * 1024 * 1024 },
      undefined,
      new StreamPublisher('down', () => open()),
    );
  }, 120_000);
  afterAll(async () => f?.close());

  it('answers 503 STREAM_UNAVAILABLE in the one error shape when NATS does not answer, storing nothing', async () => {
    const before = dumpDb(f.db);
    const res = await post(f, body(batch('down', 20)));
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'STREAM_UNAVAILABLE', message: ANY_TEXT } });
    const message = res.json<{ error: { message: string } }>().error.message;
    expect(message).toContain('nothing of the batch was published');
    expect(message).not.toContain('secret'); // the server's address stays in the log
    expect(dumpDb(f.db)).toBe(before);
  });

  it('answers 503, not success, when the stream acknowledges the first chunk and fails the next', async () => {
    const calls: number[] = [];
    const failing: EventStream = {
      partitions: PARTITIONS,
      closed: false,
      publish: (records: readonly PublishedRecord[]): Promise<PublishReport> => {
        calls.push(records.length);
        if (calls.length === 2)
          return Promise.reject(new StreamError('PUBLISH_FAILED', 'nats://secret: no ack'));
        return Promise.resolve({
          events: records.length,
          directoryRecords: 0,
          messages: records.length,
          subjects: {},
        });
      },
      consumer: () => Promise.reject(new Error('not used')),
      close: () => Promise.resolve(),
    };
    open = () => Promise.resolve(failing);
    const res = await post(f, body(batch('half', 5000)));
    expect(calls).toEqual([4096, 907]); // the first chunk went out; the answer is still a failure
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'STREAM_UNAVAILABLE', message: ANY_TEXT } });
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(
      /did not acknowledge every message of the batch, which is not published/,
    );
  });
});

if ('skip' in nats) {
  describe.skip(`POST /v1/ingest in publish mode on NATS (${nats.skip})`, () => {
    it('needs NATS JetStream', () => undefined);
  });
} else {
  const stream = nats.stream;
  let pub: ApiFixture;
  let local: ApiFixture;

  beforeAll(async () => {
    const publisher = new StreamPublisher(stream, () =>
      openJetStream({ url: nats.url, stream, create: true, partitions: PARTITIONS }),
    );
    pub = await apiFixture({ ingestBody: LIMIT }, undefined, publisher);
    local = await apiFixture({ ingestBody: LIMIT });
  }, 120_000);
  afterAll(async () => {
    await pub?.close();
    await local?.close();
    await deleteStream(stream);
  });

  /** Posts to the publishing app; answers the response and what reached the stream. */
  async function published(payload: string | Buffer, query = '', headers?: Record<string, string>) {
    const from = await lastSeq(stream);
    const before = dumpDb(pub.db);
    const res = await post(
      pub,
      payload,
      headers,
      query,
      Buffer.isBuffer(payload) ? 'application/gzip' : undefined,
    );
    expect(dumpDb(pub.db)).toBe(before); // publish mode never writes the local store
    return { res, messages: await streamMessagesAfter(stream, from) };
  }

  describe('POST /v1/ingest in publish mode on NATS', () => {
    describe('when the batch is valid', () => {
      it('publishes every record, in order, to the partition subject of its actor or key, and says where', async () => {
        const lines = batch('ok', 400);
        const { res, messages } = await published(body(lines));
        expect(res.statusCode, res.body).toBe(200);
        expect(messages.map((m) => m.line)).toEqual(lines);
        for (const m of messages) expect(m.subject).toBe(expectedSubject(stream, m.line));
        const ids = messages.map((m) => (JSON.parse(m.line) as { id: string }).id);
        expect(ids.filter((id) => id.startsWith('ok-ev-'))).toHaveLength(400);
        const perSubject = new Map<string, number>();
        for (const m of messages) perSubject.set(m.subject, (perSubject.get(m.subject) ?? 0) + 1);
        const answer = res.json<{
          subjects: { subject: string; partition: number; messages: number }[];
        }>();
        expect(answer).toMatchObject({
          stream,
          partitions: PARTITIONS,
          lines: 403,
          events: 400,
          directoryRecords: 3,
          messages: 403,
          rejected: 0,
          rejectedByCode: {},
          issues: [],
        });
        expect(new Map(answer.subjects.map((s) => [s.subject, s.messages]))).toEqual(perSubject);
        for (const s of answer.subjects)
          expect(s.subject).toBe(`${stream}.${s.partition}.${s.subject.split('.')[2]}`);
        // four actors over four partitions: the batch is spread, not all in one
        expect(new Set(answer.subjects.map((s) => s.partition)).size).toBeGreaterThan(1);
      });

      it('takes the batch gzipped and publishes its lines', async () => {
        const lines = batch('gz', 30);
        const { res, messages } = await published(gzipSync(body(lines)));
        expect(res.statusCode, res.body).toBe(200);
        expect(messages.map((m) => m.line)).toEqual(lines);
      });
    });

    describe('when lines are invalid', () => {
      const bad = () => [
        ...batch('bad', 5),
        '{"v":1,"kind":"event",',
        event('bad-x1', { action: 'seller.teleport' }),
        line({ v: 1, kind: 'employee', id: 'bad-x2' }),
      ];

      it('refuses the batch whole, with the codes and lines the import gives, and publishes nothing', async () => {
        const { res, messages } = await published(body(bad()));
        expect(messages).toEqual([]);
        const imported = await post(local, body(bad()));
        expect(res.statusCode).toBe(400);
        expect(imported.statusCode).toBe(400);
        type Refusal = {
          error: {
            code: string;
            message: string;
            rejected: number;
            rejectedByCode: object;
            issues: object[];
          };
        };
        const p = res.json<Refusal>().error;
        const i = imported.json<Refusal>().error;
        expect(p.code).toBe('INVALID_RECORDS');
        expect({ ...p, message: '', issues: withoutFile(p.issues) }).toEqual({
          ...i,
          message: '',
          issues: withoutFile(i.issues),
        });
        expect(p.message).toContain('nothing was published');
      });

      it('with skipInvalid=true publishes the valid lines and reports the rest as the import does', async () => {
        const { res, messages } = await published(body(bad()), '?skipInvalid=true');
        expect(res.statusCode, res.body).toBe(200);
        expect(messages.map((m) => m.line)).toEqual(batch('bad', 5));
        const imported = (await post(local, body(bad()), undefined, '?skipInvalid=true')).json<
          Record<string, unknown>
        >();
        const answer = res.json<Record<string, unknown>>();
        for (const k of ['lines', 'rejected', 'rejectedByCode', 'events'])
          expect(answer[k], k).toEqual(imported[k]);
        expect(withoutFile(answer['issues'] as object[])).toEqual(
          withoutFile(imported['issues'] as object[]),
        );
      });

      it('refuses a body over the limit (413) and publishes nothing', async () => {
        const { res, messages } = await published(body(batch('huge', 3000)));
        expect(res.statusCode, res.body).toBe(413);
        expect(res.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: ANY_TEXT } });
        expect(messages).toEqual([]);
      });
    });

    describe('when the caller may not ingest', () => {
      it('refuses a request without a token (401) and one without the ingest scope (403), publishing nothing', async () => {
        const none = await published(body(batch('anon', 3)), '', {});
        expect(none.res.statusCode).toBe(401);
        expect(none.res.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: ANY_TEXT } });
        expect(none.messages).toEqual([]);
        const other = await published(body(batch('inv', 3)), '', bearer(pub.tokens['inv1']!));
        expect(other.res.statusCode).toBe(403);
        expect(other.res.json()).toEqual({ error: { code: 'FORBIDDEN', message: ANY_TEXT } });
        expect(other.messages).toEqual([]);
      });
    });

    describe('its OpenAPI document', () => {
      it('describes the publish report as the answer (the importing server’s does not)', async () => {
        type Doc = {
          paths: Record<
            string,
            {
              post: {
                responses: Record<
                  string,
                  { content?: Record<string, { schema: { properties?: object } }> }
                >;
              };
            }
          >;
        };
        const of = async (f: ApiFixture) =>
          (await f.app.inject({ method: 'GET', url: '/docs/json' })).json<Doc>().paths[
            '/v1/ingest'
          ]!.post.responses['200']?.content?.['application/json']?.schema.properties;
        expect(Object.keys((await of(pub)) ?? {})).toEqual(
          expect.arrayContaining([
            'stream',
            'partitions',
            'events',
            'directoryRecords',
            'messages',
            'subjects',
          ]),
        );
        expect(await of(local)).toBeUndefined();
      });
    });
  });

  describe('POST /v1/ingest in publish mode, when NATS goes away and comes back', () => {
    it('answers 503 STREAM_UNAVAILABLE while it is away, and publishes again once it is back', async () => {
      let relay = await natsRelay(0);
      const port = relay.port;
      const s = `${stream}_relay`;
      const f = await apiFixture(
        {},
        undefined,
        new StreamPublisher(s, () =>
          openJetStream({ url: `nats://127.0.0.1:${port}`, stream: s, create: true }),
        ),
      );
      try {
        const send = (tag: string) => post(f, body(batch(tag, 10)));
        expect((await send('up')).statusCode).toBe(200);
        await relay.stop();
        const away = await send('away');
        expect(away.statusCode, away.body).toBe(503);
        expect(away.json()).toEqual({ error: { code: 'STREAM_UNAVAILABLE', message: ANY_TEXT } });
        relay = await natsRelay(port);
        let back = await send('back');
        for (let i = 0; back.statusCode !== 200 && i < 20; i++) {
          await new Promise((r) => setTimeout(r, 500));
          back = await send('back');
        }
        expect(back.statusCode, back.body).toBe(200);
        const lines = (await streamMessagesAfter(s, 0)).map((m) => m.line);
        expect(lines.slice(0, 13)).toEqual(batch('up', 10));
        expect(lines.slice(-13)).toEqual(batch('back', 10));
      } finally {
        await f.close();
        await relay.stop();
        await deleteStream(s);
      }
    }, 60_000);
  });

  describe('warden serve --publish', () => {
    it('refuses to start on a stream of another layout (LAYOUT_MISMATCH), and --nats without --publish', async () => {
      const other = `${stream}_old`;
      await makeStream(other, 'warden event stream; partitions=2');
      try {
        const r = await runCli([
          'serve',
          '--db',
          pub.db,
          '--publish',
          '--nats',
          nats.url,
          '--stream',
          other,
          '--port',
          '0',
          '--log-level',
          'silent',
        ]);
        expect(r.code).toBe(2);
        expect(r.err).toContain('[LAYOUT_MISMATCH]');
      } finally {
        await deleteStream(other);
      }
      const stray = await runCli(['serve', '--db', pub.db, '--nats', nats.url, '--port', '0']);
      expect(stray.code).toBe(2);
      expect(stray.err).toContain('--nats goes with --publish');
    });

    describe('when SIGTERM arrives while a batch is streaming in', () => {
      it('publishes the batch whole and answers it, then exits 0', async () => {
        const signals = new EventEmitter();
        const w = await wire(pub.db);
        let listening: (a: string) => void = () => {};
        const address = new Promise<string>((r) => (listening = r));
        const io = { out: () => {}, err: () => {}, stdin: process.stdin };
        const run = serveCommand(
          w,
          { port: '0', logLevel: 'silent', publish: true, nats: nats.url, stream },
          io,
          { signals, onListening: (a) => listening(a) },
        ).finally(() => w.close());
        const base = await address;
        const from = await lastSeq(stream);
        const lines = batch('term', 300);
        const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(
            `${base}/v1/ingest`,
            {
              method: 'POST',
              headers: { ...bearer(pub.tokens['feed1']!), 'content-type': 'application/x-ndjson' },
            },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
          );
          req.on('error', reject);
          req.write(body(lines.slice(0, 150)));
          setTimeout(() => {
            signals.emit('SIGTERM');
            setTimeout(() => req.end(body(lines.slice(150))), 300);
          }, 300);
        });
        const res = await answer;
        expect(res.status, res.body).toBe(200);
        expect(JSON.parse(res.body)).toMatchObject({ events: 300, messages: 303 });
        expect(await run).toBe(0);
        expect((await streamMessagesAfter(stream, from)).map((m) => m.line)).toEqual(lines);
      }, 60_000);
    });
  });
}

/** A TCP relay to the test NATS server, on `port` (0: any), that can be cut. */
async function natsRelay(port: number): Promise<{ port: number; stop(): Promise<void> }> {
  const target = new URL(TEST_NATS_URL);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 4222), target.hostname);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((r) => {
        for (const socket of sockets) socket.destroy();
        if (server.listening) server.close(() => r());
        else r();
      }),
  };
}
