import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDb, employee } from '../helpers.js';
import { wireReadOnly } from '../../src/cli/read-only.js';
import { apiFixture, bearer, GRANTS, ISSUER, type ApiFixture } from './fixture.js';
import { ANY_TEXT } from './fixture.js';

interface Route {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly scope: string;
  readonly body?: object | string;
  readonly type?: string;
}

/** Every data route, with a harmless request (refused or idempotent where it writes). */
const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    url: '/v1/ingest',
    scope: 'ingest',
    // a directory record sent again unchanged: nothing is stored
    body: `${employee('a1')}\n`,
    type: 'application/x-ndjson',
  },
  {
    method: 'POST',
    url: '/v1/requests',
    scope: 'guard',
    body: { action: 'review.view', targetId: 'r1' },
  },
  { method: 'POST', url: '/v1/approvals/ap-none/approve', scope: 'guard' },
  { method: 'POST', url: '/v1/approvals/ap-none/reject', scope: 'guard' },
  { method: 'GET', url: '/v1/approvals', scope: 'approvals' },
  { method: 'GET', url: '/v1/risk', scope: 'findings' },
  { method: 'GET', url: '/v1/alerts', scope: 'findings' },
  { method: 'GET', url: '/v1/sellers', scope: 'findings' },
  { method: 'GET', url: '/v1/rings', scope: 'findings' },
  { method: 'GET', url: '/v1/employees/a1/explain', scope: 'findings' },
  { method: 'GET', url: '/v1/ledger/checkpoint', scope: 'ledger' },
  { method: 'GET', url: '/v1/ledger/checkpoints', scope: 'ledger' },
  { method: 'GET', url: '/v1/ledger/inclusion?index=0', scope: 'ledger' },
  { method: 'GET', url: '/v1/ledger/consistency?from=1&to=2', scope: 'ledger' },
  { method: 'POST', url: '/v1/alerts/al-none/acknowledge', scope: 'cases' },
  {
    method: 'POST',
    url: '/v1/alerts/al-none/dismiss',
    scope: 'cases',
    body: { reason: 'r', until: '2099-01-01T00:00:00Z' },
  },
  { method: 'POST', url: '/v1/alerts/al-none/escalate', scope: 'cases', body: {} },
  { method: 'GET', url: '/v1/cases', scope: 'cases' },
  // no title: refused by the schema, so nothing is opened
  { method: 'POST', url: '/v1/cases', scope: 'cases', body: {} },
  { method: 'GET', url: '/v1/cases/case-none', scope: 'cases' },
  { method: 'GET', url: '/v1/cases/case-none/timeline', scope: 'cases' },
  { method: 'POST', url: '/v1/cases/case-none/notes', scope: 'cases', body: { text: 'n' } },
  {
    method: 'POST',
    url: '/v1/cases/case-none/subjects',
    scope: 'cases',
    body: { kind: 'seller', ref: 's1' },
  },
  { method: 'POST', url: '/v1/cases/case-none/reveal', scope: 'cases', body: { reason: 'r' } },
  { method: 'POST', url: '/v1/cases/case-none/reveal/approve', scope: 'cases' },
  {
    method: 'POST',
    url: '/v1/cases/case-none/actions',
    scope: 'cases',
    body: { measure: 'seller.suspend', subject: 's1', reason: 'r', rule: 'tos' },
  },
  { method: 'GET', url: '/v1/appeals', scope: 'cases' },
  // no grounds: refused by the schema, so nothing is filed
  { method: 'POST', url: '/v1/appeals', scope: 'cases', body: { measureEvent: 'w-none' } },
  // no such appeal: refused before anything is written
  {
    method: 'POST',
    url: '/v1/appeals/ap-none/decide',
    scope: 'cases',
    body: { outcome: 'upheld', decision: 'd' },
  },
  {
    method: 'POST',
    url: '/v1/attribution/emails',
    scope: 'attribution',
    body: 'nobody@example.org\n',
    type: 'text/plain',
  },
  // no export in the ledger: nothing is read or written
  {
    method: 'POST',
    url: '/v1/attribution/exports',
    scope: 'attribution',
    body: 'seller,period,revenue\n',
    type: 'text/csv',
  },
  { method: 'GET', url: '/v1/attribution/canaries/nobody@example.org', scope: 'attribution' },
  // no figures: refused by the schema, so the guard is not asked
  { method: 'POST', url: '/v1/exports', scope: 'guard', body: { sellerId: 's1' } },
];

const CALLERS = ['inv1', 'feed1', 'm1', 'a1', 'aud1', 'none1'] as const;
const scopesOf = (role: string): string[] => GRANTS.find((g) => g.role === role)?.scopes ?? [];
const ROLE: Record<(typeof CALLERS)[number], string> = {
  inv1: 'investigator',
  feed1: 'feeder',
  m1: 'moderator',
  a1: 'agent',
  aud1: 'auditor',
  none1: 'trainee',
};

let f: ApiFixture;
beforeAll(async () => {
  // this file sends hundreds of bad credentials on purpose: the address limit is tested elsewhere
  f = await apiFixture({ authFailuresPerMinute: 1_000_000 });
}, 120_000);
afterAll(async () => {
  await f?.close();
});

function send(route: Route, headers: Record<string, string>) {
  const body = route.body === undefined ? undefined : route.body;
  return f.app.inject({
    method: route.method,
    url: route.url,
    headers: {
      ...headers,
      ...(route.type ? { 'content-type': route.type } : {}),
    },
    ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body }),
  });
}

const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('the HTTP API authorisation', () => {
  describe('when the caller holds a token', () => {
    for (const caller of CALLERS) {
      for (const route of ROUTES) {
        const granted = scopesOf(ROLE[caller]).includes(route.scope);
        it(`${granted ? 'lets' : 'refuses'} ${caller} (${ROLE[caller]}) ${route.method} ${route.url}`, async () => {
          const res = await send(route, bearer(f.tokens[caller]!));
          const code = res.json<{ error?: { code: string } }>().error?.code;
          if (granted) {
            expect(res.statusCode, res.body).not.toBe(401);
            expect(code, res.body).not.toBe('FORBIDDEN');
            expect(res.statusCode, res.body).toBeLessThan(500);
          } else {
            expect(res.statusCode, res.body).toBe(403);
            expect(res.json()).toEqual({
              error: { code: 'FORBIDDEN', message: ANY_TEXT },
            });
          }
        });
      }
    }
  });

  describe('when the credential proves nobody', () => {
    const bad: Record<string, () => Promise<Record<string, string>>> = {
      'no Authorization header': () => Promise.resolve({}),
      'a Basic header': () => Promise.resolve({ authorization: 'Basic aW52MTpwdw==' }),
      'a malformed token': () => Promise.resolve(bearer('wdn_nonsense')),
      'a forged token (a known id, another secret)': () =>
        Promise.resolve(
          bearer(f.tokens['inv1']!.replace(/_[A-Za-z0-9_-]{43}$/, `_${'A'.repeat(43)}`)),
        ),
      'an expired token': async () => {
        const t = await f.token('inv1', new Date(Date.now() + 1500).toISOString());
        await new Promise((r) => setTimeout(r, 2000));
        return bearer(t);
      },
      'a revoked token': async () => {
        const t = await f.token('inv1');
        const { runCli } = await import('../helpers.js');
        const id = /^wdn_(tk-[0-9a-f]{16})_/.exec(t)![1]!;
        await runCli(['token', 'revoke', id, '--db', f.db]);
        return bearer(t);
      },
      'a JWT signed with another key': async () => bearer(await f.jwt('inv1', { key: f.otherKey })),
      'an expired JWT': async () =>
        bearer(await f.jwt('inv1', { expiresIn: Math.floor(Date.now() / 1000) - 120 })),
      'a JWT from another issuer': async () =>
        bearer(await f.jwt('inv1', { issuer: 'https://evil.test' })),
      'a JWT for another audience': async () => bearer(await f.jwt('inv1', { audience: 'other' })),
      'a JWT with alg none': () =>
        Promise.resolve(
          bearer(
            `${b64url({ alg: 'none' })}.${b64url({ sub: 'inv1', iss: 'https://idp.marketplace.test', aud: 'warden', exp: 9999999999 })}.`,
          ),
        ),
      'a JWT signed HS256 with the public key as secret': () => {
        const head = b64url({ alg: 'HS256', typ: 'JWT' });
        const body = b64url({
          sub: 'inv1',
          iss: 'https://idp.marketplace.test',
          aud: 'warden',
          exp: 9999999999,
        });
        const sig = createHmac('sha256', 'public').update(`${head}.${body}`).digest('base64url');
        return Promise.resolve(bearer(`${head}.${body}.${sig}`));
      },
      'a valid JWT for a leaver': async () => bearer(await f.jwt('gone1')),
      'a valid JWT for someone not in the directory': async () => bearer(await f.jwt('nobody')),
    };
    for (const [what, make] of Object.entries(bad)) {
      it(`every route refuses ${what} with 401 and stores nothing`, async () => {
        const headers = await make();
        const before = dumpDb(f.db);
        for (const route of ROUTES) {
          const res = await send(route, headers);
          expect(res.statusCode, `${route.method} ${route.url}: ${res.body}`).toBe(401);
          expect(res.json()).toEqual({
            error: { code: 'UNAUTHENTICATED', message: ANY_TEXT },
          });
        }
        expect(dumpDb(f.db)).toBe(before);
      }, 30_000);
    }
  });

  describe('when the caller holds a valid JWT', () => {
    it('acts as its subject, with the subject’s directory role', async () => {
      const inv = bearer(await f.jwt('inv1'));
      expect(
        (await f.app.inject({ method: 'GET', url: '/v1/risk', headers: inv })).statusCode,
      ).toBe(200);
      const ingest = await f.app.inject({
        method: 'POST',
        url: '/v1/ingest',
        headers: { ...inv, 'content-type': 'application/x-ndjson' },
        payload: `${employee('a1')}\n`,
      });
      expect(ingest.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    });

    it('records a guarded request as made by the JWT subject, identified by the issuer', async () => {
      const res = await f.app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: bearer(await f.jwt('m1')),
        payload: { action: 'review.view', targetId: 'r1' },
      });
      expect(res.statusCode, res.body).toBe(200);
      const eventId = res.json<{ eventId: string }>().eventId;
      const r = await wireReadOnly(f.db);
      try {
        const recorded = (await r.store.events.byIds([eventId])).get(eventId);
        expect(recorded?.actor).toBe('m1');
        expect(recorded?.attrs?.['identity']).toEqual({ kind: 'jwt', issuer: ISSUER });
      } finally {
        await r.close();
      }
    });
  });

  describe('when the docs are asked for', () => {
    it('serves OpenAPI 3.1 without a credential, generated from the routes’ schemas', async () => {
      const res = await f.app.inject({ method: 'GET', url: '/docs/json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json<{
        openapi: string;
        paths: Record<
          string,
          Record<string, { requestBody?: unknown; parameters?: { name: string }[] }>
        >;
      }>();
      expect(doc.openapi).toBe('3.1.0');
      for (const r of ROUTES) {
        const path = r.url
          .split('?')[0]!
          .replace(/ap-none|case-none|al-none/, '{id}')
          .replace('/a1/', '/{id}/')
          .replace(/canaries\/.+$/, 'canaries/{address}');
        expect(doc.paths[path]?.[r.method.toLowerCase()], path).toBeDefined();
      }
      expect(JSON.stringify(doc.paths['/v1/requests']?.['post']?.requestBody)).toContain(
        'review.delete',
      );
      expect(doc.paths['/v1/alerts']?.['get']?.parameters?.map((p) => p.name)).toContain(
        'severity',
      );
    });
  });

  describe('when the caller asks who they are', () => {
    it('answers the employee and the scopes their directory role gives, for any valid credential', async () => {
      const me = await f.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: bearer(f.tokens['none1']!),
      });
      expect(me.json<object>()).toEqual({
        employeeId: 'none1',
        identity: { kind: 'token', tokenId: expect.stringMatching(/^tk-/) as unknown },
        scopes: [],
      });
      const viaJwt = await f.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: bearer(await f.jwt('inv1')),
      });
      expect(viaJwt.json<{ scopes: string[] }>().scopes).toEqual([
        'approvals',
        'attribution',
        'cases',
        'findings',
        'ledger',
      ]);
      expect((await f.app.inject({ method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
    });
  });

  describe('when a route does not exist', () => {
    it('answers 401 without a credential and 404 in the one shape with one', async () => {
      expect((await f.app.inject({ method: 'GET', url: '/v1/nope' })).statusCode).toBe(401);
      const res = await f.app.inject({
        method: 'GET',
        url: '/v1/nope',
        headers: bearer(f.tokens['inv1']!),
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: ANY_TEXT } });
    });
  });
});
