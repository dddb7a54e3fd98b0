// Backorders, part payments and what a driver sees, through the real UI in Chromium. Orders are
// placed and slips attached through the core (the lifecycle test covers those screens); what
// each screen shows is checked against the core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makePng, screenshot, signIn, startHarness, type Harness } from './harness';

const CUP = 'CUP-SML';
let h: Harness;
const token: Record<string, string> = {};
let orderId = '';
let orderNumber = '';
let total = 0;

async function person(username: string, width = 1366, height = 768): Promise<Page> {
  const { page } = await h.newPerson();
  await page.setViewportSize({ width, height });
  await signIn(page, h.web.url, username);
  return page;
}

const order = () => h.call('orders.get', { orderId }, token.admin);

async function openOrder(page: Page) {
  await page.keyboard.press('Alt+KeyO');
  await page.getByRole('button', { name: orderNumber }).click();
  await page.getByRole('heading', { name: `Order ${orderNumber}` }).waitFor();
}

describe('backorders, part payments and roles on the order screens', () => {
  beforeAll(async () => {
    h = await startHarness({ demo: true });
    for (const u of ['admin', 'shop1', 'factory'])
      token[u] = (await h.call('auth.login', { username: u, password: 'demo1234' })).token;
    const cup = (await h.call('catalog.findByCode', { code: CUP }, token.admin)).variantId;
    // Enough cups in the factory for the whole order, whatever the demo holds.
    await h.call(
      'production.record',
      { variantId: cup, quantity: 20, producedOn: '2026-01-02' },
      token.factory,
    );
    const placed = await h.call(
      'orders.place',
      { lines: [{ variantId: cup, quantity: 12 }] },
      token.shop1,
    );
    ({ id: orderId, number: orderNumber, total } = placed);
    await h.call(
      'orders.attachSlip',
      {
        orderId,
        fileName: 'slip.png',
        contentBase64: (await makePng()).toString('base64'),
      },
      token.shop1,
    );
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('finance records a part payment, flagged, and then the rest', async () => {
    const finance = await person('finance');
    // The dashboard opens first (issue 17); payments waiting is Alt+Y.
    await finance.keyboard.press('Alt+KeyY');
    await finance.getByRole('heading', { name: 'Payments waiting', level: 1 }).waitFor();
    await finance.getByRole('button', { name: new RegExp(orderNumber) }).click();
    await finance.getByLabel('Amount on the slip').fill('23.40');
    await finance.getByLabel('Bank reference').fill('FT-PART-1');
    // The mismatch is said before it is recorded.
    await finance.locator('[data-mismatch]').waitFor();
    expect(await finance.locator('[data-mismatch]').textContent()).toMatch(/less than what is due/);
    await finance.getByRole('button', { name: /Record payment/ }).click();
    await finance.getByText(`Order ${orderNumber}: done.`).waitFor();
    expect(await order()).toMatchObject({
      status: 'slip_attached',
      paid: 2340,
      paymentFlag: 'part_paid',
    });

    // The list shows it part paid, apart from a plain status.
    await finance.keyboard.press('Alt+KeyO');
    const row = finance.locator(`tr:has(button:text-is("${orderNumber}"))`);
    await expect.poll(() => row.getAttribute('data-flag')).toBe('part_paid');
    await screenshot(finance, 'orders-part-paid');

    await finance.keyboard.press('Alt+KeyY');
    await finance.getByRole('button', { name: new RegExp(orderNumber) }).click();
    await finance.getByLabel('Amount on the slip').fill(((total - 2340) / 100).toFixed(2));
    await finance.getByLabel('Bank reference').fill('FT-PART-2');
    expect(await finance.locator('[data-mismatch]').count()).toBe(0);
    await finance.getByRole('button', { name: /Record payment/ }).click();
    await finance.getByText(`Order ${orderNumber}: done.`).waitFor();
    expect(await order()).toMatchObject({ status: 'payment_verified', paid: total });
  });

  it(
    'a partial dispatch leaves a backorder that is dispatched later',
    { timeout: 90_000 },
    async () => {
      const factory = await person('factory');
      await factory.keyboard.press('Alt+KeyQ');
      await factory.getByRole('button', { name: orderNumber }).click();
      await factory.getByLabel('Vehicle').fill('3-AA-12345');
      const qty = factory.getByLabel(`Dispatch quantity for ${CUP}`);
      expect(await qty.inputValue()).toBe('12');
      await qty.fill('10');
      await screenshot(factory, 'dispatch-partial');
      await factory.getByRole('button', { name: /^Dispatch/ }).click();
      await factory.locator('.screen-head [data-status="dispatched"]').waitFor();
      await factory.locator('[data-backordered="2"]').waitFor();
      expect(await order()).toMatchObject({ status: 'dispatched', backordered: 2 });
      // The form left on screen starts afresh: what is still owed, and no vehicle yet.
      await expect.poll(() => qty.inputValue()).toBe('2');
      expect(await factory.getByLabel('Vehicle').inputValue()).toBe('');

      // The shop confirms the first dispatch at 1366×768; every column is in view.
      const shop = await person('shop1');
      await openOrder(shop);
      const form = shop.getByRole('form', { name: 'Confirm delivery' });
      await form.waitFor();
      const cut = await shop.evaluate(
        `[...document.querySelectorAll('form[aria-label="Confirm delivery"] th, form[aria-label="Confirm delivery"] td')].filter((e) => e.getBoundingClientRect().right > window.innerWidth).length`,
      );
      expect(cut).toBe(0);
      expect(await shop.getByLabel(`Received quantity for ${CUP}`).inputValue()).toBe('10');
      await shop.getByRole('button', { name: /Confirm delivery/ }).click();
      await shop.locator('.screen-head [data-status="delivered"]').waitFor();

      // The rest goes later: the form offers what is still owed.
      await factory.keyboard.press('Alt+KeyQ');
      // The factory's queue starts at paid orders; a backorder is found under every status.
      await factory.getByLabel('Status').selectOption('');
      await factory.getByRole('button', { name: orderNumber }).click();
      await factory.locator('[data-backordered="2"]').waitFor();
      expect(await factory.getByLabel(`Dispatch quantity for ${CUP}`).inputValue()).toBe('2');
      await factory.getByLabel('Vehicle').fill('3-AA-12345');
      await factory.getByRole('button', { name: /^Dispatch/ }).click();
      await factory.locator('.screen-head [data-status="dispatched"]').waitFor();
      expect(await order()).toMatchObject({ status: 'dispatched', backordered: 0 });
      expect((await order()).lines[0]).toMatchObject({ dispatchedQty: 12, confirmedQty: 10 });
    },
  );

  it(
    'a driver sees dispatched orders without totals, and no buttons',
    { timeout: 60_000 },
    async () => {
      const driver = await person('driver');
      await driver.keyboard.press('Alt+KeyO');
      await driver.getByRole('button', { name: orderNumber }).waitFor();
      const headers = await driver.locator('table.orders th').allTextContents();
      expect(headers).not.toContain('Total');
      expect(headers).not.toContain('Paid');
      await driver.getByRole('button', { name: orderNumber }).click();
      await driver.getByRole('heading', { name: `Order ${orderNumber}` }).waitFor();
      const actions = driver.locator('section.actions');
      await actions.waitFor();
      expect(await actions.locator('button').count()).toBe(0);
      expect(await driver.locator('th', { hasText: 'Unit price' }).count()).toBe(0);
      await screenshot(driver, 'driver-order');
    },
  );
});
