import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openNote,
  parseCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/index.js';
import { apiFixture, bearer, type ApiFixture } from './fixture.js';
import { ANY_OBJECT, ANY_TEXT } from './fixture.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await apiFixture();
}, 120_000);
afterAll(async () => {
  await f?.close();
});

const as = (who: string) => bearer(f.tokens[who]!);
const b = (s: string): Buffer => Buffer.from(s, 'base64');
const get = (url: string, who: string) => f.app.inject({ method: 'GET', url, headers: as(who) });
const post = (url: string, who: string, payload?: object) =>
  f.app.inject({ method: 'POST', url, headers: as(who), ...(payload ? { payload } : {}) });

describe('the guarded operations over HTTP', () => {
  describe('when a removal needs a second person', () => {
    it('goes pending, is refused to its requester, approved by a peer, then carried out once', async () => {
      const asked = await post('/v1/requests', 'm1', {
        action: 'review.delete',
        targetId: 'r1',
        reason: 'spam',
      });
      expect(asked.statusCode, asked.body).toBe(202);
      const { approvalId } = asked.json<{ approvalId: string }>();
      expect(approvalId).toMatch(/\S/);

      const listed = await get('/v1/approvals', 'm2');
      expect(listed.json<{ items: { id: string }[] }>().items.map((a) => a.id)).toContain(
        approvalId,
      );

      const self = await post(`/v1/approvals/${approvalId}/approve`, 'm1');
      expect(self.statusCode).toBe(403);
      expect(self.json()).toMatchObject({ error: { code: 'DENIED' } });

      const peer = await post(`/v1/approvals/${approvalId}/approve`, 'm2');
      expect(peer.statusCode, peer.body).toBe(200);

      const done = await post('/v1/requests', 'm1', {
        action: 'review.delete',
        targetId: 'r1',
        reason: 'spam',
        approvalId,
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({ outcome: 'allow' });

      const replay = await post('/v1/requests', 'm1', {
        action: 'review.delete',
        targetId: 'r1',
        reason: 'spam',
        approvalId,
      });
      expect(replay.statusCode).toBe(403);
      expect(replay.json()).toMatchObject({ error: { code: 'APPROVAL_USED' } });
    });
  });

  describe('when the policies deny', () => {
    it('answers 403 DENIED naming the recorded event, and allows the same read under a held ticket', async () => {
      const denied = await post('/v1/requests', 'a1', { action: 'review.view', targetId: 'r1' });
      expect(denied.statusCode).toBe(403);
      const { error } = denied.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe('DENIED');
      expect(error.message).toMatch(/recorded as event w-/);
      const allowed = await post('/v1/requests', 'a1', {
        action: 'review.view',
        targetId: 'r1',
        ticketId: 't1',
      });
      expect(allowed.statusCode, allowed.body).toBe(200);
      expect(allowed.json()).toMatchObject({ outcome: 'allow', data: ANY_OBJECT });
    });

    it('refuses an unknown action and an unknown field by the schema, naming the field', async () => {
      const bad = await post('/v1/requests', 'a1', { action: 'seller.delete', targetId: 's1' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        error: { code: 'BAD_REQUEST', message: expect.stringContaining('action') as unknown },
      });
      const extra = await post('/v1/requests', 'a1', {
        action: 'review.view',
        targetId: 'r1',
        employeeId: 'm1',
      });
      expect(extra.statusCode).toBe(400);
      expect(extra.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    });
  });
});

describe('the ledger over HTTP', () => {
  it('hands out a signed checkpoint that verifies with the verifier key it names', async () => {
    const res = await get('/v1/ledger/checkpoint', 'aud1');
    const cp = res.json<{ note: string; verifierKey: string; size: number; rootHash: string }>();
    const body = parseCheckpoint(openNote(cp.note, [cp.verifierKey]).text);
    expect(Number(body.size)).toBe(cp.size);
    expect(body.rootHash.toString('base64')).toBe(cp.rootHash);
  });

  it('proves a record’s inclusion and the log’s consistency, and the proofs check', async () => {
    const inc = (await get('/v1/ledger/inclusion?record=ev-1', 'aud1')).json<{
      index: number;
      treeSize: number;
      leafHash: string;
      rootHash: string;
      proof: string[];
    }>();
    expect(() =>
      verifyInclusion(inc.index, inc.treeSize, b(inc.leafHash), inc.proof.map(b), b(inc.rootHash)),
    ).not.toThrow();
    const con = (await get(`/v1/ledger/consistency?from=3&to=${inc.treeSize}`, 'aud1')).json<{
      size1: number;
      size2: number;
      root1: string;
      root2: string;
      proof: string[];
    }>();
    expect(() =>
      verifyConsistency(con.size1, con.size2, b(con.root1), b(con.root2), con.proof.map(b)),
    ).not.toThrow();
  });

  it('refuses out-of-range and malformed proof queries in the one shape', async () => {
    for (const url of [
      '/v1/ledger/inclusion?index=999999',
      '/v1/ledger/inclusion?index=-1',
      '/v1/ledger/inclusion?index=1&record=ev-1',
      '/v1/ledger/consistency?from=5&to=2',
      '/v1/ledger/consistency?from=1&to=99999999',
    ]) {
      const res = await get(url, 'aud1');
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toEqual({
        error: { code: 'BAD_REQUEST', message: ANY_TEXT },
      });
    }
    expect((await get('/v1/ledger/inclusion?record=nope', 'aud1')).statusCode).toBe(404);
  });
});

describe('cursor pagination', () => {
  it('walks every checkpoint one page at a time, each once', async () => {
    const all = (await get('/v1/ledger/checkpoints?limit=500', 'aud1')).json<{
      items: { size: number }[];
    }>();
    expect(all.items.length).toBeGreaterThan(2);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const res = await get(
        `/v1/ledger/checkpoints?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        'aud1',
      );
      const p = res.json<{ items: { size: number }[]; nextCursor?: string }>();
      seen.push(...p.items.map((i) => i.size));
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i) => i.size));
  });

  it('refuses a cursor once the list it paged has changed, and a forged cursor', async () => {
    for (const targetId of ['r2', 'r3']) {
      const asked = await post('/v1/requests', 'm2', {
        action: 'review.delete',
        targetId,
        reason: 'spam',
      });
      expect(asked.statusCode, asked.body).toBe(202);
    }
    const first = (await get('/v1/approvals?status=pending&limit=1', 'm2')).json<{
      nextCursor?: string;
    }>();
    expect(first.nextCursor).toBeDefined();
    await post('/v1/requests', 'a1', {
      action: 'ticket.open',
      targetId: 's1',
      topic: 'grows the ledger',
    });
    const stale = await get(
      `/v1/approvals?status=pending&limit=1&cursor=${first.nextCursor}`,
      'm2',
    );
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'CURSOR_STALE' } });
    const forged = await get('/v1/approvals?cursor=eyJvIjotMX0', 'm2');
    expect(forged.statusCode).toBe(400);
    expect((await get('/v1/risk?limit=100000', 'inv1')).statusCode).toBe(400);
  });
});

describe('findings over HTTP', () => {
  it('answers what warden explain --json answers, and 404 for an unknown employee', async () => {
    const { runCli } = await import('../helpers.js');
    const res = await get('/v1/employees/a1/explain', 'inv1');
    expect(res.statusCode, res.body).toBe(200);
    const cli = await runCli(['explain', 'a1', '--json', '--db', f.db]);
    expect(res.json()).toEqual(JSON.parse(cli.out));
    const none = await get('/v1/employees/nobody/explain', 'inv1');
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('pages risk and alerts as warden risk|alerts --json list them', async () => {
    const { runCli } = await import('../helpers.js');
    const risk = (await get('/v1/risk?limit=500', 'inv1')).json<{ items: unknown[] }>();
    expect(risk.items).toEqual(JSON.parse((await runCli(['risk', '--json', '--db', f.db])).out));
    const alerts = (await get('/v1/alerts?limit=500', 'inv1')).json<{ items: unknown[] }>();
    expect(alerts.items).toEqual(
      JSON.parse((await runCli(['alerts', '--json', '--db', f.db])).out),
    );
  });
});
