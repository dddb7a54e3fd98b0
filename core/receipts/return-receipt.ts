// A return's receipt: what the customer takes home when goods come back (the lines returned,
// what each gives back, the refunds by method, the points taken and given back), laid out like
// a sale's so the printer, the PDF and a reprint print it the same way.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError } from '../errors';
import { companyCurrency, companyLocale } from '../locale/money';
import { paymentMethods } from '../vocabulary';
import {
  receiptCustomer,
  saleLinesOf,
  taxesByRate,
  taxIncludedIn,
  type Receipt,
  type ReceiptLine,
} from './receipt';

const returnRow = z.object({
  id: z.string(),
  number: z.string(),
  saleId: z.string(),
  saleNumber: z.string(),
  amount: z.number().int(),
  pointsTakenBack: z.number().int(),
  pointsGivenBack: z.number().int(),
  reason: z.string().nullable(),
  returnedAt: z.number().int(),
  userId: z.string(),
  clerk: z.string().nullable(),
  shopName: z.string(),
  shopCode: z.string(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  customerTier: z.string().nullable(),
});

const returnedLine = z.object({
  lineNo: z.number().int(),
  quantity: z.number().int(),
  amount: z.number().int(),
  tax: z.number().int(),
});

const refundRow = z.object({
  method: z.enum(paymentMethods),
  amount: z.number().int(),
  reference: z.string().nullable(),
});

/** The receipt of a return as the tables hold it; refused (NOT_FOUND) for one this PC lacks. */
export function receiptOfReturn(db: Db, returnId: string, now = Date.now()): Receipt {
  const ret = parseRow(
    returnRow,
    db.sqlite
      .prepare(
        `SELECT r.id, r.number, r.sale_id AS saleId, s.number AS saleNumber, r.amount,
           r.points_taken_back AS pointsTakenBack, r.points_given_back AS pointsGivenBack,
           r.reason, r.returned_at AS returnedAt, r.user_id AS userId, u.display_name AS clerk,
           b.name AS shopName, b.code AS shopCode,
           s.customer_id AS customerId, c.name AS customerName, c.tier AS customerTier
         FROM sale_returns r
         JOIN sales s ON s.id = r.sale_id
         JOIN branches b ON b.id = r.branch_id
         LEFT JOIN users u ON u.id = r.user_id
         LEFT JOIN customers c ON c.id = s.customer_id
         WHERE r.id = ?`,
      )
      .get(returnId),
  );
  if (!ret)
    throw new DomainError('NOT_FOUND', `There is no return ${returnId} on this computer.`, {
      field: 'returnId',
      returnId,
    });
  const sold = saleLinesOf(db, ret.saleId);
  const soldByNo = new Map(sold.map((l) => [l.lineNo, l]));
  const included = taxIncludedIn(sold);
  const lines = parseRows(
    returnedLine,
    db.sqlite
      .prepare(
        `SELECT line_no AS lineNo, quantity, amount, tax FROM sale_return_lines
         WHERE return_id = ? ORDER BY line_no`,
      )
      .all(returnId),
  ).map((r): ReceiptLine => {
    const line = soldByNo.get(r.lineNo);
    const unitPrice = line?.unitPrice ?? 0;
    const before = r.quantity * unitPrice + (included ? 0 : r.tax);
    return {
      name: line?.name ?? `#${r.lineNo}`,
      sku: line?.sku ?? '',
      quantity: r.quantity,
      unitPrice,
      // The returned units' share of the line's discounts: what their price gives back less.
      discount: Math.max(0, before - r.amount),
      taxRateBp: line?.taxRateBp ?? 0,
      tax: r.tax,
      lineTotal: r.amount,
    };
  });
  const refunds = parseRows(
    refundRow,
    db.sqlite
      .prepare(
        'SELECT method, amount, reference FROM sale_refunds WHERE return_id = ? ORDER BY pay_no',
      )
      .all(returnId),
  );
  return {
    kind: 'return',
    shopName: ret.shopName,
    shopCode: ret.shopCode,
    saleId: ret.saleId,
    number: ret.number,
    saleNumber: ret.saleNumber,
    soldAt: ret.returnedAt,
    clerk: ret.clerk ?? ret.userId,
    lines,
    discount: lines.reduce((s, l) => s + l.discount, 0),
    reward: 0,
    taxes: taxesByRate(lines),
    taxIncluded: included,
    total: ret.amount,
    payments: refunds.map((r) => ({ ...r, tendered: null })),
    change: 0,
    customer:
      ret.customerId === null || ret.customerName === null
        ? null
        : receiptCustomer(
            db,
            { id: ret.customerId, name: ret.customerName, tier: ret.customerTier },
            { in: ret.pointsGivenBack, out: ret.pointsTakenBack },
            now,
          ),
    reason: ret.reason,
    currency: companyCurrency(db),
    locale: companyLocale(db),
  };
}
