// The 80 mm PDF receipt of a real sale, read back with poppler's pdftotext: every script prints,
// the Amharic name included, as the PDF has the fonts a receipt printer lacks.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { variants } from '../db/schema';
import { formatMoney } from '../locale/money';
import { openDemo } from '../testing/demo';
import { renderReceiptPdf } from './pdf';
import { receiptOf } from './receipt';
import { receiptOfReturn } from './return-receipt';
import { saleWithFigures, TENDERED } from './testing/counter-sale';

// poppler's pdftotext and pdfinfo read the PDF back; .ci/setup installs them.
execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'fse-receipt-'));
let files = 0;
function saved(pdf: Buffer): string {
  const file = join(dir, `receipt-${++files}.pdf`);
  writeFileSync(file, pdf);
  return file;
}
const textOf = (file: string) =>
  execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\u00a0/g, ' ');

describe('the PDF receipt', () => {
  it('is 80 mm wide and shows the shop, every line in its own script, and the total', async () => {
    const world = await openDemo();
    const shirt = world.variant['TS-WHT-M']!;
    const cup = world.variant['CUP-SML']!;
    const product = world.core.db.orm
      .select({ id: variants.productId })
      .from(variants)
      .where(eq(variants.id, shirt))
      .get()!.id;
    await world.as('admin')('catalog.updateProduct', { id: product, name: 'Футболка' });
    const sale = await world.as('shop1')('sales.record', {
      lines: [
        { variantId: shirt, quantity: 2 },
        { variantId: cup, quantity: 3 },
      ],
      payments: [{ method: 'cash' }],
    });
    const receipt = receiptOf(world.core.db, sale.id);
    const pdf = await renderReceiptPdf(receipt, { timeZone: 'UTC' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const file = saved(pdf);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const [, w] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info) ?? [];
    expect(Number(w)).toBeCloseTo((80 / 25.4) * 72, 0);
    expect(info).toMatch(/Pages:\s+1\b/);

    const text = textOf(file);
    expect(text).toContain(receipt.shopName);
    expect(text).toContain(sale.number);
    expect(text).toContain('Sara Tesfaye');
    const money = (minor: number) =>
      formatMoney(minor, receipt.currency, receipt.locale).replace(/\u00a0/g, ' ');
    for (const line of receipt.lines) {
      expect(text).toContain(line.name);
      expect(text).toContain(money(line.lineTotal));
    }
    expect(receipt.lines[1]!.name).toMatch(/የቡና ስኒ/);
    expect(text).toMatch(new RegExp(`TOTAL +${money(sale.total)}`));
  });

  it('carries the receipt number as a barcode image, a different one for each number', async () => {
    const world = await openDemo();
    const sell = () =>
      world.as('shop1')('sales.record', {
        lines: [{ variantId: world.variant['CUP-SML']!, quantity: 1 }],
        payments: [{ method: 'cash' }],
      });
    const images = async (saleId: string) => {
      const receipt = receiptOf(world.core.db, saleId);
      const file = saved(await renderReceiptPdf(receipt, { timeZone: 'UTC' }));
      const listed = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' })
        .split('\n')
        .slice(2)
        // The bars (pdfkit also lists the PNG's alpha channel, as a soft mask).
        .filter((l) => l.trim().split(/\s+/)[2] === 'image');
      const prefix = join(dir, `bars-${++files}`);
      execFileSync('pdfimages', ['-png', file, prefix]);
      return { listed, png: readFileSync(`${prefix}-000.png`), text: textOf(file), receipt };
    };
    const first = await images((await sell()).id);
    const second = await images((await sell()).id);
    expect(first.listed).toHaveLength(1);
    // A Code 128 image: far wider than tall, one pixel row of bars repeated.
    const [, , , width, height] = first.listed[0]!.trim().split(/\s+/).map(Number);
    expect(width).toBeGreaterThan(3 * height!);
    expect(first.text).toContain(first.receipt.number);
    expect(first.png.equals(second.png)).toBe(false);
  });

  it('prints the same bytes for the same sale', async () => {
    const world = await openDemo();
    const sale = await world.as('shop1')('sales.record', {
      lines: [{ variantId: world.variant['CUP-SML']!, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    const receipt = receiptOf(world.core.db, sale.id);
    const [a, b] = await Promise.all([
      renderReceiptPdf(receipt, { timeZone: 'UTC' }),
      renderReceiptPdf(receipt, { timeZone: 'UTC' }),
    ]);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it('shows line discounts, the whole discount and reward, VAT by rate, change and the customer’s points', async () => {
    const { world, sale } = await saleWithFigures();
    const receipt = receiptOf(world.core.db, sale.id);
    const money = (minor: number) =>
      formatMoney(minor, receipt.currency, receipt.locale).replace(/\u00a0/g, ' ');
    const text = textOf(saved(await renderReceiptPdf(receipt, { timeZone: 'UTC' })));
    const shirt = receipt.lines[0]!;
    const gross = receipt.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0);
    expect(text).toMatch(new RegExp(`Discount +${money(-shirt.discount)}`));
    expect(text).toMatch(new RegExp(`Subtotal +${money(gross)}`));
    expect(text).toMatch(new RegExp(`Discount +${money(-3_000)}`));
    expect(text).toMatch(new RegExp(`Points reward +${money(-300)}`));
    expect(text).toMatch(new RegExp(`TOTAL +${money(sale.total)}`));
    expect(text).toMatch(new RegExp(`VAT 15% included +${money(sale.tax)}`));
    expect(text).toMatch(new RegExp(`Change +${money(TENDERED - sale.total)}`));
    expect(text).toMatch(/Customer +Almaz Bekele/);
    expect(text).toMatch(/Tier +Silver/);
    expect(text).toMatch(new RegExp(`Points earned +${sale.points!.earned.toLocaleString('en')}`));
    expect(text).toMatch(/Points redeemed +300/);
    expect(text).toMatch(
      new RegExp(`Points balance +${receipt.customer!.points!.toLocaleString('en')}`),
    );
  });

  it('shows a return: its number, the sale’s, the refund and the points taken back', async () => {
    const { world, sale } = await saleWithFigures();
    const back = await world.as('shop1')('sales.return', {
      saleId: sale.id,
      lines: [{ lineNo: 2, quantity: 1 }],
      refunds: [{ method: 'cash' }],
      reason: 'chipped',
    });
    const receipt = receiptOfReturn(world.core.db, back.id);
    const money = (minor: number) =>
      formatMoney(minor, receipt.currency, receipt.locale).replace(/\u00a0/g, ' ');
    const text = textOf(saved(await renderReceiptPdf(receipt, { timeZone: 'UTC' })));
    expect(text).toMatch(new RegExp(`Return +${back.number}`));
    expect(text).toMatch(new RegExp(`Sale +${sale.number}`));
    expect(text).toMatch(new RegExp(`REFUND +${money(back.amount)}`));
    expect(text).toContain('Reason: chipped');
    expect(text).toMatch(/የቡና ስኒ/);
    expect(text).toMatch(new RegExp(`Points taken back +${back.pointsTakenBack}`));
    expect(text).not.toMatch(/Change/);
  });
});
