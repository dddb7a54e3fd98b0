// Master data through the real admin screens in Chromium: edit a product's name and barcode,
// archive a variant and see the counter no longer find it, import a CSV whose one bad row is
// listed (nothing written), then the fixed file; and change one's own password from the top bar.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screenshot, signIn, startHarness, type Harness } from './harness';

let h: Harness;
let token = '';

describe('master data screens', () => {
  beforeAll(async () => {
    h = await startHarness({ demo: true });
    token = (await h.call('auth.login', { username: 'admin', password: 'demo1234' })).token;
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('edits a product name and barcode, and archives a variant the counter then cannot find', async () => {
    const { page } = await h.newPerson();
    await signIn(page, h.web.url, 'admin');
    await page.keyboard.press('Alt+KeyR');
    await page.getByRole('heading', { name: 'Products & prices', level: 1 }).waitFor();
    const row = page.locator('tr[data-sku="CUP-LRG"]');
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Product name').fill('Ceramic cup');
    await page.getByLabel('Barcode').fill('2000000000039');
    await page.getByLabel('Barcode').press('Enter');
    // The variant is saved, then its product's name: wait for both.
    await expect
      .poll(async () => {
        const found = await h.call('catalog.findByCode', { code: 'CUP-LRG' }, token);
        return `${found.barcode} ${found.productName}`;
      })
      .toBe('2000000000039 Ceramic cup');
    await page.getByRole('form', { name: /CUP-LRG/ }).waitFor({ state: 'detached' });

    await page.locator('tr[data-sku="CUP-SML"]').getByRole('button', { name: 'Archive' }).click();
    await page.getByText('CUP-SML archived').waitFor();
    await screenshot(page, 'master-data-products');

    const clerk = (await h.newPerson()).page;
    await signIn(clerk, h.web.url, 'shop1');
    await clerk.keyboard.press('Alt+KeyC');
    const scan = clerk.getByLabel(/^Scan or type a barcode/);
    await scan.fill('CUP-SML');
    await scan.press('Enter');
    await expect.poll(() => clerk.locator('body').innerText()).toMatch(/archived/);
  });

  it('imports a CSV: the bad row is listed and nothing is written; the fixed file imports', async () => {
    const { page } = await h.newPerson();
    await signIn(page, h.web.url, 'admin');
    await page.keyboard.press('Alt+KeyI');
    await page.getByRole('heading', { name: 'Import from a CSV file', level: 1 }).waitFor();
    const dir = mkdtempSync(join(tmpdir(), 'fse-csv-'));
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'product,category,sku,price,cost\nLinen shirt,Shirts,LIN-S,450.00,200.00\nLinen shirt,Shirts,LIN-M,abc,200.00\n',
    );
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(bad);
    await page.getByRole('button', { name: /^Check file/ }).click();
    const problem = page.locator('tr[data-row="3"]');
    await problem.waitFor();
    expect(await problem.innerText()).toContain('price');
    expect(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).toBe(true);
    expect(await h.call('catalog.list', { search: 'LIN-', limit: 5 }, token)).toHaveLength(0);
    await screenshot(page, 'master-data-import-problems');

    const good = join(dir, 'good.csv');
    writeFileSync(
      good,
      'product,category,sku,price,cost\nLinen shirt,Shirts,LIN-S,450.00,200.00\nLinen shirt,Shirts,LIN-M,450.00,200.00\n',
    );
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(good);
    await page.getByRole('button', { name: /^Check file/ }).click();
    await page.getByText('All 2 rows are fine').waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('2 rows imported').waitFor();
    expect(await h.call('catalog.list', { search: 'LIN-', limit: 5 }, token)).toHaveLength(2);
  });

  it('changes its own password from the top bar with the keyboard', async () => {
    const { page } = await h.newPerson();
    await signIn(page, h.web.url, 'finance');
    await page.getByRole('button', { name: 'Change password' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Change your password' });
    await dialog.waitFor();
    await page.keyboard.type('wrong-password');
    await page.keyboard.press('Tab');
    await page.keyboard.type('new-secret-1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('new-secret-1');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => dialog.locator('[data-field="currentPassword"] .field-error').textContent())
      .toMatch(/./);
    await dialog.getByLabel('Current password').fill('demo1234');
    await dialog.getByLabel('Current password').press('Enter');
    await dialog.getByText('Your password is changed').waitFor();
    await page.keyboard.press('Escape');
    expect(
      (await h.call('auth.login', { username: 'finance', password: 'new-secret-1' })).token,
    ).toBeTruthy();
  });
});
