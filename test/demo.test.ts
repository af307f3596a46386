import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

// `npm start` runs `warden demo` (medium preset); the test runs the small one through the same path.
describe('warden demo', () => {
  const dir = tempDir('warden-demo-');
  afterAll(() => dir.cleanup());

  it('simulates, ingests, reports and scores — and starts afresh when run again', async () => {
    const db = join(dir.path, 'demo.db');
    const sim = join(dir.path, 'sim');
    const args = ['demo', '--preset', 'small', '--seed', '3', '--db', db, '--dir', sim];
    const first = await runCli(args);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('hidden in the stream');
    expect(first.out).toMatch(/Employees per site and team[\s\S]*Shenzhen/);
    expect(first.out).toMatch(/Ledger checkpoint \(signed\)[\s\S]*warden\.local\/log\//);
    expect(first.out).toMatch(/quality against ground truth[\s\S]*precision at k/);
    const second = await runCli(args);
    expect(second.code).toBe(0);
    const stats = JSON.parse((await runCli(['stats', '--db', db, '--json'])).out) as {
      counts: { event: number };
      batches: number;
    };
    // A fresh database: one batch per stream file of the second run, no more.
    expect(stats.batches).toBe(readdirSync(join(sim, 'stream')).length);
    expect(stats.counts.event).toBeGreaterThan(1000);
  });

  it('refuses a bad seed with exit 2', async () => {
    const r = await runCli([
      'demo',
      '--preset',
      'small',
      '--seed',
      'x',
      '--db',
      join(dir.path, 'b.db'),
      '--dir',
      join(dir.path, 'b'),
    ]);
    expect(r.code).toBe(2);
  });
});
