// Stock work through the real screens in Chromium at 1024×768, keyboard first: a shop clerk
// adjusts stock with a reason, counts a shelf by scanning (keyboard only, the scan box keeps the
// focus), and receives a transfer the factory sent, which was in transit until then. A factory
// clerk's scan on another screen shows the item's stock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CUP_BARCODE } from './counter';
import { screenshot, signIn, startHarness, type Harness } from './harness';

const CUP = 'CUP-SML';
let h: Harness;
let token = '';
let shop1 = '';
let cup = '';

const onHand = async () =>
  (await h.call('stock.balance', { branchId: shop1, variantId: cup }, token)).onHand;

async function person(username: string): Promise<Page> {
  const { page } = await h.newPerson();
  await page.setViewportSize({ width: 1024, height: 768 });
  await signIn(page, h.web.url, username);
  await page.keyboard.press('Alt+KeyK');
  await page.getByRole('heading', { name: 'Stock', level: 1 }).waitFor();
  return page;
}

const activeField = (page: Page) =>
  page.evaluate(`document.activeElement?.closest('[data-field]')?.getAttribute('data-field')`);

describe('stock screens', () => {
  beforeAll(async () => {
    h = await startHarness({ demo: true });
    token = (await h.call('auth.login', { username: 'admin', password: 'demo1234' })).token;
    const branches = await h.call('branches.list', {}, token);
    shop1 = branches.find((b) => b.code === 'SH01')!.id;
    cup = (await h.call('catalog.findByCode', { code: CUP }, token)).variantId;
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('adjusts stock with a required reason and shows the movement', async () => {
    const page = await person('shop1');
    const before = await onHand();
    await page.locator(`tr[data-sku="${CUP}"] button`).press('Enter');
    const quantity = page.getByLabel(/^Change/);
    await quantity.fill('-2');
    await quantity.press('Enter');
    await expect
      .poll(() => page.locator('[data-field="reason"] .field-error').textContent())
      .toMatch(/empty/);
    await page.getByLabel('Reason').fill('Dropped on the floor');
    await page.getByLabel('Reason').press('Enter');
    await expect.poll(onHand).toBe(before - 2);
    await expect
      .poll(() => page.getByRole('table', { name: 'Movements' }).innerText())
      .toContain('Dropped on the floor');
    await screenshot(page, 'stock-adjust');
  });

  it('counts by scanning with the keyboard only and posts the difference', async () => {
    const page = await person('shop1');
    await page.getByRole('button', { name: 'Counts' }).press('Enter');
    await page.getByLabel('Category').fill('Ceramics');
    await page.getByLabel('Category').press('Enter');
    await page.getByRole('heading', { name: /Count sheet/ }).waitFor();
    const expected = await onHand();
    await expect.poll(() => activeField(page)).toBe('scan');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.type(CUP, { delay: 5 });
      await page.keyboard.press('Enter');
      expect(await activeField(page)).toBe('scan');
    }
    await expect.poll(() => page.getByLabel(`Counted ${CUP}`).inputValue()).toBe('3');
    await expect
      .poll(() => page.locator(`tr[data-sku="${CUP}"] td[data-col="variance"]`).innerText())
      .toMatch(new RegExp(`${Math.abs(3 - expected)}$`));
    await screenshot(page, 'stock-count');
    await page.getByRole('button', { name: 'Post count' }).press('Enter');
    await page.getByRole('table', { name: 'Counts of this branch' }).waitFor();
    await expect.poll(onHand).toBe(3);
  });

  it('sends a transfer from the factory, in transit until the shop receives it', async () => {
    const factory = await person('factory');
    await factory.getByRole('button', { name: 'Transfers' }).press('Enter');
    await factory.getByLabel('To', { exact: true }).selectOption({ value: shop1 });
    await factory.getByLabel('SKU or barcode').fill(CUP);
    await factory.getByLabel('Quantity', { exact: true }).fill('5');
    await factory.getByLabel('Quantity', { exact: true }).press('Enter');
    await factory.locator('tr[data-status="in_transit"]').first().waitFor();
    const before = await h.call('stock.balance', { branchId: shop1, variantId: cup }, token);
    expect(before.inTransit).toBe(5);

    const shop = await person('shop1');
    await shop.getByRole('button', { name: 'Transfers' }).press('Enter');
    await shop.getByRole('button', { name: 'Receive' }).press('Enter');
    await shop.getByLabel('Received', { exact: true }).fill('5');
    await shop.getByLabel('Received', { exact: true }).press('Enter');
    await shop.locator('tr[data-status="received"]').first().waitFor();
    const after = await h.call('stock.balance', { branchId: shop1, variantId: cup }, token);
    expect([after.onHand, after.inTransit]).toEqual([before.onHand + 5, 0]);
    await screenshot(shop, 'stock-transfer-received');
  });
  it('shows the stock of an item scanned on another screen, for a clerk who does not sell', async () => {
    const page = await person('factory');
    await page.keyboard.press('Alt+Digit0');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    // Drawn: the test types a key only once the page took the one before, and a page busy
    // drawing its charts would space the keys wider than a scanner does.
    await page.locator('section.dashboard[data-state="ready"]').waitFor();
    // A scanner: the digits a few milliseconds apart, then Enter.
    await page.keyboard.type(`${CUP_BARCODE}\n`, { delay: 1 });
    await page.getByRole('heading', { name: 'Stock', level: 1 }).waitFor();
    await expect
      .poll(() =>
        page
          .locator('main table tbody tr[data-sku]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sku'))),
      )
      .toEqual([CUP]);
  });
});
