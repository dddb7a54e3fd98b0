// One stop's proof of delivery (decision 0034): made on the driver's device with its own id, and
// checked against the trip when applied in head office's order, so a second device's proof of
// the same stop becomes a visible conflict, never a second signature.
import { z } from 'zod';
import * as num from '../events/numbers';
import { credit, creditWrites } from '../badges/credits';
import type { Db } from '../db/open';
import { defineEvent, ledgerWrite, type EventEnvelope } from '../events/define';
import { DomainError } from '../errors';
import {
  accountMove,
  accountWrite,
  loadCustomerOrder,
  type CustomerOrderState,
} from '../field/state';
import { companyDay } from '../locale/day';
import { move } from '../stock/ledger';
import { paymentMethods, referencedMethods } from '../vocabulary';
import { fieldRefusal, tripRefusal } from './refusals';
import { mustBeDriver, pendingStop, tripForStep, tripRows, type TripState } from './state';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const proofLine = z.object({
  lineNo: num.lineNo,
  delivered: num.units,
  damaged: num.units,
  short: num.units,
  reason: z.string().min(1).nullable(),
  photoFile: sha256.nullable(),
});
export type ProofLine = z.output<typeof proofLine>;

export const collectedSchema = z
  .object({
    amount: num.positiveMinor,
    method: z.enum(paymentMethods),
    reference: z.string().min(1).nullable(),
  })
  .nullable();

const payload = z.object({
  proofId: z.string(),
  tripId: z.string(),
  orderId: z.string(),
  driverId: z.string(),
  repId: z.string().nullable(),
  customerId: z.string(),
  lines: z.array(proofLine).min(1),
  returns: z.array(z.object({ variantId: z.string(), quantity: num.positiveUnits })),
  collected: collectedSchema,
  signatureFile: sha256,
  signedBy: z.string().min(1),
  note: z.string().nullable(),
});
type Proof = z.output<typeof payload>;

/**
 * Every line of the order marked once: what was loaded (the line's quantity) is delivered,
 * damaged or short; a reason for damaged or short, a photo for damaged. Shared with the
 * command, which refuses before storing the signature.
 */
export function checkLines(order: CustomerOrderState, lines: readonly ProofLine[]): void {
  const byNo = new Map(order.lines.map((l) => [l.lineNo, l]));
  const marked = new Set<number>();
  lines.forEach((l, i) => {
    const at = `lines.${i}`;
    const line = byNo.get(l.lineNo);
    if (!line || marked.has(l.lineNo))
      throw fieldRefusal(
        `${at}.lineNo`,
        line
          ? `line ${l.lineNo} is marked twice; mark each line once.`
          : `order ${order.number} has no line ${l.lineNo}; mark only its lines.`,
      );
    marked.add(l.lineNo);
    const loaded = line.quantity;
    if (l.delivered > loaded)
      throw tripRefusal(
        'OVER_LOADED',
        `${at}.delivered: ${l.delivered} of ${line.name} delivered, but only ${loaded} were loaded; count again.`,
        { field: `${at}.delivered`, loaded },
      );
    if (l.delivered + l.damaged + l.short !== loaded)
      throw fieldRefusal(
        `${at}.short`,
        `delivered, damaged and short of ${line.name} add up to ${l.delivered + l.damaged + l.short}, but ${loaded} were loaded; account for every one.`,
        { loaded },
      );
    if ((l.damaged > 0 || l.short > 0) && !l.reason)
      throw fieldRefusal(`${at}.reason`, `say why ${line.name} was damaged or short.`);
    if (l.damaged > 0 && !l.photoFile)
      throw fieldRefusal(`${at}.photoFile`, `take a photo of the damaged ${line.name}.`);
  });
  const missing = order.lines.find((l) => !marked.has(l.lineNo));
  if (missing)
    throw fieldRefusal(
      'lines',
      `line ${missing.lineNo} (${missing.name}) is not marked; the signature comes only after every line is marked.`,
      { lineNo: missing.lineNo },
    );
}

export function checkCollected(collected: Proof['collected']): void {
  if (collected && referencedMethods.includes(collected.method) && !collected.reference)
    throw fieldRefusal(
      'collected.reference',
      `a ${collected.method.replace('_', ' ')} names its reference; enter it from the customer's receipt.`,
    );
}

function checkParties(db: Db, trip: TripState, order: CustomerOrderState, p: Proof): void {
  if (p.driverId !== trip.driverId)
    throw fieldRefusal('driverId', `trip ${trip.number} has another driver; sync and try again.`);
  if (p.customerId !== order.customerId)
    throw fieldRefusal('customerId', `order ${order.number} is another customer's.`);
  if (p.repId !== order.repId)
    throw fieldRefusal('repId', `order ${order.number} counts for another sales rep.`);
  const known = db.sqlite.prepare('SELECT 1 FROM variants WHERE id = ?');
  p.returns.forEach((r, i) => {
    if (!known.get(r.variantId))
      throw fieldRefusal(`returns.${i}.variantId`, 'is not an item of the catalog; choose one.');
  });
}

function moveStock(e: EventEnvelope<Proof>, db: Db, order: CustomerOrderState): number {
  const p = e.payload;
  const byNo = new Map(p.lines.map((l) => [l.lineNo, l]));
  let value = 0;
  const at = { branchId: order.branchId, orderId: order.id };
  for (const line of order.lines) {
    const marked = byNo.get(line.lineNo);
    if (!marked) continue; // checkLines saw every line marked
    move(db, e, { ...at, variantId: line.variantId, kind: 'release', reserved: -line.quantity });
    if (marked.delivered > 0)
      move(db, e, {
        ...at,
        variantId: line.variantId,
        kind: 'dispatch',
        onHand: -marked.delivered,
      });
    // Short goods never left (or came back with the van): they stay on hand, free to sell.
    if (marked.damaged > 0)
      move(db, e, {
        ...at,
        variantId: line.variantId,
        kind: 'adjustment',
        onHand: -marked.damaged,
        reason: `damaged on delivery: ${marked.reason ?? ''}`,
      });
    value += marked.delivered * line.unitPrice;
  }
  for (const r of p.returns)
    move(db, e, {
      ...at,
      variantId: r.variantId,
      kind: 'return',
      onHand: r.quantity,
      reason: `returned at the delivery of order ${order.number}`,
    });
  return value;
}

function writeProof(
  db: Db,
  e: EventEnvelope<Proof>,
  order: CustomerOrderState,
  deliveredAt: number,
  onTime: boolean,
) {
  const p = e.payload;
  // received_hlc stays null in replicated state: the device that made the proof applies it
  // before head office has received it, the others after, so a value here would make replicas
  // differ. Head office's receipt is read from the event log (events.received_hlc) instead.
  db.sqlite
    .prepare(
      `INSERT INTO delivery_proofs (id, event_id, trip_id, order_id, customer_id, driver_id, device_id, delivered_at,
         received_hlc, signature_file, signed_by, collected, method, reference, note, on_time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      p.proofId,
      e.id,
      p.tripId,
      order.id,
      order.customerId,
      p.driverId,
      e.deviceId,
      deliveredAt,
      p.signatureFile,
      p.signedBy,
      p.collected?.amount ?? 0,
      p.collected?.method ?? null,
      p.collected?.reference ?? null,
      p.note,
      onTime ? 1 : 0,
    );
  const loaded = new Map(order.lines.map((l) => [l.lineNo, l]));
  const line = db.sqlite.prepare(
    `INSERT INTO delivery_proof_lines (proof_id, line_no, variant_id, loaded, delivered, damaged, short, reason, photo_file)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const l of p.lines) {
    const o = loaded.get(l.lineNo);
    if (!o) continue; // checkLines saw only the order's lines
    line.run(
      p.proofId,
      l.lineNo,
      o.variantId,
      o.quantity,
      l.delivered,
      l.damaged,
      l.short,
      l.reason,
      l.photoFile,
    );
  }
  const ret = db.sqlite.prepare(
    `INSERT INTO delivery_returns (proof_id, variant_id, quantity) VALUES (?, ?, ?)
     ON CONFLICT (proof_id, variant_id) DO UPDATE SET quantity = quantity + excluded.quantity`,
  );
  for (const r of p.returns) ret.run(p.proofId, r.variantId, r.quantity);
}

/** Whether any earlier credit (not taken back) made this customer someone's new customer. */
function hadFirstOrder(db: Db, customerId: string): boolean {
  const row = z.object({ n: z.number().int() }).parse(
    db.sqlite
      .prepare(
        `SELECT COALESCE(SUM(CASE WHEN voids THEN -1 ELSE 1 END), 0) AS n FROM work_credits
        WHERE kind = 'new_customer' AND ref = ?`,
      )
      .get(customerId),
  );
  return row.n > 0;
}

function creditWork(
  db: Db,
  e: EventEnvelope<Proof>,
  order: CustomerOrderState,
  at: number,
  value: number,
) {
  const p = e.payload;
  // Nothing delivered is no delivery to count.
  if (value <= 0 && p.lines.every((l) => l.delivered === 0)) return;
  credit(db, e, { personId: p.driverId, kind: 'delivery', ref: order.id, at });
  if (!p.repId) return;
  credit(db, e, { personId: p.repId, kind: 'order_delivered', ref: order.id, at, amount: value });
  if (!hadFirstOrder(db, order.customerId))
    credit(db, e, { personId: p.repId, kind: 'new_customer', ref: order.customerId, at });
}

export const deliveryProved = defineEvent({
  type: 'delivery.proved',
  ordered: true,
  deliveryNote: true,
  authority: { permission: 'trips.drive', from: ['shop', 'factory'], acts: 'aggregate' },
  visibility: { aggregate: true },
  files: (p) => [p.signatureFile, ...p.lines.flatMap((l) => (l.photoFile ? [l.photoFile] : []))],
  writes: [
    ...tripRows<Proof>('trips', 'trip_stops', 'delivery_proofs'),
    { table: 'delivery_proof_lines', column: 'proof_id', key: (e) => e.payload.proofId },
    { table: 'delivery_returns', column: 'proof_id', key: (e) => e.payload.proofId },
    ledgerWrite,
    accountWrite,
    ...creditWrites<Proof>((p) => [p.driverId, p.repId]),
  ],
  payload,
  apply: (db, e) => {
    const p = e.payload;
    const trip = tripForStep(db, p.tripId, 'delivered');
    const stop = pendingStop(trip, p.orderId);
    mustBeDriver(trip, e);
    const order = loadCustomerOrder(db, stop.orderId);
    if (!order)
      throw new DomainError('NOT_FOUND', `orderId: no customer's order ${p.orderId} here.`, {
        field: 'orderId',
      });
    checkParties(db, trip, order, p);
    checkLines(order, p.lines);
    checkCollected(p.collected);
    // A back-dated clock cannot place the work before the trip existed.
    const deliveredAt = Math.max(e.createdAt, trip.plannedAt);
    const onTime = companyDay(db, deliveredAt) <= trip.day;
    const value = moveStock(e, db, order);
    const base = {
      customerId: order.customerId,
      branchId: order.branchId,
      orderId: order.id,
      tripId: trip.id,
    };
    if (value > 0) accountMove(db, e, { ...base, kind: 'delivery', amount: value });
    if (p.collected)
      accountMove(db, e, {
        ...base,
        kind: 'collection',
        amount: -p.collected.amount,
        method: p.collected.method,
        reference: p.collected.reference,
      });
    writeProof(db, e, order, deliveredAt, onTime);
    db.sqlite
      .prepare(
        `UPDATE trip_stops SET status = 'delivered', proof_id = ? WHERE trip_id = ? AND order_id = ?`,
      )
      .run(p.proofId, trip.id, order.id);
    db.sqlite.prepare('UPDATE trips SET updated_at = ? WHERE id = ?').run(e.createdAt, trip.id);
    creditWork(db, e, order, deliveredAt, value);
  },
});
