// Purchasing in Chromium at 1024×768, from the keyboard: head office's reorder run drafts an order
// for a shop whose stock is below its rule ("Run now"), the admin reads why and changes a quantity,
// approves it above the approval limit, is refused a second approval of their own, finance gives
// the second one in their own session and downloads the PDF, and the shop receives part of it
// (a receipt of more than ordered refused at its box first), leaving the rest open. The screens
// are photographed and checked for anything sticking out sideways.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, clippedElements, sidewaysOverflow } from './a11y-checks';
import { screenshot, signIn, startHarness, type Harness } from './harness';

const SHIRT = 'TS-WHT-M';
const CUP = 'CUP-SML';
const CUP_BARCODE = '5901234123457';
const SUPPLIER = 'Awash Cotton';
const NILE = 'Nile Imports';

let h: Harness;
let admin: Page;
let adminToken = '';
let shopId = '';
let shopName = '';
let variantId = '';
let orderId = '';

/** The field the focus is in, by the path the core names it with. */
const focused = (page: Page) =>
  page.evaluate(`document.activeElement?.closest('[data-field]')?.getAttribute('data-field')`);

/** A screenshot, once nothing sticks out sideways, no text is cut off and axe finds nothing. */
async function photo(page: Page, name: string): Promise<void> {
  expect(await sidewaysOverflow(page), name).toEqual([]);
  expect(await clippedElements(page), name).toEqual([]);
  expect(await axeViolations(page), name).toEqual([]);
  await screenshot(page, name);
}

async function person(username: string): Promise<Page> {
  const { page } = await h.newPerson();
  await page.setViewportSize({ width: 1024, height: 768 });
  page.setDefaultTimeout(8000);
  await signIn(page, h.web.url, username);
  return page;
}

/** Focuses a control and presses Enter on it, as a person tabbing to it would. */
async function press(page: Page, selector: string): Promise<void> {
  const target = page.locator(selector).first();
  await target.focus();
  await page.keyboard.press('Enter');
}

describe('purchasing from the keyboard', () => {
  beforeAll(async () => {
    h = await startHarness({ demo: true });
    adminToken = (await h.call('auth.login', { username: 'admin', password: 'demo1234' })).token;
    const branches = await h.call('branches.list', {}, adminToken);
    const shop = branches.find((b) => b.code === 'SH01')!;
    shopId = shop.id;
    shopName = shop.name;
    variantId = (await h.call('catalog.findByCode', { code: SHIRT }, adminToken)).variantId;
    // Any order above Br 1.00 needs two people.
    await h.call('purchasing.saveSettings', { approvalLimit: 100, toleranceBp: 0 }, adminToken);
    const supplier = await h.call(
      'suppliers.save',
      { name: SUPPLIER, currencyCode: 'ETB', leadTimeDays: 5, phone: '0115 55 12 12' },
      adminToken,
    );
    await h.call(
      'supplierItems.save',
      {
        supplierId: supplier.id,
        variantId,
        supplierCode: 'AW-100',
        price: 9_000,
        packSize: 6,
        minOrderQty: 6,
      },
      adminToken,
    );
    // A second price, so the item has a history to show.
    const [item] = await h.call('supplierItems.list', { supplierId: supplier.id }, adminToken);
    await h.call(
      'supplierItems.save',
      {
        id: item!.id,
        supplierId: supplier.id,
        variantId,
        supplierCode: 'AW-100',
        price: 9_500,
        packSize: 6,
        minOrderQty: 6,
      },
      adminToken,
    );
    await h.call(
      'reorderRules.save',
      { branchId: shopId, variantId, min: 25, max: 40, supplierId: supplier.id },
      adminToken,
    );
    const stock = await h.call('stock.balance', { branchId: shopId, variantId }, adminToken);
    // The demo's shop holds 20 shirts: below the minimum.
    expect(stock.onHand).toBeLessThan(25);
    admin = await person('admin');
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('shows the supplier, its items with their price history, and the reorder rule', async () => {
    await admin.keyboard.press('Alt+KeyV');
    await admin.getByRole('heading', { name: 'Suppliers', level: 1 }).waitFor();
    await admin.locator(`tr[data-supplier="${SUPPLIER}"]`).waitFor();
    await photo(admin, 'purchasing-suppliers');

    // Bad input is shown at its field: a currency that is not one.
    await admin.keyboard.press('F2');
    await admin.getByRole('form', { name: 'New supplier' }).waitFor();
    await expect.poll(() => focused(admin)).toBe('name');
    await admin.keyboard.type('Nowhere Ltd');
    await admin.locator('[data-field="currencyCode"] input').fill('XX');
    await admin.keyboard.press('Enter');
    const currencyError = admin.locator('[data-field="currencyCode"] .field-error');
    await currencyError.waitFor();
    expect(await currencyError.textContent()).toMatch(/currency code/);
    await expect.poll(() => focused(admin)).toBe('currencyCode');
    await photo(admin, 'purchasing-supplier-refused');
    await admin.keyboard.press('Escape');

    await press(admin, `tr[data-supplier="${SUPPLIER}"] button`);
    await admin.getByRole('form', { name: `Supplier ${SUPPLIER}` }).waitFor();
    const itemRow = admin.locator(`tr[data-sku="${SHIRT}"]`);
    await itemRow.waitFor();
    expect(await itemRow.textContent()).toContain('AW-100');
    expect(await itemRow.textContent()).toContain('Br\u00a095.00');
    await press(admin, `tr[data-sku="${SHIRT}"] button[aria-expanded]`);
    const history = admin.locator('[data-testid="price-history"] tbody tr');
    await expect.poll(() => history.count()).toBe(2);
    expect(await history.first().textContent()).toContain('Br\u00a095.00');
    await photo(admin, 'purchasing-supplier-items');

    await admin.keyboard.press('Alt+KeyW');
    await admin.getByRole('heading', { name: 'Reorder rules', level: 1 }).waitFor();
    const rule = admin.locator(`tr[data-sku="${SHIRT}"][data-branch="SH01"]`);
    await rule.waitFor();
    expect(await rule.textContent()).toContain('Maximum 40');
    await photo(admin, 'purchasing-reorder-rules');
  });

  it('runs the reorder now and drafts an order for the shop below its minimum', async () => {
    await admin.keyboard.press('Alt+KeyH');
    await admin.getByRole('heading', { name: 'Purchase orders', level: 1 }).waitFor();
    await press(admin, '[data-run-now]');
    const result = admin.getByTestId('run-result');
    await result.waitFor();
    expect(await result.textContent()).toBe(
      'Done. Rules looked at: 1 · lines drafted: 1 · new orders: 1.',
    );
    await admin.locator('tr[data-run-status="done"]').first().waitFor();
    const draft = admin.locator('tr[data-status="draft"]');
    await draft.waitFor();
    expect(await draft.textContent()).toContain(SUPPLIER);
    expect(await draft.textContent()).toContain('SH01');
    await photo(admin, 'purchasing-run');
    const [order] = await h.call('purchases.list', { status: 'draft' }, adminToken);
    orderId = order!.id;
    expect(order!.source).toBe('nightly');
  });

  it('shows why the run asked for the line and saves a changed quantity', async () => {
    await press(admin, 'tr[data-status="draft"] [data-open-po]');
    await expect.poll(() => admin.evaluate(`document.activeElement?.id`)).toBe('po-title');
    const line = admin.locator(`[data-testid="po-lines"] tr[data-sku="${SHIRT}"]`);
    await line.waitFor();
    await press(admin, `[data-why-line="1"]`);
    const why = admin.getByTestId('why');
    await why.waitFor();
    expect(await why.locator('[data-why="stock"]').textContent()).toMatch(/on hand/);
    expect(await why.locator('[data-why="rule"]').textContent()).toBe(
      'Minimum 25, order up to 40.',
    );
    await photo(admin, 'purchasing-why');

    const quantity = admin.locator('[data-field="lines.0.quantity"] input');
    await quantity.focus();
    await admin.keyboard.press('Control+A');
    await admin.keyboard.type('18');
    await admin.keyboard.press('Enter');
    await admin.getByText('The draft is saved.').waitFor();
    const saved = await h.call('purchases.get', { id: orderId }, adminToken);
    expect(saved.lines[0]).toMatchObject({ quantity: 18, price: 9_500 });
    // The line keeps the run's reasons after the change.
    expect(saved.lines[0]!.why).not.toBeNull();
  });

  it('needs a second person above the limit: the admin is refused, finance approves', async () => {
    await press(admin, '[data-approve]');
    const awaiting = admin.getByTestId('awaiting-second');
    await awaiting.waitFor();
    expect(await awaiting.textContent()).toContain('Admin gave the first');
    // The order is read again after the step: the status follows the message.
    await expect
      .poll(() => admin.locator('[data-fact="status"]').textContent())
      .toBe('Awaiting second approval');

    // The same person again: the core refuses, and the admin reads why.
    await press(admin, '[data-approve]');
    const refusal = admin.getByRole('alert').filter({ hasText: 'first approved this order' });
    await refusal.waitFor();
    await photo(admin, 'purchasing-own-approval-refused');
    expect((await h.call('purchases.get', { id: orderId }, adminToken)).status).toBe(
      'awaiting_second',
    );

    const finance = await person('finance');
    await finance.keyboard.press('Alt+KeyH');
    await finance.getByRole('heading', { name: 'Purchase orders', level: 1 }).waitFor();
    await press(finance, `tr[data-po="${orderId}"] [data-open-po]`);
    await finance.getByTestId('awaiting-second').waitFor();
    await press(finance, '[data-approve]');
    const approved = finance.getByText(/^Approved as SH01-.+\.$/);
    await approved.waitFor();
    await expect.poll(() => finance.locator('[data-fact="status"]').textContent()).toBe('Approved');
    const number = (await h.call('purchases.get', { id: orderId }, adminToken)).number;
    expect(number).toMatch(/^SH01-/);
    await photo(finance, 'purchasing-approved');

    const [download] = await Promise.all([
      finance.waitForEvent('download'),
      press(finance, 'button:has-text("Download PDF")'),
    ]);
    expect(download.suggestedFilename()).toBe(`purchase-order-${number}.pdf`);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
  });

  it('receives part of the order at the shop, after refusing more than was ordered', async () => {
    const before = await h.call('stock.balance', { branchId: shopId, variantId }, adminToken);
    const shop = await person('shop1');
    await shop.keyboard.press('Alt+KeyG');
    await shop.getByRole('heading', { name: 'Goods in', level: 1 }).waitFor();
    await press(shop, `tr[data-po="${orderId}"] [data-open-po]`);
    // The focus waits in the first line's "good" box, for the clerk to type what came.
    await expect.poll(() => focused(shop)).toBe('line-1.quantity');
    const left = shop.locator(
      `[data-testid="receive"] tr[data-sku="${SHIRT}"] td[data-col="left"]`,
    );
    expect(await left.textContent()).toBe('18');
    await shop.keyboard.type('25');
    await shop.keyboard.press('Enter');
    const tooMany = shop.locator('[data-field="lines.0.quantity"] .field-error');
    await tooMany.waitFor();
    expect(await tooMany.textContent()).toMatch(/more than the 18/);
    await expect.poll(() => focused(shop)).toBe('lines.0.quantity');
    await photo(shop, 'purchasing-receipt-refused');

    await shop.keyboard.press('Control+A');
    await shop.keyboard.type('6');
    await shop.keyboard.press('Tab');
    await shop.keyboard.type('1');
    await shop.keyboard.press('Tab');
    await shop.keyboard.type('torn bag');
    await shop.keyboard.press('Enter');
    await shop.getByText('The receipt is recorded.').waitFor();
    await expect
      .poll(() => shop.locator('[data-fact="status"]').textContent())
      .toBe('Partly received');
    await expect.poll(() => left.textContent()).toBe('12');
    expect(
      await shop
        .locator(`[data-testid="po-lines"] tr[data-sku="${SHIRT}"] td[data-col="received"]`)
        .textContent(),
    ).toBe('6');
    // The receipt is listed on the order: good units, the refused one and why.
    const receipt = shop.locator(`[data-testid="receipts"] tr[data-sku="${SHIRT}"]`);
    await receipt.waitFor();
    expect(await receipt.locator('td[data-col="good"]').textContent()).toBe('6');
    expect(await receipt.locator('td[data-col="rejected"]').textContent()).toBe('1');
    expect(await receipt.locator('td[data-col="reason"]').textContent()).toBe('torn bag');
    await photo(shop, 'purchasing-partly-received');

    const after = await h.call('stock.balance', { branchId: shopId, variantId }, adminToken);
    expect(after.onHand).toBe(before.onHand + 6);
    // Back in the list the order is still there to receive, partly received.
    await shop.keyboard.press('Escape');
    const row = shop.locator(`tr[data-po="${orderId}"] td[data-col="status"]`);
    await expect.poll(() => row.textContent()).toBe('Partly received');
    await photo(shop, 'purchasing-goods-in');
  });

  it('adds an item and a rule from the keyboard, each refused first at its field, and saves the settings', async () => {
    await admin.keyboard.press('Alt+KeyV');
    await press(admin, `tr[data-supplier="${SUPPLIER}"] button`);
    await press(admin, '[data-add-item]');
    // The scan box has the focus: the scanner types the cup's barcode and Enter.
    await expect.poll(() => focused(admin)).toBe('code');
    await admin.keyboard.type(`${CUP_BARCODE}\n`, { delay: 1 });
    await expect.poll(() => focused(admin)).toBe('supplierCode');
    await admin.keyboard.type('AW-CUP');
    await admin.keyboard.press('Enter');
    const noPrice = admin.locator('[data-field="price"] .field-error');
    await noPrice.waitFor();
    expect(await noPrice.textContent()).toMatch(/^Is required/);
    await expect.poll(() => focused(admin)).toBe('price');
    await photo(admin, 'purchasing-item-refused');
    await admin.keyboard.type('12.50');
    await admin.keyboard.press('Enter');
    await admin.getByText(`${CUP} is saved.`).waitFor();
    expect(await admin.locator(`tr[data-sku="${CUP}"]`).textContent()).toContain('Br\u00a012.50');

    await admin.keyboard.press('Alt+KeyW');
    await admin.getByRole('heading', { name: 'Reorder rules', level: 1 }).waitFor();
    await expect.poll(() => admin.evaluate(`document.activeElement?.tagName`)).toBe('H1');
    await admin.keyboard.press('F2');
    await expect.poll(() => focused(admin)).toBe('code');
    await admin.keyboard.type(`${CUP_BARCODE}\n`, { delay: 1 });
    await expect.poll(() => focused(admin)).toBe('min');
    await admin.keyboard.type('5');
    await admin.keyboard.press('Enter');
    const noMax = admin.locator('[data-field="max"] .field-error');
    await noMax.waitFor();
    expect(await noMax.textContent()).toMatch(/maximum or days of cover/);
    await expect.poll(() => focused(admin)).toBe('max');
    await photo(admin, 'purchasing-rule-refused');
    await admin.keyboard.type('12');
    await admin.keyboard.press('Enter');
    await admin.getByText(`The rule for ${CUP} is saved.`).waitFor();
    const rules = await h.call('reorderRules.list', { variantId: undefined }, adminToken);
    expect(rules.find((r) => r.sku === CUP)).toMatchObject({ min: 5, max: 12 });

    // The settings, on the purchase orders screen: a tolerance that is not a percentage first.
    // The boxes never show empty while the saved settings fill them (what a clerk typed in that
    // moment was overwritten): the tolerance box's value is read the moment it is first shown,
    // with the CPU slowed as on a busy PC, so that React's render outlasts one slice of its
    // scheduler and a plain effect's filling would come a task later.
    await admin.evaluate(() => {
      const seen = window as unknown as { shownTolerance?: string };
      new MutationObserver((_, observer) => {
        const box = document.querySelector<HTMLInputElement>('[data-field="toleranceBp"] input');
        if (!box?.checkVisibility()) return;
        seen.shownTolerance = box.value;
        observer.disconnect();
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    const cdp = await admin.context().newCDPSession(admin);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 30 });
    await admin.keyboard.press('Alt+KeyH');
    await admin.getByRole('heading', { name: 'Purchase orders', level: 1 }).waitFor();
    const tolerance = admin.locator('[data-field="toleranceBp"] input');
    await tolerance.waitFor();
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    const shown = await admin.evaluate(
      () => (window as unknown as { shownTolerance?: string }).shownTolerance,
    );
    expect(shown).toBe(await tolerance.inputValue());
    expect(shown).not.toBe('');
    await tolerance.fill('lots');
    await tolerance.press('Enter');
    await admin.locator('[data-field="toleranceBp"] .field-error').waitFor();
    await expect.poll(() => focused(admin)).toBe('toleranceBp');
    await admin.keyboard.press('Control+A');
    await admin.keyboard.type('2.5');
    await admin.locator('[data-field="runSchedule"] input').fill('02:30');
    await admin.keyboard.press('Enter');
    await admin.getByText('Purchasing settings are saved.').waitFor();
    expect(await h.call('purchasing.settings', {}, adminToken)).toMatchObject({
      approvalLimit: 100,
      toleranceBp: 250,
      runSchedule: '30 2 * * *',
    });
    await photo(admin, 'purchasing-settings');
  });

  it('drafts an order by hand in dollars at the saved rate, adds a line on its page, and approves it once the limit is cleared', async () => {
    const nile = await h.call(
      'suppliers.save',
      { name: NILE, currencyCode: 'USD', leadTimeDays: 30 },
      adminToken,
    );
    await h.call(
      'supplierItems.save',
      { supplierId: nile.id, variantId, supplierCode: 'NI-7', price: 250 },
      adminToken,
    );
    // Head office's rate for the dollar, saved on the purchase orders screen.
    const rateForm = admin.getByRole('form', { name: 'Save a rate' });
    await rateForm.locator('[data-field="currencyCode"] input').focus();
    await admin.keyboard.type('usd');
    await admin.keyboard.press('Tab');
    await admin.keyboard.type('120.5');
    await admin.keyboard.press('Enter');
    await admin.getByText('The rate for USD is saved.').waitFor();
    expect(await admin.locator('[data-testid="rates"] tr[data-currency="USD"]').textContent()).toBe(
      'USD120.5',
    );

    // F2: a new order, the supplier first; the rate box offers the saved rate.
    await admin.locator('.purchase-orders h1').focus();
    await admin.keyboard.press('F2');
    const form = admin.getByRole('form', { name: 'New purchase order' });
    await form.waitFor();
    await expect.poll(() => focused(admin)).toBe('supplierId');
    await form.locator('[data-field="supplierId"] select').selectOption({ label: `${NILE} · USD` });
    await form
      .locator('[data-field="branchId"] select')
      .selectOption({ label: 'SH01 · ' + shopName });
    expect(await form.locator('[data-field="rate"] input').getAttribute('placeholder')).toBe(
      '120.5',
    );
    await press(admin, '[data-add-line]');
    await expect.poll(() => focused(admin)).toBe('code');
    await admin.keyboard.type(`${SHIRT}\n`, { delay: 1 });
    await expect.poll(() => focused(admin)).toBe('lines.0.quantity');
    await admin.keyboard.type('10');
    await photo(admin, 'purchasing-new-order');
    await admin.keyboard.press('Enter');

    // Drafted, it opens: in dollars at head office's rate, the shirt at the supplier's price.
    const rate = admin.locator('[data-fact="rate"]');
    await rate.waitFor();
    expect(await rate.textContent()).toBe('120.5 ETB for one USD');
    const [drafted] = await h.call('purchases.list', { supplierId: nile.id }, adminToken);
    expect(drafted).toMatchObject({ source: 'manual', currencyCode: 'USD', rate: '120.5' });

    // A second line on its page: the cup by its barcode, refused at its box without a quantity.
    await press(admin, '[data-add-line]');
    await expect.poll(() => focused(admin)).toBe('code');
    await admin.keyboard.type(`${CUP_BARCODE}\n`, { delay: 1 });
    await expect.poll(() => focused(admin)).toBe('lines.1.quantity');
    await admin.keyboard.press('Enter');
    await admin.locator('[data-field="lines.1.quantity"] .field-error').waitFor();
    await expect.poll(() => focused(admin)).toBe('lines.1.quantity');
    await admin.keyboard.type('4');
    await admin.keyboard.press('Tab');
    await admin.keyboard.type('1.20');
    await admin.keyboard.press('Enter');
    await admin.getByText('The draft is saved.').waitFor();
    const revised = await h.call('purchases.get', { id: drafted!.id }, adminToken);
    expect(revised.lines.map((l) => [l.sku, l.quantity, l.price])).toEqual([
      [SHIRT, 10, 250],
      [CUP, 4, 120],
    ]);
    expect(revised.rate).toBe('120.5');
    await photo(admin, 'purchasing-hand-draft');

    // The approval limit cleared: one approval is enough.
    await admin.keyboard.press('Escape');
    const limit = admin.locator('[data-field="approvalLimit"] input');
    await limit.fill('');
    await limit.press('Enter');
    await admin.getByText('Purchasing settings are saved.').waitFor();
    expect((await h.call('purchasing.settings', {}, adminToken)).approvalLimit).toBeNull();
    expect(await admin.locator('[data-field="approvalLimit"] .field-hint').textContent()).toBe(
      'Empty: no second approval',
    );
    await press(admin, `tr[data-po="${drafted!.id}"] [data-open-po]`);
    await press(admin, '[data-approve]');
    await admin.getByText(/^Approved as SH01-.+\.$/).waitFor();

    // The forecasts fitted again now, and one adjusted from a description (no AI model here).
    await admin.keyboard.press('Escape');
    await press(admin, '[data-refit]');
    const refit = admin.getByTestId('refit-result');
    await refit.waitFor();
    expect(await refit.textContent()).toMatch(/^\d+ series refit\.$/);
    await press(admin, `tr[data-po="${orderId}"] [data-open-po]`);
    await press(admin, '[data-why-line="1"]');
    await admin.locator('[data-field="description"] input').focus();
    await admin.keyboard.type('holiday next week, double sales');
    await admin.keyboard.press('Enter');
    const note = admin.getByTestId('adjust-note');
    await note.waitFor();
    expect(await note.getAttribute('data-outcome')).toBe('ignored');
    expect(await note.textContent()).toContain('no AI model is set up');
    await admin.keyboard.press('Escape');
  });

  it('reads the order in Amharic without cut-off text', async () => {
    await press(admin, `tr[data-po="${orderId}"] [data-open-po]`);
    await admin.locator('[data-fact="status"]').waitFor();
    await admin.locator('.topbar select').first().selectOption('am');
    await expect.poll(() => admin.locator('[data-fact="status"]').textContent()).toBe('በከፊል ደርሷል');
    await press(admin, '[data-why-line="1"]');
    await admin.getByTestId('why').waitFor();
    await photo(admin, 'purchasing-order-am');
    await admin.locator('.topbar select').first().selectOption('en');
  });
});
