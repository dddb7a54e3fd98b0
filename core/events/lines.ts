import { z } from 'zod';

/** A priced line as events carry it: what was sold or ordered, how many, at what unit price. */
export const pricedLine = z.object({
  lineNo: z.number().int().positive(),
  variantId: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: z.number().int().nonnegative(),
});

export const linesTotal = (lines: readonly { quantity: number; unitPrice: number }[]): number =>
  lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
