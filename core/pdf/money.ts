// Amounts are integers in minor units (cents) everywhere; printing them must not go through a
// float either, or 0.1 + 0.2 style errors would reach paper. The arithmetic is core/locale's
// (English grouping here); documents in the company's currency use core/locale/money.ts.
import { BugError } from '../errors';
import { formatAmount } from '../locale/amounts';

/** 123450 -> "1,234.50"; with a currency, "ETB 1,234.50"; negatives as "-1,234.50". */
export function formatMoney(minor: number, currency?: string): string {
  if (!Number.isSafeInteger(minor))
    throw new BugError(`formatMoney: ${minor} is not a whole number of minor units`);
  const amount = formatAmount(minor, 2, 'en');
  return currency ? `${currency} ${amount}` : amount;
}

/** Quantities are whole numbers; grouped like money so long columns read the same way. */
export function formatQuantity(n: number): string {
  if (!Number.isSafeInteger(n)) throw new BugError(`formatQuantity: ${n} is not a whole number`);
  return formatAmount(n, 0, 'en');
}
