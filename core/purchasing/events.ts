// Purchasing as events (decision 0032). Suppliers, what they sell, reorder rules and the
// purchasing settings are master data from head office, merged per field. A purchase order is
// an ordered aggregate: drafted (by the nightly run or a person), revised, approved, received in
// part or whole at its branch (offline like everything else), or closed short. Every replica
// sees every purchase order, so the variants' costs, which follow what was received, agree
// everywhere.
import { z } from 'zod';
import * as num from '../events/numbers';
import type { Db } from '../db/open';
import { parseRow } from '../db/rows';
import { DomainError } from '../errors';
import {
  defineEvent,
  ledgerWrite,
  mergeStamp,
  rowWrite,
  type EventEnvelope,
} from '../events/define';
import { mergeRow } from '../events/lww';
import { parseHlc } from '../hlc';
import { companyCurrency } from '../locale/money';
import { move } from '../stock/ledger';
import { settleCosts } from './costs';
import { minorUnitsOf, toCompanyMinor } from './money';

const physicalMs = (hlc: string): number => parseHlc(hlc).wall;

const purchasingAuthority = {
  permission: 'purchasing.manage',
  from: [],
  acts: 'aggregate',
} as const;

export const supplierSaved = defineEvent({
  type: 'supplier.saved',
  merged: true,
  authority: purchasingAuthority,
  visibility: { everywhere: true },
  writes: [rowWrite('suppliers')],
  payload: z.object({
    id: z.string(),
    name: z.string().min(1),
    taxId: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    currencyCode: z.string().length(3),
    paymentTerms: z.string().nullable(),
    leadTimeDays: num.days,
    active: z.boolean(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'suppliers', id, mergeStamp(e), fields);
  },
});

const priceRow = z.object({ price: z.number().int() });

export const supplierItemSaved = defineEvent({
  type: 'supplier_item.saved',
  merged: true,
  authority: purchasingAuthority,
  visibility: { everywhere: true },
  writes: [
    rowWrite('supplier_items'),
    { table: 'supplier_item_prices', column: 'item_id', key: (e) => e.payload.id },
  ],
  payload: z.object({
    id: z.string(),
    supplierId: z.string(),
    variantId: z.string(),
    supplierCode: z.string().nullable(),
    price: num.minor,
    packSize: num.positiveUnits,
    minOrderQty: num.positiveUnits,
    active: z.boolean(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    const before = parseRow(
      priceRow,
      db.sqlite.prepare(`SELECT price FROM supplier_items WHERE id = ?`).get(id),
    );
    const { changed } = mergeRow(db, 'supplier_items', id, mergeStamp(e), fields);
    // History keeps changes of the price, not every save that repeated it.
    if (changed.includes('price') && before?.price !== fields.price)
      db.sqlite
        .prepare(
          `INSERT INTO supplier_item_prices (item_id, event_id, price, hlc, changed_at, user_id)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(id, e.id, fields.price, mergeStamp(e), physicalMs(mergeStamp(e)), e.userId);
  },
});

export const reorderRuleSaved = defineEvent({
  type: 'reorder_rule.saved',
  merged: true,
  authority: purchasingAuthority,
  visibility: { everywhere: true },
  writes: [rowWrite('reorder_rules')],
  payload: z.object({
    id: z.string(),
    branchId: z.string(),
    variantId: z.string(),
    min: num.units,
    max: num.units.nullable(),
    daysOfCover: num.days.min(1).nullable(),
    supplierId: z.string().nullable(),
    active: z.boolean(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'reorder_rules', id, mergeStamp(e), fields);
  },
});

export const exchangeRateSaved = defineEvent({
  type: 'exchange_rate.saved',
  merged: true,
  authority: purchasingAuthority,
  visibility: { everywhere: true },
  writes: [rowWrite('exchange_rates')],
  payload: z.object({
    /** The currency's ISO code. */
    id: z.string().length(3),
    /** Company currency units per unit of it, a decimal. */
    rate: z.string().min(1),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'exchange_rates', id, mergeStamp(e), fields);
  },
});

export const purchasingSettingsId = 'purchasing';

export const purchasingSettingsSaved = defineEvent({
  type: 'purchasing.settings_saved',
  merged: true,
  authority: { permission: 'company.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [rowWrite('purchasing_settings')],
  payload: z.object({
    id: z.literal(purchasingSettingsId),
    /** Null: one approval is enough whatever the total. */
    approvalLimit: num.minor.nullable().optional(),
    toleranceBp: num.basisPoints.optional(),
    runSchedule: z.string().optional(),
    refitSchedule: z.string().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'purchasing_settings', id, mergeStamp(e), fields);
  },
});

/** A line as a draft or revision carries it. */
export const purchaseLine = z.object({
  variantId: z.string(),
  supplierItemId: z.string().nullable(),
  supplierCode: z.string().nullable(),
  quantity: num.positiveUnits,
  price: num.minor,
  /** The nightly run's: the rule whose need it meets, and why (JSON of the figures). */
  ruleId: z.string().nullable().optional(),
  why: z.string().nullable().optional(),
});
export type PurchaseLine = z.infer<typeof purchaseLine>;

const orderParts = {
  supplierId: z.string(),
  currencyCode: z.string().length(3),
  rate: z.string().nullable(),
  /** The total in the company's currency at the rate, worked out where the draft was made. */
  totalCompany: num.minor,
  lines: z.array(purchaseLine).min(1).max(500),
  note: z.string().nullable(),
};

const orderRow = z.object({
  status: z.string(),
  branchId: z.string(),
  currencyCode: z.string(),
  rate: z.string().nullable(),
  editedBy: z.string(),
  approvedBy: z.string().nullable(),
});

function orderOf(db: Db, orderId: string) {
  const row = parseRow(
    orderRow,
    db.sqlite
      .prepare(
        `SELECT status, branch_id AS branchId, currency_code AS currencyCode, rate, edited_by AS editedBy, approved_by AS approvedBy
         FROM purchase_orders WHERE id = ?`,
      )
      .get(orderId),
  );
  if (!row) throw new DomainError('NOT_FOUND', `Purchase order ${orderId} is not known here.`);
  return row;
}

function expectStatus(status: string, allowed: readonly string[], step: string): void {
  if (!allowed.includes(status))
    throw new DomainError(
      'INVALID_STATE',
      `A purchase order that is ${status.replace('_', ' ')} cannot be ${step}.`,
      { status },
    );
}

function writeLines(db: Db, orderId: string, lines: readonly PurchaseLine[]): number {
  const insert = db.sqlite.prepare(
    `INSERT INTO purchase_order_lines (order_id, line_no, variant_id, supplier_item_id, supplier_code,
       quantity, price, line_total, rule_id, why) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let total = 0;
  lines.forEach((l, i) => {
    const lineTotal = l.quantity * l.price;
    total += lineTotal;
    insert.run(
      orderId,
      i + 1,
      l.variantId,
      l.supplierItemId,
      l.supplierCode,
      l.quantity,
      l.price,
      lineTotal,
      l.ruleId ?? null,
      l.why ?? null,
    );
  });
  return total;
}

function step(
  db: Db,
  e: EventEnvelope,
  orderId: string,
  name: string,
  statusAfter: string,
  note: string | null = null,
): void {
  db.sqlite
    .prepare(
      `INSERT INTO purchase_timeline (order_id, event_id, step, status_after, at, user_id, note)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(orderId, e.id, name, statusAfter, e.createdAt, e.userId, note);
}

const orderWrites = [
  { table: 'purchase_orders', column: 'id', key: (e: EventEnvelope) => e.aggregateId ?? '' },
  {
    table: 'purchase_order_lines',
    column: 'order_id',
    key: (e: EventEnvelope) => e.aggregateId ?? '',
  },
  { table: 'purchase_timeline', column: 'event_id', key: (e: EventEnvelope) => e.id },
];

export const purchaseDrafted = defineEvent({
  type: 'purchase.drafted',
  ordered: true,
  purchaseCard: true,
  authority: purchasingAuthority,
  visibility: { everywhere: true, parties: (p) => [p.branchId] },
  writes: orderWrites,
  payload: z.object({
    orderId: z.string(),
    branchId: z.string(),
    source: z.enum(['nightly', 'manual']),
    runId: z.string().nullable(),
    ...orderParts,
  }),
  apply: (db, e) => {
    const p = e.payload;
    const total = writeLines(db, p.orderId, p.lines);
    db.sqlite
      .prepare(
        `INSERT INTO purchase_orders (id, supplier_id, branch_id, status, currency_code, rate, total,
           total_company, source, run_id, note, created_at, created_by, edited_by, updated_at)
         VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        p.orderId,
        p.supplierId,
        p.branchId,
        p.currencyCode,
        p.rate,
        total,
        p.totalCompany,
        p.source,
        p.runId,
        p.note,
        e.createdAt,
        e.userId,
        e.userId,
        e.createdAt,
      );
    step(db, e, p.orderId, 'drafted', 'draft');
  },
});

export const purchaseRevised = defineEvent({
  type: 'purchase.revised',
  ordered: true,
  purchaseCard: true,
  authority: purchasingAuthority,
  visibility: { everywhere: true },
  writes: orderWrites,
  payload: z.object({ orderId: z.string(), ...orderParts }),
  apply: (db, e) => {
    const p = e.payload;
    expectStatus(orderOf(db, p.orderId).status, ['draft', 'awaiting_second'], 'revised');
    db.sqlite.prepare(`DELETE FROM purchase_order_lines WHERE order_id = ?`).run(p.orderId);
    const total = writeLines(db, p.orderId, p.lines);
    // A revision undoes any first approval: what was approved is no longer what is ordered.
    db.sqlite
      .prepare(
        `UPDATE purchase_orders SET supplier_id = ?, currency_code = ?, rate = ?, total = ?, total_company = ?,
           note = ?, status = 'draft', edited_by = ?, approved_by = NULL, approved_at = NULL, updated_at = ?
         WHERE id = ?`,
      )
      .run(
        p.supplierId,
        p.currencyCode,
        p.rate,
        total,
        p.totalCompany,
        p.note,
        e.userId,
        e.createdAt,
        p.orderId,
      );
    step(db, e, p.orderId, 'revised', 'draft');
  },
});

export const purchaseApproved = defineEvent({
  type: 'purchase.approved',
  ordered: true,
  purchaseCard: true,
  authority: { ...purchasingAuthority, permission: 'purchasing.approve' },
  visibility: { everywhere: true },
  writes: orderWrites,
  payload: z.object({
    orderId: z.string(),
    /** The order's number, given by head office with the approval that completes it. */
    number: z.string().nullable(),
    /** Whether this approval completes the order's (false: a second person must approve). */
    final: z.boolean(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const order = orderOf(db, p.orderId);
    expectStatus(order.status, ['draft', 'awaiting_second'], 'approved');
    if (order.status === 'awaiting_second') {
      if (order.approvedBy === e.userId || order.editedBy === e.userId)
        throw new DomainError(
          'OWN_APPROVAL',
          'The second approval must come from another person than the one who edited or first approved the order.',
        );
      db.sqlite
        .prepare(
          `UPDATE purchase_orders SET status = 'approved', number = ?, second_approved_by = ?, updated_at = ?
           WHERE id = ?`,
        )
        .run(p.number, e.userId, e.createdAt, p.orderId);
      step(db, e, p.orderId, 'approved', 'approved');
      return;
    }
    const status = p.final ? 'approved' : 'awaiting_second';
    db.sqlite
      .prepare(
        `UPDATE purchase_orders SET status = ?, number = ?, approved_by = ?, approved_at = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(status, p.final ? p.number : null, e.userId, e.createdAt, e.createdAt, p.orderId);
    step(db, e, p.orderId, p.final ? 'approved' : 'first_approval', status);
  },
});

const receiptLine = z.object({
  lineNo: num.lineNo,
  /** Good units into stock. */
  quantity: num.units,
  /** Units that came but were refused (damaged, wrong): recorded, not stocked, not received. */
  rejected: num.units,
  note: z.string().nullable(),
});

const countRow = z.object({ n: z.number().int() });

const lineRow = z.object({
  lineNo: z.number().int(),
  variantId: z.string(),
  quantity: z.number().int(),
  price: z.number().int(),
  received: z.number().int(),
});

export const purchaseReceived = defineEvent({
  type: 'purchase.received',
  ordered: true,
  purchaseCard: true,
  authority: { permission: 'purchasing.receive', from: ['factory', 'shop'], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [
    ...orderWrites,
    ledgerWrite,
    { table: 'purchase_receipt_lines', column: 'event_id', key: (e: EventEnvelope) => e.id },
    {
      table: 'variant_costs',
      column: 'variant_id',
      key: (e: EventEnvelope<{ variantIds: string[] }>) => e.payload.variantIds,
      shared: settleCosts,
    },
  ],
  payload: z.object({
    orderId: z.string(),
    lines: z.array(receiptLine).min(1).max(500),
    /** The variants the lines receive: the costs the receipt moves (its `variant_costs` keys). */
    variantIds: z.array(z.string()),
    note: z.string().nullable(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const order = orderOf(db, p.orderId);
    expectStatus(order.status, ['approved', 'partly_received'], 'received');
    const tolerance = toleranceOf(db);
    const at = physicalMs(e.hlc);
    // The unit cost follows from the order (its price and rate), never from what a PC says.
    const supplierMinor = minorUnitsOf(order.currencyCode);
    const companyMinor = companyCurrency(db).minorUnits;
    const unitCost = (price: number) =>
      toCompanyMinor(price, order.rate, supplierMinor, companyMinor);
    const lines = new Map(
      db.sqlite
        .prepare(
          `SELECT line_no AS lineNo, variant_id AS variantId, quantity, price, received
           FROM purchase_order_lines WHERE order_id = ?`,
        )
        .all(p.orderId)
        .map((r) => {
          const line = lineRow.parse(r);
          return [line.lineNo, line] as const;
        }),
    );
    const insert = db.sqlite.prepare(
      `INSERT INTO purchase_receipt_lines (event_id, order_id, line_no, variant_id, branch_id, quantity,
         rejected, note, unit_cost, received_at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const update = db.sqlite.prepare(
      `UPDATE purchase_order_lines SET received = received + ? WHERE order_id = ? AND line_no = ?`,
    );
    const received = new Set<string>();
    for (const r of p.lines) {
      const line = lines.get(r.lineNo);
      if (!line)
        throw new DomainError('NOT_FOUND', `Line ${r.lineNo} is not on this purchase order.`);
      const allowed = allowedReceipt(line.quantity, tolerance) - line.received;
      if (r.quantity > allowed)
        throw new DomainError(
          'RECEIPT_EXCEEDS_ORDER',
          `Line ${r.lineNo}: ${r.quantity} received, but only ${Math.max(allowed, 0)} more may be (${line.quantity} ordered, ${line.received} received).`,
          { lineNo: r.lineNo, allowed: Math.max(allowed, 0) },
        );
      insert.run(
        e.id,
        p.orderId,
        r.lineNo,
        line.variantId,
        order.branchId,
        r.quantity,
        r.rejected,
        r.note,
        unitCost(line.price),
        at,
        e.userId,
      );
      update.run(r.quantity, p.orderId, r.lineNo);
      if (r.quantity > 0)
        move(db, e, {
          branchId: order.branchId,
          variantId: line.variantId,
          kind: 'purchase',
          onHand: r.quantity,
          orderId: p.orderId,
        });
      received.add(line.variantId);
    }
    // The costs the receipt moves are its re-fold keys: they must be the ones it names.
    if (received.size !== new Set(p.variantIds).size || p.variantIds.some((v) => !received.has(v)))
      throw new DomainError(
        'INVALID_STATE',
        'The receipt names other variants than its lines receive.',
      );
    const open = parseRow(
      countRow,
      db.sqlite
        .prepare(
          `SELECT count(*) AS n FROM purchase_order_lines WHERE order_id = ? AND received < quantity`,
        )
        .get(p.orderId),
    );
    const status = open?.n === 0 ? 'received' : 'partly_received';
    db.sqlite
      .prepare(`UPDATE purchase_orders SET status = ?, updated_at = ? WHERE id = ?`)
      .run(status, e.createdAt, p.orderId);
    step(db, e, p.orderId, 'received', status, p.note);
    settleCosts(db, [...received]);
  },
});

export const purchaseClosed = defineEvent({
  type: 'purchase.closed',
  ordered: true,
  purchaseCard: true,
  authority: purchasingAuthority,
  visibility: { everywhere: true },
  writes: orderWrites,
  payload: z.object({ orderId: z.string(), reason: z.string().min(1) }),
  apply: (db, e) => {
    const p = e.payload;
    const order = orderOf(db, p.orderId);
    expectStatus(
      order.status,
      ['draft', 'awaiting_second', 'approved', 'partly_received'],
      'closed',
    );
    db.sqlite
      .prepare(
        `UPDATE purchase_orders SET status = 'closed', closed_reason = ?, updated_at = ? WHERE id = ?`,
      )
      .run(p.reason, e.createdAt, p.orderId);
    step(db, e, p.orderId, 'closed', 'closed', p.reason);
  },
});

const toleranceRow = z.object({ toleranceBp: z.number().int().nullable() });

/** The receipt tolerance in basis points (none set: 0, nothing beyond what was ordered). */
export function toleranceOf(db: Db): number {
  const row = parseRow(
    toleranceRow,
    db.sqlite
      .prepare(`SELECT tolerance_bp AS toleranceBp FROM purchasing_settings WHERE id = ?`)
      .get(purchasingSettingsId),
  );
  return row?.toleranceBp ?? 0;
}

/** The most a line may have received in all, its tolerance included (rounded down). */
export const allowedReceipt = (ordered: number, toleranceBp: number): number =>
  ordered + Math.floor((ordered * toleranceBp) / 10_000);
