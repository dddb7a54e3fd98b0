// The receipt's layout whatever the names and amounts: no printed line wider than the paper, no
// stray byte the test printer cannot read (a control character in a name must not become a
// printer command), and text each code page can show.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canPrint, columnsOf, encodeReceipt } from './escpos';
import type { Receipt } from './receipt';
import { decodeEscPos, textLines } from './testing/escpos-decode';

const names = fc.oneof(
  fc.string({ maxLength: 90 }),
  fc.string({ unit: 'grapheme', maxLength: 90 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    'Футболка хлопковая с длинным рукавом и воротником',
    'የቡና ስኒ (Coffee cup)',
    'Φλιτζάνι',
    'كوب شاي كبير',
    '咖啡杯',
    'Ölkännchen Ångström',
    'Supercalifragilisticexpialidocious-extra-long-word-without-any-spaces',
    '\x1b@\x1dV\x00\n\r\t',
    // Code page 437 holds these at control bytes (← is ESC): they must never reach the printer.
    '← Back ♪ • ▲ ☺',
  ),
);
const currencies = fc.constantFrom(
  { code: 'ETB', symbol: 'Br', minorUnits: 2 },
  { code: 'KWD', symbol: 'KD', minorUnits: 3 },
  { code: 'JPY', symbol: '¥', minorUnits: 0 },
  { code: 'RUB', symbol: '₽', minorUnits: 2 },
  { code: 'ETB', symbol: 'ብር', minorUnits: 2 },
);
const minor = fc.integer({ min: 0, max: 99_999_999_999 });
const line = fc.record({
  name: names,
  sku: fc.stringMatching(/^[A-Z0-9-]{1,24}$/),
  quantity: fc.integer({ min: 1, max: 9_999_999 }),
  // Six lines of the largest quantity at this price still add up to a safe integer.
  unitPrice: fc.integer({ min: 0, max: 100_000_000 }),
  discount: minor,
  taxRateBp: fc.constantFrom(0, 500, 1_500, 1_250),
  tax: minor,
  lineTotal: minor,
});
const receipts: fc.Arbitrary<Receipt> = fc.record({
  kind: fc.constantFrom('sale', 'return'),
  shopName: names,
  shopCode: fc.stringMatching(/^[A-Z0-9]{2,8}$/),
  saleId: fc.constant('sale'),
  number: fc.stringMatching(/^[A-Z0-9]{2,8}-S[0-9]{1,3}-[0-9]{1,7}$/),
  saleNumber: fc.option(fc.stringMatching(/^[A-Z0-9]{2,8}-S[0-9]{1,3}-[0-9]{1,7}$/)),
  soldAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  clerk: names,
  lines: fc.array(line, { minLength: 1, maxLength: 6 }),
  discount: minor,
  reward: minor,
  taxes: fc.array(fc.record({ rateBp: fc.integer({ min: 1, max: 10_000 }), amount: minor }), {
    maxLength: 3,
  }),
  taxIncluded: fc.boolean(),
  total: minor,
  payments: fc.array(
    fc.record({
      method: fc.constantFrom('cash', 'card', 'mobile_money', 'bank_transfer', 'voucher'),
      amount: minor,
      tendered: fc.option(minor),
      reference: fc.option(names),
    }),
    { maxLength: 3 },
  ),
  change: minor,
  customer: fc.option(
    fc.record({
      name: names,
      points: fc.option(fc.integer({ min: -10_000, max: 10_000_000 })),
      tier: fc.option(names),
      pointsIn: fc.integer({ min: 0, max: 10_000_000 }),
      pointsOut: fc.integer({ min: 0, max: 10_000_000 }),
    }),
  ),
  reason: fc.option(names),
  currency: currencies,
  locale: fc.constantFrom('en-GB', 'am-ET', 'ru-RU', 'ar-EG', 'de-DE', 'zh-CN'),
});

describe('the ESC/POS receipt', () => {
  it.each([58, 80] as const)('never prints past the edge of %i mm paper', (width) => {
    fc.assert(
      fc.property(receipts, (receipt) => {
        const decoded = decodeEscPos(encodeReceipt(receipt, { width, timeZone: 'UTC' }));
        for (const printed of decoded.lines)
          expect(printed.columns, printed.text).toBeLessThanOrEqual(columnsOf[width]);
        expect(decoded.cut).toBe(true);
        expect(decoded.barcodes).toEqual([{ symbology: 'code128', data: receipt.number }]);
      }),
      { numRuns: 60 },
    );
  });

  it('prints the date and amounts in Latin digits where the locale’s cannot print', () => {
    fc.assert(
      fc.property(receipts, (receipt) => {
        const arabic = { ...receipt, locale: 'ar-EG' };
        const lines = textLines(decodeEscPos(encodeReceipt(arabic, { width: 80 })));
        expect(lines.join('\n')).not.toMatch(/[\u0660-\u0669]/);
        expect(lines).toContainEqual(expect.stringMatching(/^ *\d\d\/\d\d\/\d{4},? \d\d:\d\d$/));
      }),
      { numRuns: 10 },
    );
  });

  it('prints Arabic from its code page, in the order it is read', () => {
    const name = 'كوب شاي كبير';
    const receipt: Receipt = {
      kind: 'sale',
      shopName: 'دكان',
      shopCode: 'SH01',
      saleId: 'sale',
      number: 'SH01-S1-7',
      saleNumber: null,
      soldAt: 0,
      clerk: 'Sara',
      lines: [
        {
          name,
          sku: 'CUP-AR',
          quantity: 1,
          unitPrice: 100,
          discount: 0,
          taxRateBp: 0,
          tax: 0,
          lineTotal: 100,
        },
      ],
      discount: 0,
      reward: 0,
      taxes: [],
      taxIncluded: true,
      total: 100,
      payments: [],
      change: 0,
      customer: null,
      reason: null,
      currency: { code: 'ETB', symbol: 'Br', minorUnits: 2 },
      locale: 'en-GB',
    };
    const decoded = decodeEscPos(encodeReceipt(receipt, { width: 58 }));
    // Printed left to right, so the last letter comes first.
    expect(textLines(decoded)).toContain(Array.from(name).reverse().join(''));
    expect(textLines(decoded)[0]?.trim()).toBe('ناكد');
    expect(decoded.codePages).toContain(32);
  });

  it('knows which scripts the printer’s code pages hold', () => {
    expect(canPrint('Футболка')).toBe(true);
    expect(canPrint('Φλιτζάνι')).toBe(true);
    expect(canPrint('Ölkännchen')).toBe(true);
    expect(canPrint('What? Why?')).toBe(true);
    expect(canPrint('Cafe\u0301'.normalize('NFC'))).toBe(true);
    expect(canPrint('ቡና')).toBe(false);
    expect(canPrint('咖啡杯')).toBe(false);
    expect(canPrint('cup ☕')).toBe(false);
    // Code page 437's glyphs at control bytes would be printer commands (← is ESC, • is BEL).
    for (const glyph of ['←', '→', '♪', '•', '▲', '☺', '⌂']) expect(canPrint(glyph)).toBe(false);
  });
});
