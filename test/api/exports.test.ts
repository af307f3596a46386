import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figuresCsv } from '../../src/attribute/fingerprint-test-support.js';
import { runCli } from '../helpers.js';
import { apiFixture, bearer, type ApiFixture } from './fixture.js';

// Fingerprinted exports over HTTP, and tracing a leaked copy back to its recipient: the agent
// a1 holds ticket t1 of seller s1, so the guard lets them export its figures; the copy made
// for them, leaked, names them. Canary status: `warden canary report` over HTTP.
let f: ApiFixture;
const FIGURES = figuresCsv(800, 21);
beforeAll(async () => {
  f = await apiFixture();
}, 120_000);
afterAll(async () => {
  await f?.close();
});

const post = (url: string, who: string, payload: object | string, type?: string) =>
  f.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(f.tokens[who]!), ...(type ? { 'content-type': type } : {}) },
    payload,
  });

interface Exported {
  outcome: string;
  eventId: string;
  data: { rows: number; export: { id: string; sha256: string; marked: number; csv: string } };
}

describe('POST /v1/exports', () => {
  let copy = '';

  it('hands the caller a fingerprinted copy once the guard allows it, its event recording the export', async () => {
    const res = await post('/v1/exports', 'a1', {
      sellerId: 's1',
      ticketId: 't1',
      figures: FIGURES,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Exported>();
    expect(body).toMatchObject({ outcome: 'allow', data: { rows: 800 } });
    copy = body.data.export.csv;
    expect(copy).not.toBe(FIGURES);
    expect(body.data.export.sha256).toBe(createHash('sha256').update(copy).digest('hex'));
    expect(body.data.export.marked).toBeGreaterThan(0);
  });

  it('refuses figures of another seller (400), and a caller with no purpose (403 DENIED)', async () => {
    const other = await post('/v1/exports', 'a1', {
      sellerId: 's1',
      ticketId: 't1',
      figures: figuresCsv(10, 3, 's2'),
    });
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ error: { code: 'TABLE_INVALID' } });
    const noPurpose = await post('/v1/exports', 'm1', { sellerId: 's1', figures: FIGURES });
    expect(noPurpose.statusCode).toBe(403);
    expect(noPurpose.json()).toMatchObject({ error: { code: 'DENIED' } });
  });

  it('traces the leaked copy to its recipient (POST /v1/attribution/exports)', async () => {
    const res = await post('/v1/attribution/exports?name=leak.csv', 'inv1', copy, 'text/csv');
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<{
      file: string;
      exports: number;
      reading: { bits: number; columns: string[] };
      accused: { recipient: string; exports: string[] }[];
    }>();
    expect(report.file).toBe('leak.csv');
    expect(report.exports).toBe(1);
    expect(report.reading.bits).toBeGreaterThan(0);
    expect(report.accused.map((a) => a.recipient)).toEqual(['a1']);
    // the original figures are nobody's copy: nobody is accused
    const original = await post('/v1/attribution/exports', 'inv1', FIGURES, 'text/csv');
    expect(original.json<{ accused: unknown[] }>().accused).toEqual([]);
    const unreadable = await post('/v1/attribution/exports', 'inv1', 'nothing,here\n', 'text/csv');
    expect(unreadable.statusCode).toBe(400);
  });
});

describe('GET /v1/attribution/canaries/{address}', () => {
  it('names who touched a planted canary; an address that is none is 404', async () => {
    const planted = await runCli([
      'canary',
      'plant',
      '--per',
      'team',
      '--domain',
      'canary.example',
      '--db',
      f.db,
      '--json',
    ]);
    expect(planted.code, planted.err).toBe(0);
    const { canaries } = JSON.parse(planted.out) as { canaries: { address: string }[] };
    const address = canaries[0]!.address;
    const url = `/v1/attribution/canaries/${encodeURIComponent(address)}`;
    const res = await f.app.inject({ method: 'GET', url, headers: bearer(f.tokens['inv1']!) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ address, via: 'address', suspects: [] });
    const none = await f.app.inject({
      method: 'GET',
      url: '/v1/attribution/canaries/nobody%40example.org',
      headers: bearer(f.tokens['inv1']!),
    });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ error: { code: 'NOT_A_CANARY' } });
  });
});
