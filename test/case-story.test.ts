import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employee, runCli, tempDir } from './helpers.js';

// The whole story on simulated data: a detector's alert becomes a case, the case's subjects
// are revealed by a second person, measures are taken and approved through the guard, the
// evidence goes to a legal referral, the seller gets a statement of reasons, appeals, and a
// different person overturns the measure.
const dir = tempDir('warden-story-');
const db = join(dir.path, 'story.db');
const as = (who: string): string[] => ['--db', db, '--insecure-as', who, '--json'];
const cli = async (args: string[]): Promise<{ code: number; json: Record<string, unknown> }> => {
  const r = await runCli(args);
  return {
    code: r.code,
    json: r.out.trim().startsWith('{') ? (JSON.parse(r.out) as Record<string, unknown>) : {},
  };
};
let alert: { id: string; employeeId: string; sellerIds: string[] };

beforeAll(async () => {
  process.env['WARDEN_INSECURE_IDENTITY'] = '1';
  const sim = join(dir.path, 'sim');
  expect((await runCli(['simulate', '--preset', 'small', '--seed', '4', '--out', sim])).code).toBe(
    0,
  );
  const stream = readdirSync(join(sim, 'stream')).map((f) => join(sim, 'stream', f));
  // the legal staff who investigate (the small world has none)
  const staff = join(dir.path, 'staff.ndjson');
  const counsel = (id: string): string => employee(id, { team: 'legal', role: 'counsel' });
  writeFileSync(staff, [counsel('lc-1'), counsel('lc-2'), counsel('lc-3')].join('\n'));
  expect((await runCli(['ingest', ...stream, staff, '--db', db])).code).toBe(0);
  const alerts = JSON.parse(
    (await runCli(['alerts', '--db', db, '--json'])).out,
  ) as (typeof alert)[];
  alert = alerts.find((a) => a.sellerIds.length > 0)!;
  expect(alert).toBeDefined();
}, 240_000);

afterAll(() => {
  delete process.env['WARDEN_INSECURE_IDENTITY'];
  dir.cleanup();
});

/** Takes a measure: asked by lc-1, approved by lc-2, carried out by lc-1. */
async function take(
  measure: string,
  caseId: string,
  subject: string,
  extra: string[] = [],
): Promise<string> {
  const args = [
    'action',
    'take',
    measure,
    caseId,
    subject,
    '--reason',
    'paid reviews via a broker',
    ...extra,
  ];
  const asked = await cli([...args, ...as('lc-1')]);
  expect(asked.json['outcome']).toBe('pending');
  const approvalId = asked.json['approvalId'] as string;
  expect((await cli(['approve', approvalId, ...as('lc-1')])).code).toBe(1); // not the requester
  expect((await cli(['approve', approvalId, ...as('lc-2')])).code).toBe(0);
  const done = await cli([...args, '--approval', approvalId, ...as('lc-1')]);
  expect(done.json['outcome']).toBe('allow');
  return done.json['eventId'] as string;
}

describe('an alert carried to enforcement and appeal', () => {
  it('goes from alert to case to measures to statement to appeal', async () => {
    const seller = alert.sellerIds[0]!;
    const insider = alert.employeeId;
    const escalated = await cli(['case', 'escalate', alert.id, ...as('lc-1')]);
    const caseId = escalated.json['case'] as string;
    expect((await runCli(['case', 'show', caseId, ...as('lc-1')])).out).not.toContain(insider);

    // the insider's name is revealed by a second person; then the insider loses access
    expect(
      (await cli(['case', 'reveal', caseId, '--reason', 'measures', ...as('lc-1')])).code,
    ).toBe(0);
    expect((await cli(['case', 'approve-reveal', caseId, ...as('lc-2')])).code).toBe(0);
    await take('employee.revoke', caseId, insider);
    const refused = await runCli(['request', 'seller.account.view', seller, ...as(insider)]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('employee-active');

    // the seller: suspended, funds held; the evidence goes to a legal referral
    const suspension = await take('seller.suspend', caseId, seller, [
      '--rule',
      'Terms 4.2: no paid reviews',
    ]);
    await take('funds.withhold', caseId, seller, [
      '--amount',
      '250000',
      '--currency',
      'EUR',
      '--rule',
      'Terms 4.2',
    ]);
    const bundle = join(dir.path, 'bundle');
    const exported = await cli(['case', 'export', caseId, '--out', bundle, ...as('lc-1')]);
    expect((await cli(['evidence', 'verify', bundle])).code).toBe(0);
    await take('legal.referral', caseId, seller, [
      '--bundle',
      exported.json['manifestSha256'] as string,
    ]);
    const outbox = JSON.parse((await runCli(['action', 'outbox', '--db', db, '--json'])).out) as {
      measure: string;
    }[];
    expect(outbox.map((c) => c.measure).sort()).toEqual(
      ['employee.revoke', 'funds.withhold', 'legal.referral', 'seller.suspend'].sort(),
    );
    const sink = join(dir.path, 'marketplace.ndjson');
    expect((await cli(['action', 'deliver', '--file', sink, '--db', db])).code).toBe(0);

    // the seller is told why and how to appeal; appeals; a third person overturns
    const statement = await cli(['action', 'statement', suspension, ...as('lc-1')]);
    expect(statement.json).toMatchObject({
      addressee: seller,
      measure: 'seller.suspend',
      rule: 'Terms 4.2: no paid reviews',
    });
    expect(JSON.stringify(statement.json)).not.toContain(insider);
    const filed = await cli([
      'appeal',
      'file',
      suspension,
      '--appellant',
      seller,
      '--grounds',
      'the reviews were organic',
      ...as('lc-3'),
    ]);
    const appealId = filed.json['id'] as string;
    const decide = [
      'appeal',
      'decide',
      appealId,
      '--outcome',
      'overturned',
      '--decision',
      'insufficient link to the seller',
    ];
    expect((await cli([...decide, ...as('lc-1')])).code).toBe(1); // took the measure
    expect((await cli([...decide, ...as('lc-2')])).code).toBe(1); // approved it
    const decided = await cli([...decide, ...as('lc-3')]);
    expect(decided.json['reversal']).toBe('seller.reinstate');
    await take('seller.reinstate', caseId, seller);

    expect((await runCli(['ledger', 'verify', '--db', db])).code).toBe(0);
  }, 240_000);
});
