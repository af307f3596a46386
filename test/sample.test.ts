import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSampleWeek } from '../scripts/sample-week.js';
import { runCli, tempDir } from './helpers.js';

const SAMPLE = fileURLToPath(new URL('../samples/sample-week.ndjson', import.meta.url));

describe('the bundled sample', () => {
  const dir = tempDir('warden-sample-');
  afterAll(() => dir.cleanup());

  it('is exactly what its script writes, on every run', () => {
    const lines = makeSampleWeek();
    expect(makeSampleWeek()).toEqual(lines);
    expect(readFileSync(SAMPLE, 'utf8')).toBe(`${lines.join('\n')}\n`);
  });

  it('imports whole, with its deliberate duplicates, update and late directory records', async () => {
    const db = join(dir.path, 's.db');
    const r = await runCli(['ingest', SAMPLE, '--db', db, '--json']);
    expect(r.code).toBe(0);
    const [report] = JSON.parse(r.out) as {
      events: number;
      duplicates: number;
      rejected: number;
      dangling: unknown[];
      directoryVersions: number;
    }[];
    expect(report?.rejected).toBe(0);
    expect(report?.duplicates).toBe(4);
    expect(report?.dangling).toEqual([]);
    expect(report?.events).toBeGreaterThan(1000);
    const stats = JSON.parse((await runCli(['stats', '--db', db, '--json'])).out) as {
      counts: Record<string, number>;
      employeesBySite: { site: string }[];
    };
    expect(stats.counts['employee']).toBe(36);
    expect(new Set(stats.employeesBySite.map((s) => s.site))).toEqual(
      new Set(['Shenzhen', 'Seattle', 'Dublin', 'Hyderabad']),
    );
    expect((await runCli(['ledger', 'verify', '--db', db])).code).toBe(0);
  });
});
