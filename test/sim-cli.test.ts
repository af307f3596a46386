import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Labels, Manifest } from '../src/sim/index.js';
import { SqliteStore } from '../src/store/index.js';
import { runCli, tempDir } from './helpers.js';

const dir = tempDir('warden-sim-');
const out = join(dir.path, 'run');
let labels: Labels;
let manifest: Manifest;

beforeAll(async () => {
  const r = await runCli(['simulate', '--preset', 'small', '--seed', '4', '--out', out]);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  labels = JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8')) as Labels;
  manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
});
afterAll(() => dir.cleanup());

describe('warden simulate', () => {
  it('writes the stream, a manifest and the labels, and reports what it wrote', () => {
    expect(manifest.files.length).toBe(manifest.days + 1);
    for (const f of manifest.files) expect(existsSync(join(out, f))).toBe(true);
    expect(labels.scenarios.length).toBeGreaterThan(0);
    expect(labels.insiders.length).toBeGreaterThan(0);
  });

  describe('with --world b', () => {
    it('writes world B: its own sites and teams, and says so in the manifest and labels', async () => {
      const target = join(dir.path, 'world-b');
      const r = await runCli(['simulate', '--world', 'b', '--seed', '4', '--out', target]);
      expect(r.code).toBe(0);
      const m = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8')) as Manifest;
      const l = JSON.parse(readFileSync(join(target, 'labels.json'), 'utf8')) as Labels;
      expect([m.world, l.world]).toEqual(['b', 'b']);
      expect(manifest.world).toBeUndefined();
      const staff = readFileSync(join(target, m.files[0]!), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"kind":"employee"'))
        .map((line) => JSON.parse(line) as { site: string; team: string });
      expect(new Set(staff.map((e) => e.site))).toEqual(
        new Set(['SEA', 'GRU', 'DUB', 'KRK', 'HYD', 'MNL']),
      );
      expect(staff.every((e) => /-[a-z]{3}-\d+$/.test(e.team))).toBe(true);
    });
  });

  describe('when the output directory is not empty', () => {
    it('refuses with exit 2 and overwrites nothing', async () => {
      const before = readFileSync(join(out, 'labels.json'), 'utf8');
      const r = await runCli(['simulate', '--preset', 'small', '--seed', '9', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('OUTPUT_NOT_EMPTY');
      expect(readFileSync(join(out, 'labels.json'), 'utf8')).toBe(before);
    });
  });

  describe.each([
    [['--seed', 'abc'], '--seed must be a whole number'],
    [['--seed', '99999999999'], 'INVALID_OPTION'],
    [['--employees', '10'], '--employees must be an integer from 50'],
    [['--days', '500'], '--days must be an integer from 7'],
    [['--preset', 'huge'], 'huge'],
    [['--world', 'c'], '--world'],
  ])('when given %j', (flags, message) => {
    it('refuses with exit 2, says why, and writes nothing', async () => {
      const target = join(dir.path, `bad-${flags.join('')}`);
      const r = await runCli(['simulate', '--out', target, ...flags]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
      expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
    });
  });
});

/** Findings in the contract's shapes that name exactly the insiders, citing their events. */
function perfectFindings(): { risk: unknown[]; alerts: unknown[] } {
  const abuse = labels.scenarios.filter((s) => s.kind === 'abuse');
  const risk = labels.insiders.map((id) => ({
    employeeId: id,
    score: 90,
    reasons: [
      {
        indicator: 'test',
        detail: 'from the labels',
        events: abuse
          .filter((s) => s.employeeIds.includes(id))
          .flatMap((s) => s.eventIds)
          .slice(0, 3),
      },
    ],
  }));
  const alerts = abuse.map((s, i) => ({
    id: `a-${i}`,
    employeeId: s.employeeIds[0],
    detector: 'test',
    severity: 'high',
    eventTime: s.start,
    sellerIds: s.sellerIds,
    events: s.eventIds.slice(0, 2),
    summary: s.summary,
  }));
  return { risk, alerts };
}

interface EvalJson {
  report: {
    employees: number;
    insiders: number;
    recallTopK2: number | null;
    precisionAtK: number | null;
    medianHoursToFirstAlert: number | null;
    citedShareRealOwn: number;
    citedEvents: number;
    abuseScenarios: { caught: boolean }[];
    falseAlerts: number;
  };
  ingest: { events: number; dangling: number };
}

describe('warden eval', () => {
  it('ingests the whole stream without a dangling reference and scores Warden’s own findings', async () => {
    const r = await runCli(['eval', out, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as EvalJson;
    expect(j.ingest.events).toBe(manifest.counts['event']);
    expect(j.ingest.dangling).toBe(0);
    expect(j.report.employees).toBe(manifest.employees);
    expect(j.report.insiders).toBe(labels.insiders.length);
  });

  describe('when given findings that name exactly the insiders', () => {
    it('scores full recall and precision, every scenario caught at its start, every citation real', async () => {
      const f = perfectFindings();
      writeFileSync(join(dir.path, 'risk.json'), JSON.stringify(f.risk));
      writeFileSync(join(dir.path, 'alerts.json'), JSON.stringify(f.alerts));
      const db = join(dir.path, 'perfect.db');
      const r = await runCli([
        'eval',
        out,
        '--db',
        db,
        '--risk',
        join(dir.path, 'risk.json'),
        '--alerts',
        join(dir.path, 'alerts.json'),
        '--json',
      ]);
      expect(r.err).toBe('');
      const j = JSON.parse(r.out) as EvalJson;
      expect(j.report.recallTopK2).toBe(1);
      expect(j.report.precisionAtK).toBe(1);
      expect(j.report.abuseScenarios.every((s) => s.caught)).toBe(true);
      expect(j.report.medianHoursToFirstAlert).toBe(0);
      expect(j.report.citedEvents).toBeGreaterThan(0);
      expect(j.report.citedShareRealOwn).toBe(1);
      expect(j.report.falseAlerts).toBe(0);
      // the stream is ingested (citations are checked against it), Warden's detectors not run
      expect(j.ingest.events).toBe(manifest.counts['event']);
      const store = SqliteStore.open(db, { readonly: true });
      try {
        expect(await store.findings.latest()).toBeUndefined();
      } finally {
        await store.close();
      }
    });
  });

  describe('when findings cite someone else’s events', () => {
    it('says the share of real, own citations is below one', async () => {
      const f = perfectFindings();
      const stranger = labels.scenarios.find((s) => s.kind === 'benign' && s.eventIds.length > 0)!;
      (f.risk[0] as { reasons: { events: string[] }[] }).reasons[0]!.events = [
        stranger.eventIds[0]!,
        'ev-does-not-exist',
      ];
      writeFileSync(join(dir.path, 'risk2.json'), JSON.stringify(f.risk));
      writeFileSync(join(dir.path, 'alerts2.json'), JSON.stringify([]));
      const r = await runCli([
        'eval',
        out,
        '--db',
        join(dir.path, 'cite.db'),
        '--risk',
        join(dir.path, 'risk2.json'),
        '--alerts',
        join(dir.path, 'alerts2.json'),
        '--json',
      ]);
      const j = JSON.parse(r.out) as EvalJson;
      expect(j.report.citedShareRealOwn).toBeLessThan(1);
    });
  });

  describe('when its input is wrong', () => {
    it('names the field of a malformed findings file, exit 2', async () => {
      writeFileSync(
        join(dir.path, 'bad-risk.json'),
        JSON.stringify([{ employeeId: 'e-1', score: 140, reasons: [] }]),
      );
      const r = await runCli([
        'eval',
        out,
        '--db',
        join(dir.path, 'x.db'),
        '--risk',
        join(dir.path, 'bad-risk.json'),
        '--alerts',
        join(dir.path, 'alerts2.json'),
      ]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('[0].score');
    });

    it('wants --risk and --alerts together, and an existing --db refused', async () => {
      expect((await runCli(['eval', out, '--risk', join(dir.path, 'risk.json')])).code).toBe(2);
      const r = await runCli(['eval', out, '--db', join(dir.path, 'perfect.db')]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('exists');
    });

    it('refuses a directory that is not a simulation', async () => {
      const r = await runCli(['eval', dir.path]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('NOT_A_SIMULATION');
    });
  });
});
