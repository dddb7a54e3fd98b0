import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyOf, parseAmount, parseDate, parseQuantity } from './numbers';

describe('amounts', () => {
  it('read every usual grouping and decimal separator', () => {
    const cases: [string, number][] = [
      ['1,234.50', 123450],
      ['1 234,50', 123450],
      ['1.234,50', 123450],
      ["1'234.50", 123450],
      ['1234.5', 123450],
      ['1,234', 123400],
      ['1.234', 123400],
      ['1,234,567.89', 123456789],
      ['1.234.567', 123456700],
      ['0.125', 13],
      ['12,5', 1250],
      ['500', 50000],
      ['(1,200.00)', -120000],
      ['-45.10', -4510],
    ];
    for (const [text, minor] of cases) expect(parseAmount(text)?.minor, text).toBe(minor);
  });

  it('take the currency stuck to a number', () => {
    expect(parseAmount('Br1,234.50')).toMatchObject({ minor: 123450, currency: 'ETB' });
    expect(parseAmount('ETB1,234.50')).toMatchObject({ minor: 123450, currency: 'ETB' });
    expect(parseAmount('$12.00')).toMatchObject({ minor: 1200, currency: 'USD' });
    expect(parseAmount('1.234,50€')).toMatchObject({ minor: 123450, currency: 'EUR' });
    expect(parseAmount('£7')).toMatchObject({ minor: 700, currency: 'GBP' });
    expect(currencyOf('Birr')).toBe('ETB');
    expect(currencyOf('usd')).toBeNull();
  });

  it('fix OCR letters only in a token otherwise numeric, and say so', () => {
    expect(parseAmount('1O0.00')).toMatchObject({ minor: 10000, ocrFixed: true });
    expect(parseAmount('l,2S0.00')).toMatchObject({ minor: 125000, ocrFixed: true });
    expect(parseAmount('SOLD')).toBeNull();
    expect(parseAmount('INV-100')).toBeNull();
    expect(parseAmount('100.00')?.ocrFixed).toBe(false);
  });

  it('refuse what is not an amount', () => {
    for (const text of [
      '15%',
      '12.34.56',
      '2026-11-30',
      '30/11/2026',
      'abc',
      '',
      '1,23,4',
      '1.',
      'INV100',
    ])
      expect(parseAmount(text), text).toBeNull();
  });

  it('read back any amount printed in any of the three styles', () => {
    const group = (digits: string, sep: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999_99 }),
        fc.constantFrom(['.', ','], [',', '.'], ['.', ' '], [',', ' '], ['.', '']),
        (minor, [point, sep]) => {
          const text = `${group(String(Math.floor(minor / 100)), sep)}${point}${String(minor % 100).padStart(2, '0')}`;
          expect(parseAmount(text)?.minor).toBe(minor);
        },
      ),
    );
  });

  it('quantities are plain numbers without currency', () => {
    expect(parseQuantity('12')?.value).toBe(12);
    expect(parseQuantity('2.5')?.value).toBe(2.5);
    expect(parseQuantity('1,000')?.value).toBe(1000);
    expect(parseQuantity('$3')).toBeNull();
  });
});

describe('dates', () => {
  it('read ISO, day-first, month names and two-digit years', () => {
    const cases: [string, string][] = [
      ['2026-11-30', '2026-11-30'],
      ['30/11/2026', '2026-11-30'],
      ['30.11.2026', '2026-11-30'],
      ['11/30/2026', '2026-11-30'],
      ['30 Nov 2026', '2026-11-30'],
      ['Nov 30, 2026', '2026-11-30'],
      ['November 30 2026', '2026-11-30'],
      ['30-Nov-26', '2026-11-30'],
      ['30th November, 2026', '2026-11-30'],
      ['1-Sept-2026', '2026-09-01'],
    ];
    for (const [text, iso] of cases)
      expect(parseDate(text), text).toEqual({ value: iso, ambiguous: false });
  });

  it('prefer day-first for an ambiguous date and say it is a guess', () => {
    expect(parseDate('04/05/2026')).toEqual({ value: '2026-05-04', ambiguous: true });
    expect(parseDate('05/05/2026')).toEqual({ value: '2026-05-05', ambiguous: false });
  });

  it('read an ambiguous date month-first when day-first would be in the future', () => {
    expect(parseDate('01/12/2026', { today: '2026-01-20' })).toEqual({
      value: '2026-01-12',
      ambiguous: true,
    });
    expect(parseDate('03/12/2026', { today: '2026-03-20' })).toEqual({
      value: '2026-03-12',
      ambiguous: true,
    });
  });

  it('refuse impossible dates and non-dates', () => {
    for (const text of [
      '31/02/2026',
      '2026-13-01',
      '13/13/2026',
      'Novelty 3 2026',
      '1234',
      'INV-2026-11',
    ])
      expect(parseDate(text), text).toBeNull();
  });

  it('read back any date in any printed style', () => {
    const names = [
      'Jan',
      'Feb',
      'Mar',
      'Apr',
      'May',
      'Jun',
      'Jul',
      'Aug',
      'Sep',
      'Oct',
      'Nov',
      'Dec',
    ];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 4 }),
        (d, style) => {
          const y = d.getUTCFullYear();
          const m = d.getUTCMonth() + 1;
          const day = d.getUTCDate();
          const iso = d.toISOString().slice(0, 10);
          const dd = String(day).padStart(2, '0');
          const mm = String(m).padStart(2, '0');
          const text = [
            iso,
            `${dd}/${mm}/${y}`,
            `${day} ${names[m - 1]} ${y}`,
            `${names[m - 1]} ${day}, ${y}`,
            `${dd}-${names[m - 1]}-${String(y).slice(2)}`,
          ][style]!;
          expect(parseDate(text)?.value).toBe(iso);
        },
      ),
    );
  });
});
