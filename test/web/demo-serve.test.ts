import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { demoCommand } from '../../src/cli/commands/demo.js';
import { serveDemo } from '../../src/cli/commands/demo-serve.js';
import { wireReadOnly } from '../../src/cli/read-only.js';
import type { Io } from '../../src/cli/io.js';
import { tempDir } from '../helpers.js';

// `npm start` is `warden demo --serve`: the demo, then the console with sign-in tokens.
describe('warden demo --serve', () => {
  const dir = tempDir('warden-demo-serve-');
  afterAll(() => dir.cleanup());

  it('serves the console, prints working tokens for an investigator and a moderator, and stops on Ctrl-C', async () => {
    let out = '';
    const io: Io = { out: (t) => (out += t), err: () => {}, stdin: Readable.from([]) };
    const db = join(dir.path, 'demo.db');
    const sim = join(dir.path, 'sim');
    expect(await demoCommand({ db, dir: sim, preset: 'small', seed: 3 }, io)).toBe(0);
    const signals = new EventEmitter();
    let checked: Promise<void> = Promise.resolve();
    const code = await serveDemo({ db, dir: sim, port: '0' }, io, {
      signals,
      onListening: (address) => {
        checked = (async () => {
          // the first view reads stored findings: they cover every leaf, the ones added for
          // the console and the first policy set that opening the guard ledgered included
          const r = await wireReadOnly(db);
          try {
            const latest = await r.store.findings.latest();
            expect(latest?.ledgerSize).toBe(await r.store.ledger.size());
          } finally {
            await r.close();
          }
          const page = await fetch(`${address}/`);
          expect(page.status).toBe(200);
          const tokens = [...stripVTControlCharacters(out).matchAll(/wdn_\S+/g)].map((m) => m[0]);
          expect(tokens).toHaveLength(2);
          const me = await fetch(`${address}/v1/me`, {
            headers: { authorization: `Bearer ${tokens[0]}` },
          });
          expect(await me.json()).toMatchObject({
            employeeId: 'demo-investigator',
            scopes: ['approvals', 'attribution', 'cases', 'findings', 'guard', 'ledger'],
          });
          const inv = { authorization: `Bearer ${tokens[0]}` };
          expect((await fetch(`${address}/v1/risk?limit=1`, { headers: inv })).status).toBe(200);
          // the moderator decides approvals but sees no findings: the grants, not the console
          const mod = { authorization: `Bearer ${tokens[1]}` };
          expect((await fetch(`${address}/v1/approvals`, { headers: mod })).status).toBe(200);
          expect((await fetch(`${address}/v1/risk`, { headers: mod })).status).toBe(403);
          const forged = await fetch(`${address}/v1/risk`, {
            headers: { authorization: 'Bearer wdn_tk-0_forged' },
          });
          expect(forged.status).toBe(401);
        })().finally(() => signals.emit('SIGINT'));
      },
    });
    await checked;
    expect(code).toBe(0);
    // CI prints colours: read the text as a person sees it
    expect(stripVTControlCharacters(out)).toMatch(/Warden console: http:\/\/127\.0\.0\.1:\d+\//);
  });
});
