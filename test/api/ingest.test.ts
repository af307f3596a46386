import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wireReadOnly } from '../../src/cli/read-only.js';
import { dumpDb, employee, event, line, runCli, tempDir } from '../helpers.js';
import { apiFixture, bearer, directoryLines, type ApiFixture } from './fixture.js';
import { ANY_TEXT } from './fixture.js';

const LIMIT = 256 * 1024;
let f: ApiFixture;
/** A second database fed the same batches by `warden ingest`. */
const cliDir = tempDir('warden-api-cli-');
const cliDb = join(cliDir.path, 'warden.db');

beforeAll(async () => {
  f = await apiFixture({
    ingestBody: LIMIT,
    jsonBody: 16 * 1024,
    perMinute: 60,
    authFailuresPerMinute: 5,
  });
  writeFileSync(join(cliDir.path, 'directory.ndjson'), `${directoryLines().join('\n')}\n`);
  expect(
    (await runCli(['ingest', join(cliDir.path, 'directory.ndjson'), '--db', cliDb])).code,
  ).toBe(0);
}, 120_000);
afterAll(async () => {
  await f?.close();
  cliDir.cleanup();
});

/** A batch: two new employees and `n` events by them, ids prefixed so batches never collide. */
function batch(prefix: string, n: number): string[] {
  const lines = [employee(`${prefix}-e1`), employee(`${prefix}-e2`, { role: 'investigator' })];
  for (let i = 0; i < n; i++) {
    lines.push(
      event(`${prefix}-ev-${i}`, {
        actor: `${prefix}-e${(i % 2) + 1}`,
        time: `2026-03-02T09:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
        target: { type: 'seller', id: 's1' },
      }),
    );
  }
  return lines;
}

const ingest = (payload: string | Buffer, type = 'application/x-ndjson', query = '') =>
  f.app.inject({
    method: 'POST',
    url: `/v1/ingest${query}`,
    headers: { ...bearer(f.tokens['feed1']!), 'content-type': type },
    payload,
  });

async function viaCli(name: string, text: string | Buffer, ...flags: string[]) {
  const file = join(cliDir.path, name);
  writeFileSync(file, text);
  const r = await runCli(['ingest', file, '--db', cliDb, '--json', ...flags]);
  return {
    code: r.code,
    reports: r.out === '' ? [] : (JSON.parse(r.out) as Record<string, unknown>[]),
  };
}

/** The stored events and directory records of these ids, as each database holds them. */
async function stored(db: string, lines: string[]) {
  const ids = lines.map((l) => JSON.parse(l) as { kind: string; id: string });
  const r = await wireReadOnly(db);
  try {
    const events = await r.store.events.byIds(
      ids.filter((x) => x.kind === 'event').map((x) => x.id),
    );
    const directory: (string | undefined)[] = [];
    for (const x of ids.filter((y) => y.kind !== 'event'))
      directory.push(await r.store.directory.get(x.kind as 'employee', x.id));
    return { events: [...events.values()].sort((a, b) => a.id.localeCompare(b.id)), directory };
  } finally {
    await r.close();
  }
}

const withoutFile = (issues: readonly object[]) =>
  issues.map(({ file: _f, ...rest }: { file?: string }) => rest);

describe('POST /v1/ingest', () => {
  describe('when the batch is valid', () => {
    it('stores what warden ingest stores, and reports the same counts', async () => {
      const lines = batch('ok', 400);
      const res = await ingest(`${lines.join('\n')}\n`);
      expect(res.statusCode, res.body).toBe(200);
      const cli = await viaCli('ok.ndjson', `${lines.join('\n')}\n`);
      expect(cli.code).toBe(0);
      const pick = (r: Record<string, unknown>) => ({
        lines: r['lines'],
        events: r['events'],
        duplicates: r['duplicates'],
        directoryVersions: r['directoryVersions'],
        unchanged: r['unchanged'],
        rejected: r['rejected'],
        dangling: r['dangling'],
      });
      expect(pick(res.json())).toEqual(pick(cli.reports[0]!));
      expect(res.json<{ events: number }>().events).toBe(400);
      expect(await stored(f.db, lines)).toEqual(await stored(cliDb, lines));
    });

    it('takes the same batch gzipped, and a resent batch stores nothing twice', async () => {
      const lines = batch('gz', 50);
      const res = await ingest(gzipSync(`${lines.join('\n')}\n`), 'application/gzip');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ events: 50, directoryVersions: 2 });
      const again = await ingest(`${lines.join('\n')}\n`);
      expect(again.json()).toMatchObject({ events: 0, duplicates: 50, unchanged: 2 });
    });
  });

  describe('when lines are invalid', () => {
    const bad = () => [
      ...batch('bad', 5),
      '{"v":1,"kind":"event",',
      event('bad-x1', { action: 'seller.teleport' }),
      line({ v: 1, kind: 'employee', id: 'bad-x2' }),
      `{"v":1,"kind":"event","id":"deep","x":${'['.repeat(200)}${']'.repeat(200)}}`,
    ];

    it('refuses the whole batch with the codes and lines warden ingest gives, storing nothing', async () => {
      const text = `${bad().join('\n')}\n`;
      const before = dumpDb(f.db);
      const res = await ingest(text);
      expect(res.statusCode).toBe(400);
      const error = res.json<{ error: { code: string; issues: object[]; rejected: number } }>()
        .error;
      expect(error.code).toBe('INVALID_RECORDS');
      expect(error.rejected).toBe(4);
      expect(dumpDb(f.db)).toBe(before);
      const cli = await viaCli('bad.ndjson', text);
      expect(cli.code).toBe(2);
      const refused = cli.reports.at(-1) as { refused: { code: string }; issues: object[] };
      expect(refused.refused.code).toBe('INVALID_RECORDS');
      expect(withoutFile(error.issues)).toEqual(withoutFile(refused.issues));
      expect(withoutFile(error.issues).map((i) => (i as { code: string }).code)).toContain(
        'TOO_DEEP',
      );
    });

    it('with skipInvalid=true lands the valid lines, as --skip-invalid does', async () => {
      const text = `${bad().join('\n')}\n`;
      const res = await ingest(text, 'application/x-ndjson', '?skipInvalid=true');
      expect(res.statusCode, res.body).toBe(200);
      const cli = await viaCli('bad2.ndjson', text, '--skip-invalid');
      const api = res.json<{
        events: number;
        rejected: number;
        rejectedByCode: object;
        issues: object[];
      }>();
      expect(api).toMatchObject({ events: 5, rejected: 4 });
      expect(api.rejectedByCode).toEqual(cli.reports[0]!['rejectedByCode']);
      expect(withoutFile(api.issues)).toEqual(withoutFile(cli.reports[0]!['issues'] as object[]));
      expect(await stored(f.db, batch('bad', 5))).toEqual(await stored(cliDb, batch('bad', 5)));
    });
  });

  describe('when the body is hostile', () => {
    const refusedUnchanged = async (
      send: () => ReturnType<typeof ingest>,
      status: number,
      code: string,
    ) => {
      const before = dumpDb(f.db);
      const res = await send();
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json()).toEqual({ error: { code, message: ANY_TEXT } });
      expect(dumpDb(f.db)).toBe(before);
    };

    it('refuses a body over the limit (413) and stores nothing', async () => {
      const lines = batch('huge', 3000);
      expect(lines.join('\n').length).toBeGreaterThan(LIMIT);
      await refusedUnchanged(() => ingest(`${lines.join('\n')}\n`), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses a small gzip that inflates past the limit (413)', async () => {
      const bomb = gzipSync(Buffer.alloc(64 * LIMIT, 0x20));
      expect(bomb.length).toBeLessThan(LIMIT / 4);
      await refusedUnchanged(() => ingest(bomb, 'application/gzip'), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses a damaged gzip stream (400 CORRUPT_GZIP)', async () => {
      const gz = gzipSync(`${batch('cut', 200).join('\n')}\n`);
      await refusedUnchanged(
        () => ingest(gz.subarray(0, gz.length - 40), 'application/gzip'),
        400,
        'CORRUPT_GZIP',
      );
    });

    it('refuses a content type it does not take (415)', async () => {
      await refusedUnchanged(
        () => ingest(batch('txt', 1).join('\n'), 'text/plain'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });
  });
});

describe('JSON bodies', () => {
  const request = (payload: string) =>
    f.app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: { ...bearer(f.tokens['m1']!), 'content-type': 'application/json' },
      payload,
    });

  it.each([
    [
      'nested too deep',
      `{"action":"review.view","targetId":"r1","x":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      400,
      'INVALID_BODY',
    ],
    ['not JSON', '{"action":', 400, 'INVALID_BODY'],
    [
      'carrying __proto__',
      '{"action":"review.view","targetId":"r1","__proto__":{"admin":true}}',
      400,
      'INVALID_BODY',
    ],
    [
      'over the size limit',
      JSON.stringify({ action: 'review.view', targetId: 'r1', reason: 'x'.repeat(20_000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['of the wrong shape', '[1,2,3]', 400, 'BAD_REQUEST'],
  ])('refuses a body %s in the one error shape', async (_what, payload, status, code) => {
    const before = dumpDb(f.db);
    const res = await request(payload);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toEqual({ error: { code, message: ANY_TEXT } });
    expect(dumpDb(f.db)).toBe(before);
  });
});

describe('rate limits', () => {
  it('refuses a caller over the limit with 429, and not another caller', async () => {
    let last = 0;
    for (let i = 0; i < 61; i++) {
      last = (
        await f.app.inject({
          method: 'GET',
          url: '/v1/ledger/checkpoint',
          headers: bearer(f.tokens['aud1']!),
        })
      ).statusCode;
      if (last === 429) break;
    }
    expect(last).toBe(429);
    const refused = await f.app.inject({
      method: 'GET',
      url: '/v1/ledger/checkpoint',
      headers: bearer(f.tokens['aud1']!),
    });
    expect(refused.json()).toEqual({
      error: { code: 'RATE_LIMITED', message: ANY_TEXT },
    });
    const other = await f.app.inject({
      method: 'GET',
      url: '/v1/ledger/checkpoint',
      headers: bearer(f.tokens['inv1']!),
    });
    expect(other.statusCode).toBe(200);
  });

  it('refuses an address after 5 failed authentications a minute, even with a good token next', async () => {
    const from = { remoteAddress: '10.9.8.7' };
    const guess = (token: string) =>
      f.app.inject({
        method: 'GET',
        url: '/v1/ledger/checkpoint',
        headers: bearer(token),
        ...from,
      });
    for (let i = 0; i < 5; i++)
      expect((await guess(`wdn_tk-${'0'.repeat(16)}_${'A'.repeat(43)}`)).statusCode).toBe(401);
    const blocked = await guess(f.tokens['inv1']!);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json<object>()).toEqual({ error: { code: 'RATE_LIMITED', message: ANY_TEXT } });
    const elsewhere = await f.app.inject({
      method: 'GET',
      url: '/v1/ledger/checkpoint',
      headers: bearer(f.tokens['inv1']!),
      remoteAddress: '10.9.8.8',
    });
    expect(elsewhere.statusCode).toBe(200);
  });
});
