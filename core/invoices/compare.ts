// An invoice against the purchase order it names (decision 0033): per variant, what was
// ordered at what price, what the branch received, and what the supplier bills, so a person
// sees at once a line billed but not received or a price that moved since the order.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { variantNameSql } from '../catalog/lookup';
import { normaliseCode } from './similarity';

export interface InvoicedLine {
  variantId: string | null;
  quantity: number;
  /** Minor units per unit, of the invoice's currency. */
  unitPrice: number;
}

export interface ComparedLine {
  variantId: string;
  sku: string;
  name: string;
  ordered: number;
  /** Per unit, the order's (its supplier's) currency; null when the variant is not on it. */
  orderedPrice: number | null;
  received: number;
  invoiced: number;
  /** Per unit; null when the variant is not on the invoice. */
  invoicedPrice: number | null;
  /** Invoiced − ordered. */
  quantityDiff: number;
  /** Invoiced − received: billed but not (yet) received when above 0. */
  receivedDiff: number;
  /** Invoiced − ordered price per unit; null when either is missing. */
  priceDiff: number | null;
}

export type OrderComparison =
  | {
      found: true;
      orderId: string;
      number: string;
      status: string;
      /** One row per variant on the order or the invoice: the order's first, in its order. */
      lines: ComparedLine[];
      /** Order lines the invoice does not bill. */
      notInvoiced: ComparedLine[];
      /** Invoice lines not yet matched to a variant: they cannot be compared. */
      unmatched: number;
    }
  | { found: false; why: 'no_reference' | 'not_found' | 'other_supplier'; message: string };

const orderRow = z.object({
  id: z.string(),
  number: z.string(),
  supplierId: z.string(),
  supplierName: z.string(),
  status: z.string(),
});

const lineRow = z.object({
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  price: z.number().int(),
  lineTotal: z.number().int(),
  received: z.number().int(),
});

const variantRow = z.object({ id: z.string(), sku: z.string(), name: z.string() });

function findOrder(db: Db, reference: string) {
  const select = `SELECT o.id, o.number, o.supplier_id AS supplierId, s.name AS supplierName, o.status
    FROM purchase_orders o JOIN suppliers s ON s.id = o.supplier_id`;
  const exact = parseRow(
    orderRow,
    db.sqlite.prepare(`${select} WHERE o.number = ?`).get(reference.trim()),
  );
  if (exact) return exact;
  // As printed: another case, spaces or slashes for dashes, or no separators at all.
  const wanted = normaliseCode(reference);
  if (!wanted) return undefined;
  return parseRows(
    orderRow,
    db.sqlite.prepare(`${select} WHERE o.number IS NOT NULL ORDER BY o.created_at DESC`).all(),
  ).find((o) => normaliseCode(o.number) === wanted);
}

/** Per unit over several lines of one variant: their total over their quantity, rounded. */
const perUnit = (total: number, quantity: number) =>
  quantity === 0 ? 0 : Math.round(total / quantity);

export function compareWithOrder(
  db: Db,
  purchaseOrderRef: string | null,
  supplierId: string | null,
  lines: InvoicedLine[],
): OrderComparison {
  if (!purchaseOrderRef?.trim())
    return {
      found: false,
      why: 'no_reference',
      message: 'The invoice names no purchase order.',
    };
  const order = findOrder(db, purchaseOrderRef);
  if (!order)
    return {
      found: false,
      why: 'not_found',
      message: `No purchase order numbered "${purchaseOrderRef.trim()}" is known here.`,
    };
  if (supplierId !== null && order.supplierId !== supplierId)
    return {
      found: false,
      why: 'other_supplier',
      message: `Purchase order ${order.number} is ${order.supplierName}'s, not this supplier's.`,
    };

  const orderLines = parseRows(
    lineRow,
    db.sqlite
      .prepare(
        `SELECT l.variant_id AS variantId, v.sku, ${variantNameSql} AS name, l.quantity, l.price,
           l.line_total AS lineTotal, l.received
         FROM purchase_order_lines l JOIN variants v ON v.id = l.variant_id
         JOIN products p ON p.id = v.product_id WHERE l.order_id = ? ORDER BY l.line_no`,
      )
      .all(order.id),
  );
  const rows = new Map<string, ComparedLine & { orderedTotal: number; invoicedTotal: number }>();
  const row = (variantId: string, sku: string, name: string) => {
    let r = rows.get(variantId);
    if (!r) {
      r = {
        variantId,
        sku,
        name,
        ordered: 0,
        orderedPrice: null,
        received: 0,
        invoiced: 0,
        invoicedPrice: null,
        quantityDiff: 0,
        receivedDiff: 0,
        priceDiff: null,
        orderedTotal: 0,
        invoicedTotal: 0,
      };
      rows.set(variantId, r);
    }
    return r;
  };
  for (const l of orderLines) {
    const r = row(l.variantId, l.sku, l.name);
    r.ordered += l.quantity;
    r.orderedTotal += l.lineTotal;
    r.received += l.received;
    r.orderedPrice = perUnit(r.orderedTotal, r.ordered);
  }
  const variantOf = db.sqlite.prepare(
    `SELECT v.id, v.sku, ${variantNameSql} AS name FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = ?`,
  );
  let unmatched = 0;
  for (const l of lines) {
    if (l.variantId === null) {
      unmatched++;
      continue;
    }
    const known = rows.get(l.variantId) ?? parseRow(variantRow, variantOf.get(l.variantId));
    if (!known) {
      unmatched++;
      continue;
    }
    const r = row(l.variantId, known.sku, known.name);
    r.invoiced += l.quantity;
    r.invoicedTotal += l.quantity * l.unitPrice;
    r.invoicedPrice = r.invoiced === 0 ? l.unitPrice : perUnit(r.invoicedTotal, r.invoiced);
  }
  const compared: ComparedLine[] = [...rows.values()].map(
    ({ orderedTotal: _o, invoicedTotal: _i, ...r }) => ({
      ...r,
      quantityDiff: r.invoiced - r.ordered,
      receivedDiff: r.invoiced - r.received,
      priceDiff:
        r.invoicedPrice !== null && r.orderedPrice !== null
          ? r.invoicedPrice - r.orderedPrice
          : null,
    }),
  );
  return {
    found: true,
    orderId: order.id,
    number: order.number,
    status: order.status,
    lines: compared,
    notInvoiced: compared.filter((r) => r.ordered > 0 && r.invoicedPrice === null),
    unmatched,
  };
}
