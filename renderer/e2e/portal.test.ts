// The customer portal (issue 16, decision 0034) in Chromium at 1024×768 against a real head
// office over HTTPS. With the admin's own certificate, a store signs in at /portal/, sees its
// delivered order (what was delivered, who signed, when) and opens its delivery note, sees its
// balance and points, and asks for a new order that waits for its sales rep. With head office's
// self-signed certificate, /portal/ says why it is off. Screens are checked by axe, for cut-off
// text and sideways scrolling, and photographed.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signaturePng } from '../../core/trips/fixture.test-support';
import { createSelfSignedCertificate } from '../../sync-server/http/self-signed';
import {
  call,
  PASSWORD,
  startHeadOffice,
  type HeadOffice,
} from '../../sync-server/http/testing/head-office';
import { axeViolations, clippedElements, sidewaysOverflow } from './a11y-checks';
import { chromiumArgs, ensureBuilt, screenshot } from './harness';

async function photo(page: Page, name: string): Promise<void> {
  expect(await sidewaysOverflow(page), name).toEqual([]);
  expect(await clippedElements(page), name).toEqual([]);
  expect(await axeViolations(page), name).toEqual([]);
  await screenshot(page, name);
  // 200% zoom of a 1024×768 window is a 512×384 one: nothing may scroll sideways there either.
  await page.setViewportSize({ width: 512, height: 384 });
  expect(await sidewaysOverflow(page), `${name} at 200%`).toEqual([]);
  await screenshot(page, `${name}-zoom200`);
  await page.setViewportSize({ width: 1024, height: 768 });
}

async function as<T>(base: string, token: string, name: string, input: unknown): Promise<T> {
  const r = await call<{ ok: boolean; result: T; error?: { message: string } }>(
    base,
    'POST',
    `/api/${name}`,
    input,
    token,
  );
  if (!r.body.ok) throw new Error(`${name}: ${r.body.error?.message ?? r.status}`);
  return r.body.result;
}

async function login(base: string, username: string): Promise<string> {
  return (await as<{ token: string }>(base, '', 'auth.login', { username, password: PASSWORD }))
    .token;
}

describe('the portal over the admin’s certificate', () => {
  let ho: HeadOffice;
  let browser: Browser;
  let page: Page;
  let orderNumber = '';

  beforeAll(async () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'fse-portal-e2e-'));
    const own = createSelfSignedCertificate(['erp.example.com', 'localhost', '127.0.0.1']);
    writeFileSync(join(dir, 'cert.pem'), own.certPem);
    writeFileSync(join(dir, 'key.pem'), own.keyPem);
    ho = await startHeadOffice({
      tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
    });
    const base = ho.server.url;
    const shop = ho.shopBranchId;
    const customer = await ho.admin('customers.create', {
      branchId: shop,
      name: 'Cafe Alpha',
      address: 'Piassa, near the post office',
      phone: '+251911000001',
    });
    await ho.admin('users.create', {
      username: 'cafe',
      displayName: 'Cafe Alpha',
      role: 'customer',
      branchId: shop,
      password: PASSWORD,
      customerId: customer.id,
    });
    const driver = await ho.admin('users.create', {
      username: 'driver1',
      displayName: 'Yonas Driver',
      role: 'driver',
      branchId: shop,
      password: PASSWORD,
    });
    await ho.admin('stock.adjust', {
      branchId: shop,
      variantId: ho.variantId,
      quantity: 100,
      reason: 'Opening stock for the portal test',
    });
    const placed = await ho.admin('field.placeOrder', {
      customerId: customer.id,
      branchId: shop,
      lines: [{ variantId: ho.variantId, quantity: 4 }],
    });
    expect(placed.status).toBe('open');
    orderNumber = placed.number;
    const trip = await ho.admin('trips.plan', {
      branchId: shop,
      day: new Date().toISOString().slice(0, 10),
      driverId: driver.id,
      vehicle: 'AA-2-55555',
      orderIds: [placed.orderId],
    });
    const driverToken = await login(base, 'driver1');
    await as(base, driverToken, 'trips.prove', {
      tripId: trip.tripId,
      orderId: placed.orderId,
      lines: [{ lineNo: 1, delivered: 4, damaged: 0, short: 0 }],
      returns: [],
      collected: { amount: 1000, method: 'cash' },
      signature: { contentBase64: signaturePng() },
      photos: {},
      signedBy: 'Almaz Kebede',
    });

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
    const context = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      ignoreHTTPSErrors: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await ho?.close();
  });

  it("signs the customer in at /portal/ with the customer's own sign-in", async () => {
    await page.goto(`${ho.server.url}/portal/`);
    await page.getByRole('form', { name: 'Customer portal' }).waitFor();
    await photo(page, 'portal-sign-in');
    await page.getByLabel('Username').fill('cafe');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.locator('table[data-state="ready"] tr[data-sku="MUG-S"]').waitFor();
    await photo(page, 'portal-catalog');
  });

  it('shows the delivered order, who signed it, and its delivery note', async () => {
    await page.locator('[data-portal-tab="orders"]').click();
    const row = page.locator(`tr[data-order="${orderNumber}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('delivered');
    expect(await row.textContent()).toContain('Delivered');
    await row.getByRole('button', { name: orderNumber }).click();
    const delivery = page.locator('[data-delivery]');
    await delivery.waitFor();
    expect(await delivery.textContent()).toContain('signed by Almaz Kebede');
    expect(await delivery.textContent()).toMatch(/Paid to the driver: .*10\.00/);
    expect(await page.locator('tr[data-line="1"] td[data-col="delivered"]').textContent()).toBe(
      '4',
    );
    await photo(page, 'portal-order');
    await page.locator('[data-delivery-note]').click();
    await page.locator('iframe.pdf-frame').waitFor();
    expect(await page.locator('[data-pdf-save]').getAttribute('download')).toBe(
      `${orderNumber}-delivery-note.pdf`,
    );
  });

  it('shows the balance the delivery left and the points', async () => {
    await page.locator('[data-portal-tab="account"]').click();
    const balance = page.locator('[data-balance]');
    await balance.waitFor();
    // Four mugs at 10.00 delivered, 10.00 paid to the driver.
    expect(await balance.getAttribute('data-balance')).toBe('3000');
    expect(await balance.textContent()).toMatch(/You owe .*30\.00/);
    await page.locator('[data-points]').waitFor();
    expect(await page.locator('[data-kind="delivery"]').count()).toBe(1);
    expect(await page.locator('[data-kind="collection"]').count()).toBe(1);
    await photo(page, 'portal-account');
  });

  it('asks for an order that waits for the sales rep', async () => {
    await page.locator('[data-portal-tab="catalog"]').click();
    const row = page.locator('table[data-state="ready"] tr[data-sku="MUG-S"]');
    await row.waitFor();
    await row.getByLabel('How many MUG-S').fill('6');
    await page.getByLabel('Note for your sales rep (optional)').fill('Before noon, please');
    expect(await page.getByText('goes to your sales rep, who confirms it').count()).toBe(1);
    await page.locator('[data-request-order]').click();
    const said = page.getByText(/is sent: Waiting for your sales rep to confirm/);
    await said.waitFor();
    const number = /Order (\S+) is sent/.exec((await said.textContent()) ?? '')?.[1];
    expect(number).toBeTruthy();
    await page.locator('[data-portal-tab="orders"]').click();
    const mine = page.locator(`tr[data-order="${number}"]`);
    await mine.waitFor();
    expect(await mine.getAttribute('data-status')).toBe('requested');
    const orders = await ho.admin('field.orders', { branchId: ho.shopBranchId });
    const asked = orders.find((o) => o.number === number);
    expect(asked).toMatchObject({ status: 'requested', total: 6000 });
  });
});

describe('the portal over head office’s self-signed certificate', () => {
  let ho: HeadOffice;
  let browser: Browser;
  beforeAll(async () => {
    ensureBuilt();
    ho = await startHeadOffice();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await ho?.close();
  });

  it('says why the portal is off', async () => {
    const context = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      ignoreHTTPSErrors: true,
    });
    const page = await context.newPage();
    await page.goto(`${ho.server.url}/portal/`);
    await page.getByRole('heading', { name: 'The customer portal is not open' }).waitFor();
    expect(await page.textContent('body')).toContain('self-signed certificate');
    expect(await page.textContent('body')).toContain('--tls-cert');
    await screenshot(page, 'portal-off');
  });
});
