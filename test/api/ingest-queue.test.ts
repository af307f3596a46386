import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDb, employee, event, runCli } from '../helpers.js';
import { apiFixture, bearer, type ApiFixture } from './fixture.js';

const LIMIT = 64 * 1024;
let f: ApiFixture;

beforeAll(async () => {
  f = await apiFixture({ ingestBody: LIMIT, perMinute: 600 });
}, 120_000);
afterAll(async () => {
  await f?.close();
});

/** A new employee and `n` events by them, ids prefixed so batches never collide. */
function batch(prefix: string, n: number): string {
  const lines = [employee(`${prefix}-e`)];
  for (let i = 0; i < n; i++)
    lines.push(
      event(`${prefix}-ev-${i}`, {
        actor: `${prefix}-e`,
        time: `2026-03-02T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
        target: { type: 'seller', id: 's1' },
      }),
    );
  return `${lines.join('\n')}\n`;
}

const ingest = (payload: string | Readable) =>
  f.app.inject({
    method: 'POST',
    url: '/v1/ingest',
    headers: { ...bearer(f.tokens['feed1']!), 'content-type': 'application/x-ndjson' },
    payload,
  });

/** A body sent 1 KiB at a time as the server reads it, counting the bytes it has read. */
function sentInChunks(text: string): { stream: Readable; bytes: number; read: number } {
  const body = Buffer.from(text);
  const sent = { stream: Readable.from([]), bytes: body.length, read: 0 };
  sent.stream = Readable.from(
    (function* () {
      for (let at = 0; at < body.length; at += 1024) {
        const chunk = body.subarray(at, at + 1024);
        sent.read += chunk.length;
        yield chunk;
      }
    })(),
    { objectMode: false, highWaterMark: 1024 },
  );
  return sent;
}

/** Waits until `done()` holds, failing with `state()` if it does not within 10 s. */
async function until(done: () => boolean, state: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`still waiting after 10 s: ${state()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Holds the write queue until the returned function is called. */
function holdQueue(): { release: () => void; done: Promise<void> } {
  let release = (): void => {};
  const done = f.writes.run(() => new Promise<void>((r) => (release = r)));
  return { release: () => release(), done };
}

/** The leaves of the events whose ids start with `prefix`, ascending. */
function leavesOf(prefix: string): number[] {
  const db = new Database(f.db, { readonly: true });
  try {
    return db
      .prepare('SELECT leaf FROM events WHERE id LIKE ? ORDER BY leaf')
      .pluck()
      .all(`${prefix}-ev-%`) as number[];
  } finally {
    db.close();
  }
}

describe('POST /v1/ingest and the write queue', () => {
  it('refuses a body over the limit without waiting for the write queue (413), storing nothing', async () => {
    const held = holdQueue();
    try {
      const before = dumpDb(f.db);
      const body = batch('over', 600);
      expect(body.length).toBeGreaterThan(LIMIT);
      const answered = await Promise.race([
        ingest(body).then((res) => ({
          status: res.statusCode,
          code: res.json<{ error: { code: string } }>().error.code,
        })),
        new Promise((r) => setTimeout(() => r('still waiting for the queue'), 10_000)),
      ]);
      expect(answered).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
      expect(f.writes.size).toBe(1); // only the holder: the refused batch never queued
      expect(dumpDb(f.db)).toBe(before);
    } finally {
      held.release();
      await held.done;
    }
  }, 30_000);

  it('reads two batches sent while the queue is held, then lands each whole and contiguous, in some order', async () => {
    const held = holdQueue();
    const bodies = [sentInChunks(batch('qa', 300)), sentInChunks(batch('qb', 300))];
    const [a, b] = bodies.map((body) => ingest(body.stream));
    // the route reads each body ahead of the write queue (its prefetch): both are read whole
    // and both batches wait behind the holder, before it lets go
    await until(
      () => bodies.every((body) => body.read === body.bytes) && f.writes.size === 3,
      () =>
        `bodies read ${bodies.map((body) => `${body.read}/${body.bytes}`).join(', ')} bytes, ${f.writes.size} in the queue`,
    );
    held.release();
    await held.done;
    const [ra, rb] = await Promise.all([a!, b!]);
    expect(ra.statusCode, ra.body).toBe(200);
    expect(rb.statusCode, rb.body).toBe(200);
    expect(ra.json()).toMatchObject({ events: 300, directoryVersions: 1, rejected: 0 });
    expect(rb.json()).toMatchObject({ events: 300, directoryVersions: 1, rejected: 0 });
    const la = leavesOf('qa');
    const lb = leavesOf('qb');
    expect(la).toHaveLength(300);
    expect(lb).toHaveLength(300);
    // atomic: each batch's events are one run of leaves (its employee's just before), not mixed
    for (const leaves of [la, lb]) expect(leaves.at(-1)! - leaves[0]!).toBe(299);
    expect(la[0]! > lb.at(-1)! || lb[0]! > la.at(-1)!).toBe(true);
    // the later batch's checkpoint covers both
    type Report = { checkpoint: { size: number } };
    const sizes = [ra.json<Report>().checkpoint.size, rb.json<Report>().checkpoint.size];
    expect(Math.max(...sizes)).toBeGreaterThan(Math.max(la.at(-1)!, lb.at(-1)!));
    expect((await runCli(['ledger', 'verify', '--db', f.db])).code).toBe(0);
  }, 60_000);
});
