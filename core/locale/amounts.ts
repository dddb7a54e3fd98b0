// Money is an integer count of the currency's minor units everywhere (cents, santim, fils); these
// turn it into what people read, in a given currency and locale, and back, without floating
// point. A leaf (it imports nothing), so the renderer's format.ts uses the very same functions as
// the PDFs and Telegram cards (eslint.config.js lets the renderer import it).

export interface Currency {
  /** ISO 4217: ETB, USD, KWD. */
  code: string;
  /** What people write before the amount: Br, $, KD. */
  symbol: string;
  /** Digits after the decimal point: 2 for most, 0 for JPY, 3 for KWD. */
  minorUnits: number;
}

export const defaultCurrency: Currency = { code: 'ETB', symbol: 'Br', minorUnits: 2 };

// Intl formatters are costly to build and a list, PDF or card formats many amounts: one per locale.
const groupings = new Map<string, Intl.NumberFormat>();
const points = new Map<string, string>();

function grouping(locale: string): Intl.NumberFormat {
  let format = groupings.get(locale);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { useGrouping: true, maximumFractionDigits: 0 });
    } catch {
      format = new Intl.NumberFormat('en', { useGrouping: true, maximumFractionDigits: 0 });
    }
    groupings.set(locale, format);
  }
  return format;
}

/** The decimal point of a locale: '.' in English, ',' in German. */
export function decimalPoint(locale: string): string {
  let point = points.get(locale);
  if (point === undefined) {
    try {
      point =
        new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ??
        '.';
    } catch {
      point = '.';
    }
    points.set(locale, point);
  }
  return point;
}

/** The amount alone, grouped: 123456 → "1,234.56" (2 minor units, English). */
export function formatAmount(minor: number, minorUnits: number, locale = 'en'): string {
  if (!Number.isSafeInteger(minor))
    throw new RangeError(`not a whole number of minor units: ${minor}`);
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const scale = 10 ** minorUnits;
  const units = Math.trunc(abs / scale);
  const whole = grouping(locale).format(units);
  if (minorUnits === 0) return `${sign}${whole}`;
  const fraction = String(abs % scale).padStart(minorUnits, '0');
  return `${sign}${whole}${decimalPoint(locale)}${fraction}`;
}

/** 123456 in ETB → "Br 1,234.56"; the symbol always first, so every screen and PDF reads alike. */
export const formatMoney = (minor: number, currency: Currency, locale = 'en'): string =>
  `${currency.symbol}\u00a0${formatAmount(minor, currency.minorUnits, locale)}`;

/**
 * What a person typed back into minor units: "1,234.5" → 123450. Accepts the locale's decimal
 * point (or '.'), grouping by thousands, and the symbol or code around it. null when it is not an
 * amount with at most `minorUnits` decimals.
 */
export function parseMoney(text: string, currency: Currency, locale = 'en'): number | null {
  let s = text.trim();
  for (const mark of [currency.symbol, currency.code]) if (mark) s = s.split(mark).join('');
  s = s.replace(/[\s\u00a0\u202f]/g, '');
  const point = decimalPoint(locale);
  const group = point === ',' ? '.' : ',';
  // Grouping marks only between digits in threes: "1,234,567.5".
  s = s.replace(new RegExp(`(?<=\\d)\\${group}(?=\\d{3}(?:\\D|$))`, 'g'), '');
  if (point !== '.') s = s.replace(point, '.');
  const negative = s.startsWith('-');
  if (negative) s = s.slice(1);
  const m = /^(\d{1,13})(?:\.(\d+))?$/.exec(s);
  if (!m?.[1]) return null;
  const fraction = m[2] ?? '';
  if (fraction.length > currency.minorUnits) return null;
  const value =
    Number(m[1]) * 10 ** currency.minorUnits +
    Number(fraction.padEnd(currency.minorUnits, '0') || 0);
  if (!Number.isSafeInteger(value)) return null;
  return negative ? -value : value;
}
