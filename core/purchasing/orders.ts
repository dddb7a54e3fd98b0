// Purchase orders through their life (decision 0032): drafted by the nightly run or by hand,
// revised, approved (above the company's limit by a second person as well), received at the
// branch line by line within the tolerance, or closed short with a reason.
import { z } from 'zod';
import { documentNumber } from '../branches/numbers';
import { command, query } from '../contract/define';
import { requireBranchOfKind } from '../catalog/lookup';
import { countedQuantity, id, money, optionalText, quantity, text } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { MAX_MINOR } from '../events/numbers';
import { newId } from '../ids';
import { companyCurrency } from '../locale/money';
import { purchaseStatuses } from '../vocabulary';
import { allowedReceipt, type PurchaseLine } from './events';
import { minorUnitsOf, parseRate, toCompanyMinor } from './money';
import { exchangeRateOf, itemFor, purchasingSettingsOf, supplierOf } from './suppliers';

const orderRow = z.object({
  id: z.string(),
  number: z.string().nullable(),
  supplierId: z.string(),
  supplierName: z.string(),
  branchId: z.string(),
  branchCode: z.string(),
  branchName: z.string(),
  status: z.enum(purchaseStatuses),
  currencyCode: z.string(),
  rate: z.string().nullable(),
  total: z.number().int(),
  totalCompany: z.number().int(),
  source: z.enum(['nightly', 'manual']),
  note: z.string().nullable(),
  createdAt: z.number().int(),
  editedBy: z.string(),
  approvedBy: z.string().nullable(),
  approvedAt: z.number().int().nullable(),
  secondApprovedBy: z.string().nullable(),
  closedReason: z.string().nullable(),
  updatedAt: z.number().int(),
  lineCount: z.number().int(),
});
export type PurchaseOrder = z.infer<typeof orderRow>;

const ORDER_COLUMNS = `o.id, o.number, o.supplier_id AS supplierId, s.name AS supplierName, o.branch_id AS branchId,
  b.code AS branchCode, b.name AS branchName, o.status, o.currency_code AS currencyCode, o.rate, o.total,
  o.total_company AS totalCompany, o.source, o.note, o.created_at AS createdAt, o.edited_by AS editedBy,
  o.approved_by AS approvedBy, o.approved_at AS approvedAt, o.second_approved_by AS secondApprovedBy,
  o.closed_reason AS closedReason, o.updated_at AS updatedAt,
  (SELECT count(*) FROM purchase_order_lines l WHERE l.order_id = o.id) AS lineCount
  FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id JOIN branches b ON b.id = o.branch_id`;

export function purchaseOrderOf(db: Db, orderId: string): PurchaseOrder {
  const row = parseRow(
    orderRow,
    db.sqlite.prepare(`SELECT ${ORDER_COLUMNS} WHERE o.id = ?`).get(orderId),
  );
  if (!row) throw new DomainError('NOT_FOUND', 'That purchase order is not known here.');
  return row;
}

const lineRow = z.object({
  lineNo: z.number().int(),
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  supplierItemId: z.string().nullable(),
  supplierCode: z.string().nullable(),
  quantity: z.number().int(),
  price: z.number().int(),
  lineTotal: z.number().int(),
  received: z.number().int(),
  ruleId: z.string().nullable(),
  why: z.string().nullable(),
  packSize: z.number().int().nullable(),
});

export const purchaseLinesOf = (db: Db, orderId: string) =>
  parseRows(
    lineRow,
    db.sqlite
      .prepare(
        `SELECT l.line_no AS lineNo, l.variant_id AS variantId, v.sku, p.name, l.supplier_item_id AS supplierItemId,
           l.supplier_code AS supplierCode, l.quantity, l.price, l.line_total AS lineTotal, l.received,
           l.rule_id AS ruleId, l.why, i.pack_size AS packSize
         FROM purchase_order_lines l JOIN variants v ON v.id = l.variant_id JOIN products p ON p.id = v.product_id
         LEFT JOIN supplier_items i ON i.id = l.supplier_item_id
         WHERE l.order_id = ? ORDER BY l.line_no`,
      )
      .all(orderId),
  ).map(({ why, ...l }) => ({ ...l, why: why ? (JSON.parse(why) as unknown) : null }));

const timelineRow = z.object({
  step: z.string(),
  statusAfter: z.string(),
  at: z.number().int(),
  by: z.string().nullable(),
  note: z.string().nullable(),
});

/** What each receipt brought to a line: good units, refused ones and why. */
const receiptRow = z.object({
  at: z.number().int(),
  by: z.string().nullable(),
  lineNo: z.number().int(),
  quantity: z.number().int(),
  rejected: z.number().int(),
  note: z.string().nullable(),
});

export const listPurchaseOrders = query({
  access: 'purchasing.read',
  input: z.object({
    status: z.enum(purchaseStatuses).optional(),
    branchId: id.optional(),
    supplierId: id.optional(),
    limit: z.number().int().min(1).max(500).optional(),
  }),
  handler: (ctx, input) => {
    const actor = requireActor(ctx);
    // A clerk sees the orders their branch receives; head office's people see every branch's.
    const branchId =
      actor.role === 'admin' || actor.role === 'finance'
        ? (input.branchId ?? null)
        : actor.branchId;
    return parseRows(
      orderRow,
      ctx.db.sqlite
        .prepare(
          `SELECT ${ORDER_COLUMNS} WHERE (@status IS NULL OR o.status = @status)
             AND (@branchId IS NULL OR o.branch_id = @branchId) AND (@supplierId IS NULL OR o.supplier_id = @supplierId)
           ORDER BY o.created_at DESC, o.id LIMIT @limit`,
        )
        .all({
          status: input.status ?? null,
          branchId,
          supplierId: input.supplierId ?? null,
          limit: input.limit ?? 100,
        }),
    );
  },
});

/** A purchase order with its lines and its steps (who, when, what was said). */
export function purchaseDetail(db: Db, orderId: string) {
  const order = purchaseOrderOf(db, orderId);
  const timeline = parseRows(
    timelineRow,
    db.sqlite
      .prepare(
        `SELECT t.step, t.status_after AS statusAfter, t.at, u.display_name AS by, t.note
         FROM purchase_timeline t LEFT JOIN users u ON u.id = t.user_id WHERE t.order_id = ? ORDER BY t.id`,
      )
      .all(orderId),
  );
  const receipts = parseRows(
    receiptRow,
    db.sqlite
      .prepare(
        `SELECT r.received_at AS at, u.display_name AS by, r.line_no AS lineNo, r.quantity, r.rejected, r.note
         FROM purchase_receipt_lines r LEFT JOIN users u ON u.id = r.user_id
         WHERE r.order_id = ? ORDER BY r.received_at, r.id`,
      )
      .all(orderId),
  );
  return { ...order, lines: purchaseLinesOf(db, orderId), timeline, receipts };
}
export type PurchaseDetail = ReturnType<typeof purchaseDetail>;

export const getPurchaseOrder = query({
  access: 'purchasing.read',
  input: z.object({ id }),
  handler: (ctx, input) => {
    const detail = purchaseDetail(ctx.db, input.id);
    assertBranchAccess(ctx, detail.branchId, 'see purchase orders');
    return detail;
  },
});

const lineInput = z.object({
  variantId: id,
  quantity,
  /** Per unit, supplier's currency; none: the supplier item's price. */
  price: money.optional(),
});

const rateInput = z
  .string()
  .trim()
  .refine((r) => parseRate(r) !== null, 'must be a positive decimal number like 56.25')
  .optional();

/** Lines priced from the supplier's list (or as given), and the order's total in company money. */
export function priceLines(
  db: Db,
  supplierId: string,
  rate: string | null | undefined,
  lines: readonly { variantId: string; quantity: number; price?: number | undefined }[],
  field = 'lines',
): { lines: PurchaseLine[]; currencyCode: string; rate: string | null; totalCompany: number } {
  const supplier = supplierOf(db, supplierId);
  if (!supplier)
    throw validationError([{ field: 'supplierId', message: 'is not a known supplier' }]);
  const company = companyCurrency(db);
  const sameCurrency = supplier.currencyCode === company.code;
  // None entered: head office's rate for the currency, if it keeps one.
  rate ||= sameCurrency ? null : exchangeRateOf(db, supplier.currencyCode);
  if (!sameCurrency && !rate)
    throw new DomainError(
      'RATE_REQUIRED',
      `rate: is required: ${supplier.name} sells in ${supplier.currencyCode}; enter how many ${company.code} one ${supplier.currencyCode} is worth.`,
      { field: 'rate' },
    );
  const usedRate = sameCurrency ? null : (rate ?? null);
  // One item is one line: a revision matches lines by variant (keeping the nightly run's
  // reasons), and an item on two lines would be owed and received in two unrelated halves.
  const listed = new Set<string>();
  lines.forEach((l, i) => {
    if (listed.has(l.variantId))
      throw validationError([
        {
          field: `${field}.${i}.variantId`,
          message: 'is already on another line of this order; add the quantities up into one line',
        },
      ]);
    listed.add(l.variantId);
  });
  const priced = lines.map((l, i): PurchaseLine => {
    const item = itemFor(db, supplierId, l.variantId);
    if (!db.sqlite.prepare('SELECT 1 FROM variants WHERE id = ?').get(l.variantId))
      throw validationError([
        { field: `${field}.${i}.variantId`, message: 'is not a known product variant' },
      ]);
    const price = l.price ?? item?.price;
    if (price === undefined)
      throw new DomainError(
        'SUPPLIER_ITEM_UNPRICED',
        `${field}.${i}.price: is required: ${supplier.name} has no price for this item; enter one.`,
        { field: `${field}.${i}.price` },
      );
    return {
      variantId: l.variantId,
      supplierItemId: item?.id ?? null,
      supplierCode: item?.supplierCode ?? null,
      quantity: l.quantity,
      price,
    };
  });
  const total = priced.reduce((sum, l) => sum + l.quantity * l.price, 0);
  const totalCompany = Number.isSafeInteger(total)
    ? toCompanyMinor(total, usedRate, minorUnitsOf(supplier.currencyCode), company.minorUnits)
    : NaN;
  // The order's event holds no larger total (core/events/numbers.ts), in either currency.
  if (!(total <= MAX_MINOR && totalCompany <= MAX_MINOR))
    throw validationError([{ field, message: 'add up to more than can be recorded' }]);
  return { lines: priced, currencyCode: supplier.currencyCode, rate: usedRate, totalCompany };
}

export const draftPurchaseOrder = command({
  access: 'purchasing.manage',
  input: z.object({
    supplierId: id,
    branchId: id,
    rate: rateInput,
    note: optionalText(500),
    lines: z.array(lineInput).min(1, 'must have at least one line').max(500),
  }),
  handler: (ctx, input) => {
    // Receiving puts the goods on the branch's shelf, and head office keeps no stock.
    requireBranchOfKind(ctx, input.branchId, ['factory', 'shop']);
    const priced = priceLines(ctx.db, input.supplierId, input.rate, input.lines);
    const orderId = newId(ctx.now());
    emit(ctx, 'purchase.drafted', orderId, {
      orderId,
      branchId: input.branchId,
      source: 'manual',
      runId: null,
      supplierId: input.supplierId,
      note: input.note || null,
      ...priced,
    });
    return { id: orderId };
  },
});

export const revisePurchaseOrder = command({
  access: 'purchasing.manage',
  input: z.object({
    id,
    supplierId: id.optional(),
    rate: rateInput,
    note: optionalText(500),
    lines: z.array(lineInput).min(1, 'must have at least one line').max(500),
  }),
  handler: (ctx, input) => {
    const order = purchaseOrderOf(ctx.db, input.id);
    if (order.status !== 'draft' && order.status !== 'awaiting_second')
      throw new DomainError(
        'INVALID_STATE',
        `Purchase order ${order.number ?? ''} is ${order.status.replace('_', ' ')}: only a draft can be changed.`,
      );
    const before = new Map(purchaseLinesOf(ctx.db, input.id).map((l) => [l.variantId, l]));
    const supplierId = input.supplierId ?? order.supplierId;
    const priced = priceLines(ctx.db, supplierId, input.rate ?? order.rate, input.lines);
    // A line the nightly run suggested keeps its rule and its reasons.
    const lines = priced.lines.map((l) => {
      const was = before.get(l.variantId);
      return { ...l, ruleId: was?.ruleId ?? null, why: was?.why ? JSON.stringify(was.why) : null };
    });
    emit(ctx, 'purchase.revised', input.id, {
      orderId: input.id,
      supplierId,
      note: input.note === undefined ? order.note : input.note || null,
      ...priced,
      lines,
    });
    return { id: input.id };
  },
});

export const approvePurchaseOrder = command({
  access: 'purchasing.approve',
  input: z.object({ id }),
  handler: (ctx, input) => {
    const actor = requireActor(ctx);
    const order = purchaseOrderOf(ctx.db, input.id);
    if (order.status !== 'draft' && order.status !== 'awaiting_second')
      throw new DomainError(
        'INVALID_STATE',
        `Purchase order ${order.number ?? ''} is ${order.status.replace('_', ' ')}: there is nothing to approve.`,
      );
    const second = order.status === 'awaiting_second';
    if (second && (order.approvedBy === actor.userId || order.editedBy === actor.userId))
      throw new DomainError(
        'OWN_APPROVAL',
        'You edited or first approved this order; above the approval limit another person with the approval permission must give the second approval.',
      );
    const company = companyCurrency(ctx.db);
    if (order.currencyCode !== company.code && order.rate === null)
      throw new DomainError(
        'RATE_REQUIRED',
        `rate: is required before approval: ${order.supplierName} sells in ${order.currencyCode}; enter how many ${company.code} one ${order.currencyCode} is worth.`,
        { field: 'rate' },
      );
    const { approvalLimit } = purchasingSettingsOf(ctx.db);
    const final = second || approvalLimit === null || order.totalCompany <= approvalLimit;
    const branch = { id: order.branchId, code: order.branchCode };
    const number = final ? documentNumber(ctx, branch, 'purchase') : null;
    emit(ctx, 'purchase.approved', input.id, { orderId: input.id, number, final });
    return { id: input.id, number, awaitingSecond: !final };
  },
});

export const closePurchaseOrder = command({
  access: 'purchasing.manage',
  input: z.object({ id, reason: text(300) }),
  handler: (ctx, input) => {
    const order = purchaseOrderOf(ctx.db, input.id);
    if (order.status === 'received' || order.status === 'closed')
      throw new DomainError(
        'INVALID_STATE',
        `Purchase order ${order.number ?? ''} is already ${order.status}.`,
      );
    emit(ctx, 'purchase.closed', input.id, { orderId: input.id, reason: input.reason });
    return { id: input.id };
  },
});

export const receivePurchaseOrder = command({
  access: 'purchasing.receive',
  input: z.object({
    id,
    lines: z
      .array(
        z.object({
          lineNo: z.number().int().positive(),
          quantity: countedQuantity,
          rejected: countedQuantity.optional(),
          note: optionalText(300),
        }),
      )
      .min(1, 'must have at least one line')
      .max(500),
    note: optionalText(500),
  }),
  handler: (ctx, input) => {
    const order = purchaseOrderOf(ctx.db, input.id);
    assertBranchAccess(ctx, order.branchId, 'receive goods');
    if (order.status !== 'approved' && order.status !== 'partly_received')
      throw new DomainError(
        'INVALID_STATE',
        `Purchase order ${order.number ?? ''} is ${order.status.replace('_', ' ')}: only an approved order is received.`,
      );
    const lines = new Map(purchaseLinesOf(ctx.db, input.id).map((l) => [l.lineNo, l]));
    const { toleranceBp } = purchasingSettingsOf(ctx.db);
    const seen = new Set<number>();
    input.lines.forEach((r, i) => {
      const line = lines.get(r.lineNo);
      if (!line || seen.has(r.lineNo))
        throw validationError([
          {
            field: `lines.${i}.lineNo`,
            message: line ? 'is given twice' : 'is not a line of this order',
          },
        ]);
      seen.add(r.lineNo);
      if ((r.rejected ?? 0) > 0 && !r.note)
        throw validationError([
          { field: `lines.${i}.note`, message: 'is required: say why goods were rejected' },
        ]);
      const allowed = Math.max(allowedReceipt(line.quantity, toleranceBp) - line.received, 0);
      // Rejected units came on the truck too, so good and refused together are what may still
      // come; the field named is the one that went beyond it.
      const rejected = r.rejected ?? 0;
      if (r.quantity + rejected > allowed) {
        const field = `lines.${i}.${r.quantity > allowed ? 'quantity' : 'rejected'}`;
        const brought = rejected
          ? `${r.quantity} received and ${rejected} rejected come to ${r.quantity + rejected}, which`
          : `${r.quantity}`;
        const next = rejected ? 'count again, and reject only units that came' : 'count again';
        throw new DomainError(
          'RECEIPT_EXCEEDS_ORDER',
          `${field}: ${brought} is more than the ${allowed} of ${line.sku} that may still be received (${line.quantity} ordered, ${line.received} received${toleranceBp ? `, ${toleranceBp / 100}% tolerance` : ''}); ${next}.`,
          { field, allowed },
        );
      }
    });
    if (input.lines.every((r) => r.quantity === 0 && (r.rejected ?? 0) === 0))
      throw validationError([{ field: 'lines', message: 'receive or reject at least one unit' }]);
    emit(ctx, 'purchase.received', input.id, {
      orderId: input.id,
      lines: input.lines.map((r) => ({
        lineNo: r.lineNo,
        quantity: r.quantity,
        rejected: r.rejected ?? 0,
        note: r.note || null,
      })),
      variantIds: [...new Set(input.lines.map((r) => lines.get(r.lineNo)?.variantId ?? ''))],
      note: input.note || null,
    });
    return { id: input.id };
  },
});

/** What is on order at a branch for a variant: open orders' lines not yet received. */
export function onOrder(db: Db, branchId: string, variantId: string): number {
  const row = parseRow(
    z.object({ n: z.number().int() }),
    db.sqlite
      .prepare(
        `SELECT coalesce(sum(max(l.quantity - l.received, 0)), 0) AS n FROM purchase_order_lines l
         JOIN purchase_orders o ON o.id = l.order_id
         WHERE o.branch_id = ? AND l.variant_id = ? AND o.status IN ('draft', 'awaiting_second', 'approved', 'partly_received')`,
      )
      .get(branchId, variantId),
  );
  return row?.n ?? 0;
}
