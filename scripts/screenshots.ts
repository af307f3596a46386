/**
 * Screenshots of the console's main pages into docs/screenshots/, with the same Chromium as
 * the browser tests. Run against a served demo (`npm start` prints the address and token):
 *
 *   npm run build && node dist/scripts/screenshots.js http://127.0.0.1:8080 wdn_… [wdn_… REVIEW]
 *
 * With a moderator's token and a low-rated review, the moderator first asks to remove it, so
 * the inbox shows a pending four-eyes request. When the token's role holds the `cases` scope,
 * the newest alert is escalated into a case (a ledgered step, as an investigator would take
 * it) and the triage panel, the case page and the ledger view with that case's look proved
 * are shot too.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launch } from './chromium.js';

const OUT = join('docs', 'screenshots');

async function main(address: string, token: string, pending?: string[]): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  if (pending?.length === 2) await askRemoval(address, pending[0] ?? '', pending[1] ?? '');
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(address);
    await shot(page, 'sign-in');
    await page.getByLabel('API token').fill(token);
    const started = performance.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('ledger-size').waitFor();
    await page.locator('figure canvas').first().waitFor();
    await page.locator('table a').first().waitFor();
    const firstView = Math.round(performance.now() - started);
    await shot(page, 'dashboard');
    const top = page.locator('table a').first();
    const employee = await top.textContent();
    await top.click();
    await page.getByTestId('score').waitFor();
    await shot(page, 'employee');
    await page.getByRole('link', { name: 'Alert queue' }).click();
    await page.getByTestId('alert-count').waitFor();
    await shot(page, 'alert-queue');
    await page.getByRole('link', { name: 'Collusion rings' }).click();
    // a small world may hold no ring: then the page says so
    await page.locator('.graph canvas').or(page.getByText('No ring was found.')).first().waitFor();
    await page.waitForTimeout(500); // the layout settles
    await shot(page, 'rings');
    await page.getByRole('link', { name: 'Approvals inbox' }).click();
    await page.getByRole('heading', { name: 'Approvals inbox' }).waitFor();
    await page.waitForLoadState('networkidle');
    await shot(page, 'inbox');
    if (await hasScope(address, token, 'cases')) await investigation(page);
    console.log(
      `first view (sign-in to dashboard drawn) ${firstView} ms; screenshots of ${address} (top employee ${employee ?? '?'}) in ${OUT}/`,
    );
  } finally {
    await browser.close();
  }
}

/** The triage panel, a case escalated from the newest alert, and its look proved in the ledger. */
async function investigation(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Alert queue' }).click();
  await page.getByTestId('alert-count').waitFor();
  await page
    .getByRole('button', { name: /^Triage / })
    .first()
    .click();
  await page.getByRole('heading', { name: /^Triage / }).waitFor();
  await shot(page, 'triage');
  await page.getByRole('button', { name: 'Escalate into a new case' }).click();
  await page.getByRole('link', { name: /^Open case / }).click();
  await page.getByRole('heading', { name: 'Subjects' }).waitFor();
  await page.getByRole('button', { name: 'Load the timeline' }).click();
  await page.getByText(/events, each proved against/).waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
  await shot(page, 'case');
  const look = (await page.locator('dd code').first().textContent()) ?? '';
  await page.getByRole('link', { name: 'Ledger' }).click();
  await page.getByLabel('Event or record id').fill(look);
  await page.getByRole('button', { name: 'Prove' }).click();
  await page.getByTestId('proof-verdict').waitFor();
  await page.waitForLoadState('networkidle');
  await shot(page, 'ledger');
}

async function hasScope(address: string, token: string, scope: string): Promise<boolean> {
  const res = await fetch(`${address}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { scopes?: string[] }).scopes?.includes(scope) ?? false;
}

/** A removal that needs a second person: the inbox then has something to show. */
async function askRemoval(address: string, token: string, review: string): Promise<void> {
  const res = await fetch(`${address}/v1/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'review.delete', targetId: review, reason: 'spam' }),
  });
  if (res.status !== 202) throw new Error(`asking to remove ${review}: ${await res.text()}`);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
}

const [address, token, ...pending] = process.argv.slice(2);
if (!address || !token) {
  console.error('usage: node dist/scripts/screenshots.js ADDRESS TOKEN');
  process.exit(2);
}
await main(address, token, pending);
