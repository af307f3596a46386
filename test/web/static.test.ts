import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleServer, type ConsoleServer } from './server.js';

describe('the console served from the API origin', () => {
  let server: ConsoleServer;
  beforeAll(async () => {
    server = await consoleServer();
  }, 120_000);
  afterAll(() => server?.close());
  const get = (url: string, headers: Record<string, string> = {}) =>
    server.app.inject({ method: 'GET', url, headers });

  it('serves its page and hashed assets without a credential, under a strict CSP', async () => {
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const asset = await get(script ?? '');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^text\/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('serves nothing outside its assets: traversal, other types and unknown names are 404', async () => {
    for (const url of [
      '/assets/..%2f..%2fpackage.json',
      '/assets/..%2findex.html',
      '/assets/%2e%2e%2f%2e%2e%2fwarden.db',
      '/assets/index.json',
      '/assets/nothing-here.js',
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(404);
      expect(r.json(), url).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('leaves every data route guarded: no token is still 401', async () => {
    for (const url of ['/v1/risk', '/v1/me', '/v1/approvals', '/v1/ledger/checkpoint']) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(401);
    }
    const ok = await get('/v1/me', { authorization: `Bearer ${server.tokens.inv1}` });
    expect(ok.statusCode).toBe(200);
  });
});
