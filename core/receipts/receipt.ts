// A receipt: what the counter prints or shows for one sale (or one return, ./return-receipt.ts),
// read once from the tables so the printer, the PDF and a reprint from the sales list all print
// the same thing.
import { z } from 'zod';
import { variantNameSql } from '../catalog/lookup';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError } from '../errors';
import { companyCurrency, companyLocale, type Currency } from '../locale/money';
import { pointsBalance } from '../loyalty/ledger';
import { programOf } from '../loyalty/program';
import { salePaymentsOf } from '../sales/commands';
import { changeOf } from '../sales/payments';

export interface ReceiptLine {
  name: string;
  sku: string;
  quantity: number;
  /** Minor units, as everywhere. */
  unitPrice: number;
  /** The line's own discount with its share of the whole sale's discount and of the reward. */
  discount: number;
  taxRateBp: number;
  tax: number;
  /** What the customer pays for the line (or gets back on a return), tax included. */
  lineTotal: number;
}

export interface ReceiptPayment {
  /** cash, card, mobile money...: the method's code as the sale recorded it. */
  method: string;
  amount: number;
  /** What the customer handed over (cash), when more than the amount. */
  tendered: number | null;
  /** A card slip or transfer reference. */
  reference: string | null;
}

/** The tax of one rate: the lines' taxes at that rate, summed. */
export interface ReceiptTax {
  rateBp: number;
  amount: number;
}

export interface ReceiptCustomer {
  name: string;
  /** The customer's tier (the program's lowest when head office has given none). */
  tier: string | null;
  /** The customer's points balance now, when the shop keeps points. */
  points: number | null;
  /** Points this receipt gave the customer: earned by the sale, or given back by a return. */
  pointsIn: number;
  /** Points it took: redeemed in the sale, or taken back by a return. */
  pointsOut: number;
}

export interface Receipt {
  kind: 'sale' | 'return';
  shopName: string;
  shopCode: string;
  /** The sale; on a return, the sale it returns from. */
  saleId: string;
  /** The sale's number (SH01-S1-42) or the return's: printed and encoded in the barcode. */
  number: string;
  /** The sale's number on a return's receipt; null on a sale's. */
  saleNumber: string | null;
  /** When the sale (or the return) was made. */
  soldAt: number;
  clerk: string;
  lines: ReceiptLine[];
  /** The whole discount: lines' and the sale's (on a return, the returned lines' shares). */
  discount: number;
  /** The amount a points reward took off. */
  reward: number;
  /** One per rate that has tax, lowest rate first. */
  taxes: ReceiptTax[];
  /** Whether the prices held the tax (true) or it was added on top of them. */
  taxIncluded: boolean;
  /** What the customer paid (or gets back on a return). */
  total: number;
  /** Empty when the sale recorded none: the receipt then prints no payment block. A return's refunds. */
  payments: ReceiptPayment[];
  change: number;
  customer: ReceiptCustomer | null;
  /** Why the goods came back, on a return's receipt. */
  reason: string | null;
  currency: Currency;
  /** The company's locale (en-GB, am-ET): how dates and amounts are written. */
  locale: string;
}

const saleRow = z.object({
  id: z.string(),
  number: z.string(),
  total: z.number().int(),
  discount: z.number().int(),
  reward: z.number().int(),
  pointsEarned: z.number().int(),
  pointsRedeemed: z.number().int(),
  soldAt: z.number().int(),
  userId: z.string(),
  clerk: z.string().nullable(),
  shopName: z.string(),
  shopCode: z.string(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  customerTier: z.string().nullable(),
});

const lineRow = z.object({
  lineNo: z.number().int(),
  name: z.string(),
  sku: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
  discount: z.number().int(),
  taxRateBp: z.number().int(),
  tax: z.number().int(),
  lineTotal: z.number().int(),
});

/** A sale's lines as the tables hold them, in their order, with the line's number. */
export const saleLinesOf = (db: Db, saleId: string) =>
  parseRows(
    lineRow,
    db.sqlite
      .prepare(
        `SELECT l.line_no AS lineNo, ${variantNameSql} AS name, v.sku, l.quantity,
           l.unit_price AS unitPrice, l.discount, l.tax_rate_bp AS taxRateBp, l.tax,
           l.line_total AS lineTotal
         FROM sale_lines l
         JOIN variants v ON v.id = l.variant_id
         JOIN products p ON p.id = v.product_id
         WHERE l.sale_id = ?
         ORDER BY l.line_no`,
      )
      .all(saleId),
  );

/** Whether a line's tax came on top of its price (its total is the price less discount plus tax). */
const taxAdded = (l: ReceiptLine): boolean =>
  l.tax > 0 && l.lineTotal === l.quantity * l.unitPrice - l.discount + l.tax;

/**
 * Whether the sale's prices held their tax, read from its figures (the company's setting may
 * have changed since): included unless a taxed line's total has its tax on top.
 */
export const taxIncludedIn = (lines: readonly ReceiptLine[]): boolean => !lines.some(taxAdded);

/** The lines' taxes summed per rate; rates with no tax are left out. */
export function taxesByRate(lines: readonly { taxRateBp: number; tax: number }[]): ReceiptTax[] {
  const byRate = new Map<number, number>();
  for (const l of lines)
    if (l.taxRateBp > 0) byRate.set(l.taxRateBp, (byRate.get(l.taxRateBp) ?? 0) + l.tax);
  return [...byRate]
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => a - b)
    .map(([rateBp, amount]) => ({ rateBp, amount }));
}

/**
 * The customer as a receipt names them: the tier head office last gave (the program's lowest
 * when none) and the points balance at `now`, when the shop keeps points.
 */
export function receiptCustomer(
  db: Db,
  customer: { id: string; name: string; tier: string | null },
  points: { in: number; out: number },
  now: number,
): ReceiptCustomer {
  const program = programOf(db);
  return {
    name: customer.name,
    tier: customer.tier ?? program?.tiers[0]?.name ?? null,
    points: program ? pointsBalance(db, customer.id, now).balance : null,
    pointsIn: points.in,
    pointsOut: points.out,
  };
}

/**
 * The receipt of a sale as the tables hold it: its lines with their discounts, the taxes per
 * rate, payments (with the change) and the customer with their points (the balance at `now`).
 */
export function receiptOf(db: Db, saleId: string, now = Date.now()): Receipt {
  const sale = parseRow(
    saleRow,
    db.sqlite
      .prepare(
        `SELECT s.id, s.number, s.total, s.discount, s.reward_amount AS reward,
           s.points_earned AS pointsEarned, s.points_redeemed AS pointsRedeemed,
           s.sold_at AS soldAt, s.user_id AS userId, u.display_name AS clerk,
           b.name AS shopName, b.code AS shopCode,
           s.customer_id AS customerId, c.name AS customerName, c.tier AS customerTier
         FROM sales s
         JOIN branches b ON b.id = s.branch_id
         LEFT JOIN users u ON u.id = s.user_id
         LEFT JOIN customers c ON c.id = s.customer_id
         WHERE s.id = ?`,
      )
      .get(saleId),
  );
  if (!sale)
    throw new DomainError('NOT_FOUND', `There is no sale ${saleId} on this computer.`, {
      saleId,
    });
  const lines = saleLinesOf(db, saleId).map(({ lineNo: _n, ...l }) => l);
  // A sale an older app recorded has no payments: the receipt then prints no payment block.
  const payments = salePaymentsOf(db, [saleId]).get(saleId) ?? [];
  return {
    kind: 'sale',
    shopName: sale.shopName,
    shopCode: sale.shopCode,
    saleId: sale.id,
    number: sale.number,
    saleNumber: null,
    soldAt: sale.soldAt,
    // A clerk this PC has not heard of yet (created at head office, not synced) still prints.
    clerk: sale.clerk ?? sale.userId,
    lines,
    discount: sale.discount,
    reward: sale.reward,
    taxes: taxesByRate(lines),
    taxIncluded: taxIncludedIn(lines),
    total: sale.total,
    payments,
    change: changeOf(payments),
    customer:
      sale.customerId === null || sale.customerName === null
        ? null
        : receiptCustomer(
            db,
            { id: sale.customerId, name: sale.customerName, tier: sale.customerTier },
            { in: sale.pointsEarned, out: sale.pointsRedeemed },
            now,
          ),
    reason: null,
    currency: companyCurrency(db),
    locale: companyLocale(db),
  };
}
