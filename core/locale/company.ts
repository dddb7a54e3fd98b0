// The company's settings: the currency every amount is shown in and the locale its dates and
// numbers are written in. An admin sets them at head office; every PC pulls them and merges them
// per field, so a change of symbol and a change of locale made apart both survive.
import { z } from 'zod';
import { command, query } from '../contract/define';
import { hasControlCharacters } from '../contract/fields';
import type { Db } from '../db/open';
import { DomainError } from '../errors';
import { emit, refuseIfNotHere } from '../events/emit';
import { companyId } from './events';
import { companyCurrency, companyLocale, type Currency } from './money';
import { companyTimeZone, isKnownTimeZone } from './day';

export interface CompanySettings {
  currency: Currency;
  /** A BCP 47 tag (en-GB, am-ET): how dates and numbers are written on every screen and PDF. */
  locale: string;
  /** The IANA time zone a day of sales, deliveries and work is counted in. */
  timeZone: string;
}

/** The settings as this PC knows them; each field unset so far takes its default. */
export const companySettingsOf = (db: Db): CompanySettings => ({
  currency: companyCurrency(db),
  locale: companyLocale(db),
  timeZone: companyTimeZone(db),
});

/** Whether Intl knows the tag well enough to write dates and numbers with it. */
export function isKnownLocale(tag: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

const invalid = (field: string, message: string) =>
  new DomainError('VALIDATION', `${field}: ${message}`, {
    field,
    issues: [{ field, message }],
  });

/** Amounts are stored in minor units: once one exists, a new number of decimals would rescale it. */
const anyAmountRecorded = (db: Db): boolean =>
  !!db.sqlite
    .prepare(
      'SELECT 1 FROM variants UNION ALL SELECT 1 FROM sales UNION ALL SELECT 1 FROM orders LIMIT 1',
    )
    .get();

export const saveCompany = command({
  access: 'company.manage',
  input: z.object({
    currencyCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code, like ETB or USD')
      .optional(),
    currencySymbol: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(8, 'must be at most 8 characters, like Br or $')
      // Printed beside every amount, on screens, receipts and PDFs: a right-to-left override
      // there would make every price read differently than it is.
      .refine(
        (s) => !hasControlCharacters(s),
        'must not contain control characters (such as a right-to-left override); write one like Br or $',
      )
      .optional(),
    minorUnits: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0, 1, 2 or 3')
      .max(3, 'must be 0, 1, 2 or 3')
      .optional(),
    locale: z.string().trim().min(2, 'is required').max(35, 'is too long').optional(),
    timeZone: z.string().trim().min(3, 'is required').max(64, 'is too long').optional(),
  }),
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'company.saved');
    const now = companySettingsOf(ctx.db);
    if (input.locale !== undefined && !isKnownLocale(input.locale))
      throw invalid(
        'locale',
        `${input.locale} is not a locale this app knows; write one like en-GB, am-ET or fr-FR`,
      );
    if (input.timeZone !== undefined && !isKnownTimeZone(input.timeZone))
      throw invalid(
        'timeZone',
        `${input.timeZone} is not a time zone this app knows; write one like Africa/Addis_Ababa or Europe/Berlin`,
      );
    if (
      input.minorUnits !== undefined &&
      input.minorUnits !== now.currency.minorUnits &&
      anyAmountRecorded(ctx.db)
    )
      throw invalid(
        'minorUnits',
        `stays ${now.currency.minorUnits}: prices and sales are already recorded in minor units, and a new number of decimals would change every amount. Keep it, or set it before the catalog is entered`,
      );
    emit(ctx, 'company.saved', companyId, { id: companyId, ...input });
    return companySettingsOf(ctx.db);
  },
});

/** Everyone signed in reads them: every amount and date on screen follows them. */
export const companySettings = query({
  access: 'signed-in',
  input: z.object({}),
  handler: (ctx): CompanySettings => companySettingsOf(ctx.db),
});
