// The counter takes payment, in Chromium at 1024×768 from the keyboard alone: two items paid
// part by card and the rest in cash with money handed over, the change shown as it is typed and
// said when the sale is recorded with both payments; a bank transfer without its reference is
// refused at the reference box; Esc in the payment step goes back to the cart as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, signIn, startHarness, type Harness } from './harness';

const SHIRT = 'TS-WHT-M';
const SHIRT_BARCODE = '4006381333931';
const CUP = 'CUP-SML';
const CUP_BARCODE = '5901234123457';
/** The demo's prices: a shirt Br 450.00, a cup Br 120.00. */
const TOTAL = 45000 + 12000;

let h: Harness;
let token = '';
let shop1 = '';
let page: Page;

async function scan(code: string) {
  await page.keyboard.type(`${code}\n`, { delay: 1 });
  await expect
    .poll(() => page.evaluate(`document.querySelector('[data-scan]').value === ''`))
    .toBe(true);
}

const cart = () =>
  page.evaluate(
    `Object.fromEntries([...document.querySelectorAll('form tr[data-sku]')].map(
      (row) => [row.dataset.sku, row.querySelector('input').value]))`,
  );
const focusedField = () =>
  page.evaluate(`document.activeElement?.closest('[data-field]')?.getAttribute('data-field')`);
const scanBoxHasFocus = () => page.evaluate(`document.activeElement?.hasAttribute('data-scan')`);
const sales = async () => h.call('sales.list', { branchId: shop1 }, token);
const step = () => page.getByRole('form', { name: 'Payment' });

/** Tab (never a click) until the focus is in the input for `field`. */
async function tabTo(field: string) {
  for (let i = 0; i < 15 && (await focusedField()) !== field; i++) await page.keyboard.press('Tab');
  expect(await focusedField()).toBe(field);
}

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
    h = await startHarness();
    await h.call('setup.loadDemo', {});
    token = (await h.call('auth.login', { username: 'shop1', password: 'demo1234' })).token;
    shop1 = (await h.call('branches.list', {}, token)).find((b) => b.code === 'SH01')!.id;
    for (const code of [SHIRT, CUP]) {
      const { variantId } = await h.call('catalog.findByCode', { code }, token);
      await h.call('stock.adjust', { variantId, quantity: 50, reason: 'opening count' }, token);
    }
    page = (await h.newPerson()).page;
    await page.setViewportSize({ width: 1024, height: 768 });
    page.setDefaultTimeout(5000);
    await signIn(page, h.web.url, 'shop1');
    await page.keyboard.press('Alt+KeyC');
    await page.getByRole('heading', { name: 'Counter sale', level: 1 }).waitFor();
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

  it('goes back to the cart as it was on Esc, and takes payment again from there', async () => {
    const before = (await sales()).length;
    await cartThenPay();
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
    await page.keyboard.press('Enter');
    await page.getByText(/^Sale SH01-.* recorded/).waitFor();
    const [sale] = await sales();
    expect(sale?.payments).toEqual([
      { payNo: 1, method: 'cash', amount: TOTAL, tendered: null, reference: null },
    ]);
  });
});
