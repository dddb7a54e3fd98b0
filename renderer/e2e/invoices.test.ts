// Supplier invoices in head office's console (issue 15), in Chromium at 1024×768 against a real
// server: the admin uploads a supplier's PDF invoice (made by the invoice generator) on the
// Supplier invoices screen, head office reads it by itself within seconds, the admin opens it
// from the list with the keyboard, sees each box's source and its place marked on the page,
// corrects a line's unit price with its amount and the totals, and posts it. The product's cost
// and margin on the Products screen and the supplier's price follow the invoice. Screens are
// checked by axe, for cut-off text and for sideways scrolling, and photographed.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInvoice, invoicePdf } from '../../core/invoices/testing/generate';
import type { GeneratedInvoice } from '../../core/invoices/testing/generate';
import { startWorld, type World } from '../../sync-server/testing/world';
import { axeViolations, clippedElements, sidewaysOverflow } from './a11y-checks';
import {
  chromiumArgs,
  ensureBuilt,
  makePng,
  screenshot,
  signIn,
  startHarness,
  type Harness,
} from './harness';

/** A classic A4 invoice in ETB from "Moha PET Bottles Manufacturing", three coded lines. */
const SEED = 99;
/** The line corrected (0-based): its unit price becomes this, in minor units. */
const LINE = 1;
const NEW_PRICE = 96_000;
const SALE_PRICE = 150_000;

async function photo(page: Page, name: string): Promise<void> {
  expect(await sidewaysOverflow(page), name).toEqual([]);
  expect(await clippedElements(page), name).toEqual([]);
  expect(await axeViolations(page), name).toEqual([]);
  await screenshot(page, name);
}

/** Focuses a control and presses Enter on it, as a person tabbing to it would. */
async function press(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().focus();
  await page.keyboard.press('Enter');
}

/** Replaces what a box holds by typing, as a person does. */
async function retype(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

const decimal = (minor: number) =>
  (minor / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const todayIso = () => {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

describe("supplier invoices in head office's console", () => {
  let w: World;
  let browser: Browser;
  let page: Page;
  let inv: GeneratedInvoice;
  let pdf: Buffer;
  let supplierId = '';
  const variantOf = new Map<string, string>();

  beforeAll(async () => {
    ensureBuilt();
    inv = makeInvoice(SEED, 'classic');
    pdf = await invoicePdf(inv);
    w = await startWorld({ invoicePollMs: 500 });
    const t = inv.truth;
    expect(t.currency).toBe('ETB');
    const supplier = await w.admin('suppliers.save', {
      name: t.supplierName,
      ...(t.supplierTaxId && { taxId: t.supplierTaxId }),
      currencyCode: 'ETB',
      leadTimeDays: 7,
    });
    supplierId = supplier.id;
    // One variant per line, sold above what the supplier charges, and the supplier's item for it
    // under the code the invoice prints.
    const product = await w.admin('catalog.createProduct', {
      name: 'Invoice goods',
      category: 'Supplies',
      variants: t.lines.map((l, i) => ({
        sku: `INV-${i + 1}`,
        attributes: { line: String(i + 1) },
        price: i === LINE ? SALE_PRICE : l.unitPrice * 2,
        cost: Math.round(l.unitPrice * 0.9),
        minStock: 0,
      })),
    });
    for (const [i, l] of t.lines.entries()) {
      const variantId = product.variantIds[i]!;
      variantOf.set(l.code!, variantId);
      await w.admin('supplierItems.save', {
        supplierId,
        variantId,
        supplierCode: l.code!,
        price: i === LINE ? 90_000 : l.unitPrice,
      });
    }
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
    page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    await signIn(page, `${w.base}/console/`, 'admin', 'correct-horse-battery');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('uploads a PDF from the keyboard, refusing a file that is not an invoice first', async () => {
    await page.locator('main').focus();
    await page.keyboard.press('Alt+KeyJ');
    await page.getByRole('heading', { name: 'Supplier invoices', level: 1 }).waitFor();
    await expect.poll(() => page.evaluate(`document.activeElement?.tagName`)).toBe('H1');

    // A text file named like a PDF: the core looks at the bytes and says so.
    const input = page.locator('.invoice-upload input[type="file"]');
    await input.setInputFiles({
      name: 'not-an-invoice.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('hello, this is not a PDF'),
    });
    await press(page, '[data-upload]');
    const refused = page.locator('[data-upload-error]');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/is not a (JPEG|PDF)/);
    await photo(page, 'invoices-upload-refused');

    await input.setInputFiles({
      name: 'moha-invoice.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    });
    expect(await page.locator('[data-chosen]').textContent()).toBe('moha-invoice.pdf');
    await press(page, '[data-upload]');
    await page.locator('[data-uploaded]').waitFor();
    expect(await page.locator('[data-uploaded]').textContent()).toContain('moha-invoice.pdf');
    const [row] = await w.admin('invoices.list', {});
    expect(row).toMatchObject({ originalName: 'moha-invoice.pdf' });
    await page.locator(`tr[data-invoice="${row!.id}"]`).waitFor();
  }, 60_000);

  it('is read by head office within seconds and shows in the list as read', async () => {
    const [row] = await w.admin('invoices.list', {});
    const invoiceId = row!.id;
    await expect
      .poll(async () => (await w.admin('invoices.get', { invoiceId })).invoice.status, {
        timeout: 30_000,
        interval: 500,
      })
      .not.toBe('uploaded');
    const found = await w.admin('invoices.get', { invoiceId });
    expect(found.invoice.readError).toBeNull();
    expect(found.reading).not.toBeNull();
    expect(found.proposal?.supplier.supplierId).toBe(supplierId);
    // The list looks again by itself while an invoice waits to be read.
    const status = page.locator(`tr[data-invoice="${invoiceId}"]`);
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 15_000 }).toBe('read');
    // The supplier is the invoice's once posted; until then it is a proposal on its page.
    await photo(page, 'invoices-list');
  }, 60_000);

  it('opens the invoice beside its page, corrects a line and the totals, and posts it', async () => {
    const t = inv.truth;
    const [row] = await w.admin('invoices.list', {});
    await press(page, `tr[data-invoice="${row!.id}"] [data-open-invoice]`);
    await expect.poll(() => page.evaluate(`document.activeElement?.id`)).toBe('invoice-title');
    await page.locator('.invoice-sheet img').waitFor();
    const form = page.getByRole('form', { name: 'What the invoice says' });
    expect(await form.locator('[data-field="supplierId"] select').inputValue()).toBe(supplierId);
    expect(await form.locator('[data-field="number"] input').inputValue()).toBe(t.number);
    const lines = form.locator('[data-testid="invoice-lines"] tbody tr');
    expect(await lines.count()).toBe(t.lines.length);
    for (const [i, l] of t.lines.entries())
      expect(
        await form.locator(`[data-field="lines.${i}.variantId"] select`).inputValue(),
        `line ${i + 1}`,
      ).toBe(variantOf.get(l.code!));

    // Each box says where it was read, and focusing it marks its place on the page.
    const number = form.locator('[data-field="number"]').locator('..');
    expect(await number.locator('.source').getAttribute('data-source')).toBe('rules');
    await form.locator('[data-field="number"] input').focus();
    await page.locator('[data-mark]').waitFor();
    const mark = await page.locator('[data-mark]').boundingBox();
    const sheet = await page.locator('.invoice-sheet').boundingBox();
    expect(mark!.width).toBeGreaterThan(4);
    expect(mark!.x).toBeGreaterThanOrEqual(sheet!.x);
    expect(mark!.y).toBeGreaterThanOrEqual(sheet!.y);
    expect(mark!.x + mark!.width).toBeLessThanOrEqual(sheet!.x + sheet!.width + 4);
    await photo(page, 'invoices-review');
    // The text as read is there to open, with the invoice's number and total in it.
    await page.locator('.invoice-text summary').click();
    const text = (await page.locator('.invoice-text pre').textContent()) ?? '';
    expect(text).toContain(t.number);
    expect(text).toMatch(/page 1/);

    // A date head office would refuse today (too old, or after today) is put right first.
    if ((await form.locator('[data-field="date"] .field-error').count()) > 0)
      await form.locator('[data-field="date"] input').fill(todayIso());

    // The price on line 2 corrected: the live check flags its amount, then the totals.
    const line = t.lines[LINE]!;
    const amount = line.quantity * NEW_PRICE;
    const delta = amount - line.amount;
    await retype(page, `[data-field="lines.${LINE}.unitPrice"] input`, decimal(NEW_PRICE));
    const lineCheck = form.locator(`[data-field="lines.${LINE}.amount"] .field-error`);
    await lineCheck.waitFor();
    expect(await lineCheck.textContent()).toMatch(
      new RegExp(`^Line ${LINE + 1}: ${line.quantity} ×`),
    );
    await retype(page, `[data-field="lines.${LINE}.amount"] input`, decimal(amount));
    await form.locator('[data-field="subtotal"] .field-error').waitFor();
    await retype(page, '[data-field="subtotal"] input', decimal(t.subtotal + delta));
    await form.locator('[data-field="total"] .field-error').waitFor();
    await retype(page, '[data-field="total"] input', decimal(t.total + delta));
    await expect.poll(() => form.locator('.field-error').count()).toBe(0);
    expect(await form.locator('[data-testid="checks-left"]').count()).toBe(0);
    const typedSource = form.locator(`[data-field="lines.${LINE}.unitPrice"]`).locator('..');
    expect(await typedSource.locator('.source').getAttribute('data-source')).toBe('typed');
    await photo(page, 'invoices-review-corrected');

    await press(page, '[data-post]');
    await page
      .getByText("Posted. The products' costs and the supplier's prices are updated.")
      .waitFor();
    await page.getByTestId('posted-note').waitFor();
    expect(await page.getByTestId('invoice-status').textContent()).toBe('Posted');
    const postedLine = page.locator(`[data-testid="posted-lines"] tr[data-sku="INV-${LINE + 1}"]`);
    expect(await postedLine.locator('[data-col="unitPrice"]').textContent()).toBe(
      `Br\u00a0${decimal(NEW_PRICE)}`,
    );
    await photo(page, 'invoices-posted');
    const posted = await w.admin('invoices.get', { invoiceId: row!.id });
    expect(posted.invoice).toMatchObject({
      status: 'posted',
      subtotal: t.subtotal + delta,
      total: t.total + delta,
    });
  }, 90_000);

  it("moves the product's cost and margin and the supplier's price", async () => {
    const variantId = [...variantOf.values()][LINE]!;
    const [item] = (await w.admin('supplierItems.list', { supplierId })).filter(
      (i) => i.variantId === variantId,
    );
    expect(item!.price).toBe(NEW_PRICE);
    const [product] = await w.admin('catalog.list', { search: `INV-${LINE + 1}` });
    expect(product).toMatchObject({ receivedCost: NEW_PRICE, margin: SALE_PRICE - NEW_PRICE });

    // The Products screen shows the new margin.
    await page.keyboard.press('Escape');
    await page.locator('main').focus();
    await page.keyboard.press('Alt+KeyR');
    const row = page.locator(`table.products tr[data-sku="INV-${LINE + 1}"]`);
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    // Its margin is now the sale price less what the invoice billed (the standard cost stays).
    expect(cells, cells.join(' | ')).toContain(`Br\u00a0${decimal(SALE_PRICE - NEW_PRICE)}`);
    expect(cells).toContain(`${(((SALE_PRICE - NEW_PRICE) / SALE_PRICE) * 100).toFixed(1)}%`);
    await screenshot(page, 'invoices-product-margin');
  }, 60_000);

  it('reverses the posting with a reason, and the supplier price goes back', async () => {
    await page.locator('main').focus();
    await page.keyboard.press('Alt+KeyJ');
    const [row] = await w.admin('invoices.list', {});
    await press(page, `tr[data-invoice="${row!.id}"] [data-open-invoice]`);
    await press(page, '[data-reverse]');
    const dialog = page.getByRole('dialog', { name: 'Reverse this invoice' });
    await dialog.waitFor();
    await page.keyboard.press('Enter');
    await dialog.locator('[data-field="reason"] .field-error').waitFor();
    await page.keyboard.type('the price was agreed at 953.15');
    await page.keyboard.press('Enter');
    await page.getByText('The invoice is reversed.').waitFor();
    await page.getByTestId('reversed-note').waitFor();
    const variantId = [...variantOf.values()][LINE]!;
    const [item] = (await w.admin('supplierItems.list', { supplierId })).filter(
      (i) => i.variantId === variantId,
    );
    expect(item!.price).toBe(90_000);

    // In Amharic the page fits as well.
    await page.locator('.topbar select').first().selectOption('am');
    await page.getByRole('heading', { name: /^የአቅራቢ ኢንቮይስ/, level: 1 }).waitFor();
    await photo(page, 'invoices-reversed-am');
    await page.locator('.topbar select').first().selectOption('en');
  }, 60_000);

  it('makes a line nothing matched a new product, only when asked, and chooses it for the line', async () => {
    // Another supplier's invoice, none of whose lines is a product here.
    const other = makeInvoice(SEED + 1, 'modern');
    const up = await w.admin('invoices.upload', {
      fileName: 'new-supplier.pdf',
      contentBase64: (await invoicePdf(other)).toString('base64'),
    });
    await expect
      .poll(
        async () => (await w.admin('invoices.get', { invoiceId: up.invoiceId })).invoice.status,
        {
          timeout: 20_000,
        },
      )
      .toBe('read');
    await page.locator('main').focus();
    await page.keyboard.press('Alt+KeyJ');
    await press(page, `tr[data-invoice="${up.invoiceId}"] [data-open-invoice]`);
    const form = page.getByRole('form', { name: 'What the invoice says' });
    await form.waitFor();
    // Read by the rules alone, and it says so: no model is set up.
    expect(await page.getByTestId('model-note').textContent()).toMatch(/No AI model is set up/);
    const choice = form.locator('[data-field="lines.0.variantId"] select');
    expect(await choice.inputValue()).toBe('');
    await press(page, '[data-find-product="0"]');
    const dialog = page.getByRole('dialog');
    const made = dialog.getByRole('group', { name: 'Not in the catalog? Add it as a new product' });
    expect(await made.locator('[data-field="name"] input').inputValue()).toBe(
      other.truth.lines[0]!.description.slice(0, 120),
    );
    await made.locator('[data-field="variants.0.sku"] input').fill('NEW-LINE-1');
    await made.locator('[data-field="variants.0.price"] input').fill('999.00');
    await press(page, '[data-new-product]');
    await dialog.waitFor({ state: 'detached' });
    const found = await w.admin('catalog.findByCode', { code: 'NEW-LINE-1' });
    await expect.poll(() => choice.inputValue()).toBe(found.variantId);
  }, 60_000);
});

describe('a branch PC: uploads, lists, and leaves the review to head office', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demo: true });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('uploads a photo, shows it waiting to be read, and says where it is reviewed', async () => {
    const { page } = await h.newPerson();
    await page.setViewportSize({ width: 1024, height: 768 });
    page.setDefaultTimeout(8000);
    await signIn(page, h.web.url, 'shop1');
    await page.locator('main').focus();
    await page.keyboard.press('Alt+KeyJ');
    await page.getByRole('heading', { name: 'Supplier invoices', level: 1 }).waitFor();
    await page.locator('.invoice-upload input[type="file"]').setInputFiles({
      name: 'delivery-note.png',
      mimeType: 'image/png',
      buffer: await makePng(),
    });
    await press(page, '[data-upload]');
    await page.locator('[data-uploaded]').waitFor();
    const row = page.locator('tr[data-status="uploaded"]');
    await row.waitFor();
    expect(await row.locator('[data-col="status"]').textContent()).toContain('Waiting to be read');
    await photo(page, 'branch-invoices-list');

    // "/" reaches the search box; Enter on the row opens the invoice.
    await page.locator('.invoices h1').focus();
    await page.keyboard.press('/');
    await expect
      .poll(() => page.evaluate(`document.activeElement?.hasAttribute('data-search')`))
      .toBe(true);
    await page.keyboard.type('delivery');
    await press(page, 'tr[data-status="uploaded"] [data-open-invoice]');
    await expect.poll(() => page.evaluate(`document.activeElement?.id`)).toBe('invoice-title');
    await page.getByText("Review and post this in head office's console").waitFor();
    expect(await page.locator('form[aria-label="What the invoice says"]').count()).toBe(0);
    await photo(page, 'branch-invoice-page');

    // Esc comes back to the row it was opened from.
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.evaluate(`document.activeElement?.hasAttribute('data-open-invoice')`))
      .toBe(true);
  }, 60_000);
});
