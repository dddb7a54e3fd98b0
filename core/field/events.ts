// The field event types (decision 0034), spread into the registry (core/events/registry.ts):
// head office's price lists and customer terms, and a customer's order from request to return,
// with the customer's payments. An order's steps are `ordered` and checked against its state
// when applied; its holds were decided where it was taken and travel in the payload, so no
// projection here reads another aggregate to decide how an order goes.
import { z } from 'zod';
import * as num from '../events/numbers';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { creditWrites, voidCredit } from '../badges/credits';
import {
  defineEvent,
  ledgerWrite,
  mergeStamp,
  rowWrite,
  type EventEnvelope,
  type TableWrite,
} from '../events/define';
import { linesTotal, pricedLine } from '../events/lines';
import { mergeRow } from '../events/lww';
import { DomainError } from '../errors';
import { move } from '../stock/ledger';
import { orderHolds, paymentMethods, referencedMethods } from '../vocabulary';
import { accountMove, accountWrite, loadCustomerOrder, type CustomerOrderState } from './state';

// ---------------------------------------------------------------------------------------------
// Head office's master data

/** A price list's prices, canonical: one per variant, in variant order (the stamp covers it). */
const priceEntry = z.object({ variantId: z.string(), price: num.minor });

export const priceListSaved = defineEvent({
  type: 'price_list.saved',
  merged: true,
  authority: { permission: 'customers.terms', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [
    rowWrite('price_lists'),
    { table: 'price_list_prices', column: 'list_id', key: (e) => e.payload.id },
  ],
  payload: z.object({
    id: z.string(),
    name: z.string().optional(),
    prices: z.array(priceEntry).optional(),
  }),
  apply: (db, e) => {
    const { id, name, prices } = e.payload;
    const { changed } = mergeRow(db, 'price_lists', id, mergeStamp(e), {
      name,
      prices: prices === undefined ? undefined : JSON.stringify(prices),
    });
    // The rows follow the whole list's field: rewritten only when this edit won it.
    if (!changed.includes('prices') || prices === undefined) return;
    db.sqlite.prepare('DELETE FROM price_list_prices WHERE list_id = ?').run(id);
    const insert = db.sqlite.prepare(
      'INSERT INTO price_list_prices (list_id, variant_id, price) VALUES (?, ?, ?) ON CONFLICT (list_id, variant_id) DO UPDATE SET price = excluded.price',
    );
    for (const p of prices) insert.run(id, p.variantId, p.price);
  },
});

export const customerTermsSaved = defineEvent({
  type: 'customer.terms_saved',
  merged: true,
  authority: { permission: 'customers.terms', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [rowWrite('customers')],
  payload: z.object({
    id: z.string(),
    repId: z.string().nullable().optional(),
    priceListId: z.string().nullable().optional(),
    creditLimit: num.minor.nullable().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'customers', id, mergeStamp(e), fields);
  },
});

// ---------------------------------------------------------------------------------------------
// A customer's order

const holdsSchema = z.array(z.enum(orderHolds));
type Holds = z.output<typeof holdsSchema>;

/** The rows every step of an order writes, keyed by the order. */
const orderRows = <P extends { orderId: string }>(...tables: string[]): TableWrite<P>[] =>
  tables.map((table) => ({
    table,
    column: table === 'customer_orders' ? 'id' : 'order_id',
    key: (e) => e.payload.orderId,
  }));

/** The order a step is for, in one of the states the step may start from. */
function orderForStep(
  db: Db,
  orderId: string,
  what: string,
  from: readonly CustomerOrderState['status'][],
): CustomerOrderState {
  const order = loadCustomerOrder(db, orderId);
  if (!order)
    throw new DomainError('NOT_FOUND', `orderId: no customer's order ${orderId} here.`, {
      field: 'orderId',
    });
  if (!from.includes(order.status))
    throw new DomainError(
      'INVALID_STATE',
      `orderId: order ${order.number} is ${order.status}; only an order that is ${from.join(' or ')} can be ${what}.`,
      { field: 'orderId', status: order.status },
    );
  return order;
}

/** Holds or reserves the order's goods at its branch, as its step says. */
function reserve(db: Db, e: EventEnvelope, order: CustomerOrderState, sign: 1 | -1): void {
  for (const l of order.lines)
    move(db, e, {
      branchId: order.branchId,
      variantId: l.variantId,
      kind: sign > 0 ? 'reservation' : 'release',
      reserved: sign * l.quantity,
      orderId: order.id,
    });
}

const setStatus = (
  db: Db,
  e: EventEnvelope,
  orderId: string,
  status: CustomerOrderState['status'],
  extra: { holds?: Holds; approvedBy?: string; cancelReason?: string } = {},
) =>
  db.sqlite
    .prepare(
      `UPDATE customer_orders SET status = ?, updated_at = ?,
         holds = COALESCE(?, holds), approved_by = COALESCE(?, approved_by),
         cancel_reason = COALESCE(?, cancel_reason)
       WHERE id = ?`,
    )
    .run(
      status,
      e.createdAt,
      extra.holds ? JSON.stringify(extra.holds) : null,
      extra.approvedBy ?? null,
      extra.cancelReason ?? null,
      orderId,
    );

/** What an order waits for: a portal request its rep or branch confirms, then its holds. */
export const statusAfter = (
  source: 'rep' | 'branch' | 'portal',
  holds: Holds,
): CustomerOrderState['status'] =>
  source === 'portal' ? 'requested' : holds.length > 0 ? 'held' : 'open';

export const customerOrderPlaced = defineEvent({
  type: 'customer_order.placed',
  ordered: true,
  authority: { permission: 'field.order', from: ['shop', 'factory'], acts: (p) => p.branchId },
  visibility: { branches: (p) => [p.branchId] },
  writes: [...orderRows('customer_orders', 'customer_order_lines'), ledgerWrite],
  payload: z.object({
    orderId: z.string(),
    number: z.string(),
    branchId: z.string(),
    customerId: z.string(),
    repId: z.string().nullable(),
    source: z.enum(['rep', 'branch', 'portal']),
    holds: holdsSchema,
    note: z.string().nullable(),
    lines: z.array(pricedLine.extend({ sku: z.string(), name: z.string() })).min(1),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const status = statusAfter(p.source, p.holds);
    db.sqlite
      .prepare(
        `INSERT INTO customer_orders (id, number, branch_id, customer_id, rep_id, source, status, holds, total, note, placed_at, placed_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        p.orderId,
        p.number,
        p.branchId,
        p.customerId,
        p.repId,
        p.source,
        status,
        JSON.stringify(p.holds),
        linesTotal(p.lines),
        p.note,
        e.createdAt,
        e.userId,
        e.createdAt,
      );
    const insertLine = db.sqlite.prepare(
      `INSERT INTO customer_order_lines (order_id, line_no, variant_id, sku, name, quantity, unit_price)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const l of p.lines)
      insertLine.run(p.orderId, l.lineNo, l.variantId, l.sku, l.name, l.quantity, l.unitPrice);
    if (status === 'open')
      for (const l of p.lines)
        move(db, e, {
          branchId: p.branchId,
          variantId: l.variantId,
          kind: 'reservation',
          reserved: l.quantity,
          orderId: p.orderId,
        });
  },
});

export const customerOrderConfirmed = defineEvent({
  type: 'customer_order.confirmed',
  ordered: true,
  authority: { permission: 'field.order', from: ['shop', 'factory'], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: [...orderRows('customer_orders'), ledgerWrite],
  payload: z.object({ orderId: z.string(), holds: holdsSchema }),
  apply: (db, e) => {
    const p = e.payload;
    const order = orderForStep(db, p.orderId, 'confirmed', ['requested']);
    const status = p.holds.length > 0 ? 'held' : 'open';
    setStatus(db, e, p.orderId, status, { holds: p.holds });
    if (status === 'open') reserve(db, e, order, 1);
  },
});

export const customerOrderApproved = defineEvent({
  type: 'customer_order.approved',
  ordered: true,
  authority: { permission: 'field.approve', from: ['shop', 'factory'], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: [...orderRows('customer_orders'), ledgerWrite],
  payload: z.object({ orderId: z.string() }),
  apply: (db, e) => {
    const order = orderForStep(db, e.payload.orderId, 'approved', ['held']);
    setStatus(db, e, order.id, 'open', { approvedBy: e.userId });
    reserve(db, e, order, 1);
  },
});

const stopRow = z.object({ tripId: z.string(), number: z.string().nullable(), status: z.string() });

/** The trip an order is on or was delivered by, if any (trip_stops is the trip's to write). */
export const stopOf = (db: Db, orderId: string) =>
  parseRow(
    stopRow,
    db.sqlite
      .prepare(
        `SELECT s.trip_id AS tripId, t.number, s.status FROM trip_stops s LEFT JOIN trips t ON t.id = s.trip_id
       WHERE s.order_id = ? AND s.status IN ('pending', 'delivered')
       ORDER BY CASE s.status WHEN 'delivered' THEN 0 ELSE 1 END LIMIT 1`,
      )
      .get(orderId),
  );

export const customerOrderCancelled = defineEvent({
  type: 'customer_order.cancelled',
  ordered: true,
  authority: { permission: 'field.order', from: ['shop', 'factory'], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: [...orderRows('customer_orders'), ledgerWrite],
  payload: z.object({ orderId: z.string(), reason: z.string().min(1) }),
  apply: (db, e) => {
    const p = e.payload;
    const order = orderForStep(db, p.orderId, 'cancelled', ['requested', 'held', 'open']);
    const stop = stopOf(db, p.orderId);
    if (stop)
      throw new DomainError(
        'INVALID_STATE',
        stop.status === 'delivered'
          ? `orderId: order ${order.number} was delivered on trip ${stop.number ?? stop.tripId}; record a return instead of cancelling it.`
          : `orderId: order ${order.number} is on trip ${stop.number ?? stop.tripId}; take it off the trip first, then cancel it.`,
        { field: 'orderId', tripId: stop.tripId },
      );
    setStatus(db, e, p.orderId, 'cancelled', { cancelReason: p.reason });
    if (order.status === 'open') reserve(db, e, order, -1);
  },
});

const deliveredRow = z.object({ lineNo: z.number().int(), delivered: z.number().int() });

/** Per line of an order, what its proof of delivery says was delivered. */
export function deliveredByLine(db: Db, orderId: string): Map<number, number> {
  const rows = parseRows(
    deliveredRow,
    db.sqlite
      .prepare(
        `SELECT pl.line_no AS lineNo, SUM(pl.delivered) AS delivered
         FROM delivery_proof_lines pl JOIN delivery_proofs p ON p.id = pl.proof_id
        WHERE p.order_id = ? GROUP BY pl.line_no`,
      )
      .all(orderId),
  );
  return new Map(rows.map((r) => [r.lineNo, r.delivered]));
}

const returnLine = z.object({
  lineNo: num.lineNo,
  quantity: num.positiveUnits,
});

export const customerOrderReturned = defineEvent({
  type: 'customer_order.returned',
  ordered: true,
  authority: { permission: 'field.approve', from: ['shop', 'factory'], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: [
    ...orderRows('customer_orders', 'customer_order_lines'),
    ledgerWrite,
    accountWrite,
    ...creditWrites<{ driverId: string | null; repId: string | null }>((p) => [
      p.driverId,
      p.repId,
    ]),
  ],
  payload: z.object({
    orderId: z.string(),
    returnId: z.string(),
    repId: z.string().nullable(),
    driverId: z.string().nullable(),
    reason: z.string().min(1),
    lines: z.array(returnLine).min(1),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const order = loadCustomerOrder(db, p.orderId);
    if (!order)
      throw new DomainError('NOT_FOUND', `orderId: no customer's order ${p.orderId} here.`, {
        field: 'orderId',
      });
    const delivered = deliveredByLine(db, p.orderId);
    const byNo = new Map(order.lines.map((l) => [l.lineNo, l]));
    const asked = new Map<number, number>();
    for (const [i, r] of p.lines.entries()) {
      const line = byNo.get(r.lineNo);
      if (!line)
        throw new DomainError(
          'VALIDATION',
          `lines.${i}.lineNo: order ${order.number} has no line ${r.lineNo}.`,
          { field: `lines.${i}.lineNo` },
        );
      const total = (asked.get(r.lineNo) ?? 0) + r.quantity;
      asked.set(r.lineNo, total);
      const may = (delivered.get(r.lineNo) ?? 0) - line.returnedQty;
      if (total > may)
        throw new DomainError(
          'INVALID_STATE',
          `lines.${i}.quantity: only ${may} of ${line.name} delivered on order ${order.number} can still come back; return at most that.`,
          { field: `lines.${i}.quantity`, available: may },
        );
    }
    const back = db.sqlite.prepare(
      'UPDATE customer_order_lines SET returned_qty = returned_qty + ? WHERE order_id = ? AND line_no = ?',
    );
    let credit = 0;
    for (const line of order.lines) {
      const quantity = asked.get(line.lineNo);
      if (quantity === undefined) continue;
      const lineNo = line.lineNo;
      back.run(quantity, p.orderId, lineNo);
      move(db, e, {
        branchId: order.branchId,
        variantId: line.variantId,
        kind: 'return',
        onHand: quantity,
        orderId: p.orderId,
        reason: p.reason,
      });
      credit += quantity * line.unitPrice;
    }
    db.sqlite
      .prepare('UPDATE customer_orders SET updated_at = ? WHERE id = ?')
      .run(e.createdAt, p.orderId);
    accountMove(db, e, {
      customerId: order.customerId,
      branchId: order.branchId,
      kind: 'return',
      amount: -credit,
      orderId: p.orderId,
    });
    // Everything delivered came back: the work it credited is undone.
    const allBack = order.lines.every(
      (l) => l.returnedQty + (asked.get(l.lineNo) ?? 0) >= (delivered.get(l.lineNo) ?? 0),
    );
    if (!allBack) return;
    if (p.driverId)
      voidCredit(db, e, {
        personId: p.driverId,
        kind: 'delivery',
        ref: p.orderId,
        at: e.createdAt,
      });
    if (p.repId)
      voidCredit(db, e, {
        personId: p.repId,
        kind: 'order_delivered',
        ref: p.orderId,
        at: e.createdAt,
      });
  },
});

// ---------------------------------------------------------------------------------------------
// A customer's payment at the branch

export const customerPaymentRecorded = defineEvent({
  type: 'customer.payment_recorded',
  authority: { permission: 'field.collect', from: ['shop', 'factory'], acts: (p) => p.branchId },
  visibility: { branches: (p) => [p.branchId] },
  writes: [accountWrite],
  payload: z
    .object({
      paymentId: z.string(),
      customerId: z.string(),
      branchId: z.string(),
      amount: num.positiveMinor,
      method: z.enum(paymentMethods),
      reference: z.string().nullable(),
    })
    .refine((p) => !referencedMethods.includes(p.method) || !!p.reference, {
      message: 'a bank transfer or mobile-money payment names its reference',
      path: ['reference'],
    }),
  apply: (db, e) => {
    const p = e.payload;
    accountMove(db, e, {
      customerId: p.customerId,
      branchId: p.branchId,
      kind: 'payment',
      amount: -p.amount,
      method: p.method,
      reference: p.reference,
    });
  },
});

export const fieldEvents = [
  priceListSaved,
  customerTermsSaved,
  customerOrderPlaced,
  customerOrderConfirmed,
  customerOrderApproved,
  customerOrderCancelled,
  customerOrderReturned,
  customerPaymentRecorded,
] as const;
