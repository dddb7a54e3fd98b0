// A customer's order and account as the projections and queries read them (decision 0034).
// Shared with the trips (core/trips) and the portal: one place says how an order is loaded,
// how the account is written and what status an order shows.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import type { EventEnvelope, TableWrite } from '../events/define';
import { companyDay } from '../locale/day';

export interface CustomerOrderLine {
  lineNo: number;
  variantId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
  returnedQty: number;
}

export interface CustomerOrderState {
  id: string;
  number: string;
  branchId: string;
  customerId: string;
  repId: string | null;
  status: 'requested' | 'held' | 'open' | 'cancelled';
  total: number;
  placedAt: number;
  lines: CustomerOrderLine[];
}

const headRow = z.object({
  id: z.string(),
  number: z.string(),
  branchId: z.string(),
  customerId: z.string(),
  repId: z.string().nullable(),
  status: z.enum(['requested', 'held', 'open', 'cancelled']),
  total: z.number().int(),
  placedAt: z.number().int(),
});
const lineRow = z.object({
  lineNo: z.number().int(),
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
  returnedQty: z.number().int(),
});
const balanceRow = z.object({ b: z.number().int() });

export function loadCustomerOrder(db: Db, orderId: string): CustomerOrderState | null {
  const head = parseRow(
    headRow,
    db.sqlite
      .prepare(
        `SELECT id, number, branch_id AS branchId, customer_id AS customerId, rep_id AS repId,
              status, total, placed_at AS placedAt
         FROM customer_orders WHERE id = ?`,
      )
      .get(orderId),
  );
  if (!head) return null;
  const lines = parseRows(
    lineRow,
    db.sqlite
      .prepare(
        `SELECT line_no AS lineNo, variant_id AS variantId, sku, name, quantity,
              unit_price AS unitPrice, returned_qty AS returnedQty
         FROM customer_order_lines WHERE order_id = ? ORDER BY line_no`,
      )
      .all(orderId),
  );
  return { ...head, lines };
}

/** customer_account rows an event appends, keyed by the event (TableWrite, column event_id). */
export const accountWrite: TableWrite<unknown> = {
  table: 'customer_account',
  column: 'event_id',
  key: (e: EventEnvelope) => e.id,
};

export interface AccountMove {
  customerId: string;
  branchId: string;
  kind: 'delivery' | 'collection' | 'payment' | 'return';
  /** Positive: the customer owes more; negative: paid or credited. */
  amount: number;
  orderId?: string | null;
  tripId?: string | null;
  method?: string | null;
  reference?: string | null;
}

/**
 * Appends one row to the customer's account, at the event's time (never the clock's) and on its
 * company day, where a payment counts as money received (decision 0035).
 */
export function accountMove(db: Db, e: EventEnvelope, m: AccountMove): void {
  db.sqlite
    .prepare(
      `INSERT INTO customer_account (event_id, customer_id, branch_id, kind, amount, order_id, trip_id, method, reference, at, day)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      e.id,
      m.customerId,
      m.branchId,
      m.kind,
      m.amount,
      m.orderId ?? null,
      m.tripId ?? null,
      m.method ?? null,
      m.reference ?? null,
      e.createdAt,
      companyDay(db, e.createdAt),
    );
}

/** What the customer owes (negative: in credit): the sum of its ledger. */
export function customerBalance(db: Db, customerId: string): number {
  const row = balanceRow.parse(
    db.sqlite
      .prepare('SELECT COALESCE(SUM(amount), 0) AS b FROM customer_account WHERE customer_id = ?')
      .get(customerId),
  );
  return row.b;
}

/**
 * SQL expression giving the status to show for alias `o` (customer_orders): 'delivered' when a
 * trip_stops row for o.id has status 'delivered', 'on_trip' when one is 'pending', else o.status.
 */
export const shownStatusSql = `CASE
  WHEN EXISTS (SELECT 1 FROM trip_stops ts WHERE ts.order_id = o.id AND ts.status = 'delivered') THEN 'delivered'
  WHEN EXISTS (SELECT 1 FROM trip_stops ts WHERE ts.order_id = o.id AND ts.status = 'pending') THEN 'on_trip'
  ELSE o.status END`;
