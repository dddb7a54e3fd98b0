// The counter's customer, discounts and points, in Chromium at 1024×768 from the keyboard alone:
// a shift opened from the banner; a customer attached by phone, a line discount within the
// clerk's limit, a sale paid by card and cash and the points it earned said; a discount beyond
// the limit that waits for a supervisor (a wrong password refused, the admin's allowing it); a
// customer added with a phone the shop already knows, who is offered instead, and part of their
// points redeemed; a loyalty card scanned into the scan box attaches its customer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  counterFor,
  CUP,
  CUP_BARCODE,
  SHIRT,
  SHIRT_BARCODE,
  startCounter,
  type Counter,
} from './counter';
import { screenshot, type Harness } from './harness';

const MERON = { name: 'Meron Alemu', phone: '0911223344', card: 'LC-00042' };
const HIRUT = { name: 'Hirut Bekele', phone: '0922334455' };
/** Br 10.00 spent earns a point; a point is worth Br 1.00. */
const PROGRAM = {
  spendPerPoint: 1000,
  pendingDays: 0,
  expiryDays: 365,
  pointValue: 100,
  tiers: [{ name: 'Bronze', minSpend: 0, rateBp: 10_000 }],
};

let c: Counter;
let h: Harness;
let page: Page;
let hirutId: string;

const scan = (code: string) => c.scan(code);
const cart = () => c.cart();
const tabTo = (field: string) => c.tabTo(field);
const total = () => page.getByTestId('total').textContent();
const customer = () => page.getByTestId('customer').textContent();
const done = () => page.getByText(/^Sale SH01-.* recorded/);

/** From the cart, Enter in a quantity box: the payment step, with what is due. */
async function pay(due: string) {
  await tabTo('lines.0.quantity');
  await page.keyboard.press('Enter');
  await page.getByRole('form', { name: 'Payment' }).waitFor();
  expect(await page.getByTestId('due').textContent()).toBe(due);
}

describe('the counter with customers, discounts and points', () => {
  beforeAll(async () => {
    c = await startCounter();
    ({ h, page } = c);
    const admin = await c.admin();
    await h.call('loyalty.saveProgram', PROGRAM, admin);
    await h.call('customers.create', MERON, c.token);
    hirutId = (await h.call('customers.create', HIRUT, c.token)).id;
    await h.call('loyalty.adjust', { customerId: hirutId, points: 100, reason: 'welcome' }, admin);
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('opens a shift, attaches a customer by phone, gives a line discount and says the points earned', async () => {
    // No shift yet: a banner says so, and Alt+H opens one with the drawer's float.
    const banner = page.getByText('No shift open on this counter');
    await banner.waitFor();
    await page.keyboard.press('Alt+KeyH');
    await expect.poll(c.focusedField).toBe('openingFloat');
    await page.keyboard.type('500');
    await page.keyboard.press('Enter');
    await banner.waitFor({ state: 'hidden' });
    await expect.poll(c.scanBoxHasFocus).toBe(true);
    expect(await h.call('shifts.current', {}, c.token)).toMatchObject({ openingFloat: 50000 });

    // F6: the customer by phone, Enter attaches the one found.
    await c.openDialog('F6', 'Customer');
    await page.keyboard.type(MERON.phone);
    await page.getByRole('option', { name: new RegExp(MERON.name) }).waitFor();
    await page.keyboard.press('Enter');
    await c.dialogGone();
    await expect.poll(c.scanBoxHasFocus).toBe(true);
    expect(await customer()).toContain(`${MERON.name} · ${MERON.phone} · Bronze`);
    expect(await customer()).toContain('0 points to spend, 0 pending');

    await scan(SHIRT_BARCODE);
    await scan(CUP_BARCODE);
    await expect.poll(cart).toEqual({ [SHIRT]: '1', [CUP]: '1' });

    // F7 on the shirt's line: 5% of Br 450.00, within the clerk's 10%.
    await tabTo('lines.0.quantity');
    await c.openDialog('F7', `Discount on line 1: ${SHIRT}`);
    await page.keyboard.type('5%');
    expect(await page.getByTestId('discount-preview').textContent()).toBe(
      'Br\u00a022.50 off (5.00%) · Br\u00a0427.50 left',
    );
    await page.keyboard.press('Enter');
    await c.dialogGone();
    await expect.poll(c.scanBoxHasFocus).toBe(true);
    expect(await page.getByTestId('discount').textContent()).toBe('−Br\u00a022.50');
    expect(await total()).toBe('Br\u00a0547.50');
    await screenshot(page, 'counter-customer-discount');

    // Card for Br 200.00, the rest in cash with Br 400.00 handed over.
    await pay('Br\u00a0547.50');
    await page.keyboard.press('F2');
    await page.keyboard.type('200');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('due').textContent()).toBe('Br\u00a0347.50');
    await page.keyboard.press('F1');
    await page.keyboard.type('400');
    await page.keyboard.press('Enter');
    await done().waitFor();
    expect(await done().textContent()).toContain('change Br\u00a052.50');
    // Br 547.50 earns 54 points, to spend at once (no days pending in this program).
    const points = page.getByText(/^Meron Alemu earned/);
    await points.waitFor();
    expect(await points.textContent()).toBe(
      'Meron Alemu earned 54 points (redeemed 0); balance now 54, 54 to spend.',
    );
    await screenshot(page, 'counter-customer-points');
    await expect.poll(c.scanBoxHasFocus).toBe(true);
    expect(await customer()).not.toContain(MERON.name);

    const sale = await c.lastSale();
    expect(sale).toMatchObject({ total: 54750, pointsEarned: 54 });
    expect(sale.customerId).not.toBeNull();
    expect(sale.lines.map((l) => l.lineTotal)).toEqual([42750, 12000]);
  });

  it('asks a supervisor for a discount beyond the limit, refuses a wrong password, records with the admin', async () => {
    // The sales rep may give 5%; the admin's approval counts up to the shop's highest limit (10%).
    const rep = await counterFor(h, c.shop1, 'sales');
    const page = rep.page;
    await rep.scan(SHIRT_BARCODE);
    await expect.poll(rep.cart).toEqual({ [SHIRT]: '1' });
    // F8: 8% off the whole sale.
    await rep.openDialog('F8', 'Discount on the whole sale');
    await page.keyboard.type('8%');
    await page.keyboard.press('Enter');
    await rep.dialogGone();
    await expect.poll(() => page.getByTestId('total').textContent()).toBe('Br\u00a0414.00');

    const before = (await rep.sales()).length;
    await rep.tabTo('lines.0.quantity');
    await page.keyboard.press('Enter');
    await page.getByRole('form', { name: 'Payment' }).waitFor();
    await page.keyboard.press('F1');
    await page.keyboard.press('Enter');
    const supervisor = page.getByRole('dialog', { name: 'A supervisor allows this discount' });
    await supervisor.waitFor();
    expect(await supervisor.textContent()).toContain('8.00% of the sale; you may give up to 5%');
    expect(await rep.focusedField()).toBe('username');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    await page.keyboard.press('Enter');
    const refusal = supervisor.locator('[data-field="password"] .field-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/username or password is wrong/);
    await screenshot(page, 'counter-supervisor-refused');
    expect((await rep.sales()).length).toBe(before);

    // The dialog stays, the focus in the emptied password box: the admin types theirs.
    await expect.poll(rep.focusedField).toBe('password');
    await page.keyboard.type('demo1234');
    await page.keyboard.press('Enter');
    await page.getByText(/^Sale SH01-.* recorded/).waitFor();
    await supervisor.waitFor({ state: 'hidden' });
    await expect.poll(rep.scanBoxHasFocus).toBe(true);
    expect((await rep.sales()).length).toBe(before + 1);
    expect(await c.lastSale()).toMatchObject({ total: 41400, customerId: null });
    expect((await c.lastSale()).lines[0]?.lineTotal).toBe(41400);
  });

  it('offers the customer who has the phone instead of a new one, and redeems part of their points', async () => {
    // A new customer with a phone the shop knows: Hirut is offered, Enter attaches her.
    await c.openDialog('F6', 'Customer');
    await page.keyboard.type(HIRUT.phone);
    await page.keyboard.press('Alt+KeyN');
    await page.getByRole('form', { name: 'New customer' }).waitFor();
    expect(await page.getByLabel('Phone').inputValue()).toBe(HIRUT.phone);
    expect(await c.focusedField()).toBe('name');
    await page.keyboard.type('Hirut B.');
    await page.keyboard.press('Enter');
    const instead = page.getByRole('button', { name: `Attach ${HIRUT.name} instead` });
    await instead.waitFor();
    await expect
      .poll(() => page.evaluate(`document.activeElement?.textContent`))
      .toBe(`Attach ${HIRUT.name} instead`);
    await screenshot(page, 'counter-customer-same-phone');
    await page.keyboard.press('Enter');
    await c.dialogGone();
    await expect.poll(c.scanBoxHasFocus).toBe(true);
    expect(await customer()).toContain('100 points to spend, 0 pending');

    // F9: 30 of her 100 points, Br 30.00 off the cup.
    await scan(CUP_BARCODE);
    await c.openDialog('F9', 'Redeem points');
    expect(await page.getByRole('dialog').textContent()).toContain(
      '100 points to spend, worth Br\u00a0100.00.',
    );
    // More than she has is refused in the dialog, which stays.
    await page.keyboard.type('130');
    await page.keyboard.press('Enter');
    await page.getByText('The customer has 100 points to spend now').waitFor();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('30');
    expect(await page.getByTestId('redeem-value').textContent()).toBe(
      '30 points take Br\u00a030.00 off.',
    );
    await page.keyboard.press('Enter');
    await c.dialogGone();
    expect(await page.getByTestId('redeemed').textContent()).toBe('−Br\u00a030.00');
    expect(await total()).toBe('Br\u00a090.00');
    await screenshot(page, 'counter-redeem');

    await pay('Br\u00a090.00');
    await page.keyboard.press('F1');
    await page.keyboard.press('Enter');
    await done().waitFor();
    // Br 90.00 earns 9 points: 100 − 30 + 9.
    await page
      .getByText('Hirut Bekele earned 9 points (redeemed 30); balance now 79, 79 to spend.')
      .waitFor();
    expect(await c.lastSale()).toMatchObject({ total: 9000, pointsEarned: 9, pointsRedeemed: 30 });
    expect(await h.call('loyalty.points', { customerId: hirutId }, c.token)).toMatchObject({
      balance: 79,
      available: 79,
    });
  });

  it('attaches the customer whose loyalty card is scanned into the scan box', async () => {
    await expect.poll(c.scanBoxHasFocus).toBe(true);
    await scan(MERON.card);
    await expect.poll(customer).toContain(MERON.name);
    expect(await page.locator('[data-scan]').inputValue()).toBe('');
    expect(await page.getByText('is not on the sale').count()).toBe(0);
    await expect.poll(c.scanBoxHasFocus).toBe(true);
    // Shift+F6 lets the customer go.
    await page.keyboard.press('Shift+F6');
    await expect.poll(customer).not.toContain(MERON.name);
  });

  it('says a product scanned into the customer search is one, and Enter puts it on the sale', async () => {
    const before = (await cart()) as Record<string, string>;
    await c.openDialog('F6', 'Customer');
    // A scanner types the shirt's code and Enter, as into the scan box.
    await page.keyboard.type(SHIRT_BARCODE, { delay: 1 });
    const said = page.getByText(`“${SHIRT_BARCODE}” is the code of`);
    await said.waitFor();
    // Never offered as a new customer's phone.
    await page.keyboard.press('Alt+KeyN');
    await page.getByRole('form', { name: 'New customer' }).waitFor();
    expect(await page.getByLabel('Phone').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Back to the search' }).click();
    // Scanned again with its Enter, faster than the search waits: on the sale all the same.
    await page.getByLabel('Phone, name or loyalty card').fill('');
    await page.keyboard.type(`${SHIRT_BARCODE}\n`, { delay: 1 });
    await c.dialogGone();
    await expect.poll(c.scanBoxHasFocus).toBe(true);
    await expect
      .poll(async () => ((await cart()) as Record<string, string>)[SHIRT])
      .toBe(String(Number(before[SHIRT] ?? 0) + 1));
    expect(await customer()).not.toContain(MERON.name);
  });
});
