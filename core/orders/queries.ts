import { and, asc, desc, eq, gte, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { query } from '../contract/define';
import { id, isoDate, money, page } from '../contract/fields';
import { actsForAnyBranch, requireActor } from '../contract/scope';
import { DomainError } from '../errors';
import { orderInScope } from './access';
import { orderStatuses, type OrderStatus } from './status';
import type { PaymentFlag } from '../vocabulary';
import type { Context } from '../contract/context';
import type { Db } from '../db/open';
import { likeContaining } from '../db/like';
import { prepared } from '../db/prepared';
import {
  branches,
  files,
  orderDiscrepancies,
  orderLines,
  orderPayments,
  orders,
  orderTimeline,
  paymentSlips,
  products,
  users,
  variants,
} from '../db/schema';

export interface OrderSummary {
  id: string;
  number: string;
  shopId: string;
  shopName: string;
  factoryId: string;
  status: OrderStatus;
  /** Null for a driver, who sees no prices. */
  total: number | null;
  /** What finance has recorded as received; null for a driver. */
  paid: number | null;
  lineCount: number;
  placedAt: number;
  updatedAt: number;
  /** A rejected slip, a part payment or a payment that did not match what was due. */
  paymentFlag: PaymentFlag | null;
  /** Items ordered but neither dispatched nor cancelled yet. */
  backordered: number;
}

const branchKind = prepared((orm) =>
  orm
    .select({ kind: branches.kind })
    .from(branches)
    .where(eq(branches.id, sql.placeholder('id')))
    .prepare(),
);

/**
 * One prepared query per combination of filters: a query built at each call would
 * cost about as much again as running it, while a prepared one runs as fast as the raw SQL did.
 */
const orderLists = prepared(() => new Map<string, ReturnType<typeof buildOrderList>>());

function orderList(db: Db, filters: OrderListFilters) {
  const key = JSON.stringify(filters);
  const lists = orderLists(db);
  let list = lists.get(key);
  if (!list) {
    list = buildOrderList(db, filters);
    lists.set(key, list);
  }
  return list;
}

interface OrderListFilters {
  shop: boolean;
  factory: boolean;
  status: boolean;
  number: boolean;
  customer: boolean;
  /**
   * How orders with the searched products are found: `few` lines hold them, so those lines'
   * orders are gathered through the variant index and sorted; `many` do, so the newest orders
   * are walked and each one's lines checked, and a page fills long before the end.
   */
  product: false | 'few' | 'many';
  placedFrom: boolean;
  placedTo: boolean;
  /**
   * An amount range (either end may be open), found like a product: `few` orders have a total
   * in it, gathered through the totals index and sorted; `many` do, so the newest are walked.
   */
  amount: false | 'few' | 'many';
}

const owedOf = sql<number>`coalesce((SELECT sum(l.quantity - l.dispatched_qty - l.cancelled_qty)
  FROM order_lines l WHERE l.order_id = ${orders.id}), 0)`;

const summary = {
  id: orders.id,
  number: orders.number,
  shopId: orders.shopId,
  shopName: branches.name,
  factoryId: orders.factoryId,
  status: orders.status,
  total: orders.total,
  paid: orders.paid,
  paymentMismatch: orders.paymentMismatch,
  rejectionReason: orders.rejectionReason,
  lineCount: orders.lineCount,
  placedAt: orders.placedAt,
  updatedAt: orders.updatedAt,
  backordered: owedOf,
};

type SummaryRow = {
  total: number;
  paid: number;
  paymentMismatch: boolean;
  rejectionReason: string | null;
  status: OrderStatus;
};

/** How an order's payment stands, beside its status (see paymentFlags). */
export function paymentFlagOf(o: SummaryRow): PaymentFlag | null {
  if (o.status === 'placed' && o.rejectionReason !== null) return 'rejected';
  if (o.paid > 0 && o.paid < o.total && o.status !== 'cancelled') return 'part_paid';
  if (o.paymentMismatch) return 'mismatch';
  return null;
}

function buildOrderList(db: Db, filters: OrderListFilters) {
  const where = [
    filters.shop && eq(orders.shopId, sql.placeholder('shopId')),
    filters.factory && eq(orders.factoryId, sql.placeholder('factoryId')),
    filters.status && eq(orders.status, sql.placeholder('status')),
    filters.number && gte(orders.number, sql.placeholder('from')),
    filters.number && lt(orders.number, sql.placeholder('to')),
    filters.customer &&
      sql`(${branches.name} LIKE ${sql.placeholder('customer')} ESCAPE '\\' OR ${branches.code} LIKE ${sql.placeholder('customer')} ESCAPE '\\')`,
    filters.product === 'few' &&
      sql`${orders.id} IN (SELECT pl.order_id FROM order_lines pl
        WHERE pl.variant_id IN (SELECT value FROM json_each(${sql.placeholder('variantIds')})))`,
    filters.product === 'many' &&
      sql`EXISTS (SELECT 1 FROM order_lines pl WHERE pl.order_id = ${orders.id}
        AND pl.variant_id IN (SELECT value FROM json_each(${sql.placeholder('variantIds')})))`,
    filters.placedFrom && gte(orders.placedAt, sql.placeholder('placedFrom')),
    filters.placedTo && lt(orders.placedAt, sql.placeholder('placedTo')),
    filters.amount === 'few' &&
      sql`${orders.id} IN (SELECT a.id FROM orders a
        WHERE a.total BETWEEN ${sql.placeholder('minTotal')} AND ${sql.placeholder('maxTotal')})`,
    // The unary + keeps the planner off the totals index, which would sort every order in range.
    filters.amount === 'many' &&
      sql`+${orders.total} BETWEEN ${sql.placeholder('minTotal')} AND ${sql.placeholder('maxTotal')}`,
  ].filter((c) => c !== false);
  return db.orm
    .select(summary)
    .from(orders)
    .innerJoin(branches, eq(branches.id, orders.shopId))
    .where(and(...where))
    .orderBy(desc(orders.placedAt), desc(orders.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare();
}

/** Rows up to which gathering and sorting their orders beats walking the newest orders. */
const FEW_ROWS = 2_000;

const searchReads = prepared((orm) => ({
  variants: orm
    .select({ id: variants.id })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .where(
      or(
        sql`${variants.sku} LIKE ${sql.placeholder('text')} ESCAPE '\\'`,
        sql`${variants.barcode} LIKE ${sql.placeholder('text')} ESCAPE '\\'`,
        sql`${products.name} LIKE ${sql.placeholder('text')} ESCAPE '\\'`,
        sql`EXISTS (SELECT 1 FROM json_each(${variants.attributes}) a
          WHERE a.value LIKE ${sql.placeholder('text')} ESCAPE '\\')`,
      ),
    )
    .prepare(),
  // Count through an index and stop at the cap: under a millisecond however many there are.
  totalling: orm
    .select({ n: sql<number>`count(*)` })
    .from(
      sql`(SELECT 1 FROM orders WHERE total BETWEEN ${sql.placeholder('minTotal')} AND ${sql.placeholder('maxTotal')} LIMIT ${FEW_ROWS})`,
    )
    .prepare(),
  lines: orm
    .select({ n: sql<number>`count(*)` })
    .from(
      sql`(SELECT 1 FROM order_lines WHERE variant_id IN (SELECT value FROM json_each(${sql.placeholder('variantIds')})) LIMIT ${FEW_ROWS})`,
    )
    .prepare(),
}));

/**
 * The variants whose SKU, barcode, product name or an attribute (White, XL) contains `text`:
 * searched in the catalog (a few hundred rows), not in a million order lines, whose variant
 * index then finds their orders.
 */
const variantsNamed = (db: Db, text: string): string[] =>
  searchReads(db)
    .variants.all({ text: likeContaining(text) })
    .map((v) => v.id);

const linesHolding = (db: Db, variantIds: string[]): 'few' | 'many' =>
  (searchReads(db).lines.get({ variantIds: JSON.stringify(variantIds) })?.n ?? 0) < FEW_ROWS
    ? 'few'
    : 'many';

const ordersTotalling = (db: Db, minTotal: number, maxTotal: number): 'few' | 'many' =>
  (searchReads(db).totalling.get({ minTotal, maxTotal })?.n ?? 0) < FEW_ROWS ? 'few' : 'many';

const DAY_MS = 86_400_000;
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);

export const listOrdersInput = z
  .object({
    shopId: id.optional(),
    factoryId: id.optional(),
    status: z.enum(orderStatuses).optional(),
    /** The start of an order number, as a clerk types it. */
    number: z.string().trim().toUpperCase().max(40).optional(),
    /** Part of the shop's (the customer's) name or code. */
    customer: z.string().trim().min(1).max(80).optional(),
    /** Part of a product's name, a variant's SKU, barcode or attribute (archived ones too). */
    product: z.string().trim().min(1).max(80).optional(),
    /** Placed on or after this day, and on or before `placedTo` (UTC days). */
    placedFrom: isoDate.optional(),
    placedTo: isoDate.optional(),
    /** The order total between these, in minor units, both included. */
    minTotal: money.optional(),
    maxTotal: money.optional(),
    ...page,
  })
  .refine((d) => !d.placedFrom || !d.placedTo || d.placedFrom <= d.placedTo, {
    message: 'is before the first day; swap the two dates',
    path: ['placedTo'],
  })
  .refine((d) => d.minTotal === undefined || d.maxTotal === undefined || d.minTotal <= d.maxTotal, {
    message: 'is less than the lowest amount; swap the two amounts',
    path: ['maxTotal'],
  });

export const listOrders = query({
  access: 'orders.read',
  input: listOrdersInput,
  handler: (ctx, input) => {
    const actor = requireActor(ctx);
    let { shopId, factoryId, status } = input;
    // Outside head office, people list only their own branch's orders, whatever they ask for.
    if (!actsForAnyBranch(actor)) {
      const kind = branchKind(ctx.db).get({ id: actor.branchId })?.kind;
      if (kind === 'factory') factoryId = actor.branchId;
      else shopId = actor.branchId;
    }
    // A driver sees what is on the road, without prices: nothing else is theirs to know.
    const driver = actor.role === 'driver';
    if (driver) status = 'dispatched';
    const minTotal = input.minTotal ?? 0;
    const maxTotal = input.maxTotal ?? Number.MAX_SAFE_INTEGER;
    const variantIds = input.product === undefined ? [] : variantsNamed(ctx.db, input.product);
    if (input.product !== undefined && variantIds.length === 0) return [];
    const filters = {
      shop: shopId !== undefined,
      factory: factoryId !== undefined,
      status: status !== undefined,
      number: input.number !== undefined,
      customer: input.customer !== undefined,
      product: input.product === undefined ? (false as const) : linesHolding(ctx.db, variantIds),
      placedFrom: input.placedFrom !== undefined,
      placedTo: input.placedTo !== undefined,
      amount:
        input.minTotal === undefined && input.maxTotal === undefined
          ? (false as const)
          : ordersTotalling(ctx.db, minTotal, maxTotal),
    };
    if (driver && input.status !== undefined && input.status !== 'dispatched') return [];
    const rows = orderList(ctx.db, filters).all({
      shopId,
      factoryId,
      status,
      // A prefix match that can use the unique index on number.
      from: input.number,
      to: `${input.number ?? ''}\uffff`,
      customer: input.customer && likeContaining(input.customer),
      variantIds: JSON.stringify(variantIds),
      placedFrom: input.placedFrom && dayStart(input.placedFrom),
      placedTo: input.placedTo && dayStart(input.placedTo) + DAY_MS,
      minTotal,
      maxTotal,
      limit: input.limit,
      offset: input.offset,
    });
    return rows.map((row): OrderSummary => {
      const { paymentMismatch: _m, rejectionReason: _r, ...o } = row;
      return {
        ...o,
        total: driver ? null : o.total,
        paid: driver ? null : o.paid,
        paymentFlag: driver ? null : paymentFlagOf(row),
      };
    });
  },
});

export interface OrderDetail extends Omit<OrderSummary, 'total' | 'paid'> {
  total: number;
  paid: number;
  /** False for a driver: every price and total is 0 and not to be shown. */
  priced: boolean;
  payments: {
    amount: number;
    due: number;
    receivedOn: string;
    reference: string;
    recordedAt: number;
    recordedByName: string | null;
  }[];
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
    confirmedQty: number;
    cancelledQty: number;
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

const factory = alias(branches, 'f');
const byOrder = { orderId: sql.placeholder('orderId') };

const detailQueries = prepared((orm) => ({
  head: orm
    .select({
      ...summary,
      shopCode: branches.code,
      factoryName: factory.name,
      note: orders.note,
      placedByName: users.displayName,
      rejectionReason: orders.rejectionReason,
      cancelReason: orders.cancelReason,
      vehicle: orders.vehicle,
      driverName: orders.driverName,
      plannedDispatchOn: orders.plannedDispatchOn,
      dispatchedAt: orders.dispatchedAt,
      deliveredAt: orders.deliveredAt,
    })
    .from(orders)
    .innerJoin(branches, eq(branches.id, orders.shopId))
    .innerJoin(factory, eq(factory.id, orders.factoryId))
    .leftJoin(users, eq(users.id, orders.placedBy))
    .where(eq(orders.id, byOrder.orderId))
    .prepare(),
  lines: orm
    .select({
      lineNo: orderLines.lineNo,
      variantId: orderLines.variantId,
      sku: orderLines.sku,
      name: orderLines.name,
      quantity: orderLines.quantity,
      unitPrice: orderLines.unitPrice,
      lineTotal: orderLines.lineTotal,
      dispatchedQty: orderLines.dispatchedQty,
      receivedQty: orderLines.receivedQty,
      confirmedQty: orderLines.confirmedQty,
      cancelledQty: orderLines.cancelledQty,
    })
    .from(orderLines)
    .where(eq(orderLines.orderId, byOrder.orderId))
    .orderBy(asc(orderLines.lineNo))
    .prepare(),
  payments: orm
    .select({
      amount: orderPayments.amount,
      due: orderPayments.due,
      receivedOn: orderPayments.receivedOn,
      reference: orderPayments.reference,
      recordedAt: orderPayments.recordedAt,
      recordedByName: users.displayName,
    })
    .from(orderPayments)
    .leftJoin(users, eq(users.id, orderPayments.recordedBy))
    .where(eq(orderPayments.orderId, byOrder.orderId))
    .orderBy(asc(orderPayments.recordedAt), asc(orderPayments.eventId))
    .prepare(),
  timeline: orm
    .select({
      step: orderTimeline.step,
      statusAfter: orderTimeline.statusAfter,
      at: orderTimeline.at,
      userId: orderTimeline.userId,
      userName: users.displayName,
      deviceId: orderTimeline.deviceId,
      note: orderTimeline.note,
    })
    .from(orderTimeline)
    .leftJoin(users, eq(users.id, orderTimeline.userId))
    .where(eq(orderTimeline.orderId, byOrder.orderId))
    .orderBy(asc(orderTimeline.at), asc(orderTimeline.id))
    .prepare(),
  slips: orm
    .select({
      fileHash: paymentSlips.fileHash,
      mime: files.mime,
      size: files.size,
      originalName: paymentSlips.originalName,
      attachedAt: paymentSlips.attachedAt,
      status: paymentSlips.status,
      reason: paymentSlips.reason,
    })
    .from(paymentSlips)
    .innerJoin(files, eq(files.hash, paymentSlips.fileHash))
    .where(eq(paymentSlips.orderId, byOrder.orderId))
    .orderBy(asc(paymentSlips.attachedAt), asc(paymentSlips.id))
    .prepare(),
  discrepancies: orm
    .select({
      lineNo: orderDiscrepancies.lineNo,
      sku: orderLines.sku,
      dispatched: orderDiscrepancies.dispatched,
      received: orderDiscrepancies.received,
      shortage: orderDiscrepancies.shortage,
      note: orderDiscrepancies.note,
    })
    .from(orderDiscrepancies)
    .innerJoin(
      orderLines,
      and(
        eq(orderLines.orderId, orderDiscrepancies.orderId),
        eq(orderLines.lineNo, orderDiscrepancies.lineNo),
      ),
    )
    .where(eq(orderDiscrepancies.orderId, byOrder.orderId))
    .orderBy(asc(orderDiscrepancies.lineNo))
    .prepare(),
  slip: orm
    .select({
      fileHash: paymentSlips.fileHash,
      mime: files.mime,
      originalName: paymentSlips.originalName,
    })
    .from(paymentSlips)
    .innerJoin(files, eq(files.hash, paymentSlips.fileHash))
    .where(
      and(
        eq(paymentSlips.orderId, byOrder.orderId),
        or(
          isNull(sql.placeholder('fileHash')),
          eq(paymentSlips.fileHash, sql.placeholder('fileHash')),
        ),
      ),
    )
    .orderBy(desc(paymentSlips.attachedAt), desc(paymentSlips.id))
    .limit(1)
    .prepare(),
}));

/** The timeline's status column is plain text in the schema; the values are the lifecycle's. */
const statusAfter = z.enum(orderStatuses);

export function orderDetail(db: Db, orderId: string): OrderDetail {
  const q = detailQueries(db);
  const head = q.head.get({ orderId });
  if (!head) throw new DomainError('NOT_FOUND', 'orderId: no such order', { field: 'orderId' });
  const { paymentMismatch: _mismatch, ...rest } = head;
  return {
    ...rest,
    paymentFlag: paymentFlagOf(head),
    priced: true,
    payments: q.payments.all({ orderId }),
    lines: q.lines.all({ orderId }),
    timeline: q.timeline
      .all({ orderId })
      .map((t) => ({ ...t, statusAfter: statusAfter.parse(t.statusAfter) })),
    slips: q.slips.all({ orderId }),
    discrepancies: q.discrepancies.all({ orderId }),
  };
}

export const getOrder = query({
  access: 'orders.read',
  input: z.object({ orderId: id }),
  handler: (ctx: Context, input) => {
    orderInScope(ctx, input.orderId);
    const order = orderDetail(ctx.db, input.orderId);
    if (requireActor(ctx).role !== 'driver') return order;
    // A driver carries the goods and sees no prices, totals or payments.
    return {
      ...order,
      priced: false,
      total: 0,
      paid: 0,
      paymentFlag: null,
      payments: [],
      slips: [],
      lines: order.lines.map((l) => ({ ...l, unitPrice: 0, lineTotal: 0 })),
    };
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
    const slip = detailQueries(ctx.db).slip.get({
      orderId: input.orderId,
      fileHash: input.fileHash ?? null,
    });
    if (!slip) throw new DomainError('NOT_FOUND', 'This order has no payment slip yet.');
    return { ...slip, contentBase64: ctx.files.get(slip.fileHash).toString('base64') };
  },
});
