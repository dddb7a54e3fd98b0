// Amounts are integers of minor units: formatting and parsing them back loses nothing, for any
// amount and any currency's number of decimals, in English and in locales that group otherwise.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAmount, formatMoney, parseMoney, type Currency } from './money';

const currency = (minorUnits: number): Currency => ({ code: 'XTS', symbol: 'T', minorUnits });

describe('formatMoney', () => {
  it('writes the symbol first and the decimals the currency has', () => {
    expect(formatMoney(123456, { code: 'ETB', symbol: 'Br', minorUnits: 2 })).toBe(
      'Br\u00a01,234.56',
    );
    expect(formatMoney(123456, { code: 'JPY', symbol: '¥', minorUnits: 0 })).toBe('¥\u00a0123,456');
    expect(formatMoney(123456, { code: 'KWD', symbol: 'KD', minorUnits: 3 })).toBe(
      'KD\u00a0123.456',
    );
    expect(formatMoney(-5, { code: 'ETB', symbol: 'Br', minorUnits: 2 })).toBe('Br\u00a0-0.05');
    expect(formatAmount(123456789, 2, 'de-DE')).toBe('1.234.567,89');
  });

  it('refuses a fraction of a minor unit instead of rounding it away', () => {
    expect(() => formatAmount(1.5, 2)).toThrow(/whole number/);
  });
});

describe('parseMoney', () => {
  it('reads back whatever formatMoney wrote, for any amount, 0, 2 or 3 decimals, three locales', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.constantFrom(0, 2, 3),
        fc.constantFrom('en', 'en-GB', 'de-DE'),
        (minor, units, locale) =>
          parseMoney(formatMoney(minor, currency(units), locale), currency(units), locale) ===
          minor,
      ),
    );
  });

  it('accepts what a person types, and refuses more decimals than the currency has', () => {
    const etb = { code: 'ETB', symbol: 'Br', minorUnits: 2 };
    expect(parseMoney('1,234.5', etb)).toBe(123450);
    expect(parseMoney(' 12 ', etb)).toBe(1200);
    expect(parseMoney('ETB 7.05', etb)).toBe(705);
    expect(parseMoney('1.234', etb)).toBeNull();
    expect(parseMoney('12.5', currency(0))).toBeNull();
    expect(parseMoney('1.234', currency(3))).toBe(1234);
    expect(parseMoney('abc', etb)).toBeNull();
    expect(parseMoney('', etb)).toBeNull();
  });
});
