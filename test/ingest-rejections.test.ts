import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDb, employee, event, runCli, tempDir } from './helpers.js';

const BAD = 3000;

/** 3,000 invalid lines (a third not JSON, the rest with a bad time) and one valid employee. */
function badFile(path: string): void {
  const lines: string[] = [];
  for (let i = 0; i < BAD; i++) {
    lines.push(i % 3 === 0 ? '{bad' : event(`x${i}`, { time: '2026-03-02 09:14' }));
  }
  lines.push(employee('e-ok'));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const issueLines = (text: string): string[] =>
  text.split('\n').filter((l) => /^ {2}\S+:\d+: \[[A-Z_]+\]/.test(l));

// A file of thousands of invalid lines reads as a summary, not as thousands of lines.
describe('warden ingest of a file with 3,000 invalid lines', () => {
  const dir = tempDir();
  const db = join(dir.path, 'w.db');
  const file = join(dir.path, 'bad.ndjson');
  let before = '';
  beforeAll(async () => {
    badFile(file);
    expect((await runCli(['ingest', '-', '--db', db], `${employee('e-1')}\n`)).code).toBe(0);
    before = dumpDb(db);
  });
  afterAll(() => dir.cleanup());

  describe('when the file is refused', () => {
    it('prints the first 20, a count per code and the rejects file; stores nothing', async () => {
      const r = await runCli(['ingest', file, '--db', db]);
      expect(r.code).toBe(2);
      expect(issueLines(r.err)).toHaveLength(20);
      expect(r.err).toContain(':1: [MALFORMED_JSON]');
      expect(r.err).toContain(':20: [INVALID_TIME]');
      expect(r.err).not.toContain(':21: [');
      expect(r.err).toContain('… and 2,980 more');
      expect(r.err).toContain('rejected lines by code: INVALID_TIME 2,000, MALFORMED_JSON 1,000');
      expect(r.err).toContain(`${file}.rejects.ndjson`);
      expect(r.err.split('\n').length).toBeLessThan(30);
      const rejects = readFileSync(`${file}.rejects.ndjson`, 'utf8').trim().split('\n');
      expect(rejects).toHaveLength(BAD);
      expect((JSON.parse(rejects[BAD - 1]!) as { line: number }).line).toBe(BAD);
      expect(dumpDb(db)).toBe(before);
    });

    it('with --json, prints the refused report: counts per code, the first 50, the rejects file', async () => {
      const r = await runCli(['ingest', file, '--db', db, '--json']);
      expect(r.code).toBe(2);
      const [report] = JSON.parse(r.out) as {
        refused: { code: string };
        rejected: number;
        rejectedByCode: Record<string, number>;
        issues: unknown[];
        rejectsFile: string;
      }[];
      expect(report?.refused.code).toBe('INVALID_RECORDS');
      expect(report?.rejected).toBe(BAD);
      expect(report?.rejectedByCode).toEqual({ MALFORMED_JSON: 1000, INVALID_TIME: 2000 });
      expect(report?.issues).toHaveLength(50);
      expect(report?.rejectsFile).toBe(`${file}.rejects.ndjson`);
      expect(dumpDb(db)).toBe(before);
    });
  });

  describe('with --skip-invalid', () => {
    it('lands the valid line and summarises the 3,000 others the same way', async () => {
      const r = await runCli(['ingest', file, '--db', db, '--skip-invalid']);
      expect(r.code).toBe(0);
      expect(issueLines(r.out)).toHaveLength(20);
      expect(r.out).toContain('rejected lines by code: INVALID_TIME 2,000, MALFORMED_JSON 1,000');
      expect(r.out).toContain(`${file}.rejects.ndjson`);
      const json = await runCli(['ingest', file, '--db', db, '--skip-invalid', '--json']);
      const [report] = JSON.parse(json.out) as { rejectedByCode: Record<string, number> }[];
      expect(report?.rejectedByCode).toEqual({ MALFORMED_JSON: 1000, INVALID_TIME: 2000 });
      const stats = JSON.parse((await runCli(['stats', '--db', db, '--json'])).out) as {
        counts: { employee: number };
      };
      expect(stats.counts.employee).toBe(2);
    });
  });
});
