// Every amount, date and count on screen is written in the company's currency and locale, and a
// typed amount reads back exactly, whatever the currency's decimals.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { count, date, dateTime, fileSize, money, parseMoney, setCompanyFormat } from './format';
import { setLanguage } from './i18n';

const etb = { code: 'ETB', symbol: 'Br', minorUnits: 2 };
afterEach(() => {
  setCompanyFormat({ currency: etb, locale: 'en-GB' });
  setLanguage('en', { remember: false });
});

describe('format', () => {
  it('writes every amount in the company currency, and reads it back for 0, 2 or 3 decimals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.constantFrom(0, 2, 3),
        fc.constantFrom('en-GB', 'am-ET', 'de-DE'),
        (minor, minorUnits, locale) => {
          setCompanyFormat({ currency: { code: 'XTS', symbol: 'T', minorUnits }, locale });
          const text = money(minor);
          return text.startsWith('T\u00a0') && parseMoney(text) === minor;
        },
      ),
    );
  });

  it('refuses a typed amount with more decimals than the currency has', () => {
    setCompanyFormat({ currency: { code: 'JPY', symbol: '¥', minorUnits: 0 }, locale: 'en-GB' });
    expect(parseMoney('1,200')).toBe(1200);
    expect(parseMoney('12.5')).toBeNull();
    setCompanyFormat({ currency: { code: 'KWD', symbol: 'KD', minorUnits: 3 }, locale: 'en-GB' });
    expect(parseMoney('1.5')).toBe(1500);
    expect(money(1500)).toBe('KD\u00a01.500');
  });

  it('writes one date format, from the company locale, for days and instants alike', () => {
    const instant = new Date(2026, 2, 31, 14, 5).getTime();
    expect(date('2026-03-31')).toBe('31 Mar 2026');
    expect(dateTime(instant)).toBe('31 Mar 2026, 14:05');
    setCompanyFormat({ currency: etb, locale: 'de-DE' });
    expect(date('2026-03-31')).toBe('31. März 2026');
    expect(count(1234567)).toBe('1.234.567');
    // An unknown locale falls back rather than failing every screen.
    setCompanyFormat({ currency: etb, locale: 'zz-unknown' });
    expect(date('2026-03-31')).toBe('31 Mar 2026');
  });

  it('says sizes and durations in the UI language', () => {
    expect(fileSize(2048)).toBe('2 KB');
    setLanguage('am', { remember: false });
    expect(fileSize(2048)).toBe('2 ኪባ');
  });
});
