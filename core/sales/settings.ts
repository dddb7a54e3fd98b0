// The counter's rules as an admin changes them at head office, with the company's settings
// (decision 0030); ./rules.ts reads them.
import { z } from 'zod';
import { command, query } from '../contract/define';
import { emit, refuseIfNotHere } from '../events/emit';
import { companyId } from '../locale/events';
import { categoryRates, roleLimits, salesSettingsOf, type SalesSettings } from './rules';

export const saveSalesSettings = command({
  access: 'company.manage',
  input: z.object({
    pricesIncludeTax: z.boolean().optional(),
    categoryTaxRates: categoryRates.optional(),
    discountLimits: roleLimits.optional(),
  }),
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'company.saved');
    const now = salesSettingsOf(ctx.db);
    emit(ctx, 'company.saved', companyId, {
      id: companyId,
      ...(input.pricesIncludeTax !== undefined && { pricesIncludeTax: input.pricesIncludeTax }),
      ...(input.categoryTaxRates && { categoryTaxRates: JSON.stringify(input.categoryTaxRates) }),
      ...(input.discountLimits && {
        discountLimits: JSON.stringify({ ...now.discountLimits, ...input.discountLimits }),
      }),
    });
    return salesSettingsOf(ctx.db);
  },
});

export const salesSettings = query({
  access: 'signed-in',
  input: z.object({}),
  handler: (ctx): SalesSettings => salesSettingsOf(ctx.db),
});
