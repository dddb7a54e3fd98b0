// Prices entered without tax: the counter shows the tax the core adds (sales.quote, the same
// pricing as the sale) before payment, and the clerk takes exactly that total by card, from the
// keyboard, in Chromium at 1024×768.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SHIRT, SHIRT_BARCODE, startCounter, type Counter } from './counter';
import type { Harness } from './harness';

let c: Counter;
let h: Harness;
let page: Page;

describe('a counter whose prices are entered without tax', () => {
  beforeAll(async () => {
    c = await startCounter();
    ({ h, page } = c);
    const admin = await c.admin();
    await h.call(
      'sales.saveSettings',
      { pricesIncludeTax: false, categoryTaxRates: { Apparel: 1_500 } },
      admin,
    );
    // The counter reads the company's rules when it opens: open it again.
    await page.keyboard.press('Alt+KeyS');
    await page.getByRole('heading', { name: 'Sales', level: 1 }).waitFor();
    await page.keyboard.press('Alt+KeyC');
    await page.getByRole('heading', { name: 'Counter sale', level: 1 }).waitFor();
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('shows the tax added and takes exactly the taxed total by card', async () => {
    await c.scan(SHIRT_BARCODE);
    await expect.poll(() => c.cart()).toEqual({ [SHIRT]: '1' });
    // A shirt at Br 450.00 and 15% VAT on top: Br 67.50 of tax, Br 517.50 to pay.
    await expect.poll(() => page.getByTestId('tax').textContent()).toBe('+Br\u00a067.50');
    expect(await page.getByTestId('total').textContent()).toBe('Br\u00a0517.50');
    await c.tabTo('lines.0.quantity');
    await page.keyboard.press('Enter');
    await page.getByRole('form', { name: 'Payment' }).waitFor();
    expect(await page.getByTestId('due').textContent()).toBe('Br\u00a0517.50');
    await page.keyboard.press('F2');
    await page.keyboard.type('517.50');
    await page.keyboard.press('Enter');
    await page.getByText(/^Sale SH01-.* recorded/).waitFor();
    const sale = await c.lastSale();
    expect(sale.total).toBe(51_750);
    await expect.poll(() => c.scanBoxHasFocus()).toBe(true);
  });
});
