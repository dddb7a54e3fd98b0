// Receipts from the counter, in Chromium at 1024×768: a clerk sells and the receipt reaches a
// network receipt printer (a test printer on a real TCP port, whose bytes are decoded here);
// with the printer off the sale is still recorded, the clerk is told and scans on, the Sales
// screen shows the receipt waiting, and once the printer is back Retry prints it. A return on the
// Returns screen prints its own receipt, and Reprint prints it again; Day close prints the Z
// report on the same printer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { decodeEscPos, textLines } from '../../core/receipts/testing/escpos-decode';
import { startTestPrinter, type TestPrinter } from '../../core/receipts/testing/test-printer';
import { SHIRT, SHIRT_BARCODE, startCounter, type Counter } from './counter';
import { payTheRestInCash, screenshot, type Harness } from './harness';

let c: Counter;
let h: Harness;
let page: Page;
const printers: TestPrinter[] = [];

async function printer(): Promise<TestPrinter> {
  const p = await startTestPrinter();
  printers.push(p);
  return p;
}

/** A shirt, paid in cash from the keyboard; answers the sale's number as the counter says it. */
async function sellAShirt(): Promise<string> {
  await c.scan(SHIRT_BARCODE);
  await expect.poll(() => c.cart()).toEqual({ [SHIRT]: '1' });
  await c.tabTo('lines.0.quantity');
  await page.keyboard.press('Enter');
  await payTheRestInCash(page);
  const said = await page.getByText(/^Sale SH01-\S+ recorded/).textContent();
  const number = /^Sale (SH01-\S+) recorded/.exec(said ?? '')?.[1];
  if (!number) throw new Error(`no sale number in “${said}”`);
  await expect.poll(() => c.cart()).toEqual({});
  return number;
}

describe('receipts printed from the counter', () => {
  beforeAll(async () => {
    c = await startCounter();
    ({ h, page } = c);
  }, 180_000);
  afterAll(async () => {
    await Promise.all(printers.map((p) => p.close()));
    await h?.close();
  });

  it('prints the sale’s receipt on the PC’s network printer', async () => {
    const p = await printer();
    await h.call(
      'receipts.savePrinter',
      { kind: 'network', host: '127.0.0.1', port: p.port, paperWidth: 80, timeoutMs: 2_000 },
      c.token,
    );
    const number = await sellAShirt();
    const lines = textLines(decodeEscPos(await p.job(0)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Sale +${number}$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^TOTAL +/));
    expect(lines.some((l) => /T-?shirt|TS-WHT-M/i.test(l))).toBe(true);
    expect(await c.scanBoxHasFocus()).toBe(true);
  });

  it('with the printer off the sale completes, the receipt waits, and Retry prints it', async () => {
    const off = await printer();
    await h.call(
      'receipts.savePrinter',
      { kind: 'network', host: '127.0.0.1', port: off.port, paperWidth: 80, timeoutMs: 2_000 },
      c.token,
    );
    await off.close();

    const number = await sellAShirt();
    const recorded = await c.sales();
    expect(recorded[0]?.number).toBe(number);
    await page
      .getByText(/^Receipt waiting — printer 127\.0\.0\.1:\d+ did not print sale/)
      .waitFor();
    // The notice stops nothing: the next scan still lands in the scan box.
    expect(await c.scanBoxHasFocus()).toBe(true);
    await c.scan(SHIRT_BARCODE);
    await expect.poll(() => c.cart()).toEqual({ [SHIRT]: '1' });
    await screenshot(page, 'receipts-counter-waiting');

    // The Sales screen, from the keyboard: the sale is there, its receipt waiting.
    await page.keyboard.press('Alt+KeyS');
    await page.getByRole('heading', { name: 'Sales', level: 1 }).waitFor();
    const row = page.locator(`tr[data-sale="${number}"]`);
    await row.getByText('Waiting').waitFor();
    await page.getByText('Waiting receipts (1)').waitFor();
    await screenshot(page, 'receipts-sales-waiting');

    // The printer is back, at a new port: set it on the PC's printer form, then Retry.
    const back = await printer();
    const port = page.getByLabel('Port', { exact: true });
    await port.fill(String(back.port));
    await port.press('Enter');
    await page.getByText('Printer saved for this computer.').waitFor();
    const retry = page.getByRole('button', { name: 'Retry' });
    await retry.focus();
    await page.keyboard.press('Enter');
    await page.getByText('Receipts printed: 1.').waitFor();
    const lines = textLines(decodeEscPos(await back.job(0)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Sale +${number}$`)));
    await page.getByText('Waiting receipts (0)').waitFor();
    await expect.poll(() => row.getByText('Waiting').count()).toBe(0);

    // Reprint from the list, from the keyboard.
    await row.getByRole('button', { name: `Reprint the receipt of sale ${number}` }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(`The receipt of sale ${number} went to the printer.`).waitFor();
    expect(textLines(decodeEscPos(await back.job(1)))).toContainEqual(
      expect.stringMatching(new RegExp(`^Sale +${number}$`)),
    );
  });

  it('prints a return’s receipt after the return, and Reprint prints it again', async () => {
    const p = await printer();
    await h.call(
      'receipts.savePrinter',
      { kind: 'network', host: '127.0.0.1', port: p.port, paperWidth: 58, timeoutMs: 2_000 },
      c.token,
    );
    const { variantId } = await h.call('catalog.findByCode', { code: SHIRT }, c.token);
    const sold = await h.call(
      'sales.record',
      { lines: [{ variantId, quantity: 2 }], payments: [{ method: 'cash' }] },
      c.token,
    );

    await page.keyboard.press('Alt+KeyE');
    await page.getByRole('heading', { name: 'Returns', level: 1 }).waitFor();
    // The screen has put the focus on its heading, where its keys start from.
    await expect.poll(() => page.evaluate(`document.activeElement?.textContent`)).toBe('Returns');
    await page.keyboard.press('/');
    await page.keyboard.type(`${sold.number}\n`, { delay: 1 });
    await page.locator(`tr[data-sku="${SHIRT}"]`).waitFor();
    await expect.poll(c.focusedField).toBe('line.1');
    await page.keyboard.type('1');
    await expect.poll(() => page.getByTestId('refund').textContent()).toBe('Refund Br\u00a0450.00');
    await page.keyboard.press('Enter');
    const said = await page.getByText(/^Return \S+ recorded/).textContent();
    const number = /^Return (\S+) recorded/.exec(said ?? '')?.[1];
    if (!number) throw new Error(`no return number in “${said}”`);

    const decoded = decodeEscPos(await p.job(0));
    const lines = textLines(decoded);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Return +${number}$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Sale +${sold.number}$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^REFUND +Br 450\.00$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Cash +Br 450\.00$/));
    expect(decoded.barcodes).toEqual([{ symbology: 'code128', data: number }]);
    expect(decoded.cut).toBe(true);
    // Printed without a word to the clerk, who goes on to the next receipt.
    expect(await page.getByText(/^Receipt waiting/).count()).toBe(0);
    await screenshot(page, 'returns-receipt-printed');

    const reprint = page.getByRole('button', { name: `Reprint the receipt of return ${number}` });
    await reprint.focus();
    await page.keyboard.press('Enter');
    await page.getByText(`The receipt of return ${number} went to the printer.`).waitFor();
    expect(textLines(decodeEscPos(await p.job(1)))).toContainEqual(
      expect.stringMatching(new RegExp(`^Return +${number}$`)),
    );
  });

  it('prints the day’s Z report on the receipt printer from Day close', async () => {
    const p = await printer();
    await h.call(
      'receipts.savePrinter',
      { kind: 'network', host: '127.0.0.1', port: p.port, paperWidth: 80, timeoutMs: 2_000 },
      c.token,
    );
    await page.keyboard.press('Alt+KeyZ');
    await page.getByRole('heading', { name: 'Day close', level: 1 }).waitFor();
    await page.locator('[data-testid="z-report"][data-state="ready"]').waitFor();
    const print = page.getByRole('button', { name: 'Print Z report' });
    await print.focus();
    await page.keyboard.press('Enter');
    await page
      .getByText(/^The Z report of \d{4}-\d{2}-\d{2} went to the receipt printer\.$/)
      .waitFor();
    const decoded = decodeEscPos(await p.job(0));
    const lines = textLines(decoded).map((l) => l.trim());
    expect(lines).toContain('Z REPORT');
    expect(lines).toContainEqual(expect.stringMatching(/^Sales +\d+$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Returns +1$/));
    expect(decoded.cut).toBe(true);
    await screenshot(page, 'dayclose-z-printed');
  });
});
