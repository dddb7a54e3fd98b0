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

/** Works each variant's cost out again from its receipts (none: the row goes). */
export function settleCosts(db: Db, variantIds: readonly string[]): void {
  const latest = db.sqlite.prepare(
    `SELECT max(received_at) AS at FROM purchase_receipt_lines WHERE variant_id = ? AND quantity > 0`,
  );
  const average = db.sqlite.prepare(
    `SELECT sum(quantity) AS quantity, (2 * sum(quantity * unit_cost) + sum(quantity)) / (2 * sum(quantity)) AS cost,
            @at AS lastReceivedAt
     FROM purchase_receipt_lines WHERE variant_id = @variantId AND quantity > 0 AND received_at > @from`,
  );
  const save = db.sqlite.prepare(
    `INSERT INTO variant_costs (variant_id, cost, quantity, last_received_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (variant_id) DO UPDATE SET cost = excluded.cost, quantity = excluded.quantity,
       last_received_at = excluded.last_received_at`,
  );
  const drop = db.sqlite.prepare(`DELETE FROM variant_costs WHERE variant_id = ?`);
  for (const variantId of new Set(variantIds)) {
    const at = parseRow(latestRow, latest.get(variantId))?.at ?? null;
    if (at === null) {
      drop.run(variantId);
      continue;
    }
    const row = parseRow(windowRow, average.get({ variantId, at, from: at - COST_WINDOW_MS }));
    if (!row) throw new Error(`no receipts in the cost window of ${variantId}`);
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
