import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../src/cli/commands/serve.js';
import { wireReadOnly } from '../../src/cli/read-only.js';
import { wire } from '../../src/cli/wiring.js';
import { employee, event, runCli, tempDir } from '../helpers.js';
import { directoryLines, GRANTS } from './fixture.js';

const dir = tempDir('warden-serve-');
const db = join(dir.path, 'warden.db');
let token = '';

beforeAll(async () => {
  writeFileSync(join(dir.path, 'warden.org.json'), JSON.stringify({ api: { grants: GRANTS } }));
  writeFileSync(join(dir.path, 'directory.ndjson'), `${directoryLines().join('\n')}\n`);
  expect((await runCli(['ingest', join(dir.path, 'directory.ndjson'), '--db', db])).code).toBe(0);
  const t = await runCli(['token', 'create', 'feed1', '--db', db, '--json']);
  token = (JSON.parse(t.out) as { token: string }).token;
}, 60_000);
afterAll(() => dir.cleanup());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lines(n: number): string[] {
  const out = [employee('sd-e1')];
  for (let i = 0; i < n; i++)
    out.push(event(`sd-ev-${i}`, { actor: 'sd-e1', target: { type: 'seller', id: 's1' } }));
  return out;
}

/** Answers whether a fresh connection is still taken. */
function reachable(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest(`${address}/docs/json`, { method: 'GET' }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

describe('warden serve', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    describe(`when ${signal} arrives while a batch is streaming in`, () => {
      it('stops taking connections, lands the batch whole, answers it, then exits 0', async () => {
        const signals = new EventEmitter();
        const w = await wire(db);
        let listening: (a: string) => void = () => {};
        const address = new Promise<string>((r) => (listening = r));
        let exited = false;
        const io = { out: () => {}, err: () => {}, stdin: process.stdin };
        const run = serveCommand(w, { port: '0', logLevel: 'silent' }, io, {
          signals,
          onListening: (a) => listening(a),
        })
          .finally(() => w.close())
          .then((code) => ((exited = true), code));
        const base = await address;
        const prefix = signal.toLowerCase();
        const batch = lines(300).map((l) => l.replaceAll('sd-', `${prefix}-`));
        const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(
            `${base}/v1/ingest`,
            {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
            },
            (res) => {
              let body = '';
              res.on('data', (c: Buffer) => (body += c.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            },
          );
          req.on('error', reject);
          req.write(`${batch.slice(0, 150).join('\n')}\n`);
          void sleep(400).then(() => {
            signals.emit(signal);
            return sleep(400).then(async () => {
              expect(exited).toBe(false);
              expect(await reachable(base)).toBe(false);
              req.end(`${batch.slice(150).join('\n')}\n`);
            });
          });
        });
        const res = await answer;
        expect(res.status, res.body).toBe(200);
        expect(JSON.parse(res.body)).toMatchObject({ events: 300, directoryVersions: 1 });
        expect(await run).toBe(0);
        const r = await wireReadOnly(db);
        try {
          const ids = batch.slice(1).map((l) => (JSON.parse(l) as { id: string }).id);
          expect((await r.store.events.byIds(ids)).size).toBe(300);
        } finally {
          await r.close();
        }
      }, 60_000);
    });
  }

  describe('when the ledger has grown since detection last ran', () => {
    it('brings the findings up to the ledger’s end before it listens, saying so', async () => {
      // a batch ingested by the CLI while no server ran: the stored findings are behind
      const more = join(dir.path, 'more.ndjson');
      const batch = lines(5).map((l) => l.replaceAll('sd-', 'warm-'));
      writeFileSync(more, `${batch.join('\n')}\n`);
      expect((await runCli(['ingest', more, '--db', db])).code).toBe(0);
      const signals = new EventEmitter();
      const w = await wire(db);
      let err = '';
      const io = { out: () => {}, err: (t: string) => void (err += t), stdin: process.stdin };
      type Seen = { findings: number | undefined; ledger: number };
      let covered: Promise<Seen> = Promise.resolve({ findings: undefined, ledger: 0 });
      const code = await serveCommand(w, { port: '0', logLevel: 'silent' }, io, {
        signals,
        onListening: () => {
          // before any request: what the first view would read is already current
          covered = (async () => {
            const r = await wireReadOnly(db);
            try {
              const latest = await r.store.findings.latest();
              return { findings: latest?.ledgerSize, ledger: await r.store.ledger.size() };
            } finally {
              await r.close();
            }
          })().finally(() => signals.emit('SIGINT'));
        },
      }).finally(() => w.close());
      expect(code).toBe(0);
      const seen = await covered;
      expect(seen.ledger).toBeGreaterThan(0);
      expect(seen.findings).toBe(seen.ledger);
      expect(err).toContain('bringing the findings up to the ledger’s end before listening');
    }, 60_000);
  });

  describe('when the port is already taken', () => {
    it('exits 2 naming the address and --port, and leaves nothing listening', async () => {
      const taken = createServer();
      await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
      const port = (taken.address() as AddressInfo).port;
      try {
        const r = await runCli([
          'serve',
          '--db',
          db,
          '--port',
          String(port),
          '--log-level',
          'silent',
        ]);
        expect(r.code).toBe(2);
        expect(r.err).toContain(`127.0.0.1:${port} is already in use`);
        expect(r.err).toContain('--port');
        expect(r.err).not.toContain('unexpected failure');
      } finally {
        await new Promise((r) => taken.close(r));
      }
    }, 60_000);
  });
});
