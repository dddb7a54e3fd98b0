// Amounts are integers in minor units (cents) everywhere; printing them must not go through a
// float either, or 0.1 + 0.2 style errors and locale-dependent separators would reach paper.
import { BugError } from '../errors';

/** Minor units per major unit. Every currency we sell in (ETB, USD, EUR) has two decimals. */
const minorPerMajor = 100;

/** Thousands separated by commas: 1234567 -> "1,234,567". Non-negative integers only. */
export function groupDigits(n: number): string {
  const digits = String(n);
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return out;
}

/** 123450 -> "1,234.50"; with a currency, "ETB 1,234.50"; negatives as "-1,234.50". */
export function formatMoney(minor: number, currency?: string): string {
  if (!Number.isSafeInteger(minor))
    throw new BugError(`formatMoney: ${minor} is not a whole number of minor units`);
  const abs = Math.abs(minor);
  const major = (abs - (abs % minorPerMajor)) / minorPerMajor;
  const cents = String(abs % minorPerMajor).padStart(2, '0');
  const amount = `${minor < 0 ? '-' : ''}${groupDigits(major)}.${cents}`;
  return currency ? `${currency} ${amount}` : amount;
}

/** Quantities are whole numbers; grouped like money so long columns read the same way. */
export function formatQuantity(n: number): string {
  if (!Number.isSafeInteger(n)) throw new BugError(`formatQuantity: ${n} is not a whole number`);
  return `${n < 0 ? '-' : ''}${groupDigits(Math.abs(n))}`;
}
