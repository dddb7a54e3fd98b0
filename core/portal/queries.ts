// What a customer sees on the portal (decision 0034): every read takes the customer's id, which
// the operations take from the signed-in user (never from the input), and reads only its rows.
import { z } from 'zod';
import type { Context } from '../contract/context';
import type { Db } from '../db/open';
import { customerPrices } from '../field/orders';
import { parseRow, parseRows } from '../db/rows';
import { customerBalance, shownStatusSql } from '../field/state';
import { pointsBalance } from '../loyalty/ledger';
import { programOf } from '../loyalty/program';

const CATALOG_LIMIT = 200;

export interface PortalCatalogItem {
  variantId: string;
  sku: string;
  name: string;
  unit: string;
  /** The customer's price: its price list's for the variant, else the catalog price. */
  price: number;
  /** Whether the price is the customer's price list's. */
  listPrice: boolean;
  /** Whether the customer's branch has some to deliver now (how many is the company's own). */
  inStock: boolean;
}

/**
 * Active variants at the customer's prices, as core/field prices an order (so the portal shows
 * what an order will charge); `search` matches name or SKU. Stock is told only as yes or no.
 */
export function portalCatalog(
  ctx: Context,
  customer: { branchId: string; priceListId: string | null },
  search?: string,
): PortalCatalogItem[] {
  const wanted = search?.toLowerCase();
  return customerPrices(ctx, customer.priceListId, customer.branchId)
    .filter(
      (v) =>
        !wanted || v.name.toLowerCase().includes(wanted) || v.sku.toLowerCase().includes(wanted),
    )
    .slice(0, CATALOG_LIMIT)
    .map((v) => ({
      variantId: v.variantId,
      sku: v.sku,
      name: v.name,
      unit: v.unit,
      price: v.price,
      listPrice: v.listed,
      inStock: v.available > 0,
    }));
}

const orderRow = z.object({
  id: z.string(),
  number: z.string(),
  placedAt: z.number().int(),
  status: z.string(),
  total: z.number().int(),
  note: z.string().nullable(),
  deliveredAt: z.number().int().nullable(),
});
export type PortalOrderSummary = z.infer<typeof orderRow>;

const ordersSql = `SELECT o.id, o.number, o.placed_at AS placedAt, ${shownStatusSql} AS status,
       o.total, o.note, dp.delivered_at AS deliveredAt
  FROM customer_orders o LEFT JOIN delivery_proofs dp ON dp.order_id = o.id`;

/** The customer's orders, newest first, with the status both aggregates give. */
export function portalOrders(db: Db, customerId: string): PortalOrderSummary[] {
  return parseRows(
    orderRow,
    db.sqlite
      .prepare(`${ordersSql} WHERE o.customer_id = ? ORDER BY o.placed_at DESC, o.id LIMIT 500`)
      .all(customerId),
  );
}

const lineRow = z.object({
  lineNo: z.number().int(),
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
  returnedQty: z.number().int(),
  delivered: z.number().int().nullable(),
  damaged: z.number().int().nullable(),
  short: z.number().int().nullable(),
  reason: z.string().nullable(),
});
const proofRow = z.object({
  proofId: z.string(),
  signedBy: z.string(),
  deliveredAt: z.number().int(),
  collected: z.number().int(),
});

export interface PortalOrderDetail extends PortalOrderSummary {
  lines: z.infer<typeof lineRow>[];
  /** The proof of delivery, once delivered: who signed, when, what was collected. */
  delivery: { signedBy: string; deliveredAt: number; collected: number } | null;
  /** Whether a delivery note can be had (portal.deliveryNote): there is a proof. */
  deliveryNote: boolean;
}

/**
 * One of the customer's orders, or null when it is not theirs (or does not exist): the two are
 * not told apart, so an id guessed from another customer learns nothing.
 */
export function portalOrder(db: Db, customerId: string, orderId: string): PortalOrderDetail | null {
  const head = parseRow(
    orderRow,
    db.sqlite.prepare(`${ordersSql} WHERE o.id = ? AND o.customer_id = ?`).get(orderId, customerId),
  );
  if (!head) return null;
  const proof = parseRow(
    proofRow,
    db.sqlite
      .prepare(
        `SELECT id AS proofId, signed_by AS signedBy, delivered_at AS deliveredAt, collected
           FROM delivery_proofs WHERE order_id = ?`,
      )
      .get(orderId),
  );
  const lines = parseRows(
    lineRow,
    db.sqlite
      .prepare(
        `SELECT l.line_no AS lineNo, l.variant_id AS variantId, l.sku, l.name, l.quantity,
                l.unit_price AS unitPrice, l.returned_qty AS returnedQty,
                pl.delivered, pl.damaged, pl.short, pl.reason
           FROM customer_order_lines l
           LEFT JOIN delivery_proof_lines pl ON pl.proof_id = @proofId AND pl.line_no = l.line_no
          WHERE l.order_id = @orderId ORDER BY l.line_no`,
      )
      .all({ orderId, proofId: proof?.proofId ?? null }),
  );
  return {
    ...head,
    lines,
    delivery: proof
      ? { signedBy: proof.signedBy, deliveredAt: proof.deliveredAt, collected: proof.collected }
      : null,
    deliveryNote: proof !== undefined,
  };
}

const accountRow = z.object({
  kind: z.enum(['delivery', 'collection', 'payment', 'return']),
  amount: z.number().int(),
  orderNumber: z.string().nullable(),
  method: z.string().nullable(),
  reference: z.string().nullable(),
  at: z.number().int(),
});
const customerRow = z.object({ tier: z.string().nullable() });

/** The customer's balance and its ledger (newest first), points, tier and the rewards offered. */
export function portalAccount(db: Db, customerId: string, now: number) {
  const rows = parseRows(
    accountRow,
    db.sqlite
      .prepare(
        `SELECT a.kind, a.amount, o.number AS orderNumber, a.method, a.reference, a.at
           FROM customer_account a LEFT JOIN customer_orders o ON o.id = a.order_id
          WHERE a.customer_id = ? ORDER BY a.at DESC, a.id DESC LIMIT 500`,
      )
      .all(customerId),
  );
  const program = programOf(db);
  const customer = parseRow(
    customerRow,
    db.sqlite.prepare('SELECT tier FROM customers WHERE id = ?').get(customerId),
  );
  return {
    /** What the customer owes (negative: in credit), in minor units. */
    balance: customerBalance(db, customerId),
    rows,
    points: pointsBalance(db, customerId, now),
    tier: customer?.tier ?? program?.tiers[0]?.name ?? null,
    pointValue: program?.pointValue ?? 0,
    rewards: program?.rewards ?? [],
  };
}
