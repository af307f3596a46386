import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employee, event, line, runCli, tempDir } from './helpers.js';

// A whole investigation from the terminal: a leaver's access raises a certain alert, an
// investigator escalates it, a second person approves the reveal, the bundle is exported
// and verified offline, and a tampered copy is refused.
const dir = tempDir('warden-cases-cli-');
const db = join(dir.path, 'w.db');
const as = (who: string): string[] => ['--db', db, '--insecure-as', who, '--json'];
let alertId = '';
let caseId = '';

beforeAll(async () => {
  process.env['WARDEN_INSECURE_IDENTITY'] = '1';
  const file = join(dir.path, 'in.ndjson');
  writeFileSync(
    file,
    [
      employee('inv-1', { team: 'security', role: 'investigator' }),
      employee('inv-2', { team: 'security', role: 'investigator' }),
      employee('cn-1', { team: 'legal', role: 'counsel' }),
      employee('x-9', { leftAt: '2026-03-01T00:00:00Z' }),
      line({ v: 1, kind: 'seller', id: 's-1', category: 'toys', region: 'EU' }),
      event('ev-1', { actor: 'x-9', action: 'seller.account.view' }),
      event('ev-2', { actor: 'x-9', time: '2026-03-02T10:00:00Z' }),
    ].join('\n'),
  );
  expect((await runCli(['ingest', file, '--db', db])).code).toBe(0);
  const alerts = await runCli(['alerts', '--db', db, '--json']);
  const list = JSON.parse(alerts.out) as { id: string; employeeId: string }[];
  alertId = list.find((a) => a.employeeId === 'x-9')?.id ?? '';
  expect(alertId).not.toBe('');
});

afterAll(() => {
  delete process.env['WARDEN_INSECURE_IDENTITY'];
  dir.cleanup();
});

describe('warden case', () => {
  it('escalates an alert into a case whose subject is pseudonymous', async () => {
    const r = await runCli(['case', 'escalate', alertId, ...as('inv-1')]);
    expect(r.code).toBe(0);
    caseId = (JSON.parse(r.out) as { case: string }).case;
    const show = await runCli(['case', 'show', caseId, ...as('inv-1')]);
    expect(show.code).toBe(0);
    expect(show.out).not.toMatch(/x-9/);
    expect(show.out).toMatch(/person-[a-z2-7]{16}/);
  });

  it('refuses the subject (exit 1) and an unknown case (exit 2)', async () => {
    expect((await runCli(['case', 'show', caseId, ...as('x-9')])).code).toBe(1);
    expect((await runCli(['case', 'show', 'case-nope', ...as('inv-1')])).code).toBe(2);
    expect((await runCli(['case', 'add', caseId, ...as('inv-1')])).code).toBe(2);
  });

  it('reveals only on a second person, then exports a bundle that verifies offline', async () => {
    const out = join(dir.path, 'bundle');
    expect((await runCli(['case', 'export', caseId, '--out', out, ...as('inv-1')])).code).toBe(1);
    expect(
      (await runCli(['case', 'reveal', caseId, '--reason', 'referral', ...as('inv-1')])).code,
    ).toBe(0);
    expect((await runCli(['case', 'approve-reveal', caseId, ...as('inv-1')])).code).toBe(1);
    expect((await runCli(['case', 'approve-reveal', caseId, ...as('inv-2')])).code).toBe(0);
    const timeline = await runCli(['case', 'timeline', caseId, ...as('inv-1')]);
    const t = JSON.parse(timeline.out) as { entries: { event: { id: string } }[] };
    expect(t.entries.map((e) => e.event.id)).toEqual(expect.arrayContaining(['ev-1', 'ev-2']));
    expect((await runCli(['case', 'export', caseId, '--out', out, ...as('inv-1')])).code).toBe(0);
    const verify = await runCli(['evidence', 'verify', out, '--json']);
    expect(verify.code).toBe(0);
    // ev-1, ev-2, and x-9's refused look at the case (a denied event of the subject)
    expect(JSON.parse(verify.out)).toMatchObject({ ok: true, caseId, records: 3 });
    appendFileSync(join(out, 'records.ndjson'), ' ');
    const bad = await runCli(['evidence', 'verify', out]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('records.ndjson: changed');
    expect((await runCli(['evidence', 'verify', join(dir.path, 'none')])).code).toBe(2);
  });

  it('leaves a ledger that verifies, looks and all', async () => {
    const r = await runCli(['ledger', 'verify', '--db', db, '--json']);
    expect(r.code).toBe(0);
  });
});

describe('warden case dismiss', () => {
  it('marks the alert suppressed in warden alerts and stops counting it', async () => {
    const before = await runCli(['alerts', '--db', db]);
    expect(before.code).toBe(1);
    const bad = await runCli([
      'case',
      'dismiss',
      alertId,
      '--reason',
      'r',
      '--until',
      'soon',
      ...as('inv-2'),
    ]);
    expect(bad.code).toBe(2);
    const until = new Date(Date.now() + 3600_000).toISOString();
    const ok = await runCli([
      'case',
      'dismiss',
      alertId,
      '--reason',
      'a test account',
      '--until',
      until,
      ...as('inv-2'),
    ]);
    expect(ok.code).toBe(0);
    const after = await runCli(['alerts', '--db', db, '--json']);
    const shown = JSON.parse(after.out) as {
      employeeId: string;
      suppressed?: { reason: string };
    }[];
    expect(shown.find((a) => a.employeeId === 'x-9')?.suppressed?.reason).toBe('a test account');
    expect(after.code).toBe(shown.some((a) => !a.suppressed) ? 1 : 0);
  });
});

describe('warden erase under a legal hold', () => {
  it('waits for the release (exit 1), then the release carries it out', async () => {
    const ingest = join(dir.path, 'rv.ndjson');
    writeFileSync(ingest, line({ v: 1, kind: 'reviewer', id: 'rv-1', email: 'jane@example.com' }));
    expect((await runCli(['ingest', ingest, '--db', db])).code).toBe(0);
    const opened = await runCli(['case', 'open', '--title', 'bought reviews', ...as('inv-1')]);
    const id = (JSON.parse(opened.out) as { id: string }).id;
    expect((await runCli(['case', 'add', id, '--reviewer', 'rv-1', ...as('inv-1')])).code).toBe(0);
    expect((await runCli(['case', 'hold', id, '--reason', 'court', ...as('inv-1')])).code).toBe(0);
    const waiting = await runCli(['erase', 'rv-1', ...as('cn-1')]);
    expect(waiting.code).toBe(1);
    expect(JSON.parse(waiting.out)).toEqual({ erased: false, subject: 'rv-1', waitingFor: [id] });
    const released = await runCli(['case', 'release', id, ...as('inv-1')]);
    expect(JSON.parse(released.out)).toMatchObject({ erased: ['rv-1'] });
    expect((await runCli(['erase', 'rv-1', ...as('cn-1')])).code).toBe(0);
  });
});
