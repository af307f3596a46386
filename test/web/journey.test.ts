import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figuresCsv } from '../../src/attribute/fingerprint-test-support.js';
import { employee, event } from '../helpers.js';
import { browserMissing, launch } from './browser.js';
import { consoleServer, type ConsoleServer } from './server.js';

// The investigation the console exists for, end to end in Chromium: an investigator triages
// an alert into a case, counsel asks for a measure under it, a second counsel approves it in
// the inbox, the first carries it out, and the investigator finds its event in the ledger
// view with an inclusion proof checked in the page; the seller appeals, and a third person
// overturns the measure.
const missing = browserMissing();
// in CI a missing Chromium fails console.test.ts ('the browser is there in CI'); here it skips
if (missing !== undefined && process.env.CI !== 'true') process.stderr.write(`${missing}\n`);

describe.skipIf(missing !== undefined)('an investigation in the console', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let alertId = '';
  beforeAll(async () => {
    server = await consoleServer(
      [
        employee('legal1', { team: 'legal', role: 'counsel' }),
        employee('legal2', { team: 'legal', role: 'counsel' }),
        // gone1 left on 2026-02-01: a look at a seller a month later is a certain alert
        event('ev-gone', {
          actor: 'gone1',
          time: '2026-03-02T10:00:00Z',
          target: { type: 'seller', id: 's1' },
        }),
      ],
      ['legal1', 'legal2', 'a1'],
    );
    browser = await launch();
    const res = await server.app.inject({
      method: 'GET',
      url: '/v1/alerts?limit=500',
      headers: { authorization: `Bearer ${server.tokens.inv1}` },
    });
    const items = res.json<{ items: { id: string; employeeId: string }[] }>().items;
    alertId = items.find((a) => a.employeeId === 'gone1')?.id ?? '';
    expect(alertId, res.body).not.toBe('');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signedIn = async (who: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(server.address);
    await page.getByLabel('API token').fill(server.tokens[who] ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${who}`).waitFor();
    return page;
  };

  it('triages, opens a case, asks for a measure, approves it as a second person, and proves it in the ledger', async () => {
    // 1. the investigator escalates the alert from the queue into a new case
    const inv = await signedIn('inv1');
    await inv.getByRole('link', { name: 'Alert queue' }).click();
    await inv.getByLabel('Severity at least').selectOption('low');
    await inv.getByRole('button', { name: `Triage ${alertId}` }).click();
    await inv.getByRole('button', { name: 'Escalate into a new case' }).click();
    await inv.getByRole('status').getByText(`${alertId}: escalated`).waitFor();
    // the queue shows it escalated, linked to its case, and no longer among the new ones
    const queued = inv
      .getByRole('listitem')
      .filter({ has: inv.getByRole('button', { name: `Triage ${alertId}` }) });
    await queued.getByRole('link', { name: 'escalated' }).waitFor();
    await inv.getByLabel('Triage state').selectOption('new');
    await inv.getByRole('button', { name: `Triage ${alertId}` }).waitFor({ state: 'detached' });
    await inv.getByLabel('Triage state').selectOption('escalated');
    await queued.waitFor();
    await inv.getByRole('link', { name: /^Open case case-/ }).click();

    // 2. the case shows its employee as a pseudonym, never by id
    await inv.getByRole('heading', { name: 'Subjects' }).waitFor();
    await inv.getByText(/employee person-[a-z2-7]{16}/).waitFor();
    expect(await inv.locator('main').textContent()).not.toContain('gone1');
    await inv.getByLabel('New note').fill('asked the manager about the leaver');
    await inv.getByRole('button', { name: 'Add note' }).click();
    await inv.getByText('asked the manager about the leaver').waitFor();
    const caseUrl = inv.url();

    // 3. counsel asks to suspend the seller: pending for a second person
    const counsel = await signedIn('legal1');
    await counsel.goto(caseUrl);
    await counsel.getByRole('heading', { name: 'Request an enforcement action' }).waitFor();
    await counsel.getByLabel('Measure', { exact: true }).selectOption('seller.suspend');
    await counsel.getByLabel('Subject (seller or employee id)').fill('s1');
    await counsel.getByLabel('Reason (the facts relied on)').fill('a leaver kept looking');
    await counsel.getByLabel('Rule broken (for measures a seller is told of)').fill('terms §4');
    await counsel.getByRole('button', { name: 'Request action' }).click();
    const outcome = counsel.getByTestId('action-outcome');
    await outcome.getByText(/^pending: a second person approves/).waitFor();
    const approvalId = /approves (\S+)/.exec((await outcome.textContent()) ?? '')?.[1] ?? '';
    expect(approvalId).not.toBe('');

    // 4. a second counsel approves it in the inbox, seeing what was asked
    const second = await signedIn('legal2');
    await second.getByRole('link', { name: 'Approvals inbox' }).click();
    const row = second.locator(`[data-approval="${approvalId}"]`);
    await row.getByText('seller.suspend on s1').waitFor();
    await second.getByRole('button', { name: `Approve ${approvalId}` }).click();
    await second.getByRole('status').getByText(`${approvalId}: approved`).waitFor();

    // 5. the first carries it out with the approval
    await counsel.getByLabel('Approval id (to carry out an approved request)').fill(approvalId);
    await counsel.getByRole('button', { name: 'Request action' }).click();
    await outcome.getByText(/^carried out \(event w-/).waitFor();
    const eventId = /event (w-[^)]+)\)/.exec((await outcome.textContent()) ?? '')?.[1] ?? '';

    // 6. the investigator finds the measure's event in the ledger, proved in the page
    await inv.getByRole('link', { name: 'Ledger' }).click();
    await inv.getByLabel('Event or record id').fill(eventId);
    await inv.getByRole('button', { name: 'Prove' }).click();
    await inv
      .getByTestId('proof-verdict')
      .getByText(/^✔ included/)
      .waitFor();
    const head = Number(await inv.getByTestId('ledger-head').textContent());
    expect(head).toBeGreaterThan(0);

    // the page's check can fail: a proof for another record's leaf hash does not verify
    await inv.route('**/v1/ledger/inclusion?**', async (route) => {
      const real = await route.fetch();
      const body = (await real.json()) as { leafHash: string };
      body.leafHash = Buffer.alloc(32, 7).toString('base64');
      await route.fulfill({ json: body });
    });
    await inv.getByRole('button', { name: 'Prove' }).click();
    await inv
      .getByTestId('proof-verdict')
      .getByText(/does not lead to the root/)
      .waitFor();

    // the case is listed, with the appeals (none yet)
    await inv.getByRole('link', { name: 'Cases' }).click();
    await inv
      .getByRole('link', { name: /\(high\)|\(critical\)|\(medium\)|\(low\)/ })
      .first()
      .waitFor();
    await inv.getByText('No appeal was filed.').waitFor();

    // 7. the seller appeals; the investigator (who neither took nor approved the measure)
    // overturns it in the console, and is told the measure that reverses it
    const filed = await server.app.inject({
      method: 'POST',
      url: '/v1/appeals',
      headers: { authorization: `Bearer ${server.tokens.legal2}` },
      payload: { measureEvent: eventId, appellant: 's1', grounds: 'we did nothing wrong' },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const appealId = filed.json<{ id: string }>().id;
    await counsel.getByRole('link', { name: 'Cases' }).click();
    await counsel.getByLabel(`Reasons for ${appealId}`).fill('I took it');
    await counsel.getByRole('button', { name: `Decide ${appealId}` }).click();
    await counsel
      .getByRole('status')
      .getByText(/^NOT_PERMITTED: legal1 took or approved/)
      .waitFor();
    await inv.reload();
    await inv.getByLabel(`Outcome of ${appealId}`).selectOption('overturned');
    await inv.getByLabel(`Reasons for ${appealId}`).fill('the views had a ticket after all');
    await inv.getByRole('button', { name: `Decide ${appealId}` }).click();
    await inv
      .getByRole('status')
      .getByText(`${appealId}: overturned; reverse the measure with seller.reinstate`, {
        exact: false,
      })
      .waitFor();
    await inv.locator(`[data-appeal="${appealId}"]`).getByText('overturned by inv1').waitFor();

    // the API agrees: the measure was carried out by legal1, approved by legal2
    const approved = await server.app.inject({
      method: 'GET',
      url: '/v1/approvals?status=executed',
      headers: { authorization: `Bearer ${server.tokens.legal2}` },
    });
    const list = approved.json<{ items: { id: string; decidedBy?: string }[] }>().items;
    expect(list.find((a) => a.id === approvalId)?.decidedBy).toBe('legal2');
    for (const p of [inv, counsel, second]) await p.close();
  }, 60_000);

  it('traces an uploaded leaked list to the employee who received its relay alias', async () => {
    const handed = await server.app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: { authorization: `Bearer ${server.tokens.a1}` },
      payload: { action: 'reviewer.contact.view', targetId: 'rv1', ticketId: 't1' },
    });
    const alias = handed.json<{ data: { alias: string } }>().data.alias;
    expect(alias, handed.body).toMatch(/^rv-/);
    const inv = await signedIn('inv1');
    await inv.getByRole('link', { name: 'Trace a leak' }).click();
    await inv.getByLabel('Leaked file (CSV or text)').setInputFiles({
      name: 'leak.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`name,email\nR One,${alias}\n`),
    });
    await inv.getByRole('button', { name: 'Trace' }).click();
    await inv.getByRole('status').getByText('leak.csv: 1 addresses; 1 employee(s) named').waitFor();
    await inv.getByTestId('named').getByRole('link', { name: 'a1' }).waitFor();
    await inv.close();
  }, 60_000);

  it('exports figures fingerprinted for the agent, and traces the leaked copy back to them', async () => {
    // 1. the agent, who holds a ticket of the seller, exports its figures: the guard allows
    // it, and the page offers the copy made for them
    const agent = await signedIn('a1');
    await agent.getByRole('link', { name: 'Export', exact: true }).click();
    await agent.getByLabel('Seller id').fill('s1');
    await agent.getByLabel('Ticket (the purpose)').fill('t1');
    await agent.getByLabel('Figures (CSV: seller, period, figure columns)').setInputFiles({
      name: 'figures.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(figuresCsv(800, 21)),
    });
    await agent.getByRole('button', { name: 'Request export' }).click();
    await agent
      .getByTestId('export-outcome')
      .getByText(/^export x-[0-9a-f]+: \d+ figures fingerprinted for you/)
      .waitFor();
    const [download] = await Promise.all([
      agent.waitForEvent('download'),
      agent.getByRole('link', { name: /^Download s1-x-/ }).click(),
    ]);
    const copy = readFileSync(await download.path());
    expect(copy.toString('utf8')).not.toBe(figuresCsv(800, 21));

    // 2. the copy leaks; the investigator uploads it and the agent is accused
    const inv = await signedIn('inv1');
    await inv.getByRole('link', { name: 'Trace a leak' }).click();
    await inv.getByLabel('Leaked table (CSV)').setInputFiles({
      name: 'found-online.csv',
      mimeType: 'text/csv',
      buffer: copy,
    });
    await inv.getByRole('button', { name: 'Find its recipients' }).click();
    await inv
      .getByText(/^found-online\.csv: \d+ figures carry a bit; 1 recipient\(s\) accused/)
      .waitFor();
    await inv.getByTestId('accused').getByRole('link', { name: 'a1', exact: true }).waitFor();

    // 3. an address that is no canary is said to be none
    await inv.getByLabel('Address mail arrived at').fill('nobody@example.org');
    await inv.getByRole('button', { name: 'Check canary' }).click();
    await inv.getByText(/^NOT_A_CANARY: /).waitFor();
    for (const p of [agent, inv]) await p.close();
  }, 60_000);
});
