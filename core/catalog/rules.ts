// Rules a variant's master data keeps, checked where a command sets it (the projection merges
// per field from head office alone, so the command is where the person still is to fix it).
import type { Context } from '../contract/context';
import { requireActor } from '../contract/scope';
import { DomainError } from '../errors';
import { companyMoney } from '../locale/money';
import { checkDigitMessage, checkDigitProblem } from './barcode';

/** Refuses a barcode whose EAN/UPC check digit is wrong, naming the field and the right digit. */
export function assertBarcode(code: string | null | undefined, field: string): void {
  if (!code) return;
  const problem = checkDigitProblem(code);
  if (!problem) return;
  const message = checkDigitMessage(code, problem);
  throw new DomainError('BARCODE_CHECK_DIGIT', `${field}: ${message}.`, {
    field,
    issues: [{ field, message }],
    format: problem.format,
    expectedCheckDigit: problem.expected,
  });
}

export interface PriceChange {
  price: number;
  cost: number;
  /** Set when the person confirmed a price at or below cost. */
  confirmBelowCost?: boolean | undefined;
}

/**
 * A price at or below cost (a free item, a loss leader) is allowed only when the person confirms
 * it; a typing slip (0.00, a missing digit) is refused. Returns who confirmed, for the event to
 * record, or undefined when the price is above cost. `field` names the field the person changed.
 */
export function confirmedBelowCost(
  ctx: Pick<Context, 'actor' | 'db'>,
  v: PriceChange,
  field: string,
  changed: 'price' | 'cost' = 'price',
): string | undefined {
  if (v.price > v.cost) return undefined;
  if (v.confirmBelowCost) return requireActor(ctx).userId;
  // In the company's currency, as every screen and document shows amounts.
  const money = companyMoney(ctx.db);
  const price = money(v.price);
  const cost = money(v.cost);
  const message =
    changed === 'price'
      ? `the price ${price} is at or below the cost ${cost}; raise the price, or confirm that it sells at or below cost`
      : `the cost ${cost} is at or above the price ${price}; check the cost, or confirm that it sells at or below cost`;
  throw new DomainError('PRICE_AT_OR_BELOW_COST', `${field}: ${message}.`, {
    field,
    issues: [{ field, message }],
    price: v.price,
    cost: v.cost,
  });
}
