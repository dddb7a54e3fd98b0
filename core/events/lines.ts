import { z } from 'zod';
import * as num from './numbers';

/** A priced line as events carry it: what was sold or ordered, how many, at what unit price. */
export const pricedLine = z.object({
  lineNo: num.lineNo,
  variantId: z.string(),
  quantity: num.positiveUnits,
  unitPrice: num.minor,
});

export const linesTotal = (lines: readonly { quantity: number; unitPrice: number }[]): number =>
  lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
