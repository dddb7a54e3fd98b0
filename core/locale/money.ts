// Money is an integer count of the currency's minor units everywhere (cents, santim, fils); these
// turn it into what people read, in the company's currency, and back, without floating point.
import type { Db } from '../db/open';
import { z } from 'zod';
import { defaultCurrency, formatMoney, type Currency } from './amounts';

export {
  decimalPoint,
  defaultCurrency,
  formatAmount,
  formatMoney,
  parseMoney,
  type Currency,
} from './amounts';

/** Dates and numbers as written in English (Britain): 31 Mar 2026, 1,234.56. */
export const defaultLocale = 'en-GB';

const settingsRow = z
  .object({
    currency_code: z.string().nullable(),
    currency_symbol: z.string().nullable(),
    minor_units: z.number().int().nullable(),
    locale: z.string().nullable(),
  })
  .optional();

// Raw SQL and a parsed row: PDFs and Telegram cards ask for it once per document.
const settingsOf = (db: Db) =>
  settingsRow.parse(
    db.sqlite
      .prepare(
        "SELECT currency_code, currency_symbol, minor_units, locale FROM company_settings WHERE id = 'company'",
      )
      .get(),
  );

/**
 * The company's currency as this database knows it (core/locale/company.ts: set by an admin at
 * head office, merged per field); each field unset so far takes the default's.
 */
export function companyCurrency(db: Db): Currency {
  const r = settingsOf(db);
  return {
    code: r?.currency_code ?? defaultCurrency.code,
    symbol: r?.currency_symbol ?? defaultCurrency.symbol,
    minorUnits: r?.minor_units ?? defaultCurrency.minorUnits,
  };
}

/** The company's locale (en-GB, am-ET): how its dates and numbers are written. */
export const companyLocale = (db: Db): string => settingsOf(db)?.locale ?? defaultLocale;

/**
 * Amounts as a message to a person names them, in the company's currency and locale
 * ("Br 1,234.50"): the settings are read once, here, for every amount of that message.
 */
export function companyMoney(db: Db): (minor: number) => string {
  const currency = companyCurrency(db);
  const locale = companyLocale(db);
  return (minor) => formatMoney(minor, currency, locale);
}
