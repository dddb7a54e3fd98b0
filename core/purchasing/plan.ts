// What one reorder rule asks for tonight, and why (decision 0032). Pure: the nightly run gathers
// the figures, this decides. Projected stock = on hand + in transit + on order − reserved; the
// demand the forecast expects until the supplier's goods could arrive comes off it; below the
// rule's minimum, a line brings the stock at arrival up to the maximum, or to the minimum plus
// the days of cover's demand, rounded up to the supplier's pack and minimum order.

export interface RuleForPlan {
  id: string;
  branchId: string;
  variantId: string;
  min: number;
  max: number | null;
  daysOfCover: number | null;
}

export interface StockFigures {
  onHand: number;
  inTransit: number;
  /** Not yet received on open purchase orders (drafts too: a draft is a need being met). */
  onOrder: number;
  reserved: number;
}

export interface SupplierTerms {
  supplierId: string;
  supplierItemId: string;
  supplierCode: string | null;
  leadTimeDays: number;
  packSize: number;
  minOrderQty: number;
  price: number;
}

export interface StoredForecast {
  /** Expected quantity per day from the day it was fitted. */
  daily: readonly number[];
  method: string;
  shortHistory: boolean;
  fittedAt: number;
}

/** The reasons a line carries, as they were at that moment. */
export interface Why {
  onHand: number;
  inTransit: number;
  onOrder: number;
  reserved: number;
  projected: number;
  leadTimeDays: number;
  /** Whole units the forecast expects to go out before the goods could arrive. */
  demandOverLeadTime: number;
  /** Projected stock less that demand: what would be left when the goods arrive. */
  atArrival: number;
  rule: { min: number; max: number | null; daysOfCover: number | null };
  forecast: {
    method: string;
    shortHistory: boolean;
    fittedAt: number | null;
    /** The forecast's expected demand a day over the next four weeks. */
    perDay: number;
    /** Whole units the days of cover ask for after arrival. */
    overCover: number;
  };
  /** The stock the order brings it up to at arrival. */
  target: number;
  need: number;
  packSize: number;
  minOrderQty: number;
}

const DAY_MS = 86_400_000;

/**
 * The expected demand over `days` days starting `from` days after the forecast was fitted; days
 * beyond what was stored are taken at the stored days' average.
 */
export function demandOver(forecast: StoredForecast | null, from: number, days: number): number {
  if (!forecast || days <= 0) return 0;
  const { daily } = forecast;
  const mean = daily.length ? daily.reduce((s, d) => s + d, 0) / daily.length : 0;
  let sum = 0;
  for (let d = Math.max(from, 0); d < from + days; d++) sum += daily[d] ?? mean;
  return sum;
}

/** The line one rule asks for, or null when its stock will do. */
export function planLine(
  rule: RuleForPlan,
  stock: StockFigures,
  terms: SupplierTerms,
  forecast: StoredForecast | null,
  now: number,
): { quantity: number; why: Why } | null {
  const projected = stock.onHand + stock.inTransit + stock.onOrder - stock.reserved;
  const from = forecast ? Math.max(Math.floor((now - forecast.fittedAt) / DAY_MS), 0) : 0;
  // Goods come in whole units: the expected demand is counted as the nearest whole number, so a
  // fraction of a unit's forecast never orders a pack.
  const expected = demandOver(forecast, from, terms.leadTimeDays);
  const demandOverLeadTime = Math.round(expected);
  const atArrival = projected - demandOverLeadTime;
  if (atArrival >= rule.min) return null;
  const overCover =
    rule.daysOfCover === null
      ? 0
      : Math.round(demandOver(forecast, from + terms.leadTimeDays, rule.daysOfCover));
  const target = rule.max ?? rule.min + overCover;
  const need = Math.max(target - atArrival, 0);
  const pack = Math.max(terms.packSize, 1);
  const atLeast = Math.max(need, terms.minOrderQty, 1);
  const quantity = Math.ceil(atLeast / pack) * pack;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    quantity,
    why: {
      onHand: stock.onHand,
      inTransit: stock.inTransit,
      onOrder: stock.onOrder,
      reserved: stock.reserved,
      projected,
      leadTimeDays: terms.leadTimeDays,
      demandOverLeadTime,
      atArrival,
      rule: { min: rule.min, max: rule.max, daysOfCover: rule.daysOfCover },
      forecast: {
        method: forecast?.method ?? 'none',
        shortHistory: forecast?.shortHistory ?? true,
        fittedAt: forecast?.fittedAt ?? null,
        perDay: round(demandOver(forecast, from, 28) / 28),
        overCover,
      },
      target,
      need,
      packSize: pack,
      minOrderQty: terms.minOrderQty,
    },
  };
}
