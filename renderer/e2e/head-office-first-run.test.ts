// Head office's first run in Chromium, as an admin meets it: a fresh server over HTTPS, its bare
// address opened in a browser at 1024×768. The console offers one thing, creating the
// head-office admin, worked by keyboard; bad input is named beside its box; a reload half-way
// and a second tab set up meanwhile lead on, never into a dead end; the admin lands signed in,
// adds a shop, and creates an enrollment code a PC then enrolls with.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../sync-server/main';
import { call, serverConfig, type Server } from '../../sync-server/http/testing/head-office';
import { chromiumArgs, ensureBuilt, screenshot } from './harness';

let server: Server;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ensureBuilt();
  server = await startServer(
    serverConfig(mkdtempSync(join(tmpdir(), 'fse-e2e-first-run-'))),
    () => undefined,
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}, 120_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

async function newTab(): Promise<Page> {
  // The self-signed certificate: the admin compares its fingerprint and goes on.
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1024, height: 768 },
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  return page;
}

const field = (page: Page, name: string) => page.locator(`[data-field="${name}"]`);
const focusedField = (page: Page) =>
  page
    .locator('*:focus')
    .evaluate((box) => box.closest('[data-field]')?.getAttribute('data-field') ?? null);

/** Types into the focused box, then Tab to the next: the keyboard is all the form needs. */
async function typeAndTab(page: Page, text: string) {
  await page.keyboard.type(text);
  await page.keyboard.press('Tab');
}

describe("head office's first run in the console", () => {
  it('leads from the bare address to creating the admin, and on to enrolling a PC', async () => {
    const page = await newTab();
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/console/');
    const form = page.getByRole('form', { name: 'Set up head office' });
    await form.waitFor();
    // Only the way on: none of a PC's choices (the demo, joining a head office).
    expect(await page.getByText(/Try the demo company|Join your head office/).count()).toBe(0);
    expect(await focusedField(page)).toBe('branch.name');

    // Enter on the empty form: each missing answer is named beside its box, focus on the first.
    await page.keyboard.press('Enter');
    await expect
      .poll(() => field(page, 'branch.name').locator('.field-error').textContent())
      .toBe('Must not be empty');
    expect(await field(page, 'admin.password').locator('.field-error').textContent()).toBe(
      'Must be at least 8 characters',
    );
    expect(await focusedField(page)).toBe('branch.name');
    expect(server.replica.ready).toBe(false);

    // Two passwords that differ, then a code head office cannot have: each named, nothing set up.
    await typeAndTab(page, 'Acme Ceramics');
    await page.keyboard.press('Control+A');
    await typeAndTab(page, 'H Q');
    await page.keyboard.press('Tab'); // the username stays "admin"
    await typeAndTab(page, 'Abebe Kebede');
    await typeAndTab(page, 'correct-horse-battery');
    await page.keyboard.type('correct-horse-battry');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => field(page, 'passwordAgain').locator('.field-error').textContent())
      .toMatch(/^Does not match the password/);
    expect(await focusedField(page)).toBe('passwordAgain');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('correct-horse-battery');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => field(page, 'branch.code').locator('.field-error').textContent())
      .toMatch(/^Must be 2 to 10 capital letters or digits/);
    expect(await focusedField(page)).toBe('branch.code');
    expect(await field(page, 'passwordAgain').locator('.field-error').count()).toBe(0);
    expect(server.replica.ready).toBe(false);
    await screenshot(page, 'head-office-setup-errors');

    // The form fits 1024×768: nothing to scroll sideways, its button on the screen.
    const fit = await form.evaluate((f) => ({
      scroll: f.ownerDocument.documentElement.scrollWidth,
      width: f.ownerDocument.documentElement.clientWidth,
      button: f.querySelector('button[type="submit"]')?.getBoundingClientRect().bottom ?? Infinity,
    }));
    expect(fit.scroll).toBeLessThanOrEqual(fit.width);
    expect(fit.button).toBeLessThanOrEqual(768);

    // A reload half-way: the same form again, empty, not a dead end.
    await page.reload();
    await form.waitFor();
    expect(await field(page, 'branch.name').locator('input').inputValue()).toBe('');

    // A second tab, opened now, is set up by the first before it submits.
    const other = await newTab();
    await other.goto(`${server.url}/console/`);
    await other.getByRole('form', { name: 'Set up head office' }).waitFor();

    await typeAndTab(page, 'Acme Ceramics');
    await page.keyboard.press('Tab'); // HQ
    await page.keyboard.press('Tab'); // admin
    await typeAndTab(page, 'Abebe Kebede');
    await typeAndTab(page, 'correct-horse-battery');
    await page.keyboard.type('correct-horse-battery');
    await screenshot(page, 'head-office-setup');
    await page.keyboard.press('Enter');
    // Signed in as the admin just made, at head office.
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByText('Abebe Kebede').count()).toBeGreaterThan(0);
    expect(server.replica.ready).toBe(true);

    // The second tab's setup is told it is done and lands at the sign-in, saying why.
    await other.getByLabel('Company name').fill('Someone Else');
    await other.getByLabel('Full name').fill('Other');
    await other.getByLabel('Username').fill('other');
    await other.getByLabel('Password', { exact: true }).fill('another-password');
    await other.getByLabel('Password again').fill('another-password');
    await other.getByRole('button', { name: /Create admin and sign in/ }).click();
    await other.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await other.getByRole('status').textContent()).toMatch(
      /set up already\. Sign in with its admin/,
    );

    // A shop, then an enrollment code for its PC, by keyboard.
    await page.keyboard.press('Alt+KeyB');
    const newBranch = page.getByRole('form', { name: 'New branch' });
    await newBranch.getByLabel('Code').fill('SH01');
    await newBranch.getByLabel('Name').fill('Bole Shop');
    await newBranch.getByLabel('Kind').selectOption({ label: 'Shop' });
    await newBranch.getByLabel('Name').press('Enter');
    await page.getByRole('row', { name: /SH01 Bole Shop/ }).waitFor();
    await page.keyboard.press('Alt+KeyD');
    await page.getByLabel('For branch').selectOption({ label: 'Bole Shop (SH01)' });
    await page.getByRole('button', { name: 'Create enrollment code' }).click();
    const notice = page.getByRole('status').filter({ hasText: /type it on the new PC/ });
    await notice.waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    const code = (await notice.locator('strong').textContent()) ?? '';
    await screenshot(page, 'head-office-first-code');
    const enrolled = await call<{ branchId: string }>(server.url, 'POST', '/sync/enroll', {
      code,
      deviceName: 'Bole Shop PC',
    });
    expect(enrolled.status).toBe(200);

    // A reload once signed in keeps the admin in the console, not at the setup.
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByRole('form', { name: 'Set up head office' }).count()).toBe(0);
  }, 120_000);
});
