import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFixture, bearer, type ApiFixture } from './fixture.js';

const lines: string[] = [];
let f: ApiFixture;
beforeAll(async () => {
  f = await apiFixture({}, { write: (l) => void lines.push(l) });
}, 120_000);
afterAll(async () => {
  await f?.close();
});

describe('the request log', () => {
  it('has one line per request with its id, and no credential, employee id, URL or personal data', async () => {
    const calls = [
      {
        method: 'GET' as const,
        url: '/v1/employees/a1/explain',
        headers: bearer(f.tokens['inv1']!),
      },
      { method: 'GET' as const, url: '/v1/risk?cursor=bad', headers: bearer(f.tokens['inv1']!) },
      { method: 'GET' as const, url: '/v1/risk', headers: bearer(`${f.tokens['a1']!}x`) },
      {
        method: 'POST' as const,
        url: '/v1/requests',
        headers: bearer(f.tokens['a1']!),
        payload: { action: 'reviewer.contact.view', targetId: 'rv1', ticketId: 't1' },
      },
    ];
    const ids: string[] = [];
    for (const c of calls) ids.push(String((await f.app.inject(c)).headers['x-request-id']));
    const text = lines.join('');
    const requests = lines.map(
      (l) => JSON.parse(l) as { msg: string; reqId?: string; route?: string },
    );
    expect(requests.filter((r) => r.msg === 'request')).toHaveLength(calls.length);
    expect(requests.every((r) => r.msg !== 'request' || typeof r.reqId === 'string')).toBe(true);
    expect(requests.map((r) => r.route)).toContain('/v1/employees/:id/explain');
    const logged = requests.filter((r) => r.msg === 'request').map((r) => r.reqId);
    expect(logged).toEqual(ids);
    for (const secret of [
      f.tokens['inv1']!,
      f.tokens['a1']!,
      'rv1@example.org',
      '"a1"',
      'inv1',
      'cursor=bad',
      'relay',
    ]) {
      expect(text.includes(secret), secret).toBe(false);
    }
  });
});
