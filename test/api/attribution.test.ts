import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDb } from '../helpers.js';
import { apiFixture, bearer, type ApiFixture } from './fixture.js';

// `warden trace emails` over HTTP: a relay alias the guard handed out, found in a leaked list,
// leads back to the one employee who received it, with the hand-out's inclusion proof.
let f: ApiFixture;
let alias = '';
beforeAll(async () => {
  f = await apiFixture();
  const res = await f.app.inject({
    method: 'POST',
    url: '/v1/requests',
    headers: bearer(f.tokens['a1']!),
    payload: { action: 'reviewer.contact.view', targetId: 'rv1', ticketId: 't1' },
  });
  alias = res.json<{ data: { alias: string } }>().data.alias;
  expect(alias, res.body).toMatch(/^rv-.+@/);
}, 120_000);
afterAll(async () => {
  await f?.close();
});

const trace = (body: string, type = 'text/csv', who = 'inv1') =>
  f.app.inject({
    method: 'POST',
    url: '/v1/attribution/emails?name=leak.csv',
    headers: { ...bearer(f.tokens[who]!), 'content-type': type },
    payload: body,
  });

describe('POST /v1/attribution/emails', () => {
  describe('when a leaked list holds a relay alias', () => {
    it('names the employee who received it, with the proof of the hand-out, and stores nothing', async () => {
      const before = dumpDb(f.db);
      const res = await trace(`name,email\nR One,${alias}\nX,someone@else.example\n`);
      expect(res.statusCode, res.body).toBe(200);
      const report = res.json<{
        file: string;
        named: { employee: string; aliases: number }[];
        addresses: { address: string; match: string; accesses: { proof: object }[] }[];
      }>();
      expect(report.file).toBe('leak.csv');
      expect(report.named).toEqual([expect.objectContaining({ employee: 'a1', aliases: 1 })]);
      const found = report.addresses.find((a) => a.address === alias);
      expect(found?.match).toBe('alias');
      expect(found?.accesses[0]?.proof).toBeDefined();
      expect(report.addresses.find((a) => a.address === 'someone@else.example')?.match).toBe(
        'unknown',
      );
      expect(dumpDb(f.db)).toBe(before);
    });
  });

  describe('when the list leads nowhere or is sent wrongly', () => {
    it('names nobody for a forged alias, and refuses JSON with 415 or 400', async () => {
      const forged = alias.replace(/^rv-./, (m) => (m.endsWith('a') ? 'rv-b' : 'rv-a'));
      const res = await trace(`${forged}\n`, 'text/plain');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<{ named: unknown[] }>().named).toEqual([]);
      const json = await f.app.inject({
        method: 'POST',
        url: '/v1/attribution/emails',
        headers: bearer(f.tokens['inv1']!),
        payload: { list: alias },
      });
      expect([400, 415]).toContain(json.statusCode);
    });
  });
});
