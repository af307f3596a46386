import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellsOf, figuresCsv } from '../src/attribute/fingerprint-test-support.js';
import { dumpDb, employee, event, line, runCli, tempDir } from './helpers.js';

const dir = tempDir('warden-trace-export-');
const db = join(dir.path, 'w.db');
const at = (name: string): string => join(dir.path, name);
const tokens: Record<string, string> = {};
const MANAGERS = ['am1', 'am2', 'am3'];

/** `warden request seller.metrics.export s1 --figures … --out …` as an employee. */
const exportAs = (who: string, out: string, ...extra: string[]) =>
  runCli([
    'request',
    'seller.metrics.export',
    's1',
    '--figures',
    at('figures.csv'),
    '--out',
    at(out),
    '--token',
    tokens[who]!,
    '--db',
    db,
    ...extra,
  ]);

const trace = (file: string, ...extra: string[]) =>
  runCli(['trace', 'export', file, '--db', db, ...extra]);

beforeAll(async () => {
  writeFileSync(
    at('directory.ndjson'),
    [
      ...MANAGERS.map((id) =>
        employee(id, { team: 'account-management', role: 'account-manager' }),
      ),
      employee('a1'),
      line({ v: 1, kind: 'seller', id: 's1', category: 'toys', region: 'EU' }),
      ...MANAGERS.map((id) =>
        line({
          v: 1,
          kind: 'assignment',
          employeeId: id,
          sellerId: 's1',
          from: '2025-01-01T00:00:00Z',
        }),
      ),
    ].join('\n'),
  );
  expect((await runCli(['ingest', at('directory.ndjson'), '--db', db])).code).toBe(0);
  for (const who of [...MANAGERS, 'a1']) {
    const issued = await runCli(['token', 'create', who, '--json', '--db', db]);
    tokens[who] = (JSON.parse(issued.out) as { token: string }).token;
  }
  writeFileSync(at('figures.csv'), figuresCsv(800, 21));
});
afterAll(() => dir.cleanup());

describe('warden request seller.metrics.export --figures', () => {
  it('writes each allowed recipient a fingerprinted copy, and nothing when denied', async () => {
    for (const who of MANAGERS) {
      const r = await exportAs(who, `${who}.csv`, '--json');
      expect(r.code).toBe(0);
      const result = JSON.parse(r.out) as {
        outcome: string;
        data: { rows: number; export: { file: string; sha256: string } };
      };
      expect(result).toMatchObject({
        outcome: 'allow',
        data: { rows: 800, export: { file: at(`${who}.csv`) } },
      });
      const written = readFileSync(at(`${who}.csv`));
      expect(result.data.export.sha256).toBe(createHash('sha256').update(written).digest('hex'));
    }
    const copies = MANAGERS.map((who) => readFileSync(at(`${who}.csv`), 'utf8'));
    expect(new Set(copies).size).toBe(3);
    expect(copies[0]).not.toBe(readFileSync(at('figures.csv'), 'utf8'));
    const denied = await exportAs('a1', 'a1.csv');
    expect(denied.code).toBe(1);
    expect(existsSync(at('a1.csv'))).toBe(false);
  });
  it('refuses, before asking the guard, figures that disagree with the flags or are not figures', async () => {
    const before = dumpDb(db);
    const fields = await exportAs('am1', 'x.csv', '--fields', 'revenue');
    expect(fields.code).toBe(2);
    expect(fields.err).toMatch(/--fields revenue are not the columns/);
    const clobber = await exportAs('am1', 'am2.csv');
    expect(clobber.code).toBe(2);
    writeFileSync(at('bad.csv'), 'seller,period,units\ns1,a,1\ns1,b,lots\n');
    const bad = await runCli([
      'request',
      'seller.metrics.export',
      's1',
      '--figures',
      at('bad.csv'),
      '--out',
      at('y.csv'),
      '--token',
      tokens['am1']!,
      '--db',
      db,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/TABLE_INVALID.*bad\.csv line 3: column units/);
    expect(existsSync(at('x.csv')) || existsSync(at('y.csv'))).toBe(false);
    expect(dumpDb(db)).toBe(before);
  });
});

describe('warden trace export', () => {
  it('names a real leaker and no innocent from a mix of two copies, partial and reordered', async () => {
    const [a, b] = [
      cellsOf(readFileSync(at('am1.csv'), 'utf8')),
      cellsOf(readFileSync(at('am2.csv'), 'utf8')),
    ];
    // every other row from each, the last 100 rows cut, the columns reordered
    const rows = a.slice(1, 701).map((row, r) => (r % 2 === 0 ? row : b[r + 1]!));
    const leak = [
      'units,seller,revenue,period,conversion',
      ...rows.map((c) => [c[3], c[0], c[2], c[1], c[5]].join(',')),
    ];
    writeFileSync(at('leak.csv'), `${leak.join('\n')}\n`);
    const r = await trace(at('leak.csv'), '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      accused: { recipient: string; score: number; innocentChance: number }[];
      traces: { recipients: number; threshold: number; bound: number }[];
    };
    expect(out.traces[0]!.recipients).toBe(3);
    expect(out.traces[0]!.bound).toBeLessThanOrEqual(1e-3);
    expect(out.accused.length).toBeGreaterThan(0);
    for (const a of out.accused) {
      expect(['am1', 'am2']).toContain(a.recipient);
      expect(a.score).toBeGreaterThan(out.traces[0]!.threshold);
    }
    const human = await trace(at('leak.csv'));
    expect(human.out).toMatch(/Accused/);
    expect(human.out).not.toMatch(/am3/);
  });
  it('accuses nobody (exit 1) from the unmarked figures', async () => {
    const r = await trace(at('figures.csv'), '--json');
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as { accused: unknown[] }).accused).toEqual([]);
  });
  it('refuses an unreadable file with its line (exit 2), changing nothing', async () => {
    const before = dumpDb(db);
    writeFileSync(at('broken.csv'), 'seller,period,units\ns1,2024-01-01,3\ns1,"2024-01-02,4\n');
    const r = await trace(at('broken.csv'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/LEAK_UNREADABLE.*broken\.csv line 3: a quoted field is never closed/);
    const missing = await trace(at('nowhere.csv'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nowhere\.csv/);
    expect(dumpDb(db)).toBe(before);
  });
});

describe('warden trace export, when export records were forged outside the guard', () => {
  it('scores a forged recipient without accusing them, and ignores a record that does not parse', async () => {
    const decided = {
      decision: { outcome: 'allow', policies: ['seller-by-assignment'], policySet: 'x' },
    };
    const record = {
      id: 'x-forged',
      scheme: 'tardos-symmetric-v1',
      design: { recipients: 100_000, coalition: 4, epsilon: 0.001 },
      length: 2910,
      columns: { revenue: 2, units: 0, returns: 0, conversion: 4 },
      marked: 10,
      sha256: '0'.repeat(64),
    };
    const common = {
      action: 'seller.metrics.export',
      outcome: 'allowed',
      target: { type: 'seller', id: 's1' },
    };
    writeFileSync(
      at('forged.ndjson'),
      [
        event('forged-1', { ...common, actor: 'a1', attrs: { ...decided, export: record } }),
        event('forged-2', {
          ...common,
          actor: 'a1',
          attrs: { ...decided, export: { id: 'x-bad' } },
        }),
      ].join('\n'),
    );
    expect((await runCli(['ingest', at('forged.ndjson'), '--db', db])).code).toBe(0);
    const r = await trace(at('am3.csv'), '--json');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/ignored 1 export record/);
    const out = JSON.parse(r.out) as {
      accused: { recipient: string }[];
      traces: { recipients: number }[];
    };
    expect(out.traces[0]!.recipients).toBe(4);
    expect(out.accused.map((a) => a.recipient)).toEqual(['am3']);
  });
});
