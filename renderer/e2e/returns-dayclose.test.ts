// Returns and the day's close, in Chromium at 1024×768 from the keyboard alone: a sale's receipt
// number scanned on the Returns screen, part of a line returned and refunded in cash, the stock
// back on the shelf, and a second return of more than is left refused at its quantity; a shift
// opened with a float, a cash sale, the drawer counted wrong (a reason is asked for) and closed
// with one; the day's Z report on screen and as a PDF; and an admin saving the points program.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SHIRT, SHIRT_BARCODE, startCounter, type Counter } from './counter';
import { payTheRestInCash, screenshot, signIn, stockOnScreen, type Harness } from './harness';

let c: Counter;
let h: Harness;
let page: Page;

/** The shirt's price in the demo: Br 450.00. */
const SHIRT_PRICE = 45000;

/** The screen has drawn and put the focus on its heading, where its keys start from. */
const headingFocused = (name: string) =>
  expect.poll(() => page.evaluate(`document.activeElement?.textContent`)).toBe(name);

describe('returns and the day close from the keyboard', () => {
  beforeAll(async () => {
    c = await startCounter();
    ({ h, page } = c);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('returns part of a line by the scanned receipt number, refunds cash, puts the stock back and refuses more than is left', async () => {
    const { variantId } = await h.call('catalog.findByCode', { code: SHIRT }, c.token);
    const sold = await h.call(
      'sales.record',
      { lines: [{ variantId, quantity: 3 }], payments: [{ method: 'cash' }] },
      c.token,
    );
    const before = await stockOnScreen(page, SHIRT);

    await page.keyboard.press('Alt+KeyE');
    await page.getByRole('heading', { name: 'Returns', level: 1 }).waitFor();
    await headingFocused('Returns');
    // "/" reaches the receipt box; the scanner types the number and Enter.
    await page.keyboard.press('/');
    await page.keyboard.type(`${sold.number}\n`, { delay: 1 });
    const row = page.locator(`tr[data-sku="${SHIRT}"]`);
    await row.waitFor();
    expect(await row.locator('td[data-col="left"]').textContent()).toBe('3');
    expect(await c.focusedField()).toBe('line.1');
    await page.keyboard.type('2');
    await expect.poll(() => page.getByTestId('refund').textContent()).toBe('Refund Br\u00a0900.00');
    await screenshot(page, 'returns-quoted');
    await page.keyboard.press('Enter');
    const done = page.getByText(
      /^Return .* recorded: Br\u00a0900\.00 back \(Cash Br\u00a0900\.00\)/,
    );
    await done.waitFor();
    await screenshot(page, 'returns-recorded');
    const after = await stockOnScreen(page, SHIRT);
    expect(after.onHand).toBe(before.onHand + 2);

    // The same receipt again, scanned as soon as the screen opens (the heading has the focus):
    // it lands in the receipt box. One is left, two are asked for.
    await page.keyboard.press('Alt+KeyE');
    await page.getByRole('heading', { name: 'Returns', level: 1 }).waitFor();
    await headingFocused('Returns');
    await page.keyboard.type(`${sold.number}\n`, { delay: 1 });
    expect(await page.getByLabel('Receipt number').inputValue()).toBe(sold.number);
    await row.waitFor();
    expect(await row.locator('td[data-col="left"]').textContent()).toBe('1');
    await expect.poll(c.focusedField).toBe('line.1');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    const refusal = page.locator('[data-field="lines.0.quantity"] .field-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/at most 1 can be returned/);
    await screenshot(page, 'returns-refused');
    const stock = await stockOnScreen(page, SHIRT);
    expect(stock.onHand).toBe(after.onHand);
  });

  it('opens a shift, sells in cash, asks a reason for a wrong count, closes with one, and shows and downloads the Z report', async () => {
    await page.keyboard.press('Alt+KeyZ');
    await page.getByRole('heading', { name: 'Day close', level: 1 }).waitFor();
    await page.getByText('No shift is open on this till.').waitFor();
    // Tab from the heading, once the screen has put the focus there.
    await headingFocused('Day close');
    await page.keyboard.press('Tab');
    expect(await c.focusedField()).toBe('openingFloat');
    await page.keyboard.type('500');
    await page.keyboard.press('Enter');
    await page.getByText('Shift opened with Br\u00a0500.00 in the drawer.').waitFor();
    // The form went with the open shift; the focus is on what was done, not dropped to the page.
    await expect
      .poll(() => page.evaluate(`document.activeElement?.textContent`))
      .toBe('Shift opened with Br\u00a0500.00 in the drawer.');

    // A cash sale at the counter.
    await page.keyboard.press('Alt+KeyC');
    await page.getByRole('heading', { name: 'Counter sale', level: 1 }).waitFor();
    await c.scan(SHIRT_BARCODE);
    await c.tabTo('lines.0.quantity');
    await page.keyboard.press('Enter');
    await payTheRestInCash(page);
    await page.getByText(/^Sale SH01-.* recorded/).waitFor();

    await page.keyboard.press('Alt+KeyZ');
    await page.getByRole('heading', { name: 'Day close', level: 1 }).waitFor();
    const expected = 50000 + SHIRT_PRICE;
    await expect.poll(() => page.getByTestId('expected').textContent()).toBe('Br\u00a0950.00');
    await page.keyboard.press('Tab');
    expect(await c.focusedField()).toBe('countedCash');
    await page.keyboard.type('945');
    expect(await page.getByTestId('difference').textContent()).toBe(
      'The drawer holds Br\u00a05.00 less than it should.',
    );
    await page.keyboard.press('Enter');
    const reasonError = page.locator('[data-field="reason"] .field-error');
    await reasonError.waitFor();
    expect(await reasonError.textContent()).toMatch(/required/i);
    await screenshot(page, 'dayclose-reason-required');
    expect(await h.call('shifts.current', {}, c.token)).not.toBeNull();
    await expect.poll(c.focusedField).toBe('reason');
    await page.keyboard.type('a coin fell behind the drawer');
    await page.keyboard.press('Enter');
    await page.getByText(/^Shift closed: counted Br\u00a0945\.00, difference /).waitFor();
    await expect
      .poll(() => page.evaluate(`document.activeElement?.textContent`))
      .toMatch(/^Shift closed: counted Br\u00a0945\.00/);
    expect(await h.call('shifts.current', {}, c.token)).toBeNull();
    await screenshot(page, 'dayclose-closed');

    // The demo PC is head office's till, so its day's report is for head office's admin to read.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, h.web.url, 'admin');
    await page.keyboard.press('Alt+KeyZ');
    await page.getByRole('heading', { name: 'Day close', level: 1 }).waitFor();
    const report = page.locator('[data-testid="z-report"][data-state="ready"]');
    await report.waitFor();
    // The day the screen shows: the company's today, which near midnight is not always this
    // machine's date.
    const day = await page.locator('[data-field="day"] input').inputValue();
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const shifts = await h.call('auth.login', { username: 'admin', password: 'demo1234' });
    const z = await h.call('shifts.zReport', { day }, shifts.token);
    expect(z.shifts.at(-1)).toMatchObject({
      countedCash: expected - 500,
      difference: -500,
      reason: 'a coin fell behind the drawer',
    });
    expect(await page.getByTestId('z-returns').textContent()).toBe('1 · Br\u00a0900.00');
    expect(await report.getByRole('table', { name: 'Shifts' }).textContent()).toContain(
      'a coin fell behind the drawer',
    );
    await screenshot(page, 'dayclose-z-report');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^z-report-\d{4}-\d{2}-\d{2}-till-\d+\.pdf$/);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
  });

  it('lets the admin save the points program (this PC is head office)', async () => {
    await page.keyboard.press('Alt+KeyL');
    await page.getByRole('heading', { name: 'Loyalty & counter rules', level: 1 }).waitFor();
    await page.getByLabel('Spend per point').fill('10');
    await page.getByLabel('Value of a point').fill('0.50');
    await page.getByLabel('Pending days').fill('7');
    await page.getByLabel('Expiry days').fill('365');
    await page.getByRole('button', { name: 'Add a tier' }).click();
    await page.getByLabel('Tier 1 name').fill('Bronze');
    await page.getByLabel('Minimum spend').fill('0');
    await page.getByLabel('Earning rate %').fill('100');
    await page.getByLabel('Tier 1 name').press('Enter');
    await page.getByText('The loyalty program is saved').waitFor();
    await screenshot(page, 'loyalty-saved');
    const admin = await h.call('auth.login', { username: 'admin', password: 'demo1234' });
    expect(await h.call('loyalty.program', {}, admin.token)).toMatchObject({
      spendPerPoint: 1000,
      pointValue: 50,
      pendingDays: 7,
      expiryDays: 365,
      tiers: [{ name: 'Bronze', minSpend: 0, rateBp: 10000 }],
    });
  });
});
