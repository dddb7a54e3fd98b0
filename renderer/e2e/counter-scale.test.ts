// Weighed goods at the counter, in Chromium: an admin gives two variants sold by the gram a scale
// code (one whose labels carry the weight, made so with its own tax rate in the new-product
// form; one whose labels carry the price, set in the variant editor) in the Products screen; the clerk scans a weight label twice and a price label with the keyboard
// alone, each label its own line showing its grams, and sells; the sale records those quantities.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { scaleLabel as label } from '../../core/catalog/scale';
import { startCounter, type Counter } from './counter';
import { payTheRestInCash, screenshot, signIn, type Harness } from './harness';

let c: Counter;
let h: Harness;
let admin = '';

/** The lines on screen in order: SKU and the quantity in its box. */
const lines = (page: Page) =>
  page.evaluate(
    `[...document.querySelectorAll('form tr[data-sku]')].map((row) =>
      [row.dataset.sku, row.querySelector('input').value])`,
  );

describe('weighed goods at the counter', () => {
  beforeAll(async () => {
    c = await startCounter();
    h = c.h;
    admin = await c.admin();
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('an admin sets variants’ scale codes and a tax rate in the Products screen', async () => {
    const { page } = await h.newPerson();
    await signIn(page, h.web.url, 'admin');
    await page.keyboard.press('Alt+KeyR');
    await page.getByRole('heading', { name: 'Products & prices', level: 1 }).waitFor();
    // Coffee sold by the gram, at 0.03 and 0.04 a gram: arabica made with its scale code and a
    // tax rate of its own in the new-product form.
    await page.getByRole('button', { name: 'New product' }).click();
    const product = page.getByRole('form', { name: 'New product' });
    await product.getByLabel('Name', { exact: true }).fill('Coffee beans');
    await product.getByLabel('Category').fill('Grocery');
    await product.getByLabel('Unit').fill('g');
    await product.getByRole('button', { name: '+ Variant' }).click();
    const variant = [
      { sku: 'COF-ARA', bean: 'Arabica', price: '0.03', tax: '5', prefix: '21', item: '00123' },
      { sku: 'COF-ROB', bean: 'Robusta', price: '0.04', tax: '', prefix: '', item: '' },
    ];
    for (const [i, v] of variant.entries()) {
      const of = (label: string) => product.getByLabel(`${label} of variant ${i + 1}`);
      await of('SKU').fill(v.sku);
      await of('Attributes').fill(`bean=${v.bean}`);
      await of('Price').fill(v.price);
      await of('Cost').fill('0.01');
      await of('Tax rate %').fill(v.tax);
      await of('Scale prefix').fill(v.prefix);
      await of('Scale item code').fill(v.item);
    }
    await product.getByLabel('Scale label holds of variant 1').selectOption('weight');
    await screenshot(page, 'counter-scale-new-product');
    await product.getByRole('button', { name: /^Create product/ }).click();
    await page.getByText('Coffee beans created').waitFor();

    // A prefix out of range is refused at its box, with words for the field.
    await page.locator('tr[data-sku="COF-ROB"]').getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: /COF-ROB/ });
    await form.getByLabel('Scale prefix').fill('30');
    await form.getByLabel('Scale item code').fill('00456');
    await form.getByLabel('Scale label holds').selectOption('price');
    await form.getByLabel('Scale item code').press('Enter');
    await expect
      .poll(() => form.locator('[data-field="scalePrefix"] .field-error').textContent())
      .toMatch(/20 to 29/);
    await screenshot(page, 'counter-scale-admin-refused');
    await form.getByLabel('Scale prefix').fill('22');
    await form.getByLabel('Scale prefix').press('Enter');
    await form.waitFor({ state: 'detached' });

    await expect
      .poll(async () =>
        (await h.call('catalog.list', { search: 'COF-', limit: 5 }, admin)).map((r) => [
          r.sku,
          r.taxRateBp,
          r.scalePrefix,
          r.scaleItem,
          r.scaleEmbeds,
        ]),
      )
      .toEqual([
        ['COF-ARA', 500, 21, '00123', 'weight'],
        ['COF-ROB', null, 22, '00456', 'price'],
      ]);
  });

  it('a clerk scans weight and price labels by keyboard only and sells the weighed quantities', async () => {
    const { page } = c;
    for (const code of ['COF-ARA', 'COF-ROB']) {
      const { variantId } = await h.call('catalog.findByCode', { code }, c.token);
      await h.call('stock.adjust', { variantId, quantity: 10_000, reason: 'count' }, c.token);
    }
    const before = (await c.sales()).length;
    await c.scan(label(21, '00123', 1250));
    await c.scan(label(21, '00123', 800));
    // 60.00 of robusta at 0.04 a gram: 1,500 g.
    await c.scan(label(22, '00456', 6000));
    await expect
      .poll(() => lines(page))
      .toEqual([
        ['COF-ARA', '1250'],
        ['COF-ARA', '800'],
        ['COF-ROB', '1500'],
      ]);
    const text = await page.locator('form tr[data-sku]').allInnerTexts();
    expect(text[0]).toContain('1,250 g');
    expect(text[2]).toContain('1,500 g');
    expect(await c.scanBoxHasFocus()).toBe(true);
    await screenshot(page, 'counter-scale-cart');

    // A misread label (wrong check digit) is refused and sells nothing.
    const right = label(21, '00123', 500);
    const misread = `${right.slice(0, 12)}${(Number(right[12]) + 1) % 10}`;
    await c.scan(misread);
    await page.getByRole('alert').filter({ hasText: 'check digit' }).waitFor();
    expect(await lines(page)).toHaveLength(3);

    // A label scanned into the second weighing's box leaves that box as it was: a line of its own.
    await c.tabTo('lines.1.quantity');
    await c.scan(label(21, '00123', 300));
    await expect.poll(() => lines(page)).toHaveLength(4);
    expect(await lines(page)).toEqual([
      ['COF-ARA', '1250'],
      ['COF-ARA', '800'],
      ['COF-ROB', '1500'],
      ['COF-ARA', '300'],
    ]);

    await c.tabTo('lines.0.quantity');
    await page.keyboard.press('Enter');
    await payTheRestInCash(page);
    await page.getByText(/^Sale SH01-.* recorded/).waitFor();
    await expect.poll(async () => (await c.sales()).length).toBe(before + 1);
    const sale = await c.lastSale();
    expect(sale.lines.map((l) => [l.sku, l.quantity, l.lineTotal])).toEqual([
      ['COF-ARA', 1250, 3750],
      ['COF-ARA', 800, 2400],
      ['COF-ROB', 1500, 6000],
      ['COF-ARA', 300, 900],
    ]);
    expect(sale.total).toBe(13_050);
    expect(await c.scanBoxHasFocus()).toBe(true);
  });
});
