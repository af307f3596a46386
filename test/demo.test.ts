import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';

// `npm start` runs `warden demo`: the bundled sample into a fresh database, then a report.
describe('warden demo', () => {
  const dir = tempDir('warden-demo-');
  afterAll(() => dir.cleanup());

  it('imports the bundled sample into a fresh database and reports what it holds, twice alike', async () => {
    const db = join(dir.path, 'demo.db');
    const first = await runCli(['demo', '--db', db]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('imported as one batch');
    expect(first.out).toMatch(/Employees per site and team[\s\S]*Shenzhen/);
    expect(first.out).toContain('seller.metrics.view');
    const second = await runCli(['demo', '--db', db]);
    expect(second.code).toBe(0);
    const stats = JSON.parse((await runCli(['stats', '--db', db, '--json'])).out) as {
      counts: { event: number };
      batches: number;
    };
    expect(stats.batches).toBe(1); // the second demo started from a fresh database
    expect(stats.counts.event).toBeGreaterThan(1000);
  });
});
