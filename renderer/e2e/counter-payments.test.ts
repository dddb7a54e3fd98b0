// The counter takes payment, in Chromium at 1024×768 from the keyboard alone: two items paid
// part by card and the rest in cash with money handed over, the change shown as it is typed and
// said when the sale is recorded with both payments; a bank transfer without its reference is
// refused at the reference box; a scan that lands in the amount box charges nothing; Esc in the
// payment step goes back to the cart as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CUP, CUP_BARCODE, SHIRT, SHIRT_BARCODE, startCounter, type Counter } from './counter';
import { screenshot, type Harness } from './harness';

/** The demo's prices: a shirt Br 450.00, a cup Br 120.00. */
const TOTAL = 45000 + 12000;

let c: Counter;
let h: Harness;
let page: Page;

const scan = (code: string) => c.scan(code);

const cart = () => c.cart();
const focusedField = () => c.focusedField();
const scanBoxHasFocus = () => c.scanBoxHasFocus();
const sales = () => c.sales();
const step = () => page.getByRole('form', { name: 'Payment' });

const tabTo = (field: string) => c.tabTo(field);

/** A shirt and a cup on the sale, then Enter in a quantity box: the payment step. */
async function cartThenPay() {
  await scan(SHIRT_BARCODE);
  await scan(CUP_BARCODE);
  await expect.poll(cart).toEqual({ [SHIRT]: '1', [CUP]: '1' });
  await tabTo('lines.0.quantity');
  await page.keyboard.press('Enter');
  await step().waitFor();
  expect(await page.getByTestId('due').textContent()).toBe('Br\u00a0570.00');
  expect(await focusedField()).toBe('payments.0.amount');
}

describe('the counter takes payment from the keyboard', () => {
  beforeAll(async () => {
    c = await startCounter();
    ({ h, page } = c);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('takes part by card and the rest in cash, shows the change and records both', async () => {
    const before = (await sales()).length;
    await cartThenPay();

    // F2: card, for Br 200.00 of it.
    await page.keyboard.press('F2');
    expect(await focusedField()).toBe('payments.0.amount');
    await page.keyboard.type('200');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('due').textContent()).toBe('Br\u00a0370.00');
    expect(await page.getByRole('list', { name: 'Payments taken' }).textContent()).toContain(
      'Card Br\u00a0200.00',
    );

    // F1: cash; the amount holds the rest, the customer hands over Br 500.00.
    await page.keyboard.press('F1');
    expect(await focusedField()).toBe('payments.1.tendered');
    expect(await page.getByLabel('Amount').inputValue()).toBe('Br\u00a0370.00');
    await page.keyboard.type('500');
    await expect.poll(() => page.getByTestId('change').textContent()).toBe('Br\u00a0130.00');
    await screenshot(page, 'counter-payments-change');
    expect((await sales()).length).toBe(before);

    await page.keyboard.press('Enter');
    const done = page.getByText(/^Sale SH01-.* recorded/);
    await done.waitFor();
    expect(await done.textContent()).toMatch(
      /total Br\u00a0570\.00 · paid Card Br\u00a0200\.00, Cash Br\u00a0370\.00 · change Br\u00a0130\.00\.$/,
    );
    await screenshot(page, 'counter-payments-recorded');
    await expect.poll(cart).toEqual({});
    await expect.poll(scanBoxHasFocus).toBe(true);

    const [sale] = await sales();
    expect((await sales()).length).toBe(before + 1);
    expect(sale).toMatchObject({
      total: TOTAL,
      change: 13000,
      payments: [
        { payNo: 1, method: 'card', amount: 20000, tendered: null, reference: null },
        { payNo: 2, method: 'cash', amount: 37000, tendered: 50000, reference: null },
      ],
    });
  });

  it('refuses a bank transfer without its reference at the reference box, then takes it', async () => {
    const before = (await sales()).length;
    await cartThenPay();
    await page.keyboard.press('F4');
    await page.keyboard.press('Enter');
    const refusal = page.locator('[data-field="payments.0.reference"] .field-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/required/i);
    await screenshot(page, 'counter-payments-no-reference');
    expect((await sales()).length).toBe(before);

    // The transfer is back in the boxes: its reference typed, Enter records the sale.
    await expect.poll(focusedField).toBe('payments.0.reference');
    await page.keyboard.type('FT26338XK');
    await page.keyboard.press('Enter');
    await page.getByText(/^Sale SH01-.* recorded/).waitFor();
    const [sale] = await sales();
    expect(sale?.payments).toEqual([
      {
        payNo: 1,
        method: 'bank_transfer',
        amount: TOTAL,
        tendered: null,
        reference: 'FT26338XK',
      },
    ]);
    await expect.poll(scanBoxHasFocus).toBe(true);
  });

  it('charges no scan that lands in the amount box, goes back to the cart as it was on Esc, and takes payment again from there', async () => {
    const before = (await sales()).length;
    await cartThenPay();
    // The clerk reaches for the next item and scans it into the amount box: nothing is charged.
    expect(await focusedField()).toBe('payments.0.amount');
    await page.keyboard.type(`${CUP_BARCODE}\n`, { delay: 1 });
    await page.getByText('That was a scan, and the sale is being paid').waitFor();
    expect(await page.getByLabel('Amount').inputValue()).toBe('Br\u00a0570.00');
    expect(await page.getByTestId('due').textContent()).toBe('Br\u00a0570.00');
    expect((await sales()).length).toBe(before);
    await screenshot(page, 'counter-payments-stray-scan');

    await page.keyboard.press('F3');
    await page.keyboard.type('100');
    await page.keyboard.press('Escape');
    await step().waitFor({ state: 'hidden' });
    expect(await cart()).toEqual({ [SHIRT]: '1', [CUP]: '1' });
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect((await sales()).length).toBe(before);

    // From the cart, Enter opens the payment step afresh: the whole total due.
    await tabTo('lines.0.quantity');
    await page.keyboard.press('Enter');
    await step().waitFor();
    expect(await page.getByTestId('due').textContent()).toBe('Br\u00a0570.00');
    await page.keyboard.press('F1');
    // Cash: the cursor moves to what the customer hands over (as a clerk sees it before Enter).
    await expect.poll(focusedField).toBe('payments.0.tendered');
    await page.keyboard.press('Enter');
    await page.getByText(/^Sale SH01-.* recorded/).waitFor();
    const [sale] = await sales();
    expect(sale?.payments).toEqual([
      { payNo: 1, method: 'cash', amount: TOTAL, tendered: null, reference: null },
    ]);
  });
});
