import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDb, employee, event, line, runCli, tempDir } from './helpers.js';

// Every rejection of docs/ingest.md: a clear message with the line number, exit code 2,
// and the database exactly as it was before.
describe('warden ingest', () => {
  const dir = tempDir();
  const db = join(dir.path, 'w.db');
  let before = '';

  beforeAll(async () => {
    const seed = join(dir.path, 'seed.ndjson');
    writeFileSync(
      seed,
      [
        employee('e-1'),
        line({ v: 1, kind: 'seller', id: 's-1', category: 'toys', region: 'EU' }),
        event('ev-0'),
      ].join('\n') + '\n',
    );
    const r = await runCli(['ingest', seed, '--db', db]);
    expect(r.code).toBe(0);
    before = dumpDb(db);
  });
  afterAll(() => dir.cleanup());

  const refused: [string, string | Buffer, string, number][] = [
    ['malformed JSON', `${event('a1')}\n{"v":1,"kind":"event",`, 'MALFORMED_JSON', 2],
    ['a JSON value that is not an object', `[1,2,3]`, 'NOT_AN_OBJECT', 1],
    ['an unknown kind', line({ v: 1, kind: 'customer', id: 'c1' }), 'UNKNOWN_KIND', 1],
    ['a wrong v', event('a1', { v: 2 }), 'BAD_VERSION', 1],
    [
      'a missing v',
      line({ kind: 'seller', id: 's', category: 'c', region: 'r' }),
      'BAD_VERSION',
      1,
    ],
    [
      'a missing required field',
      line({ v: 1, kind: 'seller', id: 's-9', region: 'EU' }),
      'MISSING_FIELD',
      1,
    ],
    ['an unknown top-level field', event('a1', { colour: 'red' }), 'UNKNOWN_FIELD', 1],
    ['a bad time', event('a1', { time: '2026-03-02 09:14' }), 'INVALID_TIME', 1],
    ['a time without a zone', event('a1', { time: '2026-03-02T09:14:05' }), 'INVALID_TIME', 1],
    ['an impossible date', event('a1', { time: '2026-02-30T09:14:05Z' }), 'INVALID_TIME', 1],
    [
      'rating 0',
      line({
        v: 1,
        kind: 'review',
        id: 'r',
        productId: 'p',
        reviewerId: 'x',
        rating: 0,
        createdAt: '2026-03-01T00:00:00Z',
      }),
      'INVALID_FIELD',
      1,
    ],
    [
      'rating 6',
      line({
        v: 1,
        kind: 'review',
        id: 'r',
        productId: 'p',
        reviewerId: 'x',
        rating: 6,
        createdAt: '2026-03-01T00:00:00Z',
      }),
      'INVALID_FIELD',
      1,
    ],
    ['an unknown action', event('a1', { action: 'seller.metrics.steal' }), 'UNKNOWN_ACTION', 1],
    [
      'a target that does not fit the action',
      event('a1', { action: 'review.delete' }),
      'TARGET_MISMATCH',
      1,
    ],
    [
      'a bad delete reason',
      event('a1', {
        action: 'review.delete',
        target: { type: 'review', id: 'r' },
        attrs: { reason: 'because' },
      }),
      'INVALID_FIELD',
      1,
    ],
    ['an empty id', event(''), 'INVALID_FIELD', 1],
    [
      'a 10 MB line',
      `${event('a1')}\n${event('a2', { attrs: { blob: 'x'.repeat(10 * 1024 * 1024) } })}\n${event('a3')}`,
      'LINE_TOO_LONG',
      2,
    ],
    ['binary garbage', Buffer.from([0x7b, 0x00, 0xff, 0xfe, 0x01, 0x02, 0x0a]), 'BINARY_DATA', 1],
  ];

  describe.each(refused)('when the input holds %s', (_what, content, code, lineNo) => {
    it('refuses the whole file with exit 2, names the line and code, and changes nothing', async () => {
      const file = join(dir.path, `bad-${code}.ndjson`);
      writeFileSync(file, content);
      const r = await runCli(['ingest', file, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${file}:${lineNo}: [${code}]`);
      expect(r.err).toContain('nothing was imported');
      expect(dumpDb(db)).toBe(before);
    });
  });

  describe('when a gzip file is truncated', () => {
    it('refuses it with CORRUPT_GZIP and changes nothing', async () => {
      const full = gzipSync(
        Buffer.from(Array.from({ length: 2000 }, (_, i) => event(`gz-${i}`)).join('\n')),
      );
      const file = join(dir.path, 'cut.ndjson.gz');
      writeFileSync(file, full.subarray(0, Math.floor(full.length / 2)));
      const r = await runCli(['ingest', file, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('[CORRUPT_GZIP]');
      expect(r.err).toContain(file);
      expect(dumpDb(db)).toBe(before);
    });
  });

  describe('when a reviewer line is invalid', () => {
    it('masks the personal data in the message', async () => {
      const file = join(dir.path, 'pii.ndjson');
      writeFileSync(
        file,
        line({ v: 1, kind: 'reviewer', id: 'rv', email: 'jane.doe@example.com', name: 42 }),
      );
      const r = await runCli(['ingest', file, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('[INVALID_FIELD] name:');
      const bad = join(dir.path, 'pii2.ndjson');
      writeFileSync(bad, line({ v: 1, kind: 'reviewer', id: 'rv', email: 'jane.doe example.com' }));
      const r2 = await runCli(['ingest', bad, '--db', db]);
      expect(r2.err).toContain('[INVALID_FIELD] email:');
      expect(r2.err).not.toContain('jane.doe');
      expect(dumpDb(db)).toBe(before);
    });
  });

  describe('when the file is empty', () => {
    it('imports nothing and says so, with exit 0', async () => {
      const file = join(dir.path, 'empty.ndjson');
      writeFileSync(file, '');
      const r = await runCli(['ingest', file, '--db', db]);
      expect(r.code).toBe(0);
      expect(r.out).toContain('nothing to import');
      expect(dumpDb(db)).toBe(before);
    });
  });

  describe('when the file does not exist', () => {
    it('exits 2 with FILE_NOT_FOUND', async () => {
      const r = await runCli(['ingest', join(dir.path, 'nope.ndjson'), '--db', db]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('[FILE_NOT_FOUND]');
    });
  });

  describe('when several lines are bad', () => {
    it('reports every one of them, not only the first', async () => {
      const file = join(dir.path, 'many.ndjson');
      writeFileSync(
        file,
        [event('m1'), '{bad', event('m2', { v: 3 }), event('m3'), event('m4', { rating: 1 })].join(
          '\n',
        ),
      );
      const r = await runCli(['ingest', file, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/3 invalid record/);
      expect(r.err).toContain(':2: [MALFORMED_JSON]');
      expect(r.err).toContain(':3: [BAD_VERSION]');
      expect(r.err).toContain(':5: [UNKNOWN_FIELD] rating:');
      expect(dumpDb(db)).toBe(before);
    });
  });

  describe('with --skip-invalid', () => {
    it('lands the valid records and writes the invalid ones, with line numbers, beside the input', async () => {
      const file = join(dir.path, 'mixed.ndjson');
      writeFileSync(
        file,
        [event('s1'), '{bad', event('s2', { action: 'nope' }), event('s3')].join('\n') + '\n',
      );
      const r = await runCli(['ingest', file, '--db', db, '--skip-invalid', '--json']);
      expect(r.code).toBe(0);
      const [report] = JSON.parse(r.out) as {
        events: number;
        rejected: number;
        rejectsFile: string;
      }[];
      expect(report).toMatchObject({
        events: 2,
        rejected: 2,
        rejectsFile: `${file}.rejects.ndjson`,
      });
      const rejects = readFileSync(`${file}.rejects.ndjson`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { line: number; code: string; record: string });
      expect(rejects.map((x) => [x.line, x.code])).toEqual([
        [2, 'MALFORMED_JSON'],
        [3, 'UNKNOWN_ACTION'],
      ]);
      expect(rejects[0]?.record).toBe('{bad');
      const stats = await runCli(['stats', '--db', db, '--json']);
      expect((JSON.parse(stats.out) as { counts: { event: number } }).counts.event).toBe(3);
      before = dumpDb(db);
    });

    it('writes no rejects file when every line is valid', async () => {
      const file = join(dir.path, 'clean.ndjson');
      writeFileSync(file, event('c1'));
      const r = await runCli(['ingest', file, '--db', db, '--skip-invalid']);
      expect(r.code).toBe(0);
      expect(existsSync(`${file}.rejects.ndjson`)).toBe(false);
      before = dumpDb(db);
    });
  });
});
