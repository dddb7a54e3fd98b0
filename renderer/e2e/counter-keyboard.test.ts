// The shop counter sold from a barcode scanner and the keyboard alone, in Chromium at 1024×768:
// the scan box keeps the focus from one customer to the next, a code that matches nothing is
// replaced by the next scan, a scan that lands in a quantity box adds its item, Esc asks before
// a full sale is dropped, and a new order's next scan starts the next order instead of opening
// the one just placed; a scan made on another screen opens the counter with its item on the sale.
// The scanner is imitated by keys typed a few milliseconds apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CUP, CUP_BARCODE, SHIRT, SHIRT_BARCODE, startCounter, type Counter } from './counter';
import { payTheRestInCash, screenshot, type Harness } from './harness';

/** A valid EAN-13 that nothing in the demo catalog carries. */
const UNKNOWN_BARCODE = '2000000000008';

let c: Counter;
let h: Harness;
let page: Page;

const scan = (code: string) => c.scan(code);
const scanBoxHasFocus = () => c.scanBoxHasFocus();
const cart = () => c.cart();
const tabTo = (field: string) => c.tabTo(field);

const recordHasFocus = `document.activeElement?.textContent?.startsWith('Take payment') ?? false`;

/** Enter on the cart opens the payment step; F1 takes the rest in cash and records the sale. */
async function payCash() {
  await page.keyboard.press('Enter');
  await payTheRestInCash(page);
}
const sales = () => c.sales();

describe('counter sale from the keyboard and a scanner', () => {
  beforeAll(async () => {
    c = await startCounter();
    ({ h, page } = c);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('sells to two customers in a row without the mouse, a repeated scan adding one', async () => {
    const before = (await sales()).length;
    // The screen opens with the focus on its heading; the first scan still lands in the scan box.
    await expect.poll(() => page.evaluate(`document.activeElement?.tagName`)).toBe('H1');
    await scan(SHIRT_BARCODE);
    await scan(SHIRT_BARCODE);
    await scan(CUP_BARCODE);
    await expect.poll(cart).toEqual({ [SHIRT]: '2', [CUP]: '1' });
    await tabTo('lines.0.quantity');
    await payCash();
    await page.getByText(/^Sale SH01-.* recorded/).waitFor();
    await expect.poll(cart).toEqual({});
    expect(await scanBoxHasFocus()).toBe(true);

    // The next customer's first scan goes straight into the scan box: no click in between.
    await scan(SHIRT_BARCODE);
    await expect.poll(cart).toEqual({ [SHIRT]: '1' });
    await screenshot(page, 'counter-keyboard-next-customer');
    // Enter in the empty scan box (a scanner's CR LF) opens no payment; F12, from there, does.
    expect(await scanBoxHasFocus()).toBe(true);
    await page.keyboard.press('Enter');
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await page.getByRole('form', { name: 'Payment' }).count()).toBe(0);
    await page.keyboard.press('F12');
    await payTheRestInCash(page);
    await expect.poll(async () => (await sales()).length).toBe(before + 2);
    const [second, first] = await sales();
    expect([first?.total, second?.total]).toEqual([2 * 45000 + 12000, 45000]);
    await expect.poll(cart).toEqual({});
    expect(await scanBoxHasFocus()).toBe(true);
  });

  it('leaves a code that matches nothing selected, so the next scan replaces it', async () => {
    await scan(UNKNOWN_BARCODE);
    await page.getByRole('alert').filter({ hasText: UNKNOWN_BARCODE }).waitFor();
    await page.getByText(`“${UNKNOWN_BARCODE}” is not on the sale`).waitFor();
    expect(await scanBoxHasFocus()).toBe(true);
    const selection = await page.evaluate(
      `(() => { const box = document.activeElement; return [box.selectionStart, box.selectionEnd, box.value]; })()`,
    );
    expect(selection).toEqual([0, UNKNOWN_BARCODE.length, UNKNOWN_BARCODE]);
    await screenshot(page, 'counter-keyboard-unknown-code');

    await scan(SHIRT_BARCODE);
    await expect.poll(cart).toEqual({ [SHIRT]: '1' });
    expect(await page.locator('[data-scan]').inputValue()).toBe('');
    expect(await page.getByText('is not on the sale').count()).toBe(0);
  });

  it('takes a scan into a quantity box for a scan, while a quantity typed by hand stays', async () => {
    const before = (await sales()).length;
    await tabTo('lines.0.quantity');
    // Tabbing in selects the box's figure; a clerk's keys come well apart.
    await page.keyboard.type('3', { delay: 150 });
    await expect.poll(cart).toEqual({ [SHIRT]: '3' });

    await scan(CUP_BARCODE);
    await expect.poll(cart).toEqual({ [SHIRT]: '3', [CUP]: '1' });
    await expect.poll(scanBoxHasFocus).toBe(true);
    expect((await sales()).length).toBe(before);
    await screenshot(page, 'counter-keyboard-scan-in-quantity');

    // A scan while the Record button has the focus adds its item; its Enter records nothing.
    for (let i = 0; i < 15 && !(await page.evaluate(recordHasFocus)); i++)
      await page.keyboard.press('Tab');
    expect(await page.evaluate(recordHasFocus)).toBe(true);
    await scan(CUP_BARCODE);
    await expect.poll(cart).toEqual({ [SHIRT]: '3', [CUP]: '2' });
    expect((await sales()).length).toBe(before);

    // A code that matches nothing, scanned into a quantity box, is told like any other miss.
    await tabTo('lines.1.quantity');
    await scan(UNKNOWN_BARCODE);
    await page.getByRole('alert').filter({ hasText: UNKNOWN_BARCODE }).waitFor();
    await page.getByText(`“${UNKNOWN_BARCODE}” is not on the sale`).waitFor();
    expect(await cart()).toEqual({ [SHIRT]: '3', [CUP]: '2' });
    expect(await scanBoxHasFocus()).toBe(true);
    expect((await sales()).length).toBe(before);

    // A wireless scanner's link stalls for a moment in the middle of a code typed into a
    // quantity box: the item is still added and the box keeps its count.
    await tabTo('lines.0.quantity');
    await page.keyboard.type(CUP_BARCODE.slice(0, -4), { delay: 1 });
    await page.waitForTimeout(250);
    await page.keyboard.type(`${CUP_BARCODE.slice(-4)}\n`, { delay: 1 });
    await expect.poll(cart).toEqual({ [SHIRT]: '3', [CUP]: '3' });
    expect((await sales()).length).toBe(before);
  });

  it('refuses Enter on a line whose quantity was cleared, at its box, before the payment step', async () => {
    const full = await cart();
    await tabTo('lines.0.quantity');
    await page.keyboard.press('Backspace');
    await expect.poll(cart).toEqual({ ...(full as object), [SHIRT]: '' });
    await page.keyboard.press('Enter');
    const box = page.locator('[data-field="lines.0.quantity"]');
    await expect
      .poll(() => box.locator('.field-error').textContent())
      .toBe('Type how many (1 or more), or remove the line, before taking payment.');
    expect(await box.locator('input').getAttribute('aria-invalid')).toBe('true');
    expect(await c.focusedField()).toBe('lines.0.quantity');
    expect(await page.getByRole('form', { name: 'Payment' }).count()).toBe(0);
    await screenshot(page, 'counter-keyboard-empty-quantity');

    // Typing the count puts things right: the message goes, and the cart is as it was.
    await page.keyboard.type('3');
    await expect.poll(cart).toEqual(full);
    expect(await box.locator('.field-error').count()).toBe(0);
    // Back to the scan box for the next item.
    for (let i = 0; i < 15 && (await c.focusedField()) !== 'code'; i++)
      await page.keyboard.press('Shift+Tab');
    expect(await scanBoxHasFocus()).toBe(true);
  });

  it('keeps the next scan apart when it begins while the last one is still looked up', async () => {
    const full = (await cart()) as Record<string, string>;
    expect(await scanBoxHasFocus()).toBe(true);
    let slowed = false;
    let answered = false;
    await page.route('**/api/catalog.findByCode', async (route) => {
      if (slowed) return route.continue();
      slowed = true;
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
      answered = true;
    });
    try {
      await page.keyboard.type(`${SHIRT_BARCODE}\n`, { delay: 1 });
      // The next item's first digits, while the shirt is still being looked up.
      await page.keyboard.type(CUP_BARCODE.slice(0, 6), { delay: 1 });
      expect(answered).toBe(false);
      await expect
        .poll(() => page.locator('[data-scan]').inputValue())
        .toBe(CUP_BARCODE.slice(0, 6));
      await page.keyboard.type(`${CUP_BARCODE.slice(6)}\n`, { delay: 1 });
      await expect.poll(cart).toEqual({
        [SHIRT]: String(Number(full[SHIRT]) + 1),
        [CUP]: String(Number(full[CUP]) + 1),
      });
      expect(await page.getByText('is not on the sale').count()).toBe(0);
      expect(await page.locator('[data-scan]').inputValue()).toBe('');
    } finally {
      await page.unroute('**/api/catalog.findByCode');
    }
  });

  it('asks before Esc drops a full sale: Enter or Esc keeps it, the drop button drops it', async () => {
    const before = (await sales()).length;
    const full = await cart();
    const question = page.getByRole('dialog', { name: 'Drop this sale?' });

    await page.keyboard.press('Escape');
    await question.waitFor();
    await screenshot(page, 'counter-keyboard-drop-question');
    await page.keyboard.press('Enter');
    await question.waitFor({ state: 'hidden' });
    expect(await cart()).toEqual(full);
    await expect.poll(scanBoxHasFocus).toBe(true);

    await page.keyboard.press('Escape');
    await question.waitFor();
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'hidden' });
    expect(await cart()).toEqual(full);
    await expect.poll(scanBoxHasFocus).toBe(true);

    await page.keyboard.press('Escape');
    await question.waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`document.activeElement?.textContent`)).toBe('Drop the sale');
    await page.keyboard.press('Enter');
    await question.waitFor({ state: 'hidden' });
    await expect.poll(cart).toEqual({});
    await expect.poll(scanBoxHasFocus).toBe(true);
    expect((await sales()).length).toBe(before);

    // An empty sale has nothing to lose: Esc asks nothing.
    await page.keyboard.press('Escape');
    expect(await question.count()).toBe(0);
  });

  it('after placing an order, the next scan starts the next order', async () => {
    await page.keyboard.press('Alt+KeyN');
    await page.getByRole('heading', { name: 'New order', level: 1 }).waitFor();
    // The screen opens with the focus on its heading (once it has drawn); the scan box is the
    // next stop.
    await expect.poll(() => page.evaluate(`document.activeElement?.textContent`)).toBe('New order');
    await page.keyboard.press('Tab');
    expect(await scanBoxHasFocus()).toBe(true);
    await scan(SHIRT_BARCODE);
    await expect.poll(cart).toEqual({ [SHIRT]: '1' });
    await tabTo('lines.0.quantity');
    await page.keyboard.press('Enter');
    const placed = page.getByTestId('placed-number');
    await placed.waitFor();
    const number = (await placed.textContent()) ?? '';
    await expect.poll(scanBoxHasFocus).toBe(true);
    await screenshot(page, 'counter-keyboard-order-placed');

    // The scanner's Enter adds the next order's first item; it does not open the order placed.
    await scan(CUP_BARCODE);
    await expect.poll(cart).toEqual({ [CUP]: '1' });
    expect(await page.getByRole('heading', { name: 'New order', level: 1 }).count()).toBe(1);
    const orders = await h.call('orders.list', { number }, c.token);
    expect(orders.map((o) => o.number)).toEqual([number]);

    // Opened again, the focus on its heading (or on a button), a scan still lands in the box.
    await page.keyboard.press('Alt+KeyO');
    await page.getByRole('heading', { name: 'My orders', level: 1 }).waitFor();
    await page.keyboard.press('Alt+KeyN');
    await expect.poll(() => page.evaluate(`document.activeElement?.textContent`)).toBe('New order');
    await scan(CUP_BARCODE);
    await expect.poll(cart).toEqual({ [CUP]: '2' });
    await page.locator('main button').first().focus();
    await scan(CUP_BARCODE);
    await expect.poll(cart).toEqual({ [CUP]: '3' });
    expect(await page.getByRole('heading', { name: 'New order', level: 1 }).count()).toBe(1);
  });
  it('takes a scan made on another screen: the counter opens with its item on the sale', async () => {
    await page.keyboard.press('Alt+KeyC');
    await page.getByRole('heading', { name: 'Counter sale', level: 1 }).waitFor();
    const before = (await cart()) as Record<string, string>;
    const onDashboard = async () => {
      await page.keyboard.press('Alt+Digit0');
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      // Drawn: the test types a key only once the page took the one before, and a page busy
      // drawing its charts would space the keys wider than a scanner does.
      await page.locator('section.dashboard[data-state="ready"]').waitFor();
    };

    // The clerk is on the dashboard, a button of it in focus, and scans an item for a customer.
    await onDashboard();
    await page.locator('main button').first().focus();
    await page.keyboard.type(`${SHIRT_BARCODE}\n`, { delay: 1 });
    await page.getByRole('heading', { name: 'Counter sale', level: 1 }).waitFor();
    await expect.poll(cart).toEqual({ ...before, [SHIRT]: String(Number(before[SHIRT] ?? 0) + 1) });
    await screenshot(page, 'counter-keyboard-scan-from-dashboard');

    // A code that matches nothing is said on the counter, as a scan there would be.
    await onDashboard();
    await page.keyboard.type(`${UNKNOWN_BARCODE}\n`, { delay: 1 });
    await page.getByText(`“${UNKNOWN_BARCODE}” is not on the sale`).waitFor();

    // The same digits typed by hand are no scan: the dashboard stays.
    await onDashboard();
    await page.keyboard.type(`${CUP_BARCODE}\n`, { delay: 90 });
    await page.waitForTimeout(300);
    expect(await page.getByRole('heading', { name: 'Dashboard', level: 1 }).count()).toBe(1);
  });
});
