import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { fmtRate, median, verdict } from './stats.js';

const FLOOR = 0.5;
const SERVER = fileURLToPath(new URL('./api-server.js', import.meta.url));

interface Run {
  readonly result: Result;
  readonly rss: number[];
}

/**
 * `api`: autocannon against Warden's ingest route and one read route (an inclusion proof) for
 * `seconds` each, on 127.0.0.1, with a bare Fastify app in the same run as the baseline: it
 * parses the same NDJSON payload and sends it back as JSON (and answers a constant proof-sized
 * JSON for the read). Every request carries new event ids, so Warden stores every one.
 * Floor: Warden's ingest events/s ≥ 0.5 × the echo's; no errors; memory flat. A third server,
 * a bare durable insert of the same batches into Warden's schema (`insertApp` in
 * `api-server.ts`), in the same run, is the yardstick of what any durable ingest route does here.
 */
export async function benchApi(seconds: number, batch: number, connections: number): Promise<void> {
  const template = eventsTemplate(batch);
  let n = 0;
  const body = (): string => template.replaceAll('@', `r${++n}`);
  const echo = await withServer('echo', (port) => ({
    ingest: () =>
      cannon(port, seconds, connections, {
        method: 'POST',
        path: '/echo',
        body,
        type: 'application/x-ndjson',
      }),
    read: () => cannon(port, seconds, connections, { method: 'GET', path: '/read' }),
  }));
  const insert = await withServer('insert', (port) => ({
    ingest: () =>
      cannon(port, seconds, connections, {
        method: 'POST',
        path: '/insert',
        body,
        type: 'application/x-ndjson',
      }),
    read: () => cannon(port, seconds, connections, { method: 'GET', path: '/read' }),
  }));
  const api = await withServer('api', (port, token) => ({
    ingest: () =>
      cannon(port, seconds, connections, {
        method: 'POST',
        path: '/v1/ingest',
        body,
        type: 'application/x-ndjson',
        token,
      }),
    read: () =>
      cannon(port, seconds, connections, {
        method: 'GET',
        path: () => `/v1/ledger/inclusion?index=${Math.floor(Math.random() * 10_000)}`,
        token,
      }),
  }));
  report('ingest', echo.ingest, insert.ingest, api.ingest, batch);
  report('read (inclusion proof)', echo.read, undefined, api.read, 1);
  const rate = (r: Run): number => r.result.requests.average * batch;
  const ratio = rate(api.ingest) / rate(echo.ingest);
  const errors = [echo.ingest, echo.read, insert.ingest, insert.read, api.ingest, api.read].reduce(
    (s, r) => s + r.result.errors + r.result.timeouts + r.result.non2xx,
    0,
  );
  console.log(
    `api: ingest events/s: bare durable insert ${(rate(insert.ingest) / rate(echo.ingest)).toFixed(2)} × the echo's; Warden ${ratio.toFixed(2)} × the echo's (floor ${FLOOR}: ${verdict(ratio >= FLOOR)}), ${(rate(api.ingest) / rate(insert.ingest)).toFixed(2)} × the bare insert's; errors, timeouts and non-2xx: ${errors} (${verdict(errors === 0)})`,
  );
}

interface Shape {
  readonly method: 'GET' | 'POST';
  readonly path: string | (() => string);
  readonly body?: () => string;
  readonly type?: string;
  readonly token?: string;
}

function cannon(port: number, seconds: number, connections: number, s: Shape): Promise<Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: s.method,
        setupRequest: (req) => ({
          ...req,
          path: typeof s.path === 'function' ? s.path() : s.path,
          headers: {
            ...(s.type ? { 'content-type': s.type } : {}),
            ...(s.token ? { authorization: `Bearer ${s.token}` } : {}),
          },
          ...(s.body ? { body: s.body() } : {}),
        }),
      },
    ],
  });
}

/** Starts the server process, runs both phases against it, and stops it. */
async function withServer(
  mode: 'echo' | 'insert' | 'api',
  phases: (
    port: number,
    token: string,
  ) => { ingest: () => Promise<Result>; read: () => Promise<Result> },
): Promise<{ ingest: Run; read: Run }> {
  const child = fork(SERVER, [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let rss: number[] = [];
  const ready = new Promise<{ port: number; token: string }>((resolve) => {
    child.on('message', (m: { ready?: boolean; port: number; token: string; rss?: number }) => {
      if (m.rss !== undefined) rss.push(m.rss);
      if (m.ready) resolve(m);
    });
  });
  try {
    const { port, token } = await ready;
    const p = phases(port, token);
    rss = [];
    const ingest = await p.ingest();
    const ingestRss = rss;
    rss = [];
    const read = await p.read();
    return { ingest: { result: ingest, rss: ingestRss }, read: { result: read, rss } };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

function report(
  what: string,
  base: Run,
  insert: Run | undefined,
  warden: Run,
  perRequest: number,
): void {
  for (const [who, r] of [
    ['echo', base],
    ...(insert ? [['bare durable insert', insert] as const] : []),
    ['warden', warden],
  ] as const) {
    const x = r.result;
    const mib = (b: number): string => `${Math.round(b / 2 ** 20)} MiB`;
    const first = median(r.rss.slice(0, 5));
    const last = median(r.rss.slice(-5));
    console.log(
      `  ${what}, ${who}: ${fmtRate(x.requests.average)} requests (median ${fmtRate(x.requests.p50)}), ${fmtRate(x.requests.average * perRequest)} events, latency p50 ${x.latency.p50} ms p99 ${x.latency.p99} ms; ${x.requests.total} requests, ${x.errors} errors, ${x.timeouts} timeouts, ${x.non2xx} non-2xx; RSS first 5 s ${mib(first)}, last 5 s ${mib(last)} (×${(last / first).toFixed(2)}), max ${mib(Math.max(...r.rss))}`,
    );
  }
}

/** `batch` event lines whose ids carry `@`, replaced per request so every id is new. */
function eventsTemplate(batch: number): string {
  const lines: string[] = [];
  for (let i = 0; i < batch; i++) {
    lines.push(
      JSON.stringify({
        v: 1,
        kind: 'event',
        id: `@-${i}`,
        time: `2026-03-02T09:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
        actor: `e${i % 10}`,
        action: 'seller.metrics.view',
        target: { type: 'seller', id: 's1' },
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
