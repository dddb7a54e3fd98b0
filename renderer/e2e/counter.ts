// The shop counter as its end-to-end tests drive it: the demo company with stock of a shirt and
// a cup at shop 1, its clerk signed in at 1024×768 on the Counter sale screen, and the keyboard
// moves and readings those tests share (a scanner's keys, the cart on screen, the focus).
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { OutputOf } from '../../core/contract/api';
import { signIn, startHarness, type Harness } from './harness';

export const SHIRT = 'TS-WHT-M';
export const SHIRT_BARCODE = '4006381333931';
export const CUP = 'CUP-SML';
export const CUP_BARCODE = '5901234123457';

export interface Counter {
  h: Harness;
  page: Page;
  /** The clerk's session, for reading what was recorded through the contract. */
  token: string;
  shop1: string;
  /**
   * A scanner: the whole code a few milliseconds a key, then Enter, into whatever has the focus.
   * A clerk takes far longer to reach for the next item than the code takes to look up, so the
   * next scan waits for the scan box to be done with this one (emptied, or marked as no match).
   */
  scan(code: string): Promise<void>;
  /** The lines on screen, SKU → quantity as shown in its box, read at one moment. */
  cart(): Promise<unknown>;
  focusedField(): Promise<unknown>;
  scanBoxHasFocus(): Promise<unknown>;
  /** Tab (never a click) until the focus is in the input for `field`. */
  tabTo(field: string): Promise<void>;
  sales(): Promise<OutputOf<'sales.list'>>;
  /** The last sale as a return would find it: its total, customer and points. */
  lastSale(): Promise<OutputOf<'sales.findForReturn'>>;
  /** The admin's session, for what head office sets up (the loyalty program, points). */
  admin(): Promise<string>;
  /** A key, then the dialog it opens (by its title). */
  openDialog(key: string, title: string | RegExp): Promise<void>;
  /** The open dialog is gone; if it stays, the failure says what it shows (a refusal, a title). */
  dialogGone(): Promise<void>;
}

export async function startCounter(): Promise<Counter> {
  const h = await startHarness({ demo: true });
  const token = (await h.call('auth.login', { username: 'shop1', password: 'demo1234' })).token;
  const shop1 = (await h.call('branches.list', {}, token)).find((b) => b.code === 'SH01')?.id;
  if (!shop1) throw new Error('the demo company has no shop SH01');
  for (const code of [SHIRT, CUP]) {
    const { variantId } = await h.call('catalog.findByCode', { code }, token);
    await h.call('stock.adjust', { variantId, quantity: 50, reason: 'opening count' }, token);
  }
  return counterFor(h, shop1, 'shop1');
}

/**
 * Another person at the same shop's counter (a browser context of their own, 1024×768), signed
 * in and on the Counter sale screen, with the same keyboard moves and readings.
 */
export async function counterFor(h: Harness, shop1: string, username: string): Promise<Counter> {
  const token = (await h.call('auth.login', { username, password: 'demo1234' })).token;
  const page = (await h.newPerson()).page;
  await page.setViewportSize({ width: 1024, height: 768 });
  // A wait that fails names its own line, well before the test's time runs out.
  page.setDefaultTimeout(5000);
  await signIn(page, h.web.url, username);
  await page.keyboard.press('Alt+KeyC');
  await page.getByRole('heading', { name: 'Counter sale', level: 1 }).waitFor();

  const focusedField = () =>
    page.evaluate(`document.activeElement?.closest('[data-field]')?.getAttribute('data-field')`);
  return {
    h,
    page,
    token,
    shop1,
    async scan(code) {
      await page.keyboard.type(`${code}\n`, { delay: 1 });
      await expect
        .poll(() =>
          page.evaluate(
            `(() => { const box = document.querySelector('[data-scan]');
              return box.value === '' || box.getAttribute('aria-invalid') === 'true'; })()`,
          ),
        )
        .toBe(true);
    },
    cart: () =>
      page.evaluate(
        `Object.fromEntries([...document.querySelectorAll('form tr[data-sku]')].map(
          (row) => [row.dataset.sku, row.querySelector('input').value]))`,
      ),
    focusedField,
    scanBoxHasFocus: () => page.evaluate(`document.activeElement?.hasAttribute('data-scan')`),
    async tabTo(field) {
      for (let i = 0; i < 15 && (await focusedField()) !== field; i++)
        await page.keyboard.press('Tab');
      expect(await focusedField()).toBe(field);
    },
    sales: () => h.call('sales.list', { branchId: shop1 }, token),
    async lastSale() {
      const [last] = await h.call('sales.list', { branchId: shop1 }, token);
      if (!last) throw new Error('no sale recorded at shop 1');
      return h.call('sales.findForReturn', { number: last.number }, token);
    },
    async admin() {
      return (await h.call('auth.login', { username: 'admin', password: 'demo1234' })).token;
    },
    async openDialog(key, title) {
      await page.keyboard.press(key);
      await page.getByRole('dialog', { name: title }).waitFor();
    },
    async dialogGone() {
      try {
        await page.getByRole('dialog').waitFor({ state: 'hidden' });
      } catch (e) {
        const shows = await page.evaluate(`document.querySelector('dialog[open]')?.innerText`);
        throw new Error(`The dialog stayed open, showing: ${String(shows)}`, { cause: e });
      }
      // The counter puts the focus back in the scan box once more in a timer after a dialog
      // closes (Chromium may leave the box focused without taking keys). Playwright's keys are
      // input, which Chromium runs before timers: a scan typed at once could be lost, as no
      // scanner is fast enough to be. A timer set now runs after the counter's.
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    },
  };
}
