// A variant's cost follows what was received (decision 0032): the quantity-weighted average unit
// cost, in the company's currency, of its receipts in the year up to its latest one. It depends
// on the set of receipts alone, never on the order they arrived in or on stock a replica cannot
// see, so every replica holding the same receipts keeps the same cost. The admin's cost on the
// variant stands until the first receipt.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { query } from '../contract/define';
import { id } from '../contract/fields';
import { DomainError } from '../errors';

export const COST_WINDOW_MS = 365 * 24 * 60 * 60 * 1000;

const windowRow = z.object({
  quantity: z.number().int(),
  cost: z.number().int(),
  lastReceivedAt: z.number().int(),
});

const latestRow = z.object({ at: z.number().int().nullable() });

/**
 * What a variant's cost is made of, each with its weight (units), total cost and date: every
 * receipt, at the price its order's posted invoices billed for the variant where there is one
 * (decision 0033), else at the order's price; each line of a posted invoice that names no order;
 * and each line of a posted credit note, as a credit with no units.
 */
const OBSERVATIONS = `
  WITH billed AS (
    SELECT i.order_id AS orderId,
           (2 * sum(l.quantity * l.unit_cost_company) + sum(l.quantity)) / (2 * sum(l.quantity)) AS cost
    FROM supplier_invoice_lines l JOIN supplier_invoices i ON i.id = l.invoice_id
    WHERE l.variant_id = @variantId AND i.status = 'posted' AND i.order_id IS NOT NULL AND l.credit = 0
    GROUP BY i.order_id
  )
  SELECT r.quantity AS weight, r.quantity * coalesce(b.cost, r.unit_cost) AS total, r.received_at AS at
  FROM purchase_receipt_lines r LEFT JOIN billed b ON b.orderId = r.order_id
  WHERE r.variant_id = @variantId AND r.quantity > 0
  UNION ALL
  SELECT l.quantity, l.quantity * l.unit_cost_company, l.posted_at
  FROM supplier_invoice_lines l JOIN supplier_invoices i ON i.id = l.invoice_id
  WHERE l.variant_id = @variantId AND i.status = 'posted' AND i.order_id IS NULL AND l.credit = 0
  UNION ALL
  SELECT 0, -l.quantity * l.unit_cost_company, l.posted_at
  FROM supplier_invoice_lines l JOIN supplier_invoices i ON i.id = l.invoice_id
  WHERE l.variant_id = @variantId AND i.status = 'posted' AND l.credit = 1`;

/** Works each variant's cost out again from its receipts and invoices (none: the row goes). */
export function settleCosts(db: Db, variantIds: readonly string[]): void {
  const latest = db.sqlite.prepare(`SELECT max(at) AS at FROM (${OBSERVATIONS})`);
  const average = db.sqlite.prepare(
    `SELECT sum(weight) AS quantity,
            (2 * max(sum(total), 0) + sum(weight)) / (2 * sum(weight)) AS cost, @at AS lastReceivedAt
     FROM (${OBSERVATIONS}) WHERE at > @from AND at <= @at`,
  );
  const save = db.sqlite.prepare(
    `INSERT INTO variant_costs (variant_id, cost, quantity, last_received_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (variant_id) DO UPDATE SET cost = excluded.cost, quantity = excluded.quantity,
       last_received_at = excluded.last_received_at`,
  );
  const drop = db.sqlite.prepare(`DELETE FROM variant_costs WHERE variant_id = ?`);
  for (const variantId of new Set(variantIds)) {
    const at = parseRow(latestRow, latest.get({ variantId }))?.at ?? null;
    if (at === null) {
      drop.run(variantId);
      continue;
    }
    const row = parseRow(windowRow, average.get({ variantId, at, from: at - COST_WINDOW_MS }));
    if (!row || row.quantity <= 0) {
      drop.run(variantId);
      continue;
    }
    save.run(variantId, row.cost, row.quantity, row.lastReceivedAt);
  }
}

const historyRow = z.object({
  receivedAt: z.number().int(),
  orderId: z.string(),
  number: z.string().nullable(),
  quantity: z.number().int(),
  unitCost: z.number().int(),
});

/** A variant's receipts, newest first, each with the cost it came in at. */
export function receiptsOf(db: Db, variantId: string, limit = 50) {
  return parseRows(
    historyRow,
    db.sqlite
      .prepare(
        `SELECT r.received_at AS receivedAt, r.order_id AS orderId, o.number, r.quantity, r.unit_cost AS unitCost
         FROM purchase_receipt_lines r JOIN purchase_orders o ON o.id = r.order_id
         WHERE r.variant_id = ? AND r.quantity > 0 ORDER BY r.received_at DESC, r.id DESC LIMIT ?`,
      )
      .all(variantId, limit),
  );
}

const costRow = z.object({
  standardCost: z.number().int(),
  receivedCost: z.number().int().nullable(),
  receivedQuantity: z.number().int().nullable(),
});

/** A variant's cost: the admin's, the one receipts moved it to, and the receipts behind it. */
export const costHistory = query({
  access: 'purchasing.read',
  input: z.object({ variantId: id }),
  handler: (ctx, input) => {
    const row = parseRow(
      costRow,
      ctx.db.sqlite
        .prepare(
          `SELECT v.cost AS standardCost, c.cost AS receivedCost, c.quantity AS receivedQuantity
           FROM variants v LEFT JOIN variant_costs c ON c.variant_id = v.id WHERE v.id = ?`,
        )
        .get(input.variantId),
    );
    if (!row) throw new DomainError('NOT_FOUND', 'That product variant is not known here.');
    return {
      ...row,
      cost: row.receivedCost ?? row.standardCost,
      receipts: receiptsOf(ctx.db, input.variantId),
    };
  },
});
