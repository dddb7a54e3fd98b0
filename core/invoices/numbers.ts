// Amounts, quantities and dates as suppliers print them, read from the text of one or a few words.
// Suppliers write "1,234.50", "1 234,50" and "1.234,50"; OCR reads 0 as O and 1 as l; dates come
// in every order. These decide what a string means, or say it means nothing, and say when the
// reading is a guess so the parser can lower its confidence. Where a print could be read two ways
// ("1,500", "05/12/2026") the readings list both, for finding a model's value on the page.

/** What people write beside an amount, and the ISO 4217 code it stands for. */
const SYMBOLS: readonly (readonly [RegExp, string])[] = [
  [/^(?:br\.?|birr)$/i, 'ETB'],
  [/^(?:us\$|\$)$/, 'USD'],
  [/^€$/, 'EUR'],
  [/^£$/, 'GBP'],
];

/** Codes we recognise when printed alone or stuck to an amount. */
export const CURRENCY_CODES: ReadonlySet<string> = new Set([
  'ETB',
  'USD',
  'EUR',
  'GBP',
  'KES',
  'AED',
  'SAR',
  'CNY',
  'INR',
  'JPY',
  'CHF',
  'CAD',
  'AUD',
  'ZAR',
  'KWD',
  'TRY',
  'DJF',
  'SDG',
  'UGX',
  'TZS',
]);

/** The ISO code a word names on its own ("ETB", "Br", "$", "birr"), or null. */
export function currencyOf(word: string): string | null {
  const text = word.trim().replace(/[:.,]$/, '');
  if (/^[A-Z]{3}$/.test(text) && CURRENCY_CODES.has(text)) return text;
  for (const [pattern, code] of SYMBOLS) if (pattern.test(text)) return code;
  return null;
}

const PREFIX = /^(?:[A-Z]{3}|Br\.?|Birr|US\$|\$|€|£)\s?/;
const SUFFIX = /\s?(?:[A-Z]{3}|Br\.?|Birr|\$|€|£)$/;

export interface ParsedNumber {
  /** The value as printed, in units (not minor units): 1234.5 for "1.234,50". */
  value: number;
  /** Digits after the decimal separator (0 when there is none). */
  decimals: number;
  /** Letters read as digits (O as 0, l as 1, S as 5): the reading is a guess. */
  ocrFixed: boolean;
  /** The currency printed with it, when there was one. */
  currency: string | null;
}

/** OCR's usual confusions, fixed only in a token that is otherwise made of digits. */
function fixOcr(core: string): { text: string; fixed: boolean } {
  if (!/[OolIS]/.test(core)) return { text: core, fixed: false };
  if (!/\d/.test(core)) return { text: core, fixed: false };
  const text = core.replace(/[Oo]/g, '0').replace(/[lI]/g, '1').replace(/S/g, '5');
  return { text, fixed: true };
}

/** A number in any of the usual groupings, read the likelier way (see separatorReadings). */
export function parseNumber(raw: string): ParsedNumber | null {
  // Receipts mark amounts with a star: "*25,420.80".
  let text = raw
    .trim()
    .replace(/[\u00a0\u202f\u2009]/g, ' ')
    .replace(/^\*+|\*+$/g, '')
    // A star misread as a plus: "+76,494.00", never a phone number's "+251".
    .replace(/^\+(?=[\d,.]*[.,]\d{2}$)/, '');
  if (text === '') return null;
  let negative = false;
  const parens = /^\((.*)\)$/.exec(text);
  if (parens) {
    negative = true;
    text = (parens[1] ?? '').trim();
  }
  if (/^[-−–]/.test(text) || /-$/.test(text)) {
    negative = true;
    text = text.replace(/^[-−–]\s?|-$/g, '');
  }
  let currency: string | null = null;
  const prefix = PREFIX.exec(text);
  if (prefix && /^\s?[\dOlIS(-]/.test(text.slice(prefix[0].length))) {
    currency = currencyOf(prefix[0].trim());
    if (!currency) return null;
    text = text.slice(prefix[0].length);
    if (text.startsWith('-')) {
      negative = true;
      text = text.slice(1);
    }
  } else {
    const suffix = SUFFIX.exec(text);
    if (suffix && suffix.index > 0) {
      currency = currencyOf(suffix[0].trim());
      if (!currency) return null;
      text = text.slice(0, suffix.index);
    }
  }
  const { text: core, fixed } = fixOcr(text.trim());
  if (!/^\d[\d.,' ]*$/.test(core) || /[.,' ]$/.test(core)) return null;
  // Grouped by spaces: "1 234,50" (and "1319 976,00", OCR having lost the space after the millions).
  if (core.includes(' ') && !/^\d{1,7}(?: \d{3})+(?:[.,]\d+)?$/.test(core)) return null;
  const [reading] = separatorReadings(core.replace(/[' ]/g, ''));
  if (!reading) return null;
  const { value, decimals } = reading;
  return { value: negative ? -value : value, decimals, ocrFixed: fixed, currency };
}

/** Digits in thousands groups of one separator ("1,234,567"), ungrouped; null when misgrouped. */
function ungrouped(whole: string): string | null {
  const groups = whole.split(/[.,]/);
  if (groups.length === 1) return whole;
  if (new Set(whole.replace(/\d/g, '')).size !== 1) return null;
  if (!/^\d{1,3}$/.test(groups[0] ?? '') || groups.slice(1).some((g) => !/^\d{3}$/.test(g)))
    return null;
  return groups.join('');
}

/**
 * What digits with dots and commas may stand for, the likelier first. The decimal separator is
 * the last separator when it is followed by other than exactly three digits, or when the other
 * separator came before it; "1,234" and "1.234" are thousands first and three decimals second.
 */
export function separatorReadings(digits: string): { value: number; decimals: number }[] {
  if (!/^\d[\d.,]*$/.test(digits) || /[.,]$/.test(digits)) return [];
  const reading = (whole: string | null, fraction: string) => {
    const value = whole === null ? NaN : Number(`${whole}.${fraction || '0'}`);
    return Number.isFinite(value) ? [{ value, decimals: fraction.length }] : [];
  };
  const last = Math.max(digits.lastIndexOf('.'), digits.lastIndexOf(','));
  if (last < 0) return reading(digits, '');
  const sep = digits.charAt(last);
  const after = digits.slice(last + 1);
  const before = digits.slice(0, last);
  const decimal = before.includes(sep) ? [] : reading(ungrouped(before), after);
  const other = sep === '.' ? ',' : '.';
  if (after.length !== 3 || before.includes(other) || /^0+$/.test(before)) return decimal;
  const grouped = reading(ungrouped(digits), '');
  return grouped.length ? [...grouped, ...decimal] : [];
}

export interface ParsedAmount extends ParsedNumber {
  /** Minor units (cents), rounded. */
  minor: number;
}

/** An amount of money in minor units (cents): "Br1,234.50" is 123450; "(12.00)" is -1200. */
export function parseAmount(raw: string): ParsedAmount | null {
  if (/%/.test(raw)) return null;
  const n = parseNumber(raw);
  if (!n) return null;
  const minor = Math.round(n.value * 100);
  if (!Number.isSafeInteger(minor)) return null;
  return { ...n, minor };
}

/** A quantity: a plain number without currency ("12", "1,000", "2.5"). */
export function parseQuantity(raw: string): ParsedNumber | null {
  if (/%/.test(raw)) return null;
  const n = parseNumber(raw);
  if (!n || n.currency) return null;
  return n;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** 1–12 for "Nov", "November", "Sept"; null for "Novelty". */
function month(name: string): number | null {
  const lower = name.toLowerCase();
  if (lower.length < 3) return null;
  const i = MONTHS.findIndex(
    (full) => full.startsWith(lower) || (lower === 'sept' && full === 'september'),
  );
  return i < 0 ? null : i + 1;
}

function year(text: string): number {
  const n = Number(text);
  return text.length === 2 ? 2000 + n : n;
}

function iso(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2200) return null;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Days after today beyond which an ambiguous day-first date is read month-first. */
export const FAR_AHEAD_DAYS = 31;

const daysBetween = (a: string, b: string) => (Date.parse(a) - Date.parse(b)) / 86_400_000;

export interface ParsedDate {
  /** YYYY-MM-DD. */
  value: string;
  /** Day and month could be swapped (both ≤ 12): day-first was preferred. */
  ambiguous: boolean;
}

/**
 * The dates (YYYY-MM-DD) a print may be: ISO, dd/mm/yyyy and mm/dd/yyyy (day-first first, both
 * when both are dates), "30 Nov 2026", "Nov 30, 2026", "30-Nov-26". Empty when it is no date.
 */
export function dateReadings(raw: string): string[] {
  const text = raw
    .trim()
    .replace(/^[:(]+|[.,;:)]+$/g, '')
    .replace(/(\d)(?:st|nd|rd|th)\b/gi, '$1');
  const found = (...dates: (string | null)[]) => [
    ...new Set(dates.filter((d): d is string => d !== null)),
  ];
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (m) return found(iso(Number(m[1]), Number(m[2]), Number(m[3])));
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$/.exec(text);
  if (m) {
    const [a, b, y] = [Number(m[1]), Number(m[2]), year(m[3] ?? '')];
    return found(iso(y, b, a), iso(y, a, b));
  }
  m = /^(\d{1,2})[\s\-./]*([A-Za-z]{3,9})\.?[\s\-.,/]*(\d{4}|\d{2})$/.exec(text);
  if (m) {
    const mo = month(m[2] ?? '');
    return found(mo ? iso(year(m[3] ?? ''), mo, Number(m[1])) : null);
  }
  // The day and the year apart: "Mar 2026" is a month, not the 20th of March.
  m = /^([A-Za-z]{3,9})\.?[\s\-./]*(\d{1,2}),?[\s\-.,/]+(\d{4}|\d{2})$/.exec(text);
  if (m) {
    const mo = month(m[1] ?? '');
    return found(mo ? iso(year(m[3] ?? ''), mo, Number(m[2])) : null);
  }
  return [];
}

/**
 * A date as printed (see dateReadings), day-first when it could be either. With `today`, an
 * ambiguous date that would be in the future read day-first is read month-first instead.
 */
export function parseDate(raw: string, options: { today?: string } = {}): ParsedDate | null {
  const [first, other] = dateReadings(raw);
  if (!first) return null;
  if (!other) return { value: first, ambiguous: false };
  // Only a date far ahead is read the other way: invoices are dated a little ahead too.
  if (
    options.today &&
    daysBetween(first, options.today) > FAR_AHEAD_DAYS &&
    daysBetween(other, options.today) <= 1
  )
    return { value: other, ambiguous: true };
  return { value: first, ambiguous: true };
}
