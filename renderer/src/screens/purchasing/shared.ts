// What the purchasing screens share: amounts in a supplier's currency (a purchase order is in its
// supplier's, not the company's), and the words of a purchase order's status.
import {
  formatMoney,
  parseMoney as parseAmount,
  type Currency,
} from '../../../../core/locale/amounts';
import type { OutputOf } from '../../client';
import { companyCurrency, money } from '../../format';
import type { Translate } from '../../i18n';

export type PurchaseStatus = OutputOf<'purchases.list'>[number]['status'];
export const purchaseStatuses: readonly PurchaseStatus[] = [
  'draft',
  'awaiting_second',
  'approved',
  'partly_received',
  'received',
  'closed',
];

/** A currency by its ISO code: the company's own symbol for its own, the code for any other. */
export function currencyOf(code: string): Currency {
  const company = companyCurrency();
  if (code === company.code) return company;
  let minorUnits = 2;
  try {
    minorUnits =
      new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits ?? 2;
  } catch {
    // An unknown code: two decimals, as the core assumes too.
  }
  return { code, symbol: code, minorUnits };
}

/** 123456 in USD → "USD 1,234.56". */
export const moneyIn = (minor: number, code: string): string =>
  code === companyCurrency().code ? money(minor) : formatMoney(minor, currencyOf(code));

/** What a box shows for an amount, without the symbol's no-break space. */
export const amountText = (minor: number, code: string): string =>
  moneyIn(minor, code).replace(/\u00a0/g, ' ');

/** A typed amount in that currency, or NaN for an empty or broken box (the core names the field). */
export const typedMoneyIn = (text: string, code: string): number =>
  text.trim() === '' ? NaN : (parseAmount(text, currencyOf(code)) ?? NaN);

/** A typed whole number, or NaN for an empty or broken box (sent on, so the core names the field). */
export const whole = (text: string): number => (/^\s*-?\d+\s*$/.test(text) ? Number(text) : NaN);

/** A whole number the person may leave empty (then it is not sent). */
export const wholeOrNone = (text: string): number | undefined =>
  text.trim() === '' ? undefined : whole(text);

export const statusWord = (t: Translate, status: PurchaseStatus): string => t(`status.${status}`);

/** Focuses the first element matching `selector` once React has drawn it. */
export const focusSoon = (selector: string): void => {
  window.setTimeout(() => document.querySelector<HTMLElement>(selector)?.focus(), 0);
};
