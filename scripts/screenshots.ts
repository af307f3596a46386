/**
 * Screenshots of the console's main pages into docs/screenshots/, with the same Chromium as
 * the browser tests. Run against a served demo (`npm start` prints the address and token):
 *
 *   npm run build && node dist/scripts/screenshots.js http://127.0.0.1:8080 wdn_… [wdn_… REVIEW]
 *
 * With a moderator's token and a low-rated review, the moderator first asks to remove it, so
 * the inbox shows a pending four-eyes request.
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
    await page.locator('.graph canvas').first().waitFor();
    await page.waitForTimeout(500); // the layout settles
    await shot(page, 'rings');
    await page.getByRole('link', { name: 'Approvals inbox' }).click();
    await page.getByRole('heading', { name: 'Approvals inbox' }).waitFor();
    await page.waitForLoadState('networkidle');
    await shot(page, 'inbox');
    console.log(
      `first view (sign-in to dashboard drawn) ${firstView} ms; screenshots of ${address} (top employee ${employee ?? '?'}) in ${OUT}/`,
    );
  } finally {
    await browser.close();
  }
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
