// What screens and documents read of trips (decision 0034): a trip with its stops in order,
// each with its customer, address, coordinates, order, lines, the status the order shows and
// the proof that closed it.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError } from '../errors';
import { shownStatusSql } from '../field/state';
import { stopStatuses, tripStatuses } from '../vocabulary';
import { stopCameBack, stopFailed } from './events';

const tripHead = z.object({
  id: z.string(),
  number: z.string(),
  branchId: z.string(),
  branchName: z.string().nullable(),
  day: z.string(),
  driverId: z.string(),
  driverName: z.string().nullable(),
  vehicle: z.string(),
  status: z.enum(tripStatuses),
  plannedAt: z.number(),
  cashExpected: z.number().nullable(),
  cashCounted: z.number().nullable(),
  cashReason: z.string().nullable(),
  closedAt: z.number().nullable(),
  stops: z.number(),
  delivered: z.number(),
  failed: z.number(),
});
export type TripRow = z.output<typeof tripHead>;

const HEAD = `SELECT t.id, t.number, t.branch_id AS branchId, b.name AS branchName, t.day, t.driver_id AS driverId,
    u.display_name AS driverName, t.vehicle, t.status, t.planned_at AS plannedAt, t.cash_expected AS cashExpected,
    t.cash_counted AS cashCounted, t.cash_reason AS cashReason, t.closed_at AS closedAt,
    (SELECT COUNT(*) FROM trip_stops s WHERE s.trip_id = t.id) AS stops,
    (SELECT COUNT(*) FROM trip_stops s WHERE s.trip_id = t.id AND s.status = 'delivered') AS delivered,
    (SELECT COUNT(*) FROM trip_stops s WHERE s.trip_id = t.id AND s.status = 'failed') AS failed
  FROM trips t LEFT JOIN branches b ON b.id = t.branch_id LEFT JOIN users u ON u.id = t.driver_id`;

export function listTrips(
  db: Db,
  filter: { branchId?: string; day?: string; driverId?: string; status?: string },
): TripRow[] {
  const where: string[] = [];
  const args: string[] = [];
  for (const [column, value] of [
    ['t.branch_id', filter.branchId],
    ['t.day', filter.day],
    ['t.driver_id', filter.driverId],
    ['t.status', filter.status],
  ] as const)
    if (value !== undefined) {
      where.push(`${column} = ?`);
      args.push(value);
    }
  const sql = `${HEAD} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.day DESC, t.number`;
  return parseRows(tripHead, db.sqlite.prepare(sql).all(...args));
}

const stopRow = z.object({
  orderId: z.string(),
  seq: z.number(),
  status: z.enum(stopStatuses),
  failReason: z.string().nullable(),
  proofId: z.string().nullable(),
  orderNumber: z.string(),
  orderTotal: z.number(),
  shownStatus: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  phone: z.string().nullable(),
  address: z.string().nullable(),
  latE6: z.number().nullable(),
  lngE6: z.number().nullable(),
});

/** Who marked a stop not delivered: its driver on the road, or a manager when its goods came back. */
const notDeliveredRow = z.object({ type: z.string(), by: z.string().nullable() });

const lineRow = z.object({
  lineNo: z.number(),
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number(),
  unitPrice: z.number(),
});

const proofRow = z.object({
  id: z.string(),
  orderId: z.string(),
  deliveredAt: z.number(),
  /** Head office's clock when it received the proof, from the event log (null until then). */
  receivedHlc: z.string().nullable(),
  signatureFile: z.string(),
  signedBy: z.string(),
  collected: z.number(),
  method: z.string().nullable(),
  reference: z.string().nullable(),
  note: z.string().nullable(),
  onTime: z.number().transform((n) => n === 1),
});

const proofLineRow = z.object({
  lineNo: z.number(),
  loaded: z.number(),
  delivered: z.number(),
  damaged: z.number(),
  short: z.number(),
  reason: z.string().nullable(),
  photoFile: z.string().nullable(),
});

const returnRow = z.object({
  variantId: z.string(),
  sku: z.string().nullable(),
  name: z.string().nullable(),
  quantity: z.number(),
});

export type ProofDetail = z.output<typeof proofRow> & {
  lines: z.output<typeof proofLineRow>[];
  returns: z.output<typeof returnRow>[];
};

export function proofOf(db: Db, orderId: string): ProofDetail | null {
  const proof = parseRow(
    proofRow,
    db.sqlite
      .prepare(
        `SELECT p.id, p.order_id AS orderId, p.delivered_at AS deliveredAt, ev.received_hlc AS receivedHlc,
                p.signature_file AS signatureFile, p.signed_by AS signedBy, p.collected, p.method, p.reference,
                p.note, p.on_time AS onTime
           FROM delivery_proofs p LEFT JOIN events ev ON ev.id = p.event_id WHERE p.order_id = ?`,
      )
      .get(orderId),
  );
  if (!proof) return null;
  const lines = parseRows(
    proofLineRow,
    db.sqlite
      .prepare(
        `SELECT line_no AS lineNo, loaded, delivered, damaged, short, reason, photo_file AS photoFile
           FROM delivery_proof_lines WHERE proof_id = ? ORDER BY line_no`,
      )
      .all(proof.id),
  );
  const returns = parseRows(
    returnRow,
    db.sqlite
      .prepare(
        `SELECT r.variant_id AS variantId, v.sku, p.name AS name, r.quantity
           FROM delivery_returns r LEFT JOIN variants v ON v.id = r.variant_id LEFT JOIN products p ON p.id = v.product_id
          WHERE r.proof_id = ? ORDER BY v.sku`,
      )
      .all(proof.id),
  );
  return { ...proof, lines, returns };
}

export function tripDetail(db: Db, tripId: string) {
  const head = parseRow(tripHead, db.sqlite.prepare(`${HEAD} WHERE t.id = ?`).get(tripId));
  if (!head)
    throw new DomainError('NOT_FOUND', `tripId: no trip ${tripId} here; check the trip chosen.`, {
      field: 'tripId',
    });
  const stops = parseRows(
    stopRow,
    db.sqlite
      .prepare(
        `SELECT s.order_id AS orderId, s.seq, s.status, s.fail_reason AS failReason, s.proof_id AS proofId,
                o.number AS orderNumber, o.total AS orderTotal, ${shownStatusSql} AS shownStatus,
                s.customer_id AS customerId, c.name AS customerName, c.phone, c.address,
                c.lat_e6 AS latE6, c.lng_e6 AS lngE6
           FROM trip_stops s JOIN customer_orders o ON o.id = s.order_id
           LEFT JOIN customers c ON c.id = s.customer_id
          WHERE s.trip_id = ? ORDER BY s.seq`,
      )
      .all(tripId),
  );
  const linesOf = db.sqlite.prepare(
    `SELECT line_no AS lineNo, variant_id AS variantId, sku, name, quantity, unit_price AS unitPrice
       FROM customer_order_lines WHERE order_id = ? ORDER BY line_no`,
  );
  // The one applied step that marked the stop (a second would have found it no longer pending).
  const markedBy = db.sqlite.prepare(
    `SELECT e.type, u.display_name AS by FROM events e LEFT JOIN users u ON u.id = e.user_id
      WHERE e.aggregate_id = ? AND e.type IN (?, ?)
        AND e.apply_status = 'applied' AND json_extract(e.payload, '$.orderId') = ?
      LIMIT 1`,
  );
  const notDelivered = (orderId: string) => {
    const row = parseRow(
      notDeliveredRow,
      markedBy.get(tripId, stopFailed.type, stopCameBack.type, orderId),
    );
    return row ? { by: row.by, cameBack: row.type === stopCameBack.type } : null;
  };
  return {
    ...head,
    stops: stops.map((s) => ({
      ...s,
      lines: parseRows(lineRow, linesOf.all(s.orderId)),
      proof: s.status === 'delivered' ? proofOf(db, s.orderId) : null,
      notDelivered: s.status === 'failed' ? notDelivered(s.orderId) : null,
    })),
  };
}
export type TripDetail = ReturnType<typeof tripDetail>;

const openOrderRow = z.object({
  orderId: z.string(),
  number: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  address: z.string().nullable(),
  latE6: z.number().nullable(),
  lngE6: z.number().nullable(),
  total: z.number(),
  placedAt: z.number(),
});

/** Orders open at the branch and on no trip's pending or delivered stop: ready to go on a trip. */
export function openOrders(db: Db, branchId: string) {
  return parseRows(
    openOrderRow,
    db.sqlite
      .prepare(
        `SELECT o.id AS orderId, o.number, o.customer_id AS customerId, c.name AS customerName, c.address,
                c.lat_e6 AS latE6, c.lng_e6 AS lngE6, o.total, o.placed_at AS placedAt
           FROM customer_orders o LEFT JOIN customers c ON c.id = o.customer_id
          WHERE o.branch_id = ? AND o.status = 'open'
            AND NOT EXISTS (SELECT 1 FROM trip_stops s WHERE s.order_id = o.id AND s.status IN ('pending', 'delivered'))
          ORDER BY o.placed_at`,
      )
      .all(branchId),
  );
}
