// Fixtures for the field tests: the demo company with customers served by its sales rep, and
// what a trip would leave behind when it delivers (core/trips writes those rows in production).
import { z } from 'zod';
import type { Context } from '../contract/context';
import { parseRow, parseRows } from '../db/rows';
import { roles } from '../vocabulary';
import { openDemo, type DemoWorld } from '../testing/demo';

const idRow = z.object({ id: z.string() });
const availableRow = z.object({ a: z.number().int() });
const reservedRow = z.object({ reserved: z.number().int() });
const countRow = z.object({ n: z.number().int() });
const actorRow = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  branchId: z.string(),
});
const stockedRow = z.object({
  variantId: z.string(),
  available: z.number().int(),
  price: z.number().int(),
});
const orderRow = z.object({
  customerId: z.string(),
  branchId: z.string(),
  repId: z.string().nullable(),
});
const lineRow = z.object({
  lineNo: z.number().int(),
  variantId: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
});

export const userIdOf = (w: DemoWorld, username: string): string =>
  idRow.parse(w.core.db.sqlite.prepare('SELECT id FROM users WHERE username = ?').get(username)).id;

/** What the branch has free of a variant now. */
export const availableAt = (w: DemoWorld, branchId: string, variantId: string): number =>
  parseRow(
    availableRow,
    w.core.db.sqlite
      .prepare(
        'SELECT on_hand - reserved AS a FROM stock_balances WHERE branch_id = ? AND variant_id = ?',
      )
      .get(branchId, variantId),
  )?.a ?? 0;

export const reservedAt = (w: DemoWorld, branchId: string, variantId: string): number =>
  parseRow(
    reservedRow,
    w.core.db.sqlite
      .prepare('SELECT reserved FROM stock_balances WHERE branch_id = ? AND variant_id = ?')
      .get(branchId, variantId),
  )?.reserved ?? 0;

export const eventCount = (w: DemoWorld): number =>
  countRow.parse(w.core.db.sqlite.prepare('SELECT count(*) AS n FROM events').get()).n;

/** A context as a person (the portal's caller, which has no operation of this module). */
export function contextAs(w: DemoWorld, username: string): Context {
  const row = actorRow.parse(
    w.core.db.sqlite
      .prepare(
        'SELECT id AS userId, username, display_name AS displayName, role, branch_id AS branchId FROM users WHERE username = ?',
      )
      .get(username),
  );
  return w.core.context({ actor: row });
}

export interface FieldWorld {
  w: DemoWorld;
  repId: string;
  /** Served by the demo rep. */
  mine: string;
  /** Nobody's rep's. */
  other: string;
  /** Variants with stock at SH01, and how much is free. */
  stocked: { variantId: string; available: number; price: number }[];
}

export async function fieldWorld(): Promise<FieldWorld> {
  const w = await openDemo();
  const admin = w.as('admin');
  const repId = userIdOf(w, 'sales');
  const mine = (await admin('customers.create', { branchId: w.branch.SH01, name: 'Mulu Cafe' })).id;
  const other = (await admin('customers.create', { branchId: w.branch.SH01, name: 'Tana Hotel' }))
    .id;
  await admin('customers.saveTerms', { customerId: mine, repId });
  const stocked = parseRows(
    stockedRow,
    w.core.db.sqlite
      .prepare(
        `SELECT b.variant_id AS variantId, b.on_hand - b.reserved AS available, v.price
           FROM stock_balances b JOIN variants v ON v.id = b.variant_id
          WHERE b.branch_id = ? AND b.on_hand - b.reserved > 0 AND v.active ORDER BY v.sku`,
      )
      .all(w.branch.SH01),
  ).slice(0, 6);
  return { w, repId, mine, other, stocked };
}

/**
 * What a trip's proof of a delivery leaves (core/trips writes these rows from its events): a
 * delivered stop, the proof with its lines, the delivery on the customer's account and the
 * credits of the driver and the rep.
 */
export function deliverAsTripWould(
  w: DemoWorld,
  orderId: string,
  delivered: Record<number, number>,
  at: number,
): { tripId: string; proofId: string } {
  const db = w.core.db.sqlite;
  const order = orderRow.parse(
    db
      .prepare(
        'SELECT customer_id AS customerId, branch_id AS branchId, rep_id AS repId FROM customer_orders WHERE id = ?',
      )
      .get(orderId),
  );
  const lines = parseRows(
    lineRow,
    db
      .prepare(
        'SELECT line_no AS lineNo, variant_id AS variantId, quantity, unit_price AS unitPrice FROM customer_order_lines WHERE order_id = ?',
      )
      .all(orderId),
  );
  const tripId = `trip-${orderId}`;
  const proofId = `proof-${orderId}`;
  const driverId = userIdOf(w, 'driver');
  db.prepare(
    `INSERT INTO trip_stops (trip_id, order_id, seq, customer_id, status, proof_id) VALUES (?, ?, 1, ?, 'delivered', ?)`,
  ).run(tripId, orderId, order.customerId, proofId);
  db.prepare(
    `INSERT INTO delivery_proofs (id, event_id, trip_id, order_id, customer_id, driver_id, device_id, delivered_at, signature_file, signed_by, on_time)
     VALUES (?, ?, ?, ?, ?, ?, 'dev', ?, 'sig', 'Signer', 1)`,
  ).run(proofId, `ev-${proofId}`, tripId, orderId, order.customerId, driverId, at);
  let value = 0;
  for (const l of lines) {
    const d = delivered[l.lineNo] ?? l.quantity;
    db.prepare(
      `INSERT INTO delivery_proof_lines (proof_id, line_no, variant_id, loaded, delivered, damaged, short) VALUES (?, ?, ?, ?, ?, 0, ?)`,
    ).run(proofId, l.lineNo, l.variantId, l.quantity, d, l.quantity - d);
    value += d * l.unitPrice;
  }
  db.prepare(
    `INSERT INTO customer_account (event_id, customer_id, branch_id, kind, amount, order_id, trip_id, at)
     VALUES (?, ?, ?, 'delivery', ?, ?, ?, ?)`,
  ).run(`ev-${proofId}`, order.customerId, order.branchId, value, orderId, tripId, at);
  const credit = db.prepare(
    `INSERT INTO work_credits (event_id, person_id, kind, ref, value, amount, at, day, voids) VALUES (?, ?, ?, ?, 1, ?, ?, '2026-12-05', 0)`,
  );
  credit.run(`ev-${proofId}`, driverId, 'delivery', orderId, value, at);
  if (order.repId) credit.run(`ev-${proofId}`, order.repId, 'order_delivered', orderId, value, at);
  return { tripId, proofId };
}
