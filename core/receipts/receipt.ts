// A receipt: what the counter prints or shows for one sale, read once from the tables so the
// printer, the PDF and a reprint from the sales list all print the same thing.
import { z } from 'zod';
import { variantNameSql } from '../catalog/lookup';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError } from '../errors';
import { companyCurrency, companyLocale, type Currency } from '../locale/money';
import { salePaymentsOf } from '../sales/commands';
import { changeOf } from '../sales/payments';

export interface ReceiptLine {
  name: string;
  sku: string;
  quantity: number;
  /** Minor units, as everywhere. */
  unitPrice: number;
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

export interface ReceiptCustomer {
  name: string;
  /** The customer's points after this sale, when the shop keeps points. */
  points: number | null;
  tier: string | null;
}

export interface Receipt {
  shopName: string;
  shopCode: string;
  saleId: string;
  /** The sale's number (SH01-S1-42): printed and encoded in the barcode. */
  number: string;
  soldAt: number;
  clerk: string;
  lines: ReceiptLine[];
  total: number;
  /** Empty when the sale recorded none: the receipt then prints no payment block. */
  payments: ReceiptPayment[];
  change: number;
  customer: ReceiptCustomer | null;
  currency: Currency;
  /** The company's locale (en-GB, am-ET): how dates and amounts are written. */
  locale: string;
}

const saleRow = z.object({
  id: z.string(),
  number: z.string(),
  total: z.number().int(),
  soldAt: z.number().int(),
  userId: z.string(),
  clerk: z.string().nullable(),
  shopName: z.string(),
  shopCode: z.string(),
  customerName: z.string().nullable(),
});

const lineRow = z.object({
  name: z.string(),
  sku: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
  lineTotal: z.number().int(),
});

/** The receipt of a sale as the tables hold it: its lines, payments (with the change) and customer. */
export function receiptOf(db: Db, saleId: string): Receipt {
  const sale = parseRow(
    saleRow,
    db.sqlite
      .prepare(
        `SELECT s.id, s.number, s.total, s.sold_at AS soldAt, s.user_id AS userId,
           u.display_name AS clerk, b.name AS shopName, b.code AS shopCode, c.name AS customerName
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
  const lines = parseRows(
    lineRow,
    db.sqlite
      .prepare(
        `SELECT ${variantNameSql} AS name, v.sku, l.quantity, l.unit_price AS unitPrice,
           l.line_total AS lineTotal
         FROM sale_lines l
         JOIN variants v ON v.id = l.variant_id
         JOIN products p ON p.id = v.product_id
         WHERE l.sale_id = ?
         ORDER BY l.line_no`,
      )
      .all(saleId),
  );
  // A sale an older app recorded has no payments: the receipt then prints no payment block.
  const payments = salePaymentsOf(db, [saleId]).get(saleId) ?? [];
  return {
    shopName: sale.shopName,
    shopCode: sale.shopCode,
    saleId: sale.id,
    number: sale.number,
    soldAt: sale.soldAt,
    // A clerk this PC has not heard of yet (created at head office, not synced) still prints.
    clerk: sale.clerk ?? sale.userId,
    lines,
    total: sale.total,
    payments,
    change: changeOf(payments),
    customer:
      sale.customerName === null ? null : { name: sale.customerName, points: null, tier: null },
    currency: companyCurrency(db),
    locale: companyLocale(db),
  };
}
