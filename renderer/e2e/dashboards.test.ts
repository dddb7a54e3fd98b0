// Dashboards (issue 17, decision 0035) in Chromium against the demo company: each role's
// dashboard is the first screen after sign-in, is drawn ("ready") at 1024×768 and 1920×1080
// without sideways scrolling, and every chart's table shows exactly the numbers `dashboard.get`
// returns; the CSV under a chart is its table; a sale recorded while the dashboard is open shows
// on it by itself; a shop clerk sees no margin, the admin does; presets and the branch choice
// change the answer.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { axeViolations, sidewaysOverflow } from './a11y-checks';
import { screenshot, screenshotDir, signIn, startHarness, type Harness } from './harness';

const ready = 'section.dashboard[data-state="ready"]';
const people = [
  { username: 'shop1', role: 'shop', kind: 'shop' },
  { username: 'factory', role: 'factory', kind: 'factory' },
  { username: 'finance', role: 'finance', kind: 'finance' },
  { username: 'admin', role: 'admin', kind: 'company' },
  { username: 'sales', role: 'sales', kind: 'rep' },
  { username: 'driver', role: 'driver', kind: 'driver' },
] as const;
const sizes = [
  { width: 1024, height: 768 },
  { width: 1920, height: 1080 },
] as const;

let h: Harness;
const tokens: Record<string, string> = {};
const idRow = z.object({ id: z.string() });
const branchId = (code: string) =>
  idRow.parse(h.host.core.db.sqlite.prepare('SELECT id FROM branches WHERE code = ?').get(code)).id;

/** A sale at the shop's counter, paid in cash: what the dashboards count. */
async function sell(sku: string, quantity: number) {
  const { variantId } = await h.call('catalog.findByCode', { code: sku }, tokens.shop1);
  return h.call(
    'sales.record',
    { lines: [{ variantId, quantity }], payments: [{ method: 'cash' }] },
    tokens.shop1,
  );
}

/** Signs in and waits for the dashboard to be drawn; returns how long that took after sign-in. */
async function openDashboard(page: Page, username: string): Promise<number> {
  await page.setViewportSize(sizes[0]);
  await signIn(page, h.web.url, username);
  const signedIn = Date.now();
  await page.locator(ready).waitFor({ timeout: 20_000 });
  return Date.now() - signedIn;
}

/** A chart's table as drawn: its header and, per label, the raw numbers (data-value). */
async function tableOf(page: Page, chartId: string) {
  const table = page.locator(`${ready} table[data-chart-table="${chartId}"]`);
  // textContent, not innerText: the headers are drawn in capitals by CSS only.
  const header = await table
    .locator('thead th')
    .evaluateAll((ths) => ths.map((th) => th.textContent ?? ''));
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      label: tr.getAttribute('data-label') ?? '',
      shown: tr.querySelector('th')?.textContent ?? '',
      values: [...tr.querySelectorAll('td')].map((td) => Number(td.getAttribute('data-value'))),
      texts: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
    })),
  );
  return { header, rows };
}

const card = (page: Page, id: string) =>
  page.locator(`${ready} [data-card="${id}"]`).getAttribute('data-value').then(Number);

/** The range the screen shows, to ask the core for the very same answer. */
async function shownRange(page: Page) {
  const section = page.locator(ready);
  return {
    from: (await section.getAttribute('data-from')) ?? '',
    to: (await section.getAttribute('data-to')) ?? '',
  };
}

beforeAll(async () => {
  h = await startHarness({ demo: true });
  for (const p of people)
    tokens[p.username] = (
      await h.call('auth.login', { username: p.username, password: 'demo1234' })
    ).token;
  // Some sales and an order, so the shop's, finance's and the company's charts have bars.
  await sell('TS-WHT-M', 2);
  await sell('CUP-SML', 3);
  await sell('TR-NVY-32', 1);
  const { variantId } = await h.call('catalog.findByCode', { code: 'TS-WHT-M' }, tokens.shop1);
  await h.call('orders.place', { lines: [{ variantId, quantity: 4 }] }, tokens.shop1);
}, 180_000);
afterAll(async () => {
  await h?.close();
}, 60_000);

describe.each(people)('$username: the $kind dashboard', ({ username, role, kind }) => {
  it('is the first screen, drawn at both sizes without sideways scrolling, its tables the core’s numbers', async () => {
    const { page } = await h.newPerson();
    const ms = await openDashboard(page, username);
    console.log(`${username}: dashboard drawn ${ms} ms after the shell appeared`);
    expect(
      await page.locator('.nav-item[aria-current="page"]').getAttribute('aria-keyshortcuts'),
    ).toBe('Alt+0');
    expect(await page.locator(ready).getAttribute('data-kind')).toBe(kind);

    const answer = await h.call('dashboard.get', await shownRange(page), tokens[username]);
    expect(answer.charts.length).toBeGreaterThan(0);
    // Every chart is drawn (a canvas, or the heat map's grid) and its table holds its numbers.
    for (const chart of answer.charts) {
      await page.locator(`${ready} [data-chart-canvas="${chart.id}"]`).waitFor();
      const table = await tableOf(page, chart.id);
      expect(
        table.rows.map((r) => r.label),
        chart.id,
      ).toEqual(chart.labels);
      expect(
        table.rows.map((r) => r.values),
        chart.id,
      ).toEqual(chart.labels.map((_, i) => chart.series.map((s) => s.values[i] ?? 0)));
      expect(table.header.length, chart.id).toBe(chart.series.length + 1);
    }
    for (const c of answer.cards)
      if (c.id !== 'salesToday' && c.id !== 'ticketsToday')
        expect(await card(page, c.id), c.id).toBe(c.value);

    for (const size of sizes) {
      await page.setViewportSize(size);
      // chart.js follows its box's new size on the next frame.
      await page.waitForTimeout(150);
      const name = `dashboard-${role}-${size.width}x${size.height}`;
      expect(await sidewaysOverflow(page), name).toEqual([]);
      expect(await axeViolations(page), name).toEqual([]);
      await screenshot(page, name);
    }
    // Two columns of charts at 1920 wide, one at 1024.
    // Page code as text: this file is checked without the DOM lib.
    const columns = () =>
      page.evaluate<number>(
        `getComputedStyle(document.querySelector('.dash-charts')).gridTemplateColumns.split(' ').length`,
      );
    expect(await columns()).toBe(2);
    await page.setViewportSize(sizes[0]);
    expect(await columns()).toBe(1);
  }, 120_000);
});

describe('the shop dashboard', () => {
  let page: Page;
  beforeAll(async () => {
    ({ page } = await h.newPerson());
    await openDashboard(page, 'shop1');
  }, 60_000);

  it('shows net sales equal to the sales list’s totals, and no margin or cost', async () => {
    const sales = await h.call('sales.list', { branchId: branchId('SH01') }, tokens.shop1);
    const total = sales.reduce((a, s) => a + s.total, 0);
    expect(total).toBeGreaterThan(0);
    expect(await card(page, 'netSales')).toBe(total);
    // The bars over time add up to the same figure.
    const overTime = await tableOf(page, 'salesOverTime');
    expect(overTime.rows.reduce((a, r) => a + (r.values[0] ?? 0), 0)).toBe(total);
    expect(await page.locator('[data-card="margin"]').count()).toBe(0);
    expect(await page.locator('th[data-series="margin"]').count()).toBe(0);
    expect(await page.locator(ready).textContent()).not.toMatch(/margin|cost/i);
  });

  it('exports a chart’s table as CSV: the same rows and numbers, money in major units', async () => {
    const table = await tableOf(page, 'topProducts');
    expect(table.rows.length).toBeGreaterThan(0);
    const button = page.getByRole('button', { name: 'Export CSV: Top products' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      // From the keyboard: the button is a real button.
      button.focus().then(() => page.keyboard.press('Enter')),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^topProducts-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const lines = readFileSync((await download.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(table.header.join(','));
    expect(lines.slice(1).length).toBe(table.rows.length);
    lines.slice(1).forEach((line, i) => {
      const row = table.rows[i]!;
      // Product names here hold no comma; a quoted cell would start with a quote.
      const cells = line.split(',');
      expect(cells[0]).toBe(row.shown);
      // Money: the cell is the table's amount without symbol or separators, in major units.
      expect(cells.slice(1)).toEqual(row.values.map((v) => (v / 100).toFixed(2)));
      expect(cells.slice(1)).toEqual(row.texts.map((t) => t.replace(/[^\d.-]/g, '')));
    });
  });

  it('shows a sale recorded elsewhere by itself within seconds, redrawing in place', async () => {
    const before = await card(page, 'netSales');
    // Marks the drawn canvas: the same element must still be there after the update (no remount).
    await page
      .locator('[data-chart-canvas="salesOverTime"]')
      .evaluate((el) => el.setAttribute('data-mark', 'kept'));
    const choicesBefore = await shownRange(page);
    const sale = await sell('TS-WHT-M', 1);
    const started = Date.now();
    await expect
      .poll(() => card(page, 'netSales'), { timeout: 7_500, interval: 100 })
      .toBe(before + sale.total);
    const seconds = (Date.now() - started) / 1000;
    console.log(`dashboard followed a sale in ${seconds.toFixed(1)} s`);
    expect(await page.locator(ready).count()).toBe(1);
    expect(
      await page.locator('[data-chart-canvas="salesOverTime"]').getAttribute('data-mark'),
    ).toBe('kept');
    expect(await shownRange(page)).toEqual(choicesBefore);
  });

  it('changes the range with the presets, from the keyboard', async () => {
    const { to } = await shownRange(page);
    const preset = async (name: string) => {
      await page.getByRole('button', { name, exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.locator(ready).waitFor();
    };
    await preset('Today');
    expect(await shownRange(page)).toEqual({ from: to, to });
    expect(
      await page.getByRole('button', { name: 'Today', exact: true }).getAttribute('aria-pressed'),
    ).toBe('true');
    expect((await tableOf(page, 'salesOverTime')).rows.length).toBe(1);
    await preset('90 days');
    const ninety = await shownRange(page);
    expect(ninety.to).toBe(to);
    expect((Date.parse(ninety.to) - Date.parse(ninety.from)) / 86_400_000).toBe(89);
    // 90 days are drawn by ISO week.
    expect((await tableOf(page, 'salesOverTime')).rows[0]?.label).toMatch(/^\d{4}-W\d{2}$/);
    const answer = await h.call('dashboard.get', ninety, tokens.shop1);
    expect(await card(page, 'netSales')).toBe(answer.cards.find((c) => c.id === 'netSales')?.value);
    await preset('30 days');
  });
});

describe('the company dashboard', () => {
  it('shows margin to the admin, and the branch choice narrows the answer', async () => {
    const { page } = await h.newPerson();
    await openDashboard(page, 'admin');
    expect(await page.locator('[data-card="margin"]').count()).toBe(1);
    expect(
      await page.locator('table[data-chart-table="branchSales"] th[data-series="margin"]').count(),
    ).toBe(1);
    expect(await page.locator(ready).getAttribute('data-branch')).toBe('all');
    const all = await card(page, 'netSales');
    expect(all).toBeGreaterThan(0);

    const branch = page.getByLabel('Branch', { exact: true });
    await branch.focus();
    await branch.selectOption(branchId('SH02'));
    await page.locator(`${ready}[data-branch="${branchId('SH02')}"]`).waitFor();
    // SH02 sold nothing; its chart of branches is SH02 alone.
    expect(await card(page, 'netSales')).toBe(0);
    expect((await tableOf(page, 'branchSales')).rows.map((r) => r.label)).toEqual(['SH02']);

    await branch.selectOption(branchId('SH01'));
    await page.locator(`${ready}[data-branch="${branchId('SH01')}"]`).waitFor();
    expect(await card(page, 'netSales')).toBe(all);

    // Another dashboard of the admin's, keeping the branch and the days.
    const range = await shownRange(page);
    await page.getByLabel('Dashboard', { exact: true }).selectOption('shop');
    await page.locator(`${ready}[data-kind="shop"]`).waitFor();
    expect(await shownRange(page)).toEqual(range);
    expect(await page.locator(ready).getAttribute('data-branch')).toBe(branchId('SH01'));
    expect(await page.locator('[data-card="margin"]').count()).toBe(1);
    await screenshot(page, 'dashboard-admin-shop-view-1024x768');
    expect(screenshotDir).toContain('test-results');
  }, 90_000);
});
