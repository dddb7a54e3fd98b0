// A receipt from a real sale of the demo company, printed over TCP to a test printer that reads
// the ESC/POS back: what would land on paper, in both paper widths.
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { branches } from '../db/schema';
import { formatAmount, formatMoney } from '../locale/money';
import { openDemo } from '../testing/demo';
import { columnsOf, encodeReceipt, type PaperWidth } from './escpos';
import { receiptOf } from './receipt';
import { printOverTcp } from './tcp';
import { pointsBalance } from '../loyalty/ledger';
import { saleWithFigures, TENDERED } from './testing/counter-sale';
import { decodeEscPos, textLines } from './testing/escpos-decode';
import { startTestPrinter, type TestPrinter } from './testing/test-printer';

const printers: TestPrinter[] = [];
afterEach(async () => {
  await Promise.all(printers.splice(0).map((p) => p.close()));
});

/** A sale at SH01: a T-shirt renamed into Russian and the demo's Amharic coffee cups. */
async function saleWithNames() {
  const world = await openDemo();
  const shirt = world.variant['TS-WHT-M']!;
  const cup = world.variant['CUP-SML']!;
  await world.as('admin')('catalog.updateProduct', {
    id: (await world.as('admin')('catalog.findByCode', { code: 'TS-WHT-M' })).productId,
    name: 'Футболка хлопковая',
  });
  const sale = await world.as('shop1')('sales.record', {
    lines: [
      { variantId: shirt, quantity: 2 },
      { variantId: cup, quantity: 3 },
    ],
    payments: [{ method: 'cash', tendered: HANDED_OVER }],
  });
  return { world, sale, receipt: receiptOf(world.core.db, sale.id) };
}

/** What the customer handed over for the sale below, in minor units (paid in cash). */
const HANDED_OVER = 10_000_000;

async function printed(bytes: Uint8Array) {
  const printer = await startTestPrinter();
  printers.push(printer);
  await printOverTcp('127.0.0.1', printer.port, bytes, { timeoutMs: 5_000 });
  return decodeEscPos(await printer.job(0));
}

describe('a sale’s receipt', () => {
  it('reads the sale as recorded: shop, clerk, lines, total, payment, change and the company’s currency', async () => {
    const { world, sale, receipt } = await saleWithNames();
    expect(receipt).toMatchObject({
      saleId: sale.id,
      number: sale.number,
      shopCode: 'SH01',
      clerk: 'Sara Tesfaye',
      total: sale.total,
      payments: [{ method: 'cash', amount: sale.total, tendered: HANDED_OVER, reference: null }],
      change: HANDED_OVER - sale.total,
      customer: null,
    });
    expect(receipt.lines.map((l) => [l.sku, l.quantity, l.lineTotal])).toEqual([
      ['TS-WHT-M', 2, 2 * receipt.lines[0]!.unitPrice],
      ['CUP-SML', 3, 3 * receipt.lines[1]!.unitPrice],
    ]);
    const settings = await world.as('admin')('company.settings', {});
    expect(receipt.currency).toEqual(settings.currency);
    expect(receipt.locale).toBe(settings.locale);
  });

  it('is written in the company’s currency and locale', async () => {
    const world = await openDemo();
    await world.as('admin')('company.save', {
      currencyCode: 'RUB',
      currencySymbol: '₽',
      minorUnits: 2,
      locale: 'ru-RU',
    });
    const sale = await world.as('shop1')('sales.record', {
      lines: [{ variantId: world.variant['TS-WHT-M']!, quantity: 20 }],
      payments: [{ method: 'cash' }],
    });
    const receipt = receiptOf(world.core.db, sale.id);
    expect(receipt.currency).toEqual({ code: 'RUB', symbol: '₽', minorUnits: 2 });
    expect(receipt.locale).toBe('ru-RU');
    const lines = textLines(decodeEscPos(encodeReceipt(receipt, { width: 80, timeZone: 'UTC' })));
    // No code page has ₽: the amount is written with the currency's code, in Russian digits.
    const total = `RUB ${formatAmount(sale.total, 2, 'ru-RU')}`.replace(/\s/g, ' ');
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^TOTAL +${total}$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^ +\d\d\.\d\d\.\d{4}, \d\d:\d\d$/));
  });

  it('is refused for a sale this computer does not have', async () => {
    const world = await openDemo();
    expect(() => receiptOf(world.core.db, 'no-such-sale')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });
});

describe('a receipt printed over the network', () => {
  it.each([58, 80] as const)(
    'reaches a %i mm printer with the shop, lines, total, barcode and cut',
    async (width: PaperWidth) => {
      const { world, sale, receipt } = await saleWithNames();
      const decoded = await printed(encodeReceipt(receipt, { width, timeZone: 'UTC' }));
      const lines = textLines(decoded);
      const shop = world.core.db.orm
        .select({ name: branches.name })
        .from(branches)
        .where(eq(branches.id, world.branch.SH01))
        .get()!.name;

      expect(decoded.initialized).toBe(true);
      expect(lines[0]?.trim()).toBe(shop);
      expect(decoded.lines[0]?.bold).toBe(true);
      // Double width: the shop's name takes twice its length in columns.
      expect(decoded.lines[0]!.columns).toBeGreaterThanOrEqual(2 * shop.length);
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Sale +${sale.number}$`)));
      expect(lines).toContainEqual(expect.stringMatching(/^Clerk +Sara Tesfaye$/));

      // Cyrillic through a code page the printer has (17: PC866), read back through it.
      const shirt = receipt.lines[0]!;
      expect(shirt.name).toMatch(/^Футболка хлопковая/);
      expect(lines).toContain(shirt.name);
      expect(decoded.codePages).toContain(17);

      // Amharic: no printer has the script, so the SKU prints in the name's place.
      const cup = receipt.lines[1]!;
      expect(cup.name).toMatch(/ቡና/);
      expect(lines).toContain('CUP-SML');
      expect(lines.join('\n')).not.toMatch(/[?\ufffd\p{Script=Ethiopic}]/u);

      const money = (minor: number) =>
        formatMoney(minor, receipt.currency, receipt.locale).replace(/\u00a0/g, ' ');
      for (const line of receipt.lines) {
        const qty = `  ${line.quantity} x ${money(line.unitPrice)}`;
        expect(lines).toContainEqual(
          expect.stringMatching(new RegExp(`^${qty} +${money(line.lineTotal)}$`)),
        );
      }
      const total = lines.findIndex((l) => /^TOTAL +/.test(l));
      expect(lines[total]).toMatch(new RegExp(` ${money(sale.total)}$`));
      expect(decoded.lines[total]?.bold).toBe(true);

      expect(decoded.barcodes).toEqual([{ symbology: 'code128', data: sale.number }]);
      expect(decoded.cut).toBe(true);
      expect(Math.max(...decoded.lines.map((l) => l.columns))).toBeLessThanOrEqual(
        columnsOf[width],
      );
    },
  );

  it('prints no payment block while the sale has no payments, and one when it has', async () => {
    // As a sale an older app recorded, before the counter took payments.
    const receipt = { ...(await saleWithNames()).receipt, payments: [], change: 0 };
    const without = textLines(decodeEscPos(encodeReceipt(receipt, { width: 58 })));
    expect(without.some((l) => /^(Cash|Change)\b/.test(l))).toBe(false);

    const paid = {
      ...receipt,
      payments: [
        { method: 'card', amount: 5_000, tendered: null, reference: 'AUTH 4411' },
        { method: 'cash', amount: receipt.total - 5_000, tendered: receipt.total, reference: null },
      ],
      change: 5_000,
      customer: { name: 'Ольга', points: 1_240, tier: 'Gold', pointsIn: 12, pointsOut: 0 },
    };
    const money = (minor: number) =>
      formatMoney(minor, receipt.currency, receipt.locale).replace(/\u00a0/g, ' ');
    const lines = textLines(decodeEscPos(encodeReceipt(paid, { width: 58 })));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Card +${money(5_000)}$`)));
    expect(lines).toContain('  AUTH 4411');
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^  Tendered +${money(receipt.total)}$`)),
    );
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Change +${money(5_000)}$`)));
    expect(lines).toContainEqual(expect.stringMatching(/^Customer +Ольга$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Points balance +1,240$/));
  });

  it('falls back to the shop code and leaves out names no code page has', async () => {
    const { receipt } = await saleWithNames();
    const amharic = {
      ...receipt,
      shopName: 'አዲስ አበባ ሱቅ',
      clerk: 'ሳራ ተስፋዬ',
      customer: { name: '张伟', points: 35, tier: null, pointsIn: 0, pointsOut: 0 },
    };
    const decoded = decodeEscPos(encodeReceipt(amharic, { width: 80 }));
    const lines = textLines(decoded);
    expect(lines[0]?.trim()).toBe(receipt.shopCode);
    expect(lines.some((l) => l.startsWith('Clerk'))).toBe(false);
    expect(lines.some((l) => l.startsWith('Customer'))).toBe(false);
    expect(lines).toContainEqual(expect.stringMatching(/^Points balance +35$/));
    expect(lines.join('\n')).not.toMatch(/[?\ufffd]/);
  });

  it('writes amounts with the currency code where the symbol cannot print', async () => {
    const { receipt } = await saleWithNames();
    const birr = { ...receipt, currency: { code: 'ETB', symbol: 'ብር', minorUnits: 2 } };
    const lines = textLines(decodeEscPos(encodeReceipt(birr, { width: 58 })));
    const total = lines.find((l) => l.startsWith('TOTAL'));
    expect(total).toMatch(/ ETB [\d,]+\.\d\d$/);
  });
});

describe('a receipt with discounts, taxes and points', () => {
  /** A pattern for one printed line: a label, spaces, then the value at the right edge. */
  const row = (label: string, value: string) =>
    expect.stringMatching(
      new RegExp(
        `^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
      ),
    );

  it.each([58, 80] as const)(
    'prints each line’s discount, the whole discount and reward, VAT by rate, change, the customer’s points and the barcode (%i mm)',
    async (width) => {
      const { world, sale, customerId } = await saleWithFigures();
      const receipt = receiptOf(world.core.db, sale.id);
      const money = (minor: number) =>
        formatMoney(minor, receipt.currency, receipt.locale).replace(/\u00a0/g, ' ');
      const decoded = await printed(encodeReceipt(receipt, { width, timeZone: 'UTC' }));
      const lines = textLines(decoded);

      const [shirt, cup] = receipt.lines;
      // The shirt's discount is its own and its shares of the sale's discount and the reward.
      expect(shirt!.discount).toBeGreaterThan(2_000);
      expect(lines).toContainEqual(
        row(`  2 x ${money(shirt!.unitPrice)}`, money(2 * shirt!.unitPrice)),
      );
      expect(lines).toContainEqual(row('  Discount', money(-shirt!.discount)));
      expect(lines).toContainEqual(row(`  1 x ${money(cup!.unitPrice)}`, money(cup!.unitPrice)));

      const gross = 2 * shirt!.unitPrice + cup!.unitPrice;
      expect(sale).toMatchObject({ discount: 3_000, rewardAmount: 300 });
      expect(lines).toContainEqual(row('Subtotal', money(gross)));
      expect(lines).toContainEqual(row('Discount', money(-3_000)));
      expect(lines).toContainEqual(row('Points reward', money(-300)));
      const total = lines.findIndex((l) => /^TOTAL +/.test(l));
      expect(lines[total]).toMatch(new RegExp(` ${money(sale.total)}$`));
      expect(gross - 3_000 - 300).toBe(sale.total);
      // Prices include the tax: the apparel's 15% follows the total, the cup (no rate) has none.
      expect(sale.tax).toBeGreaterThan(0);
      expect(lines[total + 1]).toEqual(row('VAT 15% included', money(sale.tax)));
      expect(lines.some((l) => /^VAT 0%/.test(l))).toBe(false);

      expect(lines).toContainEqual(row('Cash', money(sale.total)));
      expect(lines).toContainEqual(row('  Tendered', money(TENDERED)));
      expect(lines).toContainEqual(row('Change', money(TENDERED - sale.total)));

      const balance = pointsBalance(world.core.db, customerId, Date.now()).balance;
      expect(sale.points).toMatchObject({ redeemed: 300 });
      expect(lines).toContainEqual(row('Customer', 'Almaz Bekele'));
      expect(lines).toContainEqual(row('Tier', 'Silver'));
      expect(lines).toContainEqual(row('Points earned', sale.points!.earned.toLocaleString('en')));
      expect(lines).toContainEqual(row('Points redeemed', '300'));
      expect(lines).toContainEqual(row('Points balance', balance.toLocaleString('en')));

      expect(decoded.barcodes).toEqual([{ symbology: 'code128', data: sale.number }]);
      expect(decoded.cut).toBe(true);
      expect(Math.max(...decoded.lines.map((l) => l.columns))).toBeLessThanOrEqual(
        columnsOf[width],
      );
    },
  );

  it('puts VAT added on top of tax-exclusive prices before the total', async () => {
    const { world, sale } = await saleWithFigures({ pricesIncludeTax: false });
    const receipt = receiptOf(world.core.db, sale.id);
    expect(receipt.taxIncluded).toBe(false);
    expect(receipt.taxes).toEqual([{ rateBp: 1_500, amount: sale.tax }]);
    const money = (minor: number) =>
      formatMoney(minor, receipt.currency, receipt.locale).replace(/\u00a0/g, ' ');
    const lines = textLines(decodeEscPos(encodeReceipt(receipt, { width: 80 })));
    const added = lines.findIndex((l) => /^VAT 15% added +/.test(l));
    const total = lines.findIndex((l) => /^TOTAL +/.test(l));
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(total);
    expect(lines[added]).toMatch(new RegExp(` ${money(sale.tax)}$`));
    expect(lines.some((l) => l.includes('included'))).toBe(false);
    const gross = receipt.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0);
    expect(gross - 3_000 - 300 + sale.tax).toBe(sale.total);
  });
});
