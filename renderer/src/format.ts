// Money is integer minor units and quantities are integers everywhere; these turn them into
// what a clerk reads and back, without floating point, in the company's currency and locale
// (one date format and one number format on every screen). The person signed in brings the
// settings (auth.me's `company`); session.ts hands them here before any screen renders.
import {
  defaultCurrency,
  formatMoney,
  parseMoney as parseAmount,
  type Currency,
} from '../../core/locale/amounts';
import { sentence, statusLabel, type OrderStatus } from '../../core/vocabulary';
import { tOf } from './i18n';

export { isOrderStatus, orderStatuses, statusShort } from '../../core/vocabulary';

export interface CompanyFormat {
  currency: Currency;
  /** A BCP 47 tag: en-GB, am-ET. */
  locale: string;
  /** The IANA zone the company's days are counted in: what "today" is. */
  timeZone?: string;
}

const fallbackLocale = 'en-GB';

const formatsFor = (locale: string) => {
  const tag = Intl.NumberFormat.supportedLocalesOf([locale]).length > 0 ? locale : fallbackLocale;
  const day = { day: '2-digit', month: 'short', year: 'numeric' } as const;
  const clock = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const;
  return {
    locale: tag,
    number: new Intl.NumberFormat(tag, { maximumFractionDigits: 0 }),
    tenths: new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    // A core date (2026-03-31) is a day, not an instant: written as UTC so no zone shifts it.
    date: new Intl.DateTimeFormat(tag, { ...day, timeZone: 'UTC' }),
    dateTime: new Intl.DateTimeFormat(tag, { ...day, ...clock }),
    time: new Intl.DateTimeFormat(tag, clock),
  };
};

let currency: Currency = defaultCurrency;
let formats = formatsFor(fallbackLocale);
let companyDay: Intl.DateTimeFormat | null = null;

/** The company's currency, locale and zone, from now on (called when the person signs in). */
export function setCompanyFormat(company: CompanyFormat): void {
  currency = company.currency;
  if (company.locale !== formats.locale) formats = formatsFor(company.locale);
  try {
    companyDay = company.timeZone
      ? new Intl.DateTimeFormat('en-CA', { timeZone: company.timeZone, dateStyle: 'short' })
      : null;
  } catch {
    // A zone this browser does not know: the PC's own calendar.
    companyDay = null;
  }
}

/** The currency amounts are written in: its minor units decide what parseMoney accepts. */
export const companyCurrency = (): Currency => currency;

/** 123456 → "Br 1,234.56", in the company's currency. */
export const money = (minor: number): string => formatMoney(minor, currency, formats.locale);

/**
 * "1,234.5" → 123450 (two decimals); null when it is not an amount with at most the company
 * currency's decimals. The symbol may be typed or not.
 */
export const parseMoney = (text: string): number | null =>
  parseAmount(text, currency, formats.locale);

/** A typed whole number, or NaN for an empty box (sent as null, so the core names the field). */
export const parseCount = (text: string): number => (text.trim() === '' ? NaN : Number(text));

export const count = (n: number): string => formats.number.format(n);
/** "1 event", "2 events": a count with its noun (`plural` when the noun is irregular). */
export const counted = (n: number, noun: string, plural = `${noun}s`): string =>
  `${count(n)} ${n === 1 ? noun : plural}`;

/** A core date (2026-03-31) as the company writes dates: "31 Mar 2026". */
export function date(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return formats.date.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}
/** An instant (ms) as "31 Mar 2026, 14:05", in the PC's time zone. */
export const dateTime = (ms: number): string => formats.dateTime.format(ms);
export const time = (ms: number): string => formats.time.format(ms);

/**
 * Today as the core's dates are written: 2026-03-31, in the company's time zone (the day the
 * core counts sales and orders on), or the clerk's own before anyone signed in.
 */
export function today(now = new Date()): string {
  if (companyDay) {
    const parts = companyDay.formatToParts(now);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')}`;
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A status as a sentence of its own, for a tooltip or under a heading. */
export const statusLong = (status: OrderStatus): string => sentence(statusLabel[status]);

/** One decimal in the company's number format: 12.4. */
export const tenths = (n: number): string => formats.tenths.format(n);

export function fileSize(bytes: number): string {
  const t = tOf('common');
  if (bytes < 1024) return t('size.bytes', { n: count(bytes) });
  if (bytes < 1024 * 1024) return t('size.kb', { n: count(Math.round(bytes / 1024)) });
  return t('size.mb', { n: tenths(bytes / 1024 / 1024) });
}

/** How long ago: "just now", "12 min ago", "3 h ago", "4 days ago". */
export function ago(ms: number, now = Date.now()): string {
  const t = tOf('common');
  const minutes = Math.floor(Math.max(0, now - ms) / 60_000);
  if (minutes < 1) return t('ago.now');
  if (minutes < 60) return t('ago.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('ago.hours', { n: hours });
  return t('ago.days', { n: Math.floor(hours / 24) });
}

/** Free disk and backup sizes: "512 MB", "12.4 GB". */
export function diskSize(bytes: number): string {
  if (bytes >= 1024 ** 3) return tOf('common')('size.gb', { n: tenths(bytes / 1024 ** 3) });
  return fileSize(bytes);
}
