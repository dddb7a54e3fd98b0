// The order lifecycle through the real UI, in Chromium, with three people in three browser
// contexts (shop clerk, finance, factory clerk) against one DesktopHost in web mode. What the
// screens say is checked against the core's own ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  payTheRestInCash,
  makePng,
  screenshot,
  signIn,
  startHarness,
  stockOnScreen,
  type Figures,
  type Harness,
} from './harness';

const SHIRT = 'TS-WHT-M';
const SHIRT_BARCODE = '4006381333931';
const CUP = 'CUP-LRG';

describe('the order lifecycle in the browser', () => {
  let h: Harness;
  let adminToken = '';
  let branch: Record<string, string> = {};
  const variant: Record<string, string> = {};
  let shop: Page;
  let finance: Page;
  let factory: Page;
  let orderNumber = '';
  let orderId = '';

  const ledger = async (branchCode: string, sku: string): Promise<Figures> => {
    const b = await h.call(
      'stock.balance',
      { branchId: branch[branchCode]!, variantId: variant[sku]! },
      adminToken,
    );
    return {
      onHand: b.onHand,
      reserved: b.reserved,
      available: b.available,
      inTransit: b.inTransit,
    };
  };

  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('loads the demo company from the first-run screen', async () => {
    const { page } = await h.newPerson();
    await page.goto(h.web.url);
    await page.getByRole('heading', { name: /How will this PC be used/ }).waitFor();
    // The per-run secret is taken out of the address once read.
    expect(page.url()).not.toContain('secret=');
    await screenshot(page, 'first-run');

    // Joining head office: a malformed address is answered beside its box; Esc goes back.
    await page.getByRole('button', { name: /Join your head office/ }).click();
    await page.getByLabel('Head-office address').fill('erp.example.com');
    await page.getByLabel('Enrollment code').fill('ABCD-EFGH-JKLM');
    await page.getByLabel('Name of this PC').fill('Counter PC');
    await page.getByRole('button', { name: /^Enroll/ }).click();
    await expect
      .poll(() => page.locator('[data-field="serverUrl"] .field-error').textContent())
      .toBe('Must be the head-office address, like https://erp.example.com:8443');
    await screenshot(page, 'first-run-enroll');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /Start a new company here/ }).click();
    await page.getByLabel('Code').fill('shop one');
    await page.getByRole('button', { name: /^Set up/ }).click();
    await expect
      .poll(() => page.locator('[data-field="branch.code"] .field-error').textContent())
      .toContain('2 to 10 capital letters or digits');
    await screenshot(page, 'first-run-initialize');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: /Try the demo company/ }).click();
    await expect.poll(() => page.getByTestId('demo-password').textContent()).toBe('demo1234');
    await expect.poll(() => page.getByRole('cell', { name: 'shop1' }).count()).toBe(1);
    await screenshot(page, 'demo-ready');
    await page.getByRole('button', { name: /Go to sign in/ }).click();
    await page.getByLabel('Username').waitFor();
    await screenshot(page, 'login');

    adminToken = (await h.call('auth.login', { username: 'admin', password: 'demo1234' })).token;
    const branches = await h.call('branches.list', {}, adminToken);
    branch = Object.fromEntries(branches.map((b) => [b.code, b.id]));
    for (const sku of [SHIRT, CUP])
      variant[sku] = (await h.call('catalog.findByCode', { code: sku }, adminToken)).variantId;
  });

  it('shop clerk builds an order by barcode and search; a bad quantity is refused beside its box', async () => {
    shop = (await h.newPerson()).page;
    await signIn(shop, h.web.url, 'shop1');
    // The dashboard opens first (issue 17); the order screen is Alt+N, which puts the focus on
    // its heading, so the clerk puts it in the scan box.
    await shop.keyboard.press('Alt+KeyN');
    const scan = shop.locator('[data-scan]');
    await scan.focus();
    // Code that runs in the page is given as text: this file is checked without the DOM lib.
    await expect
      .poll(() => shop.evaluate(`document.activeElement?.hasAttribute('data-scan')`))
      .toBe(true);
    // A scanner types the digits fast, then Enter.
    await scan.pressSequentially(SHIRT_BARCODE, { delay: 5 });
    await scan.press('Enter');
    const shirtQty = shop.getByLabel(`Quantity for ${SHIRT}`);
    await expect.poll(() => shirtQty.inputValue()).toBe('1');
    await scan.pressSequentially(SHIRT_BARCODE, { delay: 5 });
    await scan.press('Enter');
    await expect.poll(() => shirtQty.inputValue()).toBe('2');

    // An unknown code is answered beside the scan box.
    await scan.pressSequentially('0000000000000', { delay: 5 });
    await scan.press('Enter');
    await expect
      .poll(() => shop.locator('[data-field="code"] .field-error').textContent())
      .toContain('Nothing in the catalog has the barcode or SKU');
    await scan.fill('');

    // The catalog search: "/" focuses it; Enter takes the first match.
    await shop.locator('body').click({ position: { x: 5, y: 5 } });
    await shop.keyboard.press('/');
    await shop.keyboard.type('Coffee cup');
    await shop.getByRole('button', { name: new RegExp(CUP) }).waitFor();
    await shop.getByRole('button', { name: new RegExp(CUP) }).click();
    await shop.getByLabel(`Quantity for ${CUP}`).fill('40');

    await shirtQty.fill('-1');
    await shop.getByRole('button', { name: /Place order/ }).click();
    const error = shop.locator(
      `tr[data-sku="${SHIRT}"] [data-field="lines.0.quantity"] .field-error`,
    );
    await expect.poll(() => error.textContent()).toBe('Must be greater than 0');
    expect(await shirtQty.getAttribute('aria-invalid')).toBe('true');
    await screenshot(shop, 'new-order-error');
    await shirtQty.fill('3');
    await screenshot(shop, 'new-order');
  });

  let shopBefore: Figures;
  let factoryBefore: Figures;
  let factoryCupBefore: Figures;

  it('stock screens agree with the ledger before the order', async () => {
    factory = (await h.newPerson()).page;
    await signIn(factory, h.web.url, 'factory');
    factoryBefore = await stockOnScreen(factory, SHIRT);
    factoryCupBefore = await stockOnScreen(factory, CUP);
    expect(factoryBefore).toEqual(await ledger('FAC', SHIRT));
    expect(factoryCupBefore).toEqual(await ledger('FAC', CUP));
    expect(await factory.locator(`tr[data-sku="${CUP}"]`).getAttribute('class')).toContain('low');
  });

  it('shop clerk places the order (shortages shown) and attaches a PNG slip', async () => {
    // A look at the shop's stock mid-order (Alt+K) and back (Alt+N) keeps the lines.
    shopBefore = await stockOnScreen(shop, SHIRT);
    expect(shopBefore).toEqual(await ledger('SH01', SHIRT));
    await shop.keyboard.press('Alt+KeyN');
    expect(await shop.getByLabel(`Quantity for ${SHIRT}`).inputValue()).toBe('3');
    await shop.getByRole('button', { name: /Place order/ }).click();
    const placed = shop.getByTestId('placed-number');
    await placed.waitFor();
    orderNumber = (await placed.textContent()) ?? '';
    expect(orderNumber).toMatch(/^SH01-/);
    await expect
      .poll(() => shop.getByRole('list', { name: 'Shortages at the factory' }).textContent())
      .toContain(CUP);
    await screenshot(shop, 'order-placed');
    orderId = (await h.call('orders.list', { number: orderNumber }, adminToken))[0]!.id;

    // Reserved at the factory as soon as it is placed.
    const reserved = await stockOnScreen(factory, SHIRT);
    expect(reserved).toEqual(await ledger('FAC', SHIRT));
    expect(reserved.reserved).toBe(factoryBefore.reserved + 3);
    expect(reserved.available).toBe(factoryBefore.available - 3);
    expect(reserved.onHand).toBe(factoryBefore.onHand);

    await shop.keyboard.press('Alt+KeyO');
    await shop
      .locator(`table.orders[data-state="ready"] tr[data-status="placed"]`)
      .first()
      .waitFor();
    await screenshot(shop, 'my-orders');
    await shop.getByRole('button', { name: orderNumber }).click();
    await shop.getByRole('heading', { name: `Order ${orderNumber}` }).waitFor();

    // Dragged and dropped: a PDF shows as an icon with its name until it is sent.
    const dropped = await shop.evaluateHandle(`(() => {
      const data = new DataTransfer();
      data.items.add(new File(['%PDF-1.4 slip'], 'bank-slip.pdf', { type: 'application/pdf' }));
      return data;
    })()`);
    await shop.locator('.dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await shop.getByText('bank-slip.pdf').waitFor();
    expect(await shop.locator('.dropzone .pdf-icon').count()).toBe(1);
    await screenshot(shop, 'slip-dropped-pdf');
    // …then replaced from the file picker by a real PNG, previewed as an image.
    await shop.getByLabel('Payment slip file').setInputFiles({
      name: 'slip.png',
      mimeType: 'image/png',
      buffer: await makePng(),
    });
    await shop.getByAltText('Preview of slip.png').waitFor();
    await shop.getByRole('button', { name: /Attach slip/ }).click();
    await shop.locator('.screen-head [data-status="slip_attached"]').waitFor();
    expect((await h.call('orders.get', { orderId }, adminToken)).status).toBe('slip_attached');

    // The PDFs: the order sheet previews in an iframe from a blob: URL.
    const frame = shop.locator('iframe.pdf-frame');
    await frame.waitFor();
    expect(await frame.getAttribute('src')).toMatch(/^blob:/);
    await shop.waitForTimeout(1500);
    await screenshot(shop, 'order-detail');
  });

  it('a shop clerk is not offered Verify, and the core refuses it through the transport', async () => {
    expect(await shop.getByRole('button', { name: /Verify payment/ }).count()).toBe(0);
    // The page's own transport, as a tampering clerk would call it from the devtools console.
    const answer = await shop.evaluate(`(async () => {
      const response = await fetch('/api/orders.verifyPayment', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-fse-secret': sessionStorage.getItem('fse.webSecret') ?? '',
          authorization: 'Bearer ' + (sessionStorage.getItem('fse.sessionToken') ?? ''),
        },
        body: JSON.stringify({ orderId: ${JSON.stringify(orderId)} }),
      });
      return { status: response.status, body: await response.json() };
    })()`);
    expect(answer).toMatchObject({
      status: 403,
      body: { ok: false, error: { code: 'FORBIDDEN' } },
    });
  });

  it('finance sees the slip large and verifies the payment', async () => {
    finance = (await h.newPerson()).page;
    await signIn(finance, h.web.url, 'finance');
    // The dashboard opens first (issue 17); payments waiting is Alt+Y.
    await finance.keyboard.press('Alt+KeyY');
    await finance.getByRole('heading', { name: 'Payments waiting' }).waitFor();
    // A reload keeps the session (this tab's sessionStorage) and opens the first screen again.
    await finance.reload();
    await finance.locator('section.dashboard').waitFor();
    await finance.keyboard.press('Alt+KeyY');
    await finance.getByRole('heading', { name: 'Payments waiting' }).waitFor();
    const slip = finance.getByAltText('Payment slip slip.png');
    await slip.waitFor();
    expect(
      await finance.evaluate(
        `document.querySelector('img[alt="Payment slip slip.png"]').naturalWidth`,
      ),
    ).toBe(240);
    await screenshot(finance, 'finance-payments');
    // Finance records what the bank received: the amount, the day and the reference.
    const { total } = await h.call('orders.get', { orderId }, adminToken);
    await finance.getByLabel('Amount on the slip').fill((total / 100).toFixed(2));
    await finance.getByLabel('Bank reference').fill('FT26312ABC');
    await finance.getByRole('button', { name: /Record payment/ }).click();
    await finance.getByText(`Order ${orderNumber}: done.`).waitFor();
    expect((await h.call('orders.get', { orderId }, adminToken)).status).toBe('payment_verified');
  });

  it('factory clerk dispatches from the queue; more than is in the factory is refused on its line', async () => {
    await factory.keyboard.press('Alt+KeyQ');
    await factory.getByRole('button', { name: orderNumber }).waitFor();
    await screenshot(factory, 'factory-queue');
    // From the keyboard: ↓ from the heading (where the screen put the focus) to the first order,
    // the only paid one; ↑ from it to the number box, ↓ back, and Enter opens it.
    const focused = () => factory.evaluate(() => document.activeElement?.textContent ?? '');
    const inNumberBox = () =>
      factory.evaluate(
        () =>
          document.activeElement?.closest('[data-field]')?.getAttribute('data-field') === 'number',
      );
    await expect.poll(focused).toBe('Order queue');
    expect(await factory.locator('table.orders tbody tr[data-order-id]').count()).toBe(1);
    await factory.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe(orderNumber);
    await factory.keyboard.press('ArrowUp');
    await expect.poll(inNumberBox).toBe(true);
    await factory.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe(orderNumber);
    await factory.keyboard.press('Enter');
    await factory.getByLabel('Vehicle').fill('3-AA-12345');
    await factory.getByLabel('Driver').fill('Yonas Bekele');
    expect(await factory.getByLabel(`Dispatch quantity for ${CUP}`).inputValue()).toBe('40');
    await factory.getByRole('button', { name: /^Dispatch/ }).click();
    const cupError = factory.locator('[data-field="lines.1.quantity"] .field-error');
    await expect
      .poll(() => cupError.textContent())
      .toContain(`Only ${factoryCupBefore.onHand} of ${CUP}`);
    await factory.getByLabel(`Dispatch quantity for ${CUP}`).fill(String(factoryCupBefore.onHand));
    await screenshot(factory, 'dispatch-form');
    await factory.getByRole('button', { name: /^Dispatch/ }).click();
    await factory.locator('.screen-head [data-status="dispatched"]').waitFor();
    // The clerk is told, and the focus is on what was said, not dropped to the page.
    await expect
      .poll(focused)
      .toMatch(new RegExp(`^Order ${orderNumber} is dispatched to Bole Shop`));
    // Dates read as everywhere else, and at 1024×768 every column of the lines can be reached.
    const planned = factory.locator('.facts dt', { hasText: 'Planned' }).locator('+ dd');
    expect(await planned.textContent()).toMatch(/^\d{2} [A-Z][a-z]{2} \d{4}$/);
    await factory.setViewportSize({ width: 1024, height: 768 });
    const lines = factory.locator('section.panel', {
      has: factory.getByRole('heading', { name: 'Lines', level: 2 }),
    });
    const fits = await lines.evaluate((panel) => panel.scrollWidth <= panel.clientWidth);
    expect(fits).toBe(true);
    const wrap = lines.getByRole('region', { name: 'Lines' });
    await wrap.focus();
    // The arrow keys scroll the focused box sideways until the last column is in view.
    const atEnd = () => wrap.evaluate((el) => el.scrollLeft + el.clientWidth >= el.scrollWidth - 1);
    for (let i = 0; i < 20 && !(await atEnd()); i++) await factory.keyboard.press('ArrowRight');
    expect(await atEnd()).toBe(true);
    await screenshot(factory, 'order-detail-1024');
    await factory.setViewportSize({ width: 1280, height: 800 });
    // Esc back to the queue, which the dispatched order has left: the focus is on its heading.
    await factory.keyboard.press('Escape');
    await factory.getByRole('heading', { name: 'Order queue', level: 1 }).waitFor();
    await expect.poll(focused).toBe('Order queue');

    const after = await stockOnScreen(factory, SHIRT);
    expect(after).toEqual(await ledger('FAC', SHIRT));
    expect(after.onHand).toBe(factoryBefore.onHand - 3);
    expect(after.reserved).toBe(factoryBefore.reserved);
    await screenshot(factory, 'stock');
    const cup = await stockOnScreen(factory, CUP);
    expect(cup).toEqual(await ledger('FAC', CUP));
    expect(cup.onHand).toBe(0);

    const inTransit = await stockOnScreen(shop, SHIRT);
    expect(inTransit).toEqual(await ledger('SH01', SHIRT));
    expect(inTransit.inTransit).toBe(shopBefore.inTransit + 3);
  });

  it('shop clerk confirms the delivery line by line, with a note for the short line', async () => {
    await shop.keyboard.press('Alt+KeyO');
    await shop.getByRole('button', { name: orderNumber }).click();
    const received = shop.getByLabel(`Received quantity for ${SHIRT}`);
    expect(await received.inputValue()).toBe('3');
    expect(await shop.getByLabel(`Received quantity for ${CUP}`).inputValue()).toBe(
      String(factoryCupBefore.onHand),
    );
    await received.fill('2');
    await shop.getByLabel(`Note for ${SHIRT}`).fill('1 torn in transit');
    await shop.getByRole('button', { name: /Confirm delivery/ }).click();
    await shop.locator('.screen-head [data-status="delivered"]').waitFor();
    await shop.getByText('1 short (2 of 3) — 1 torn in transit').waitFor();
    await shop.getByRole('tab', { name: 'Dispatch note' }).click();
    await shop.locator('iframe.pdf-frame').waitFor();
    await shop.waitForTimeout(1500);
    await screenshot(shop, 'order-detail-delivered');

    const after = await stockOnScreen(shop, SHIRT);
    expect(after).toEqual(await ledger('SH01', SHIRT));
    expect(after.onHand).toBe(shopBefore.onHand + 2);
    expect(after.inTransit).toBe(shopBefore.inTransit);
  });

  it('factory records production and the shop sells over the counter; stock follows the ledger', async () => {
    const before = await ledger('FAC', SHIRT);
    await factory.keyboard.press('Alt+KeyP');
    const scan = factory.locator('[data-scan]');
    await scan.pressSequentially(SHIRT_BARCODE, { delay: 5 });
    await scan.press('Enter');
    // Scan, type how many, Enter: the scan hands the focus to the quantity, not the scan box.
    const made = factory.getByLabel('Quantity made');
    await expect.poll(() => made.evaluate((el) => el === document.activeElement)).toBe(true);
    await factory.keyboard.type('10');
    await factory.keyboard.press('Enter');
    await factory.getByText(`Recorded 10 × ${SHIRT}`).waitFor();
    // Saved: the scan box is ready for the next batch.
    await expect.poll(() => scan.evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(factory, 'production');
    const stocked = await stockOnScreen(factory, SHIRT);
    expect(stocked).toEqual(await ledger('FAC', SHIRT));
    expect(stocked.onHand).toBe(before.onHand + 10);

    const shelf = await ledger('SH01', SHIRT);
    await shop.keyboard.press('Alt+KeyC');
    const shopScan = shop.locator('[data-scan]');
    await shopScan.pressSequentially(SHIRT_BARCODE, { delay: 5 });
    await shopScan.press('Enter');
    const qty = shop.getByLabel(`Quantity for ${SHIRT}`);
    await qty.fill('999');
    await qty.press('Enter');
    // The shelf is checked when the sale is recorded: the refusal takes the clerk back to the line.
    await payTheRestInCash(shop);
    await expect
      .poll(() => shop.locator('[data-field="lines.0.quantity"] .field-error').textContent())
      .toContain(`The books show only ${shelf.onHand} of ${SHIRT}`);
    await screenshot(shop, 'counter-sale-error');
    await qty.fill('1');
    await qty.press('Enter');
    await payTheRestInCash(shop);
    await shop.getByText(/Sale SH01-.* recorded/).waitFor();
    await screenshot(shop, 'counter-sale');
    const sold = await stockOnScreen(shop, SHIRT);
    expect(sold).toEqual(await ledger('SH01', SHIRT));
    expect(sold.onHand).toBe(shelf.onHand - 1);
  });

  it('admin screens: users, products with margins, sync & devices on a PC that is not head office', async () => {
    const { page } = await h.newPerson();
    await signIn(page, h.web.url, 'admin');
    await page.keyboard.press('Alt+KeyU');
    await page.locator('tr[data-username="shop1"]').waitFor();
    await screenshot(page, 'admin-users');
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Username', { exact: true }).fill('clerk3');
    await page.getByLabel('Full name').fill('Third Clerk');
    await page.getByLabel('Branch').selectOption({ label: 'Bole Shop (SH01)' });
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: /Create user/ }).click();
    await expect
      .poll(() => page.locator('[data-field="password"] .field-error').textContent())
      .toBe('Must be at least 8 characters');
    await screenshot(page, 'admin-user-form');
    await page.getByLabel('Password').fill('long enough');
    await page.getByRole('button', { name: /Create user/ }).click();
    await page.locator('tr[data-username="clerk3"]').waitFor();
    await page.keyboard.press('Alt+KeyB');
    await page.getByRole('cell', { name: 'Akaki Factory' }).waitFor();
    await screenshot(page, 'admin-branches');
    await page.keyboard.press('Alt+KeyF');
    await page.getByText('No conflicts to look at.').waitFor();
    await screenshot(page, 'admin-conflicts');
    await page.keyboard.press('Alt+KeyR');
    await page.locator(`tr[data-sku="${SHIRT}"]`).waitFor();
    expect(await page.locator(`tr[data-sku="${SHIRT}"]`).innerText()).toContain('37.8%');
    await page.locator(`tr[data-sku="${SHIRT}"]`).getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Price').fill('4.505');
    await page.getByRole('button', { name: /^Save/ }).click();
    await expect
      .poll(() => page.locator('[data-field="price"] .field-error').textContent())
      .toBe('Write an amount like 450.00');
    await screenshot(page, 'admin-products-edit');
    await page.keyboard.press('Escape');
    await screenshot(page, 'admin-products');
    await page.keyboard.press('Alt+KeyD');
    await page.getByText('Devices are managed at head office').first().waitFor();
    await page.getByText('works on its own').first().waitFor();
    await screenshot(page, 'sync-devices');
    expect(await page.getByTestId('sync-indicator').textContent()).toContain('Works on its own');
  });

  it('a session that ends on the core side brings the clerk back to sign in, with the reason', async () => {
    h.host.core.db.sqlite
      .prepare(
        `DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = 'finance')`,
      )
      .run();
    await finance.keyboard.press('Alt+KeyO');
    await finance.getByText('You are signed out. Sign in again.').waitFor();
    await finance.getByLabel('Username').waitFor();
    expect(await finance.getByText('You are signed out. Sign in again.').isVisible()).toBe(true);
  });
}, 300_000);
