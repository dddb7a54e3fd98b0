// A counter sale's arithmetic, pure: line and whole-sale discounts, a points reward's amount
// off, taxes rounded per line to minor units, and what the sale costs. The command prices a sale
// here once; the event carries every figure, so each replica writes the same rows
// (decision 0029).
import { validationError } from '../errors';

/** 10000 basis points: 100%. */
export const FULL = 10_000;

export interface LineToPrice {
  quantity: number;
  unitPrice: number;
  /** The line's own discount, in minor units. */
  discount: number;
  /** Tax rate in basis points. */
  taxRateBp: number;
}

export interface PricedSaleLine {
  quantity: number;
  unitPrice: number;
  /** The line's own discount and its share of the sale's discount and of the reward. */
  discount: number;
  taxRateBp: number;
  tax: number;
  /** What the customer pays for the line, tax included. */
  lineTotal: number;
}

export interface SalePrice {
  lines: PricedSaleLine[];
  /** Line discounts plus the whole-sale discount (the reward not included). */
  discount: number;
  rewardAmount: number;
  tax: number;
  total: number;
  /** Before any discount or reward. */
  gross: number;
}

/** a × b ÷ c rounded half up, in integers (a, b, c ≥ 0, c > 0). */
export const mulDivRound = (a: number, b: number, c: number): number =>
  Number((2n * BigInt(a) * BigInt(b) + BigInt(c)) / (2n * BigInt(c)));

/**
 * Splits `amount` over `weights` in proportion, in whole minor units that add up exactly: each
 * share rounded down, the remainder given one unit at a time to the largest fractions (the first
 * line on a tie). No share exceeds its weight when `amount` ≤ the weights' sum.
 */
export function allocate(amount: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (amount === 0 || sum === 0) return weights.map(() => 0);
  const parts = weights.map((w, i) => ({
    i,
    share: Number((BigInt(amount) * BigInt(w)) / BigInt(sum)),
    fraction: (BigInt(amount) * BigInt(w)) % BigInt(sum),
  }));
  let left = amount - parts.reduce((s, p) => s + p.share, 0);
  const byFraction = [...parts].sort((a, b) =>
    b.fraction > a.fraction ? 1 : b.fraction < a.fraction ? -1 : a.i - b.i,
  );
  for (const p of byFraction) {
    if (left === 0) break;
    p.share++;
    left--;
  }
  return parts.map((p) => p.share);
}

/**
 * Prices a sale. Discounts come off before tax; with prices entered tax-inclusive the tax is the
 * part of each line's amount it contains, otherwise it is added on top. Throws a RangeError
 * naming what does not fit (a discount larger than its line, or than the sale).
 */
export function priceSale(
  lines: readonly LineToPrice[],
  saleDiscount: number,
  rewardAmount: number,
  pricesIncludeTax: boolean,
): SalePrice {
  const steps = lines.map((l, i) => {
    const gross = l.quantity * l.unitPrice;
    if (l.discount > gross) throw new RangeError(`lines.${i}.discount`);
    return { line: l, gross, afterLine: gross - l.discount, saleShare: 0, rewardShare: 0 };
  });
  const left = steps.reduce((s, x) => s + x.afterLine, 0);
  if (saleDiscount > left) throw new RangeError('discount');
  if (rewardAmount > left - saleDiscount) throw new RangeError('redeem');
  allocate(
    saleDiscount,
    steps.map((x) => x.afterLine),
  ).forEach((share, i) => ((steps[i] ?? { saleShare: 0 }).saleShare = share));
  allocate(
    rewardAmount,
    steps.map((x) => x.afterLine - x.saleShare),
  ).forEach((share, i) => ((steps[i] ?? { rewardShare: 0 }).rewardShare = share));
  const priced = steps.map(({ line: l, afterLine, saleShare, rewardShare }): PricedSaleLine => {
    const net = afterLine - saleShare - rewardShare;
    const tax = pricesIncludeTax
      ? mulDivRound(net, l.taxRateBp, FULL + l.taxRateBp)
      : mulDivRound(net, l.taxRateBp, FULL);
    return {
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      discount: l.discount + saleShare + rewardShare,
      taxRateBp: l.taxRateBp,
      tax,
      lineTotal: pricesIncludeTax ? net : net + tax,
    };
  });
  return {
    lines: priced,
    discount: lines.reduce((s, l) => s + l.discount, 0) + saleDiscount,
    rewardAmount,
    tax: priced.reduce((s, l) => s + l.tax, 0),
    total: priced.reduce((s, l) => s + l.lineTotal, 0),
    gross: steps.reduce((s, x) => s + x.gross, 0),
  };
}

/**
 * The largest amount before discounts a sale may come to, in minor units (as an order's limit in
 * core/orders/place.ts): with tax added on top (a rate of at most 100%) the total stays a safe
 * integer, which every amount an event carries must be.
 */
export const MAX_SALE_AMOUNT = 1e14;

/**
 * The discount and the amount before it as a role's limit judges them: a unit price entered
 * below the catalog's counts as a line discount of the difference, so typing a lower price
 * gives no more than a discount would. A price above the catalog's is the clerk's to set.
 */
export function discountForLimit(
  lines: readonly { quantity: number; unitPrice: number; catalogPrice: number }[],
  price: Pick<SalePrice, 'discount' | 'gross'>,
): { discount: number; gross: number; belowCatalog: number } {
  const belowCatalog = lines.reduce(
    (s, l) => s + Math.max(0, l.catalogPrice - l.unitPrice) * l.quantity,
    0,
  );
  return {
    discount: price.discount + belowCatalog,
    gross: price.gross + belowCatalog,
    belowCatalog,
  };
}

/**
 * Whether a discount is beyond a limit in basis points of the amount before discounts. In
 * integers: at up to MAX_SALE_AMOUNT × 10000 the products are past what a float holds exactly.
 */
export const overLimit = (d: { discount: number; gross: number }, limitBp: number): boolean =>
  BigInt(d.discount) * BigInt(FULL) > BigInt(limitBp) * BigInt(d.gross);

/**
 * Refuses a cart whose amount before discounts (at the higher of the typed and the catalog
 * price, as the discount limit counts it) is past MAX_SALE_AMOUNT, before any figure is worked
 * out: beyond it the totals stop being exact integers and the sale's event could not be kept.
 */
export function refuseTooLarge(
  lines: readonly { quantity: number; unitPrice: number; catalogPrice: number }[],
  currency: (minor: number) => string,
) {
  let sum = 0;
  lines.forEach((l, i) => {
    const amount = l.quantity * Math.max(l.unitPrice, l.catalogPrice);
    sum += amount;
    if (sum > MAX_SALE_AMOUNT)
      throw validationError([
        {
          field: 'lines',
          rule: 'max',
          limit: MAX_SALE_AMOUNT,
          message:
            amount > MAX_SALE_AMOUNT
              ? `line ${i + 1} alone comes to more than ${currency(MAX_SALE_AMOUNT)}, more than one sale can hold; check its quantity and price, or split it over several sales`
              : `the sale comes to more than ${currency(MAX_SALE_AMOUNT)} by line ${i + 1}, more than one sale can hold; split it over several sales`,
        },
      ]);
  });
}

/** A line's total from what an event carries (old events: no discount, no tax). */
export const lineTotalOf = (
  l: { quantity: number; unitPrice: number; discount?: number; tax?: number },
  pricesIncludeTax: boolean,
): number => l.quantity * l.unitPrice - (l.discount ?? 0) + (pricesIncludeTax ? 0 : (l.tax ?? 0));

/**
 * The part of a figure that `returned` of `sold` units carry, counted cumulatively so that
 * several partial returns add up exactly to the whole: what units (before, before+now] carry.
 */
export const returnedShare = (figure: number, sold: number, before: number, now: number): number =>
  mulDivRound(figure, before + now, sold) - mulDivRound(figure, before, sold);
