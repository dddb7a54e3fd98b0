import { z } from 'zod';
import { query } from '../contract/define';
import { id, page } from '../contract/fields';
import { actsForAnyBranch, requireActor } from '../contract/scope';
import { DomainError } from '../errors';
import { orderInScope } from './access';
import { orderStatuses, type OrderStatus } from './status';
import type { Context } from '../contract/context';
import type { Db } from '../db/open';

export interface OrderSummary {
  id: string;
  number: string;
  shopId: string;
  shopName: string;
  factoryId: string;
  status: OrderStatus;
  total: number;
  lineCount: number;
  placedAt: number;
  updatedAt: number;
}

const summaryColumns = `o.id, o.number, o.shop_id AS shopId, s.name AS shopName, o.factory_id AS factoryId, o.status,
  o.total, o.line_count AS lineCount, o.placed_at AS placedAt, o.updated_at AS updatedAt`;

export const listOrders = query({
  access: 'orders.read',
  input: z.object({
    shopId: id.optional(),
    factoryId: id.optional(),
    status: z.enum(orderStatuses).optional(),
    /** The start of an order number, as a clerk types it. */
    number: z.string().trim().toUpperCase().max(40).optional(),
    ...page,
  }),
  handler: (ctx, input) => {
    const actor = requireActor(ctx);
    let { shopId, factoryId } = input;
    // Outside head office, people list only their own branch's orders, whatever they ask for.
    if (!actsForAnyBranch(actor)) {
      const kind = (
        ctx.db.sqlite.prepare('SELECT kind FROM branches WHERE id = ?').get(actor.branchId) as {
          kind: string;
        }
      ).kind;
      if (kind === 'factory') factoryId = actor.branchId;
      else shopId = actor.branchId;
    }
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: input.limit, offset: input.offset };
    const filter = (clause: string, values: Record<string, unknown>) => {
      where.push(clause);
      Object.assign(params, values);
    };
    if (shopId) filter('o.shop_id = @shopId', { shopId });
    if (factoryId) filter('o.factory_id = @factoryId', { factoryId });
    if (input.status) filter('o.status = @status', { status: input.status });
    // A prefix match that can use the unique index on number.
    if (input.number)
      filter('o.number >= @from AND o.number < @to', {
        from: input.number,
        to: `${input.number}\uffff`,
      });
    const sql = `SELECT ${summaryColumns} FROM orders o JOIN branches s ON s.id = o.shop_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY o.placed_at DESC, o.id DESC LIMIT @limit OFFSET @offset`;
    return ctx.db.sqlite.prepare(sql).all(params) as OrderSummary[];
  },
});

export interface OrderDetail extends OrderSummary {
  shopCode: string;
  factoryName: string;
  note: string | null;
  placedByName: string | null;
  rejectionReason: string | null;
  cancelReason: string | null;
  vehicle: string | null;
  driverName: string | null;
  plannedDispatchOn: string | null;
  dispatchedAt: number | null;
  deliveredAt: number | null;
  lines: {
    lineNo: number;
    variantId: string;
    sku: string;
    name: string;
    quantity: number;
    unitPrice: number;
    lineTotal: number;
    dispatchedQty: number;
    receivedQty: number | null;
  }[];
  timeline: {
    step: string;
    statusAfter: OrderStatus;
    at: number;
    userId: string;
    userName: string | null;
    deviceId: string;
    note: string | null;
  }[];
  slips: {
    fileHash: string;
    mime: string;
    size: number;
    originalName: string;
    attachedAt: number;
    status: string;
    reason: string | null;
  }[];
  discrepancies: {
    lineNo: number;
    sku: string;
    dispatched: number;
    received: number;
    shortage: number;
    note: string | null;
  }[];
}

export function orderDetail(db: Db, orderId: string): OrderDetail {
  const s = db.sqlite;
  const head = s
    .prepare(
      `SELECT ${summaryColumns}, s.code AS shopCode, f.name AS factoryName, o.note, u.display_name AS placedByName,
              o.rejection_reason AS rejectionReason, o.cancel_reason AS cancelReason, o.vehicle, o.driver_name AS driverName,
              o.planned_dispatch_on AS plannedDispatchOn, o.dispatched_at AS dispatchedAt, o.delivered_at AS deliveredAt
       FROM orders o JOIN branches s ON s.id = o.shop_id JOIN branches f ON f.id = o.factory_id
       LEFT JOIN users u ON u.id = o.placed_by WHERE o.id = ?`,
    )
    .get(orderId) as
    Omit<OrderDetail, 'lines' | 'timeline' | 'slips' | 'discrepancies'> | undefined;
  if (!head) throw new DomainError('NOT_FOUND', 'orderId: no such order', { field: 'orderId' });
  return {
    ...head,
    lines: s
      .prepare(
        `SELECT line_no AS lineNo, variant_id AS variantId, sku, name, quantity, unit_price AS unitPrice, line_total AS lineTotal,
                dispatched_qty AS dispatchedQty, received_qty AS receivedQty FROM order_lines WHERE order_id = ? ORDER BY line_no`,
      )
      .all(orderId) as OrderDetail['lines'],
    timeline: s
      .prepare(
        `SELECT t.step, t.status_after AS statusAfter, t.at, t.user_id AS userId, u.display_name AS userName, t.device_id AS deviceId, t.note
         FROM order_timeline t LEFT JOIN users u ON u.id = t.user_id WHERE t.order_id = ? ORDER BY t.at, t.id`,
      )
      .all(orderId) as OrderDetail['timeline'],
    slips: s
      .prepare(
        `SELECT p.file_hash AS fileHash, f.mime, f.size, p.original_name AS originalName, p.attached_at AS attachedAt, p.status, p.reason
         FROM payment_slips p JOIN files f ON f.hash = p.file_hash WHERE p.order_id = ? ORDER BY p.attached_at, p.id`,
      )
      .all(orderId) as OrderDetail['slips'],
    discrepancies: s
      .prepare(
        `SELECT d.line_no AS lineNo, l.sku, d.dispatched, d.received, d.shortage, d.note
         FROM order_discrepancies d JOIN order_lines l ON l.order_id = d.order_id AND l.line_no = d.line_no
         WHERE d.order_id = ? ORDER BY d.line_no`,
      )
      .all(orderId) as OrderDetail['discrepancies'],
  };
}

export const getOrder = query({
  access: 'orders.read',
  input: z.object({ orderId: id }),
  handler: (ctx: Context, input) => {
    orderInScope(ctx, input.orderId);
    return orderDetail(ctx.db, input.orderId);
  },
});

export const getSlip = query({
  access: 'orders.read',
  input: z.object({
    orderId: id,
    fileHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be a sha256 hash')
      .optional(),
  }),
  handler: (ctx, input) => {
    orderInScope(ctx, input.orderId);
    const slip = ctx.db.sqlite
      .prepare(
        `SELECT p.file_hash AS fileHash, f.mime, p.original_name AS originalName FROM payment_slips p JOIN files f ON f.hash = p.file_hash
         WHERE p.order_id = ? AND (? IS NULL OR p.file_hash = ?) ORDER BY p.attached_at DESC, p.id DESC LIMIT 1`,
      )
      .get(input.orderId, input.fileHash ?? null, input.fileHash ?? null) as
      { fileHash: string; mime: string; originalName: string } | undefined;
    if (!slip) throw new DomainError('NOT_FOUND', 'This order has no payment slip yet.');
    return { ...slip, contentBase64: ctx.files.get(slip.fileHash).toString('base64') };
  },
});
