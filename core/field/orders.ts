// Taking a customer's order on the road or at the branch (decision 0034), and its later steps.
// The device decides the holds from what it knows (stock at the branch, the customer's unpaid
// balance and open orders against its limit) and sends them in the event, so the order is shown
// at once with why it waits; the projection never decides them again.
import { z } from 'zod';
import { documentNumber } from '../branches/numbers';
import { requireBranchOfKind } from '../catalog/lookup';
import type { Context } from '../contract/context';
import { command } from '../contract/define';
import { id, optionalText, quantity, text } from '../contract/fields';
import { actsForAnyBranch, assertBranchAccess, requireActor } from '../contract/scope';
import { parseRow, parseRows } from '../db/rows';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { linesTotal } from '../events/lines';
import { newId } from '../ids';
import type { OrderHold } from '../vocabulary';
import { statusAfter, stopOf } from './events';
import { customerBalance, loadCustomerOrder, type CustomerOrderState } from './state';

const MAX_ORDER_TOTAL = 1e14;

const customerInfo = z.object({
  id: z.string(),
  name: z.string(),
  branchId: z.string(),
  repId: z.string().nullable(),
  repName: z.string().nullable(),
  priceListId: z.string().nullable(),
  creditLimit: z.number().int().nullable(),
  mergedInto: z.string().nullable(),
});
export type CustomerInfo = z.output<typeof customerInfo>;

export function findCustomerInfo(ctx: Context, customerId: string): CustomerInfo | undefined {
  return parseRow(
    customerInfo,
    ctx.db.sqlite
      .prepare(
        `SELECT c.id, c.name, c.branch_id AS branchId, c.rep_id AS repId, u.display_name AS repName,
                c.price_list_id AS priceListId, c.credit_limit AS creditLimit, c.merged_into AS mergedInto
           FROM customers c LEFT JOIN users u ON u.id = c.rep_id WHERE c.id = ?`,
      )
      .get(customerId),
  );
}

/** The customer an input names, or a refusal naming its field. */
export function requireCustomer(ctx: Context, customerId: string, field = 'customerId') {
  const c = findCustomerInfo(ctx, customerId);
  if (!c) throw validationError([{ field, message: 'no such customer; choose one from the list' }]);
  if (c.mergedInto)
    throw validationError([
      { field, message: `${c.name} was merged into another customer; choose that one instead` },
    ]);
  return c;
}

/** A sales rep serves only the customers whose rep they are; anyone else with the permission, any. */
export function assertMayServe(ctx: Context, customer: CustomerInfo, what: string): void {
  const actor = requireActor(ctx);
  if (actor.role !== 'sales_rep' || customer.repId === actor.userId) return;
  throw new DomainError(
    'NOT_YOUR_CUSTOMER',
    `customerId: ${customer.name} is ${
      customer.repName ? `${customer.repName}'s customer` : 'no rep’s customer'
    }, not yours, so you cannot ${what}; ask the branch to do it, or an admin to make you the customer's rep.`,
    { field: 'customerId', customerId: customer.id, repId: customer.repId },
  );
}

/** A variant as the customer buys it: its price list's price when it has one, else the catalog's. */
export interface CustomerPrice {
  variantId: string;
  sku: string;
  name: string;
  unit: string;
  catalogPrice: number;
  price: number;
  listed: boolean;
  available: number;
}

const priceRow = z.object({
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  unit: z.string(),
  catalogPrice: z.number().int(),
  price: z.number().int(),
  listed: z.number().int(),
  available: z.number().int(),
});

/** Every active variant at the customer's prices, with what is available at the branch. */
export function customerPrices(
  ctx: Context,
  priceListId: string | null,
  branchId: string,
  variantId?: string,
): CustomerPrice[] {
  return parseRows(
    priceRow,
    ctx.db.sqlite
      .prepare(
        `SELECT v.id AS variantId, v.sku,
                p.name || CASE WHEN v.attributes = '{}' THEN '' ELSE ' (' ||
                  (SELECT group_concat(value, ', ') FROM json_each(v.attributes)) || ')' END AS name,
                p.unit, v.price AS catalogPrice, COALESCE(lp.price, v.price) AS price,
                lp.price IS NOT NULL AS listed,
                COALESCE(b.on_hand - b.reserved, 0) AS available
           FROM variants v JOIN products p ON p.id = v.product_id
           LEFT JOIN price_list_prices lp ON lp.list_id = @list AND lp.variant_id = v.id
           LEFT JOIN stock_balances b ON b.branch_id = @branch AND b.variant_id = v.id
          WHERE v.active AND p.active AND (@variant IS NULL OR v.id = @variant)
          ORDER BY p.name, v.sku`,
      )
      .all({ list: priceListId, branch: branchId, variant: variantId ?? null }),
  ).map((r) => ({ ...r, listed: r.listed === 1 }));
}

const totalRow = z.object({ t: z.number().int() });
const availableRow = z.object({ a: z.number().int() });
const driverRow = z.object({ driverId: z.string() });

/**
 * What the customer's orders not yet delivered add up to (requested, held or open, on a trip
 * or not): with its unpaid balance, what its credit limit is weighed against.
 */
export function openOrdersTotal(ctx: Context, customerId: string, except?: string): number {
  const row = totalRow.parse(
    ctx.db.sqlite
      .prepare(
        `SELECT COALESCE(SUM(o.total), 0) AS t FROM customer_orders o
        WHERE o.customer_id = ? AND o.status IN ('requested', 'held', 'open') AND o.id IS NOT ?
          AND NOT EXISTS (SELECT 1 FROM trip_stops s WHERE s.order_id = o.id AND s.status = 'delivered')`,
      )
      .get(customerId, except ?? null),
  );
  return row.t;
}

/** Why an order must wait, from what this device knows now. */
export function holdsFor(
  ctx: Context,
  customer: CustomerInfo,
  branchId: string,
  lines: readonly { variantId: string; quantity: number }[],
  total: number,
  except?: string,
): OrderHold[] {
  const holds: OrderHold[] = [];
  const needed = new Map<string, number>();
  for (const l of lines) needed.set(l.variantId, (needed.get(l.variantId) ?? 0) + l.quantity);
  const short = [...needed].some(([variantId, q]) => {
    const row = parseRow(
      availableRow,
      ctx.db.sqlite
        .prepare(
          'SELECT on_hand - reserved AS a FROM stock_balances WHERE branch_id = ? AND variant_id = ?',
        )
        .get(branchId, variantId),
    );
    return q > (row?.a ?? 0);
  });
  if (short) holds.push('stock');
  if (
    customer.creditLimit !== null &&
    customerBalance(ctx.db, customer.id) + openOrdersTotal(ctx, customer.id, except) + total >
      customer.creditLimit
  )
    holds.push('credit');
  return holds;
}

export interface PlaceCustomerOrderInput {
  customerId: string;
  lines: { variantId: string; quantity: number }[];
  note?: string | undefined;
  /** The branch that delivers: a clerk's own, else the customer's. */
  branchId?: string | undefined;
}

/** The branch an order is taken for: a branch person's own, else (head office, portal) the customer's. */
function orderBranch(
  ctx: Context,
  customer: CustomerInfo,
  source: 'rep' | 'branch' | 'portal',
  asked: string | undefined,
) {
  const actor = requireActor(ctx);
  const branchId =
    asked ?? (source === 'portal' || actsForAnyBranch(actor) ? customer.branchId : actor.branchId);
  if (source !== 'portal') assertBranchAccess(ctx, branchId, "take customers' orders");
  return requireBranchOfKind(ctx, branchId, ['shop', 'factory'], 'branchId');
}

/**
 * Takes a customer's order: priced from the customer's list, numbered at the branch, its holds
 * decided here. `source` 'portal' (the customer asking) waits for its rep or branch to confirm;
 * a rep's or a clerk's is held or open at once.
 */
export function placeCustomerOrder(
  ctx: Context,
  input: PlaceCustomerOrderInput,
  source: 'rep' | 'branch' | 'portal',
) {
  const customer = requireCustomer(ctx, input.customerId);
  if (source !== 'portal') assertMayServe(ctx, customer, 'take an order for them');
  const branch = orderBranch(ctx, customer, source, input.branchId);
  const seen = new Map<string, number>();
  const lines = input.lines.map((line, i) => {
    const previous = seen.get(line.variantId);
    if (previous !== undefined)
      throw validationError([
        {
          field: `lines.${i}.variantId`,
          message: `is already on line ${previous + 1}; change that line's quantity instead`,
        },
      ]);
    seen.set(line.variantId, i);
    const [v] = customerPrices(ctx, customer.priceListId, branch.id, line.variantId);
    if (!v)
      throw validationError([
        { field: `lines.${i}.variantId`, message: 'is not a product sold now; choose another' },
      ]);
    return {
      lineNo: i + 1,
      variantId: v.variantId,
      sku: v.sku,
      name: v.name,
      quantity: line.quantity,
      unitPrice: v.price,
    };
  });
  if (lines.length === 0)
    throw validationError([{ field: 'lines', message: 'an order needs at least one line' }]);
  const total = linesTotal(lines);
  if (total > MAX_ORDER_TOTAL)
    throw validationError([
      { field: 'lines', message: 'the order total is too large; split the order' },
    ]);
  const holds = holdsFor(ctx, customer, branch.id, lines, total);
  const orderId = newId(ctx.now());
  const number = documentNumber(ctx, branch, 'customer_order');
  emit(ctx, 'customer_order.placed', orderId, {
    orderId,
    number,
    branchId: branch.id,
    customerId: customer.id,
    repId: customer.repId,
    source,
    holds,
    note: input.note || null,
    lines,
  });
  const status = statusAfter(source, holds);
  return { orderId, number, status, holds, total };
}

const orderLines = z
  .array(z.object({ variantId: id, quantity }))
  .min(1, 'an order needs at least one line')
  .max(200, 'an order can have at most 200 lines');

export const placeFieldOrder = command({
  access: 'field.order',
  input: z.object({
    customerId: id,
    lines: orderLines,
    note: optionalText(500),
    branchId: id.optional(),
  }),
  handler: (ctx, input) =>
    placeCustomerOrder(ctx, input, requireActor(ctx).role === 'sales_rep' ? 'rep' : 'branch'),
});

/** The order a step names, at a branch the person works for, of a customer they serve. */
function orderToStep(ctx: Context, orderId: string, what: string): CustomerOrderState {
  const order = loadCustomerOrder(ctx.db, orderId);
  if (!order)
    throw new DomainError('NOT_FOUND', `orderId: no such customer's order.`, {
      field: 'orderId',
    });
  assertBranchAccess(ctx, order.branchId, what);
  const customer = findCustomerInfo(ctx, order.customerId);
  if (customer) assertMayServe(ctx, customer, what);
  return order;
}

function assertStatus(
  order: CustomerOrderState,
  from: CustomerOrderState['status'][],
  what: string,
) {
  if (!from.includes(order.status))
    throw new DomainError(
      'INVALID_STATE',
      `orderId: order ${order.number} is ${order.status}; only an order that is ${from.join(' or ')} can be ${what}.`,
      { field: 'orderId', status: order.status },
    );
}

/** A portal request confirmed by its rep or the branch: its holds decided now, here. */
export const confirmFieldOrder = command({
  access: 'field.order',
  input: z.object({ orderId: id }),
  handler: (ctx, input) => {
    const order = orderToStep(ctx, input.orderId, 'confirm this order');
    assertStatus(order, ['requested'], 'confirmed');
    const customer = requireCustomer(ctx, order.customerId);
    const holds = holdsFor(ctx, customer, order.branchId, order.lines, order.total, order.id);
    emit(ctx, 'customer_order.confirmed', order.id, { orderId: order.id, holds });
    return { orderId: order.id, status: holds.length > 0 ? 'held' : 'open', holds };
  },
});

export const approveFieldOrder = command({
  access: 'field.approve',
  input: z.object({ orderId: id }),
  handler: (ctx, input) => {
    const order = orderToStep(ctx, input.orderId, 'approve this order');
    assertStatus(order, ['held'], 'approved');
    emit(ctx, 'customer_order.approved', order.id, { orderId: order.id });
    return { orderId: order.id, status: 'open' as const };
  },
});

export const cancelFieldOrder = command({
  access: 'field.order',
  input: z.object({ orderId: id, reason: text(300) }),
  handler: (ctx, input) => {
    const order = orderToStep(ctx, input.orderId, 'cancel this order');
    assertStatus(order, ['requested', 'held', 'open'], 'cancelled');
    emit(ctx, 'customer_order.cancelled', order.id, { orderId: order.id, reason: input.reason });
    return { orderId: order.id, status: 'cancelled' as const };
  },
});

export const returnFieldOrder = command({
  access: 'field.approve',
  input: z.object({
    orderId: id,
    reason: text(300),
    lines: z
      .array(z.object({ lineNo: z.number().int().positive(), quantity }))
      .min(1, 'a return needs at least one line'),
  }),
  handler: (ctx, input) => {
    const order = orderToStep(ctx, input.orderId, 'take goods back on this order');
    const stop = stopOf(ctx.db, order.id);
    if (stop?.status !== 'delivered')
      throw new DomainError(
        'INVALID_STATE',
        `orderId: order ${order.number} has not been delivered, so nothing can come back; cancel it instead.`,
        { field: 'orderId' },
      );
    const proof = parseRow(
      driverRow,
      ctx.db.sqlite
        .prepare('SELECT driver_id AS driverId FROM delivery_proofs WHERE order_id = ?')
        .get(order.id),
    );
    const returnId = newId(ctx.now());
    emit(ctx, 'customer_order.returned', order.id, {
      orderId: order.id,
      returnId,
      repId: order.repId,
      driverId: proof?.driverId ?? null,
      reason: input.reason,
      lines: input.lines,
    });
    const credit = input.lines.reduce((sum, r) => {
      const line = order.lines.find((l) => l.lineNo === r.lineNo);
      return sum + (line ? line.unitPrice * r.quantity : 0);
    }, 0);
    return { orderId: order.id, returnId, credited: credit };
  },
});
