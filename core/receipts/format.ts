// What a receipt says in words, shared by the printer and the PDF: labels, the date and amounts
// in the company's locale. The printer passes a test of what it can print (escpos.ts) and gets
// a plainer form where the locale's own does not pass; the PDF prints every script as it is.
import { formatAmount, formatMoney, type Currency } from '../locale/amounts';

/** Whether a text can be printed as it is; the PDF can print anything. */
export type CanPrint = (text: string) => boolean;
const anything: CanPrint = () => true;

/** The first form the printer can print; the last is printed whatever it holds. */
export function firstPrintable(canPrint: CanPrint, ...forms: (() => string)[]): string {
  let text = '';
  for (const form of forms) {
    text = form();
    if (canPrint(text)) return text;
  }
  return text;
}

// A locale tag that Intl does not know falls back to English rather than failing the receipt.
function dateFormat(locale: string, timeZone: string | undefined): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone !== undefined && { timeZone }),
  };
  try {
    return new Intl.DateTimeFormat(locale, options);
  } catch {
    return new Intl.DateTimeFormat('en-GB', options);
  }
}

/**
 * When the sale was made, in numbers (no month names, no AM/PM words: they are in the locale's
 * script). A locale whose digits the printer lacks (Arabic-Indic) prints Latin digits instead.
 */
export function formatSoldAt(
  ms: number,
  locale: string,
  timeZone?: string,
  canPrint: CanPrint = anything,
): string {
  return firstPrintable(
    canPrint,
    () => dateFormat(locale, timeZone).format(ms),
    () => dateFormat(`${locale}-u-nu-latn`, timeZone).format(ms),
    () => dateFormat('en-GB', timeZone).format(ms),
  );
}

/** An amount with the currency's symbol; with its ISO code where the symbol cannot be printed. */
export function money(
  minor: number,
  currency: Currency,
  locale: string,
  canPrint: CanPrint = anything,
): string {
  return firstPrintable(
    canPrint,
    () => formatMoney(minor, currency, locale).replace(/\u00a0/g, ' '),
    () => `${currency.code} ${formatAmount(minor, currency.minorUnits, locale)}`,
    () => `${currency.code} ${formatAmount(minor, currency.minorUnits, 'en')}`,
  );
}

/** A quantity: whole units of the variant's unit. */
export function quantity(n: number, locale: string, canPrint: CanPrint = anything): string {
  return firstPrintable(
    canPrint,
    () => formatAmount(n, 0, locale),
    () => formatAmount(n, 0, 'en'),
  );
}

const methodLabels: Readonly<Record<string, string>> = {
  cash: 'Cash',
  card: 'Card',
  mobile: 'Mobile money',
  mobile_money: 'Mobile money',
  transfer: 'Bank transfer',
  bank_transfer: 'Bank transfer',
  credit: 'On account',
  points: 'Points',
};

/** A payment method's code as people read it; an unknown code as it is, first letter raised. */
export const methodLabel = (method: string): string =>
  methodLabels[method] ?? method.charAt(0).toUpperCase() + method.slice(1).replace(/_/g, ' ');

export const labels = {
  sale: 'Sale',
  return: 'Return',
  clerk: 'Clerk',
  subtotal: 'Subtotal',
  discount: 'Discount',
  reward: 'Points reward',
  total: 'TOTAL',
  refund: 'REFUND',
  tendered: 'Tendered',
  change: 'Change',
  reason: 'Reason',
  customer: 'Customer',
  tier: 'Tier',
  pointsEarned: 'Points earned',
  pointsRedeemed: 'Points redeemed',
  pointsTakenBack: 'Points taken back',
  pointsGivenBack: 'Points given back',
  pointsBalance: 'Points balance',
  thanks: 'Thank you',
} as const;

/** A tax rate in basis points as a percentage: 1500 → "15%", 750 → "7.5%". */
export const ratePercent = (rateBp: number): string => `${Number((rateBp / 100).toFixed(2))}%`;

/** "VAT 15% included" (prices held it) or "VAT 15% added" (it came on top of them). */
export const taxLabel = (rateBp: number, included: boolean): string =>
  `VAT ${ratePercent(rateBp)} ${included ? 'included' : 'added'}`;
