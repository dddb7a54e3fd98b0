// The app in the people's own language and the company's currency, through the real UI in
// Chromium: Amharic chosen on the sign-in screen stays for this PC, a clerk signs in and sells
// over the counter in Amharic with the company's symbol on every amount, reads the core's refusal
// in Amharic, and switching back to English happens at once, without a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payTheRestInCash, screenshot, startHarness, type Harness } from './harness';

const SHIRT = 'TS-WHT-M';
const SHIRT_BARCODE = '4006381333931';

describe('language and currency in the browser', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ demo: true });
    const admin = (await h.call('auth.login', { username: 'admin', password: 'demo1234' })).token;
    await h.call('company.save', { currencySymbol: 'ብር', locale: 'am-ET' }, admin);
    const shop = (await h.call('auth.login', { username: 'shop1', password: 'demo1234' })).token;
    const row = await h.call('catalog.findByCode', { code: SHIRT }, shop);
    await h.call(
      'stock.adjust',
      { variantId: row.variantId, quantity: 5, reason: 'opening count' },
      shop,
    );
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('signs in in Amharic and sells with the company currency on every amount', async () => {
    const { page } = await h.newPerson();
    await page.goto(h.web.url);
    await page.getByLabel('Language').selectOption('am');
    // The sign-in screen speaks Amharic at once, and the document says so to screen readers.
    await page.getByLabel('የተጠቃሚ ስም').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('am');
    await screenshot(page, 'language-sign-in-am');

    // The PC keeps the choice: a reload opens the sign-in screen in Amharic again.
    await page.reload();
    await page.getByLabel('የተጠቃሚ ስም').fill('shop1');
    await page.getByLabel('የይለፍ ቃል').fill('demo1234');
    await page.getByRole('button', { name: /^ግባ/ }).click();
    // The signed-in shell (the sign-in screen has a language box too).
    const counterSale = page.locator('[aria-keyshortcuts="Alt+C"]');
    await counterSale.waitFor();
    await counterSale.click();
    await page.getByRole('heading', { name: 'የመደብር ሽያጭ' }).waitFor();
    const scan = page.locator('[data-scan]');
    await scan.pressSequentially(SHIRT_BARCODE, { delay: 5 });
    await scan.press('Enter');
    const qty = page.locator('.qty-input').first();
    await qty.fill('1');
    const total = page.locator('.total strong');
    await expect.poll(() => total.textContent()).toMatch(/^ብር\u00a0\d[\d,]*\.\d\d$/);
    await qty.press('Enter');
    await payTheRestInCash(page, 'ክፍያ');
    const done = page.getByText(
      /^ሽያጭ SH01-.* ተመዝግቧል · ድምር ብር\u00a0[\d,]+\.\d\d · የተከፈለው .+ · መልስ ብር\u00a00\.00።$/,
    );
    await done.waitFor();
    await screenshot(page, 'language-counter-sale-am');

    // The core refuses a sale of more than is on hand: the clerk reads why in Amharic, with the
    // core's specifics (which variant, how many) kept beside it.
    await scan.pressSequentially(SHIRT_BARCODE, { delay: 5 });
    await scan.press('Enter');
    await qty.fill('99');
    await qty.press('Enter');
    await payTheRestInCash(page, 'ክፍያ');
    const refusal = page.getByRole('alert').filter({ hasText: 'በቂ ክምችት የለም።' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain(SHIRT);
    await screenshot(page, 'language-refusal-am');

    // The person switches to English: the same screen, at once, no reload; the refusal too.
    await page.getByLabel('ቋንቋ').selectOption('en');
    await page.getByRole('heading', { name: 'Counter sale' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await total.textContent()).toMatch(/^ብር\u00a0/);
    await expect.poll(() => refusal.count()).toBe(0);
    expect(await page.getByRole('alert').filter({ hasText: SHIRT }).count()).toBeGreaterThan(0);
  });
});
