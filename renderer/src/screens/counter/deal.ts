// What the counter adds to a sale's lines before it is paid: the customer, a discount on the whole
// sale and points redeemed, with the arithmetic the clerk sees before recording. The core prices
// the sale again when it is recorded (core/sales/pricing.ts); this preview follows the same steps
// for prices that include tax, where what is shown is what is charged.
import { useContext, useEffect, useState } from 'react';
import type { Client, InputOf, OutputOf } from '../../client';
import { DraftsContext, type DraftLine, type Drafts } from '../../components/LinesTable';
import { count, parseCount, parseMoney } from '../../format';
import type { Translate } from '../../i18n';
import type { Taken } from '../CounterPayment';

export type FoundCustomer = OutputOf<'customers.find'>[number];
export type Program = NonNullable<OutputOf<'loyalty.program'>>;
export type Reward = Program['rewards'][number];

/** Points to redeem: an amount off at the point's value, or a reward's free product. */
export interface Redeem {
  points: number;
  reward: Reward | null;
}

export interface Deal {
  customer: FoundCustomer | null;
  /** A discount on the whole sale, in minor units. */
  discount: number;
  redeem: Redeem | null;
}

export const noDeal: Deal = { customer: null, discount: 0, redeem: null };

/** 10000 basis points: 100%. */
const FULL = 10_000;

/** a × b ÷ c rounded half up, in integers, as the core rounds. */
const mulDivRound = (a: number, b: number, c: number): number =>
  Number((2n * BigInt(a) * BigInt(b) + BigInt(c)) / (2n * BigInt(c)));

/** A line's quantity, or 0 while its box holds something that is not a count yet. */
const quantityOf = (l: DraftLine): number => {
  const q = parseCount(l.quantity);
  return Number.isInteger(q) && q > 0 ? q : 0;
};

export const lineGross = (l: DraftLine): number => quantityOf(l) * l.unitPrice;

/** What the reward or the points take off: a reward's product at its price, or points × value. */
export function redeemAmount(lines: DraftLine[], redeem: Redeem | null, program: Program | null) {
  if (!redeem || !program) return 0;
  if (redeem.reward) {
    const variantId = redeem.reward.variantId;
    return lines.find((l) => l.variantId === variantId)?.unitPrice ?? 0;
  }
  return redeem.points * program.pointValue;
}

export interface Preview {
  /** Before any discount or reward. */
  gross: number;
  /** Line discounts and the whole sale's. */
  discount: number;
  rewardAmount: number;
  /** Tax added on top, once the core has priced the cart (prices entered without tax). */
  tax?: number;
  total: number;
}

export function preview(lines: DraftLine[], deal: Deal, program: Program | null): Preview {
  const gross = lines.reduce((s, l) => s + lineGross(l), 0);
  const lineDiscounts = lines.reduce((s, l) => s + Math.min(l.discount ?? 0, lineGross(l)), 0);
  const discount = lineDiscounts + deal.discount;
  const rewardAmount = redeemAmount(lines, deal.redeem, program);
  return { gross, discount, rewardAmount, total: Math.max(0, gross - discount - rewardAmount) };
}

/** The share of a sale's gross its discount is, in basis points (what the role limits count). */
export const discountBp = (p: Preview): number =>
  p.gross === 0 ? 0 : Math.ceil((p.discount * FULL) / p.gross);

/**
 * A discount as typed: "10%" of `base`, or an amount ("45.50"). Empty is no discount. Null when
 * it is not one of those, or is more than `base`.
 */
export function parseDiscount(text: string, base: number): number | null {
  const typed = text.trim();
  if (typed === '') return 0;
  const percent = /^(\d{1,3}(?:[.,]\d{1,2})?)\s*%$/.exec(typed);
  let amount: number | null;
  if (percent?.[1]) {
    const bp = Math.round(Number(percent[1].replace(',', '.')) * 100);
    amount = bp > FULL ? null : mulDivRound(base, bp, FULL);
  } else amount = parseMoney(typed);
  return amount === null || amount < 0 || amount > base ? null : amount;
}

export const percentOf = (amount: number, base: number): string =>
  base === 0 ? '0' : ((amount * 100) / base).toFixed(amount * 100 === 0 ? 0 : 2);

/**
 * The sale as the core takes it: lines with their discounts, the customer, the sale's discount,
 * points redeemed, a supervisor's approval, and the payments. The last payment, if cash, is sent
 * as "the rest": the core resolves it against the total it prices.
 */
export function saleInput(
  lines: DraftLine[],
  deal: Deal,
  payments: Taken[],
  approvalId?: string,
): InputOf<'sales.record'> {
  const last = payments.length - 1;
  const { customer, redeem } = deal;
  return {
    ...(customer && { customerId: customer.id }),
    lines: lines.map((l) => ({
      variantId: l.variantId,
      quantity: parseCount(l.quantity),
      ...(l.discount && { discount: l.discount }),
    })),
    ...(deal.discount > 0 && { discount: deal.discount }),
    ...(customer &&
      redeem && {
        redeem: { points: redeem.points, ...(redeem.reward && { rewardId: redeem.reward.id }) },
      }),
    ...(approvalId && { approvalId }),
    payments: payments.map((p, i) => ({
      method: p.method,
      ...((i !== last || p.method !== 'cash') && { amount: p.amount }),
      ...(p.tendered !== null && { tendered: p.tendered }),
      ...(p.reference !== null && { reference: p.reference }),
    })),
  };
}

/** The cart as `sales.quote` prices it: the sale as recorded, before its payments. */
export function cartInput(lines: DraftLine[], deal: Deal): InputOf<'sales.quote'> {
  const { payments: _payments, approvalId: _approval, ...cart } = saleInput(lines, deal, []);
  return cart;
}

/** After a sale with a customer, in words (`counter` namespace): points earned and held now. */
export async function pointsAfterSale(
  client: Client,
  t: Translate,
  customer: FoundCustomer,
  points: { earned: number; redeemed: number },
): Promise<string> {
  const said = {
    name: customer.name,
    earned: count(points.earned),
    redeemed: count(points.redeemed),
  };
  try {
    const now = await client.call('loyalty.points', { customerId: customer.id });
    return t('points.after', {
      ...said,
      balance: count(now.balance),
      available: count(now.available),
    });
  } catch {
    return t('points.earned', said);
  }
}

// The deal lives beside the cart's lines for the person signed in, so looking at the stock screen
// and coming back finds the customer and the discounts where they were.
const deals = new WeakMap<Drafts, Deal>();

export function useDraftDeal() {
  const drafts = useContext(DraftsContext);
  const [deal, setDeal] = useState<Deal>(() => deals.get(drafts) ?? noDeal);
  useEffect(() => {
    deals.set(drafts, deal);
  }, [drafts, deal]);
  return [deal, setDeal] as const;
}
