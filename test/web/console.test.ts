import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMissing, launch } from './browser.js';
import { consoleServer, type ConsoleServer } from './server.js';

const missing = browserMissing();
if (missing !== undefined && process.env.CI !== 'true') process.stderr.write(`${missing}\n`);

describe('the browser is there in CI', () => {
  it.runIf(process.env.CI === 'true')('has Chromium (a missing one fails CI)', () => {
    expect(missing).toBeUndefined();
  });
});

describe.skipIf(missing !== undefined)('the web console in Chromium', () => {
  let server: ConsoleServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await consoleServer();
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const open = async (): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(server.address);
    return page;
  };
  const signIn = async (page: Page, token: string): Promise<void> => {
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  it('refuses a forged token and keeps nothing', async () => {
    const page = await open();
    await signIn(page, 'wdn_tk-0000000000000000_forged');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/\S/);
    await expect(page.getByLabel('API token').isVisible()).resolves.toBe(true);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.close();
  });

  // a second attempt is allowed: the full suite runs beside other forks on a loaded machine
  it('signs an investigator in and shows the dashboard within a second', { retry: 2 }, async () => {
    const page = await open();
    const started = Date.now();
    await signIn(page, server.tokens.inv1 ?? '');
    await page.getByRole('heading', { name: 'Risk leaderboard' }).waitFor();
    await page.getByTestId('ledger-size').waitFor();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(Number(await page.getByTestId('ledger-size').textContent())).toBeGreaterThan(0);
    await expect(page.getByText('Signed in as inv1').isVisible()).resolves.toBe(true);
    // the token stays in this tab only, and a reload keeps the sign-in
    await page.reload();
    await page.getByRole('heading', { name: 'Ledger' }).waitFor();
    await page.close();
  });

  it('approves a pending request as a second person; it leaves the inbox', async () => {
    const asked = await server.app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: { authorization: `Bearer ${server.tokens.m1}` },
      payload: { action: 'review.delete', targetId: 'r1', reason: 'spam' },
    });
    expect(asked.statusCode, asked.body).toBe(202);
    const { approvalId } = asked.json<{ approvalId: string }>();

    // the requester sees it, but may only withdraw it
    const mine = await open();
    await signIn(mine, server.tokens.m1 ?? '');
    await mine.getByRole('link', { name: 'Approvals inbox' }).click();
    await mine.locator(`[data-approval="${approvalId}"]`).waitFor();
    expect(await mine.getByRole('button', { name: `Approve ${approvalId}` }).count()).toBe(0);
    await mine.close();

    const page = await open();
    await signIn(page, server.tokens.m2 ?? '');
    await page.getByRole('link', { name: 'Approvals inbox' }).click();
    await page.getByRole('button', { name: `Approve ${approvalId}` }).click();
    await page.getByRole('status').getByText(`${approvalId}: approved`).waitFor();
    await expect.poll(() => page.locator(`[data-approval="${approvalId}"]`).count()).toBe(0);
    await page.close();

    const after = await server.app.inject({
      method: 'GET',
      url: '/v1/approvals?status=approved',
      headers: { authorization: `Bearer ${server.tokens.m2}` },
    });
    const approved = after.json<{ items: { id: string; decidedBy?: string }[] }>().items;
    expect(approved.find((a) => a.id === approvalId)?.decidedBy).toBe('m2');
  });

  it('shows a caller with no grant no data page', async () => {
    const page = await open();
    await signIn(page, server.tokens.none1 ?? '');
    await page.getByText('Your role may use: nothing').waitFor();
    expect(await page.getByRole('link', { name: 'Alert queue' }).count()).toBe(0);
    await page.close();
  });

  it('keeps 10,000 alerts smooth: only the visible rows exist, the oldest is reachable', async () => {
    const states = ['new', 'acknowledged', 'dismissed', 'escalated'] as const;
    const triageOf = (state: (typeof states)[number], i: number) =>
      state === 'new'
        ? { state }
        : { state, by: 'inv2', ...(state === 'escalated' ? { caseId: `case-${i}` } : {}) };
    const alerts = Array.from({ length: 10_000 }, (_, i) => ({
      id: `al-${i}`,
      employeeId: `e-${i % 97}`,
      detector: i % 2 ? 'self-serving-ticket' : 'reviewer-harvest',
      severity: i % 5 ? 'medium' : 'high',
      eventTime: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      sellerIds: [],
      events: [],
      summary: `alert number ${i}`,
      triage: triageOf(states[i % 4]!, i),
    }));
    const page = await open();
    const asked: (string | null)[] = [];
    // the API answers in pages of 500, as /v1/alerts does: the console must follow every
    // cursor; it filters by triage state as the API does (`?triage=a,b`)
    await page.route('**/v1/alerts?**', (route) => {
      const query = new URL(route.request().url()).searchParams;
      const wanted = query.get('triage');
      asked.push(wanted);
      const kept = wanted
        ? alerts.filter((a) => wanted.split(',').includes(a.triage.state))
        : alerts;
      const at = Number(query.get('cursor') ?? 0);
      const next = at + 500;
      return route.fulfill({
        json: {
          items: kept.slice(at, next),
          ...(next < kept.length ? { nextCursor: String(next) } : {}),
        },
      });
    });
    await signIn(page, server.tokens.inv1 ?? '');
    await page.getByRole('link', { name: 'Alert queue' }).click();
    await page.getByText('10000 alerts').waitFor();
    const rows = await page.locator('.queue [role=listitem]').count();
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(100);
    await page.getByText('alert number 9999', { exact: true }).waitFor();
    // each row shows its triage state; an escalated one links to its case
    const newest = page.getByRole('listitem').filter({ hasText: 'alert number 9999' });
    await expect(
      newest.getByRole('link', { name: 'escalated' }).getAttribute('href'),
    ).resolves.toBe('#/case/case-9999');
    await expect(
      page
        .getByRole('listitem')
        .filter({ hasText: 'alert number 9998' })
        .locator('.state')
        .textContent(),
    ).resolves.toBe('dismissed');
    await page.evaluate("document.querySelector('.queue').scrollTop = 1e9");
    await page.getByText('alert number 0', { exact: true }).waitFor();
    expect(await page.locator('.queue [role=listitem]').count()).toBeLessThan(100);

    await page.getByLabel('Triage state').selectOption('acknowledged');
    await page.getByText('2500 alerts').waitFor();
    expect(asked.at(-1)).toBe('acknowledged');
    const shown = page.locator('.queue [role=listitem]');
    expect(await shown.count()).toBeLessThan(100);
    expect(new Set(await shown.locator('.state').allTextContents())).toEqual(
      new Set(['acknowledged']),
    );
    await page.getByLabel('Triage state').selectOption('new,acknowledged');
    await page.getByText('5000 alerts').waitFor();
    expect(asked.at(-1)).toBe('new,acknowledged');
    await page.close();
  });

  it('draws the rings with their sellers, and links each member to their page', async () => {
    const page = await open();
    await page.route('**/v1/rings?**', (route) =>
      route.fulfill({
        json: {
          items: [{ employees: ['m1', 'm2'], sellers: ['s1'], density: 2.5, evidence: {} }],
        },
      }),
    );
    await page.route('**/v1/sellers?**', (route) =>
      route.fulfill({ json: { items: [{ sellerId: 's1', score: 80 }] } }),
    );
    await signIn(page, server.tokens.inv1 ?? '');
    await page.getByRole('link', { name: 'Collusion rings' }).click();
    await page.locator('.graph canvas').first().waitFor();
    await page.getByRole('img', { name: '1 rings' }).waitFor();
    await page.getByRole('link', { name: 'm2' }).click();
    await page.getByRole('heading', { name: 'Employee m2' }).waitFor();
    await page.close();
  });

  it('works from the keyboard alone, and signing out forgets the token', async () => {
    const page = await open();
    // the page's script renders the form after the load event: wait for it before the first Tab
    await page.getByLabel('API token').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('token');
    await page.keyboard.type(server.tokens.inv1 ?? '');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Risk leaderboard' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.reload();
    await page.getByLabel('API token').waitFor();
    await page.close();
  });
});
