// What the field screens read (decision 0034): a rep's customers, their prices, the orders with
// the status the order and its trip give together, and a rep's commission, computed here from
// deliveries and the customer's ledger (nothing about it is stored).
import { z } from 'zod';
import type { Context } from '../contract/context';
import { query } from '../contract/define';
import { id, isoDate } from '../contract/fields';
import { actsForAnyBranch, assertBranchAccess, requireActor } from '../contract/scope';
import { parseRow, parseRows } from '../db/rows';
import { DomainError } from '../errors';
import { companyDay } from '../locale/day';
import { pointsBalance } from '../loyalty/ledger';
import { programOf } from '../loyalty/program';
import { customerOrderStatuses, orderHolds } from '../vocabulary';
import { deliveredByLine } from './events';
import { assertMayServe, customerPrices, findCustomerInfo, requireCustomer } from './orders';
import { customerBalance, loadCustomerOrder, shownStatusSql } from './state';

const fieldCustomer = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  branchId: z.string(),
  address: z.string().nullable(),
  latE6: z.number().int().nullable(),
  lngE6: z.number().int().nullable(),
  repId: z.string().nullable(),
  repName: z.string().nullable(),
  priceListId: z.string().nullable(),
  creditLimit: z.number().int().nullable(),
  balance: z.number().int(),
  openOrders: z.number().int(),
});

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A rep's own customers; a branch's clerk the branch's; head office all (or one branch's). */
export const fieldCustomers = query({
  access: 'field.order',
  input: z.object({
    search: z.string().trim().max(100).optional(),
    branchId: id.optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  }),
  handler: (ctx, input) => {
    const actor = requireActor(ctx);
    const rep = actor.role === 'sales_rep' ? actor.userId : null;
    const branch = rep
      ? null
      : (input.branchId ?? (actsForAnyBranch(actor) ? null : actor.branchId));
    if (branch) assertBranchAccess(ctx, branch, 'see its customers');
    const program = programOf(ctx.db);
    const rows = parseRows(
      fieldCustomer,
      ctx.db.sqlite
        .prepare(
          `SELECT c.id, c.name, c.phone, c.branch_id AS branchId, c.address, c.lat_e6 AS latE6, c.lng_e6 AS lngE6,
                  c.rep_id AS repId, u.display_name AS repName, c.price_list_id AS priceListId,
                  c.credit_limit AS creditLimit,
                  (SELECT COALESCE(SUM(a.amount), 0) FROM customer_account a WHERE a.customer_id = c.id) AS balance,
                  (SELECT COALESCE(SUM(o.total), 0) FROM customer_orders o
                    WHERE o.customer_id = c.id AND o.status IN ('requested', 'held', 'open')
                      AND NOT EXISTS (SELECT 1 FROM trip_stops s WHERE s.order_id = o.id AND s.status = 'delivered')) AS openOrders
             FROM customers c LEFT JOIN users u ON u.id = c.rep_id
            WHERE c.merged_into IS NULL
              AND (@rep IS NULL OR c.rep_id = @rep)
              AND (@branch IS NULL OR c.branch_id = @branch)
              AND (@search = '' OR c.name LIKE @start ESCAPE '\\' OR c.name LIKE @word ESCAPE '\\' OR c.phone LIKE @start ESCAPE '\\')
            ORDER BY c.name, c.id LIMIT @limit`,
        )
        .all({
          rep,
          branch,
          search: input.search ?? '',
          start: `${escapeLike(input.search ?? '')}%`,
          word: `% ${escapeLike(input.search ?? '')}%`,
          limit: input.limit,
        }),
    );
    return rows.map(({ latE6, lngE6, ...c }) => ({
      ...c,
      lat: latE6 === null ? null : latE6 / 1e6,
      lng: lngE6 === null ? null : lngE6 / 1e6,
      points: program ? pointsBalance(ctx.db, c.id, ctx.now()) : null,
    }));
  },
});

/** Every active variant at the customer's prices, with what the branch has available. */
export const fieldPrices = query({
  access: 'field.order',
  input: z.object({ customerId: id, branchId: id.optional() }),
  handler: (ctx, input) => {
    const customer = requireCustomer(ctx, input.customerId);
    assertMayServe(ctx, customer, 'see their prices');
    const actor = requireActor(ctx);
    const branchId =
      input.branchId ?? (actsForAnyBranch(actor) ? customer.branchId : actor.branchId);
    return customerPrices(ctx, customer.priceListId, branchId);
  },
});

const orderRow = z.object({
  id: z.string(),
  number: z.string(),
  branchId: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  repId: z.string().nullable(),
  repName: z.string().nullable(),
  source: z.enum(['rep', 'branch', 'portal']),
  status: z.enum(customerOrderStatuses),
  holds: z.string().transform((s) => z.array(z.enum(orderHolds)).parse(JSON.parse(s))),
  total: z.number().int(),
  note: z.string().nullable(),
  placedAt: z.number().int(),
  cancelReason: z.string().nullable(),
});

const ORDER_SQL = `SELECT o.id, o.number, o.branch_id AS branchId, o.customer_id AS customerId, c.name AS customerName,
    o.rep_id AS repId, u.display_name AS repName, o.source, ${shownStatusSql} AS status, o.holds,
    o.total, o.note, o.placed_at AS placedAt, o.cancel_reason AS cancelReason
  FROM customer_orders o LEFT JOIN customers c ON c.id = o.customer_id LEFT JOIN users u ON u.id = o.rep_id`;

/** Customers' orders, newest first: a rep's own, a clerk's branch's, head office's all. */
export const fieldOrders = query({
  access: 'field.order',
  input: z.object({
    status: z.enum(customerOrderStatuses).optional(),
    customerId: id.optional(),
    repId: id.optional(),
    branchId: id.optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  }),
  handler: (ctx, input) => {
    const actor = requireActor(ctx);
    const rep = actor.role === 'sales_rep' ? actor.userId : (input.repId ?? null);
    const branch =
      actor.role === 'sales_rep'
        ? null
        : (input.branchId ?? (actsForAnyBranch(actor) ? null : actor.branchId));
    if (branch) assertBranchAccess(ctx, branch, 'see its orders');
    return parseRows(
      orderRow,
      ctx.db.sqlite
        .prepare(
          `SELECT * FROM (${ORDER_SQL}
            WHERE (@rep IS NULL OR o.rep_id = @rep) AND (@branch IS NULL OR o.branch_id = @branch)
              AND (@customer IS NULL OR o.customer_id = @customer))
           WHERE (@status IS NULL OR status = @status)
           ORDER BY placedAt DESC, id DESC LIMIT @limit`,
        )
        .all({
          rep,
          branch,
          customer: input.customerId ?? null,
          status: input.status ?? null,
          limit: input.limit,
        }),
    );
  },
});

const tripRow = z.object({
  tripId: z.string(),
  number: z.string().nullable(),
  day: z.string().nullable(),
  stopStatus: z.string(),
  driverName: z.string().nullable(),
});

/** One order: its lines (with what its proof says was delivered, and what came back), its trip. */
export const fieldOrder = query({
  access: 'field.order',
  input: z.object({ orderId: id }),
  handler: (ctx, input) => {
    const head = parseRow(
      orderRow,
      ctx.db.sqlite.prepare(`${ORDER_SQL} WHERE o.id = ?`).get(input.orderId),
    );
    const order = loadCustomerOrder(ctx.db, input.orderId);
    if (!head || !order)
      throw new DomainError('NOT_FOUND', 'orderId: no such customer’s order.', {
        field: 'orderId',
      });
    const actor = requireActor(ctx);
    if (actor.role === 'sales_rep') {
      const customer = findCustomerInfo(ctx, order.customerId);
      if (order.repId !== actor.userId && customer?.repId !== actor.userId)
        throw new DomainError('FORBIDDEN', 'orderId: this order is another rep’s customer’s.', {
          field: 'orderId',
        });
    } else assertBranchAccess(ctx, order.branchId, 'see its orders');
    const proof = parseRow(
      z.object({ id: z.string() }),
      ctx.db.sqlite.prepare('SELECT id FROM delivery_proofs WHERE order_id = ?').get(order.id),
    );
    const delivered = deliveredByLine(ctx.db, order.id);
    const trip = parseRow(
      tripRow,
      ctx.db.sqlite
        .prepare(
          `SELECT s.trip_id AS tripId, t.number, t.day, s.status AS stopStatus, u.display_name AS driverName
             FROM trip_stops s LEFT JOIN trips t ON t.id = s.trip_id LEFT JOIN users u ON u.id = t.driver_id
            WHERE s.order_id = ?
            ORDER BY CASE s.status WHEN 'delivered' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, t.day DESC LIMIT 1`,
        )
        .get(order.id),
    );
    return {
      ...head,
      proofId: proof?.id ?? null,
      trip: trip ?? null,
      lines: order.lines.map((l) => ({
        ...l,
        lineTotal: l.quantity * l.unitPrice,
        delivered: proof ? (delivered.get(l.lineNo) ?? 0) : null,
      })),
    };
  },
});

// ---------------------------------------------------------------------------------------------
// Commission

const creditRow = z.object({ customerId: z.string(), credit: z.number().int() });

const deliveredOrder = z.object({
  id: z.string(),
  number: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  repId: z.string().nullable(),
  deliveredAt: z.number().int(),
  /** What the delivery charged (delivered quantities at the order's prices). */
  charged: z.number().int(),
  /** What stayed with the customer: delivered less returned, at the order's prices. */
  kept: z.number().int(),
});

/** rate (basis points) × value, rounded half up, in integers whatever their size. */
export const commissionOf = (rateBp: number, value: number): number =>
  Number((BigInt(rateBp) * BigInt(value) + 5000n) / 10000n);

/**
 * Which of a customer's delivered orders are paid: its payments, collections and return credits
 * settle them oldest first (FIFO). `orders` are the customer's, oldest first.
 */
export function settleFifo<O extends { charged: number }>(orders: readonly O[], credit: number) {
  let left = credit;
  return orders.map((o) => {
    const paid = left >= o.charged;
    left = Math.max(0, left - o.charged);
    return { ...o, paid };
  });
}

/**
 * Per rep: rate, orders delivered (in the period) and fully paid, and the commission on them. A
 * rep sees their own; a branch's clerk the branch's reps; head office every rep.
 */
export const fieldCommission = query({
  access: 'field.order',
  input: z.object({ repId: id.optional(), from: isoDate.optional(), to: isoDate.optional() }),
  handler: (ctx, input) => {
    const actor = requireActor(ctx);
    const only = actor.role === 'sales_rep' ? actor.userId : (input.repId ?? null);
    const branch = actor.role === 'sales_rep' || actsForAnyBranch(actor) ? null : actor.branchId;
    const reps = parseRows(
      z.object({ id: z.string(), name: z.string(), rateBp: z.number().int() }),
      ctx.db.sqlite
        .prepare(
          `SELECT id, display_name AS name, COALESCE(commission_bp, 0) AS rateBp FROM users
            WHERE role = 'sales_rep' AND (@only IS NULL OR id = @only)
              AND (@branch IS NULL OR branch_id = @branch) ORDER BY display_name, id`,
        )
        .all({ only, branch }),
    );
    const orders = parseRows(
      deliveredOrder,
      ctx.db.sqlite
        .prepare(
          `SELECT o.id, o.number, o.customer_id AS customerId, c.name AS customerName, o.rep_id AS repId,
                  p.delivered_at AS deliveredAt,
                  (SELECT COALESCE(SUM(pl.delivered * l.unit_price), 0) FROM delivery_proof_lines pl
                     JOIN customer_order_lines l ON l.order_id = o.id AND l.line_no = pl.line_no
                    WHERE pl.proof_id = p.id) AS charged,
                  (SELECT COALESCE(SUM(MAX(pl.delivered - l.returned_qty, 0) * l.unit_price), 0) FROM delivery_proof_lines pl
                     JOIN customer_order_lines l ON l.order_id = o.id AND l.line_no = pl.line_no
                    WHERE pl.proof_id = p.id) AS kept
             FROM customer_orders o JOIN delivery_proofs p ON p.order_id = o.id
             LEFT JOIN customers c ON c.id = o.customer_id
            WHERE EXISTS (SELECT 1 FROM trip_stops s WHERE s.order_id = o.id AND s.status = 'delivered')
              AND o.customer_id IN (SELECT customer_id FROM customer_orders WHERE @only IS NULL OR rep_id = @only)
            ORDER BY o.customer_id, p.delivered_at, o.id`,
        )
        .all({ only }),
    );
    const credits = new Map(
      parseRows(
        creditRow,
        ctx.db.sqlite
          .prepare(
            `SELECT customer_id AS customerId, -SUM(amount) AS credit FROM customer_account
              WHERE kind IN ('payment', 'collection', 'return') GROUP BY customer_id`,
          )
          .all(),
      ).map((r) => [r.customerId, r.credit]),
    );
    const byCustomer = new Map<string, z.output<typeof deliveredOrder>[]>();
    for (const o of orders)
      byCustomer.set(o.customerId, [...(byCustomer.get(o.customerId) ?? []), o]);
    const settled = [...byCustomer].flatMap(([customerId, list]) =>
      settleFifo(list, credits.get(customerId) ?? 0),
    );
    const inPeriod = (at: number) => {
      const day = companyDay(ctx.db, at);
      return (!input.from || day >= input.from) && (!input.to || day <= input.to);
    };
    return reps.map((rep) => {
      const delivered = settled.filter((o) => o.repId === rep.id && inPeriod(o.deliveredAt));
      const paid = delivered.filter((o) => o.paid);
      const paidValue = paid.reduce((s, o) => s + o.kept, 0);
      return {
        repId: rep.id,
        repName: rep.name,
        rateBp: rep.rateBp,
        deliveredOrders: delivered.length,
        deliveredValue: delivered.reduce((s, o) => s + o.kept, 0),
        paidOrders: paid.length,
        paidValue,
        commission: commissionOf(rep.rateBp, paidValue),
        orders: delivered.map((o) => ({
          orderId: o.id,
          number: o.number,
          customerName: o.customerName,
          deliveredAt: o.deliveredAt,
          value: o.kept,
          paid: o.paid,
        })),
      };
    });
  },
});

/** A customer's balance, for screens that show one figure (the portal has its own). */
export const balanceOf = (ctx: Context, customerId: string) => customerBalance(ctx.db, customerId);
