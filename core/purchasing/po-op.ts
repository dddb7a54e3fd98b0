// An approved purchase order as a PDF to send to the supplier (purchases.pdf), sent as base64 like
// the other documents; laid out by ./po-pdf.ts.
import { z } from 'zod';
import { query } from '../contract/define';
import { id } from '../contract/fields';
import { assertBranchAccess } from '../contract/scope';
import { getMeta } from '../db/meta';
import type { Db } from '../db/open';
import { parseRows } from '../db/rows';
import { DomainError } from '../errors';
import { companyCurrency, companyLocale } from '../locale/money';
import { minorUnitsOf } from './money';
import { purchaseLinesOf, purchaseOrderOf } from './orders';
import { renderPurchaseOrderPdf } from './po-pdf';
import { supplierOf } from './suppliers';

const DAY_MS = 86_400_000;

/** The approved order's PDF, named for its number. */
export async function purchaseOrderFile(db: Db, orderId: string) {
  const order = purchaseOrderOf(db, orderId);
  if (order.number === null || order.approvedAt === null)
    throw new DomainError(
      'INVALID_STATE',
      'Only an approved purchase order has a PDF to send: approve it first.',
    );
  const supplier = supplierOf(db, order.supplierId);
  if (!supplier) throw new DomainError('NOT_FOUND', 'The order’s supplier is not known here.');
  const approvers = parseRows(
    z.object({ name: z.string() }),
    db.sqlite
      .prepare(`SELECT display_name AS name FROM users WHERE id IN (?, ?) ORDER BY display_name`)
      .all(order.approvedBy, order.secondApprovedBy),
  ).map((u) => u.name);
  const lines = purchaseLinesOf(db, order.id);
  const pdf = await renderPurchaseOrderPdf({
    number: order.number,
    approvedAt: order.approvedAt,
    approvedBy: approvers,
    company: {
      name: getMeta(db, 'company.name') ?? 'Factory-Shop',
      currency: companyCurrency(db),
      locale: companyLocale(db),
    },
    supplier: {
      name: supplier.name,
      taxId: supplier.taxId,
      phone: supplier.phone,
      email: supplier.email,
      currency: {
        code: supplier.currencyCode,
        symbol: supplier.currencyCode,
        minorUnits: minorUnitsOf(supplier.currencyCode),
      },
      paymentTerms: supplier.paymentTerms,
      leadTimeDays: supplier.leadTimeDays,
    },
    branch: { name: order.branchName, code: order.branchCode },
    expectedBy: order.approvedAt + supplier.leadTimeDays * DAY_MS,
    rate: order.rate,
    lines: lines.map((l) => ({
      supplierCode: l.supplierCode,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      packSize: l.packSize ?? 1,
      price: l.price,
      lineTotal: l.lineTotal,
    })),
    total: order.total,
    note: order.note,
  });
  return {
    fileName: `purchase-order-${order.number}.pdf`,
    mime: 'application/pdf' as const,
    pdf,
  };
}

export const purchaseOrderPdf = query({
  access: 'purchasing.read',
  input: z.object({ id }),
  handler: async (ctx, input) => {
    assertBranchAccess(ctx, purchaseOrderOf(ctx.db, input.id).branchId, 'see purchase orders');
    const { pdf, ...file } = await purchaseOrderFile(ctx.db, input.id);
    return { ...file, contentBase64: pdf.toString('base64') };
  },
});
