// The company's settings as an event: head office's alone, seen everywhere, merged per field.
import { z } from 'zod';
import { defineEvent, mergeStamp, rowWrite } from '../events/define';
import { mergeRow } from '../events/lww';
import { redayAll } from '../analytics/aggregates';
import { companyTimeZone } from './day';

/** The one row's id: there is one company per database. */
export const companyId = 'company';

export const companySaved = defineEvent({
  type: 'company.saved',
  merged: true,
  authority: { permission: 'company.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [
    rowWrite('company_settings'),
    // A new time zone moves every row's day: settled again from the rows after a re-fold.
    ...(
      [
        'sales',
        'sale_returns',
        'orders',
        'customer_account',
        'work_credits',
        'badge_awards',
      ] as const
    ).map((table) => ({
      table,
      column: 'day',
      key: (e: { payload: { timeZone?: string } }) => (e.payload.timeZone ? ['zone'] : []),
      shared: redayAll,
    })),
  ],
  payload: z.object({
    id: z.literal(companyId),
    currencyCode: z.string().optional(),
    currencySymbol: z.string().optional(),
    minorUnits: z.number().int().min(0).max(3).optional(),
    locale: z.string().optional(),
    /** The counter's rules (core/sales/settings.ts); the JSON fields merge as a whole. */
    pricesIncludeTax: z.boolean().optional(),
    categoryTaxRates: z.string().optional(),
    discountLimits: z.string().optional(),
    /** The IANA time zone the company's days and hours are counted in. */
    timeZone: z.string().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    const zone = companyTimeZone(db);
    mergeRow(db, 'company_settings', id, mergeStamp(e), fields);
    // Days follow the zone: every row is counted again in the one now set (decision 0035).
    if (companyTimeZone(db) !== zone) redayAll(db);
  },
});
