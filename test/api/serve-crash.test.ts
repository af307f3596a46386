import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { employee, event, runCli, tempDir } from '../helpers.js';

// `warden serve` runs from the compiled build (`npm test` builds first), as a process to kill
const BIN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url)));
const SENDERS = 4;
const PER_BATCH = 200;

/** Starts `warden serve` on a free port; resolves with the child and its address. */
function serve(db: string): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /warden API on (http:\/\/\S+) /.exec(out);
      if (m) resolve({ child, base: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code} before listening: ${out}`)));
  });
}

/** A batch of new events by `e0`, ids prefixed with the batch's name. */
const batchOf = (name: string): string =>
  `${Array.from({ length: PER_BATCH }, (_v, i) => event(`${name}-${i}`, { actor: 'e0' })).join('\n')}\n`;

// An acknowledged batch is durable: SIGKILL the server while batches are in flight, right
// after an acknowledgement, then find every acknowledged batch whole and no batch in part.
describe.runIf(built || process.env['CI'])('POST /v1/ingest under SIGKILL', () => {
  const dir = tempDir('warden-serve-crash-');
  afterAll(() => dir.cleanup());

  it('loses no acknowledged batch and never shows half a batch', async () => {
    const db = join(dir.path, 'warden.db');
    writeFileSync(
      join(dir.path, 'warden.org.json'),
      JSON.stringify({ api: { grants: [{ role: 'feeder', scopes: ['ingest'] }] } }),
    );
    const directory = join(dir.path, 'directory.ndjson');
    writeFileSync(directory, [employee('feed', { role: 'feeder' }), employee('e0')].join('\n'));
    expect((await runCli(['ingest', directory, '--db', db])).code).toBe(0);
    const created = await runCli(['token', 'create', 'feed', '--db', db, '--json']);
    const { token } = JSON.parse(created.out) as { token: string };
    const acknowledged: string[] = [];
    const sent: string[] = [];
    // kill right after the 3rd acknowledgement, then after the 8th in a second life
    for (const [life, killAfter] of [3, 8].entries()) {
      const { child, base } = await serve(db);
      child.removeAllListeners('exit'); // serve's, which refused an exit before listening
      const exited = new Promise((r) => child.once('exit', r));
      let acks = 0;
      let killed = false;
      const sender = async (s: number): Promise<void> => {
        for (let n = 0; !killed; n++) {
          const name = `l${life}-s${s}-b${n}`;
          sent.push(name);
          const res = await fetch(`${base}/v1/ingest`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
            body: batchOf(name),
          }).catch(() => undefined); // the server was killed under it
          if (res?.status !== 200) return;
          acknowledged.push(name);
          if (++acks === killAfter) {
            killed = true;
            child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: SENDERS }, (_v, s) => sender(s)));
      if (!killed) child.kill('SIGKILL'); // a batch was refused: the counts below say which
      await exited;
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(11);
    const store = new Database(db, { readonly: true });
    try {
      const count = store.prepare('SELECT count(*) FROM events WHERE id LIKE ?').pluck();
      for (const name of sent) {
        const n = count.get(`${name}-%`) as number;
        if (acknowledged.includes(name)) expect(n, name).toBe(PER_BATCH);
        else expect([0, PER_BATCH], name).toContain(n);
      }
    } finally {
      store.close();
    }
    expect((await runCli(['ledger', 'verify', '--db', db])).code).toBe(0);
  }, 120_000);
});
