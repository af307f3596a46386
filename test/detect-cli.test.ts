import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlertsJson, parseRiskJson } from '../src/ingest/index.js';
import { runCli, tempDir } from './helpers.js';

const dir = tempDir('warden-detect-');
const sim = join(dir.path, 'sim');
const db = join(dir.path, 'w.db');

beforeAll(async () => {
  expect((await runCli(['simulate', '--preset', 'small', '--seed', '4', '--out', sim])).code).toBe(
    0,
  );
  // eval ingests batch by batch and runs detection as each lands, storing the findings.
  expect((await runCli(['eval', sim, '--db', db, '--json'])).code).toBe(0);
});
afterAll(() => dir.cleanup());

const json = async (args: string[]): Promise<{ code: number; value: unknown }> => {
  const r = await runCli([...args, '--db', db, '--json']);
  expect(r.err).toBe('');
  return { code: r.code, value: JSON.parse(r.out) as unknown };
};

describe('warden risk and warden alerts', () => {
  it('answer in the contract’s shapes, citing only real events of the employee concerned', async () => {
    const risk = parseRiskJson(JSON.stringify((await json(['risk'])).value), 'risk');
    const alerts = parseAlertsJson(JSON.stringify((await json(['alerts'])).value), 'alerts');
    expect(risk.length).toBeGreaterThan(0);
    expect(alerts.length).toBeGreaterThan(0);
    for (let i = 1; i < risk.length; i++)
      expect(risk[i - 1]!.score).toBeGreaterThanOrEqual(risk[i]!.score);
    const store = new Database(db, { readonly: true });
    const actor = store.prepare('SELECT actor FROM events WHERE id = ?').pluck();
    for (const r of risk)
      for (const reason of r.reasons)
        for (const id of reason.events) expect(actor.get(id)).toBe(r.employeeId);
    for (const a of alerts) for (const id of a.events) expect(actor.get(id)).toBe(a.employeeId);
    store.close();
  });

  it('filter alerts by severity, exit 1 when one is shown and 0 when none is', async () => {
    const all = (await json(['alerts'])).value as { severity: string }[];
    const high = await json(['alerts', '--severity', 'high']);
    expect(
      (high.value as { severity: string }[]).every(
        (a) => a.severity === 'high' || a.severity === 'critical',
      ),
    ).toBe(true);
    expect(high.code).toBe((high.value as unknown[]).length > 0 ? 1 : 0);
    expect(all.length).toBeGreaterThanOrEqual((high.value as unknown[]).length);
    const bad = await runCli(['alerts', '--db', db, '--severity', 'severe']);
    expect(bad.code).toBe(2);
    const limit = await runCli(['risk', '--db', db, '--limit', 'ten']);
    expect(limit.code).toBe(2);
    expect(limit.err).toContain('--limit must be a whole number');
  });
});

describe('warden detect', () => {
  it('replays the whole ledger to the very findings the batch-by-batch run stored', async () => {
    const streamed = { risk: (await json(['risk'])).value, alerts: (await json(['alerts'])).value };
    const run = await json(['detect']);
    expect(run.code).toBe(
      (streamed.alerts as { severity: string }[]).some((a) => a.severity !== 'low') ? 1 : 0,
    );
    expect({ risk: (await json(['risk'])).value, alerts: (await json(['alerts'])).value }).toEqual(
      streamed,
    );
  });

  it('recomputes when the ledger has grown since the findings were stored', async () => {
    const extra = join(dir.path, 'extra.ndjson');
    const employee = 'e-newcomer';
    const records = [
      {
        v: 1,
        kind: 'employee',
        id: employee,
        team: 'seller-support',
        role: 'support-agent',
        site: 'Dublin',
      },
      {
        v: 1,
        kind: 'event',
        id: 'ev-extra-1',
        time: '2026-09-20T10:00:00Z',
        actor: employee,
        action: 'data.export',
        target: { type: 'dataset', id: 'customers' },
        attrs: { rows: 5000, fields: ['reviewer.email'] },
      },
    ];
    writeFileSync(extra, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    expect((await runCli(['ingest', extra, '--db', db])).code).toBe(0);
    const alerts = (await json(['alerts'])).value as { events: string[]; employeeId: string }[];
    expect(alerts.some((a) => a.employeeId === employee && a.events.includes('ev-extra-1'))).toBe(
      true,
    );
  });
});

describe('warden sellers', () => {
  it('lists sellers by what they gained, highest first, each with the employees who gave it', async () => {
    const sellers = (await json(['sellers'])).value as {
      sellerId: string;
      score: number;
      employees: string[];
    }[];
    const risk = new Set(
      ((await json(['risk'])).value as { employeeId: string }[]).map((r) => r.employeeId),
    );
    expect(sellers.length).toBeGreaterThan(0);
    for (let i = 1; i < sellers.length; i++)
      expect(sellers[i - 1]!.score).toBeGreaterThanOrEqual(sellers[i]!.score);
    for (const s of sellers) for (const e of s.employees) expect(risk.has(e)).toBe(true);
    expect((await runCli(['sellers', '--db', db])).code).toBe(0);
  });
});

describe('warden explain', () => {
  it('shows the reasons, the alerts, a timeline of the cited events and the baselines', async () => {
    const [top] = (await json(['risk'])).value as { employeeId: string; score: number }[];
    const text = await runCli(['explain', top!.employeeId, '--db', db]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(
      /reasons[\s\S]*alerts[\s\S]*timeline of the \d+ cited events[\s\S]*baselines/,
    );
    const j = (await json(['explain', top!.employeeId])).value as {
      score: number;
      timeline: { actor: string; indicators: string[] }[];
    };
    expect(j.score).toBe(top!.score);
    expect(j.timeline.length).toBeGreaterThan(0);
    for (const t of j.timeline) expect(t.actor).toBe(top!.employeeId);
  });

  it('refuses an employee it does not know, exit 2', async () => {
    expect((await runCli(['explain', 'nobody', '--db', db])).code).toBe(2);
  });
});

describe('warden profile and the org profile', () => {
  it('shows what was learned per peer group, and the declared job functions', async () => {
    const org = join(dir.path, 'org.json');
    writeFileSync(
      org,
      JSON.stringify({
        version: 1,
        personalData: { owned: 'by another context' },
        detection: { jobFunctions: [{ does: 'cross-seller-analytics', teams: ['analytics*'] }] },
      }),
    );
    const r = await runCli(['profile', '--db', db, '--org', org, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      jobFunctions: { does: string }[];
      peerGroups: { group: string; members: number; qualified: number; norms: object }[];
    };
    expect(out.jobFunctions.map((f) => f.does)).toEqual(['cross-seller-analytics']);
    expect(out.peerGroups.length).toBeGreaterThan(1);
    expect(out.peerGroups.reduce((n, g) => n + g.members, 0)).toBeGreaterThan(20);
    for (const g of out.peerGroups) {
      expect(g.group).toMatch(/^(team=|role=)/);
      expect(Object.keys(g.norms)).toContain('self-opened');
    }
  });

  it('refuses a profile whose detection section does not validate, naming the file and field', async () => {
    const org = join(dir.path, 'bad-org.json');
    writeFileSync(
      org,
      JSON.stringify({ detection: { jobFunctions: [{ does: 'spying', teams: ['x'] }] } }),
    );
    const r = await runCli(['risk', '--db', db, '--org', org]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('ORG_PROFILE_INVALID');
    expect(r.err).toContain('detection.jobFunctions.0.does');
    expect(r.err).toContain(org);
    const missing = await runCli(['detect', '--db', db, '--org', join(dir.path, 'nope.json')]);
    expect(missing.code).toBe(2);
  });
});
