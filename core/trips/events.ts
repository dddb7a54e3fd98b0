// The trips event types (decision 0034), spread into the registry (core/events/registry.ts).
// Every step is an event of the TRIP aggregate, `ordered`, so two devices' steps are checked in
// head office's order. They write the trip's own rows and ledger rows keyed by their own event;
// they never touch customer_orders: an order shows "on a trip" and "delivered" from trip_stops.
import { z } from 'zod';
import * as num from '../events/numbers';
import { credit, creditWrites } from '../badges/credits';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { defineEvent, type EventEnvelope } from '../events/define';
import { DomainError } from '../errors';
import { rebuilding } from '../events/rebuild';
import { loadCustomerOrder } from '../field/state';
import { deliveryProved } from './proof-event';
import {
  busyStop,
  cashExpected,
  mustBeDriver,
  pendingStop,
  tripForStep,
  tripRows,
  type TripState,
} from './state';

const stopInput = z.object({ orderId: z.string().min(1) });

/**
 * Whether a re-fold is running a step that passed its checks of other aggregates (orders, the
 * driver) when first applied. Those checks read the orders as they are now, not as they were
 * then: an order failed off this trip and since cancelled, or put on another trip, would wipe
 * out the whole trip with its proofs. Such a step keeps only the trip's own checks; a step that
 * was a conflict is checked again in full.
 */
function checkedBefore(db: Db, e: EventEnvelope): boolean {
  if (!rebuilding(db)) return false;
  const row = parseRow(
    z.object({ status: z.string() }),
    db.sqlite.prepare('SELECT apply_status AS status FROM events WHERE id = ?').get(e.id),
  );
  return row?.status === 'applied';
}

const driverRow = z.object({ role: z.string(), disabled: z.number().int(), branchId: z.string() });

/**
 * A driver must be a person who may drive now: an active driver of the trip's branch (its trips
 * reach only that branch's PCs, where the driver proves the stops), or an admin standing in.
 */
function checkDriver(db: Db, e: EventEnvelope, driverId: string, branchId: string): void {
  if (checkedBefore(db, e)) return;
  const user = parseRow(
    driverRow,
    db.sqlite
      .prepare('SELECT role, disabled, branch_id AS branchId FROM users WHERE id = ?')
      .get(driverId),
  );
  if (!user || user.disabled || !['driver', 'admin'].includes(user.role))
    throw new DomainError(
      'VALIDATION',
      'driverId: choose an active driver; this person is not one (or is disabled).',
      { field: 'driverId' },
    );
  if (user.role === 'driver' && user.branchId !== branchId)
    throw new DomainError(
      'VALIDATION',
      "driverId: this driver works for another branch and would not see the trip on their tablet; choose one of this branch's drivers.",
      { field: 'driverId' },
    );
}

/** Each new stop: an open order of the trip's branch, on no other trip's stop. */
function checkStops(
  db: Db,
  e: EventEnvelope,
  tripId: string,
  branchId: string,
  stops: readonly { orderId: string }[],
) {
  const trusted = checkedBefore(db, e);
  const seen = new Set<string>();
  return stops.map((s, i) => {
    const field = `stops.${i}.orderId`;
    if (seen.has(s.orderId))
      throw new DomainError(
        'VALIDATION',
        `${field}: this order is on the trip twice; keep one stop.`,
        {
          field,
        },
      );
    seen.add(s.orderId);
    const order = loadCustomerOrder(db, s.orderId);
    if (order && trusted) return { orderId: s.orderId, customerId: order.customerId };
    if (!order)
      throw new DomainError('NOT_FOUND', `${field}: no customer's order ${s.orderId} here.`, {
        field,
      });
    if (order.branchId !== branchId)
      throw new DomainError(
        'VALIDATION',
        `${field}: order ${order.number} is delivered from another branch; put it on that branch's trip.`,
        { field },
      );
    if (order.status !== 'open')
      throw new DomainError(
        'INVALID_STATE',
        `${field}: order ${order.number} is ${order.status}; only an open order (its goods reserved) can go on a trip.`,
        { field, status: order.status },
      );
    const busy = busyStop(db, s.orderId, tripId);
    if (busy)
      throw new DomainError(
        'INVALID_STATE',
        busy.status === 'delivered'
          ? `${field}: order ${order.number} was delivered on trip ${busy.number ?? busy.tripId}.`
          : `${field}: order ${order.number} is already on trip ${busy.number ?? busy.tripId}; take it off that trip first.`,
        { field, tripId: busy.tripId },
      );
    return { orderId: s.orderId, customerId: order.customerId };
  });
}

function writeStops(
  db: Db,
  tripId: string,
  stops: readonly { orderId: string; customerId: string }[],
) {
  const insert = db.sqlite.prepare(
    `INSERT INTO trip_stops (trip_id, order_id, seq, customer_id, status) VALUES (?, ?, ?, ?, 'pending')
     ON CONFLICT (trip_id, order_id) DO UPDATE SET seq = excluded.seq`,
  );
  stops.forEach((s, i) => insert.run(tripId, s.orderId, i + 1, s.customerId));
}

export const tripPlanned = defineEvent({
  type: 'trip.planned',
  ordered: true,
  authority: { permission: 'trips.manage', from: ['shop', 'factory'], acts: (p) => p.branchId },
  visibility: { branches: (p) => [p.branchId] },
  writes: tripRows('trips', 'trip_stops'),
  payload: z.object({
    tripId: z.string(),
    number: z.string(),
    branchId: z.string(),
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    driverId: z.string(),
    vehicle: z.string().min(1),
    stops: z.array(stopInput).min(1),
  }),
  apply: (db, e) => {
    const p = e.payload;
    checkDriver(db, e, p.driverId, p.branchId);
    const stops = checkStops(db, e, p.tripId, p.branchId, p.stops);
    db.sqlite
      .prepare(
        `INSERT INTO trips (id, number, branch_id, day, driver_id, vehicle, status, planned_at, planned_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?)`,
      )
      .run(
        p.tripId,
        p.number,
        p.branchId,
        p.day,
        p.driverId,
        p.vehicle,
        e.createdAt,
        e.userId,
        e.createdAt,
      );
    writeStops(db, p.tripId, stops);
  },
});

/** Changes wait for nothing to have happened on the road yet. */
function beforeTheRoad(trip: TripState, what: string): void {
  const done = trip.stops.find((s) => s.status !== 'pending');
  if (done)
    throw new DomainError(
      'INVALID_STATE',
      `tripId: a stop of trip ${trip.number} is already ${done.status}; a trip on the road cannot be ${what}. Fail a stop instead, or plan another trip.`,
      { field: 'tripId' },
    );
}

export const tripRevised = defineEvent({
  type: 'trip.revised',
  ordered: true,
  authority: { permission: 'trips.manage', from: ['shop', 'factory'], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: tripRows('trips', 'trip_stops'),
  payload: z.object({
    tripId: z.string(),
    driverId: z.string().optional(),
    vehicle: z.string().min(1).optional(),
    day: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    stops: z.array(stopInput).min(1).optional(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const trip = tripForStep(db, p.tripId, 'changed');
    beforeTheRoad(trip, 'changed');
    if (p.driverId !== undefined) checkDriver(db, e, p.driverId, trip.branchId);
    if (p.stops) {
      const stops = checkStops(db, e, trip.id, trip.branchId, p.stops);
      const kept = new Set(stops.map((s) => s.orderId));
      // A stop taken off is gone: its order shows open again, its goods still reserved.
      const remove = db.sqlite.prepare('DELETE FROM trip_stops WHERE trip_id = ? AND order_id = ?');
      for (const s of trip.stops) if (!kept.has(s.orderId)) remove.run(trip.id, s.orderId);
      writeStops(db, trip.id, stops);
    }
    db.sqlite
      .prepare(
        `UPDATE trips SET driver_id = COALESCE(?, driver_id), vehicle = COALESCE(?, vehicle),
           day = COALESCE(?, day), updated_at = ? WHERE id = ?`,
      )
      .run(p.driverId ?? null, p.vehicle ?? null, p.day ?? null, e.createdAt, trip.id);
  },
});

/**
 * A pending stop marked not delivered: the order shows open again, its goods stay reserved.
 * `byDriver`: only the trip's own driver may (the driver's own step, not a manager's record).
 */
function markFailed(
  db: Db,
  e: EventEnvelope<{ tripId: string; orderId: string; reason: string }>,
  byDriver: boolean,
) {
  const p = e.payload;
  const trip = tripForStep(db, p.tripId, 'recorded');
  const stop = pendingStop(trip, p.orderId);
  if (byDriver) mustBeDriver(trip, e);
  db.sqlite
    .prepare(
      `UPDATE trip_stops SET status = 'failed', fail_reason = ? WHERE trip_id = ? AND order_id = ?`,
    )
    .run(p.reason, trip.id, stop.orderId);
  db.sqlite.prepare('UPDATE trips SET updated_at = ? WHERE id = ?').run(e.createdAt, trip.id);
}

const stopNotDelivered = z.object({
  tripId: z.string(),
  orderId: z.string(),
  reason: z.string().min(1),
});

/** The driver's own "not delivered", on the road. */
export const stopFailed = defineEvent({
  type: 'stop.failed',
  ordered: true,
  authority: { permission: 'trips.drive', from: ['shop', 'factory'], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: tripRows('trips', 'trip_stops'),
  payload: stopNotDelivered,
  apply: (db, e) => markFailed(db, e, true),
});

/**
 * A manager of the trip's branch records a stop its driver cannot (gone, or no way to sign in):
 * the goods came back undelivered. The same mark as the driver's; a record of that stop the
 * driver's tablet sends later is refused when applied and shows as a conflict.
 */
export const stopCameBack = defineEvent({
  type: 'stop.came_back',
  ordered: true,
  authority: { permission: 'trips.manage', from: ['shop', 'factory'], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: tripRows('trips', 'trip_stops'),
  payload: stopNotDelivered,
  apply: (db, e) => markFailed(db, e, false),
});

export const tripClosed = defineEvent({
  type: 'trip.closed',
  ordered: true,
  authority: { permission: 'trips.manage', from: ['shop', 'factory'], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: [
    ...tripRows<{ tripId: string; driverId: string }>('trips'),
    ...creditWrites<{ driverId: string }>((p) => [p.driverId]),
  ],
  payload: z.object({
    tripId: z.string(),
    driverId: z.string(),
    counted: num.minor,
    reason: z.string().min(1).nullable(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const trip = tripForStep(db, p.tripId, 'closed');
    if (p.driverId !== trip.driverId)
      throw new DomainError(
        'VALIDATION',
        `driverId: trip ${trip.number} is driven by someone else; close it for its own driver.`,
        { field: 'driverId' },
      );
    const open = trip.stops.find((s) => s.status === 'pending');
    if (open)
      throw new DomainError(
        'INVALID_STATE',
        `tripId: a stop of trip ${trip.number} is neither delivered nor failed yet. Its driver records its proof or its failure first, on their tablet or signed in at any PC of the trip's branch; if the driver cannot, a manager of the branch records that its goods came back undelivered. Then close the trip.`,
        { field: 'tripId', orderId: open.orderId },
      );
    const expected = cashExpected(db, trip.id);
    if (p.counted !== expected && !p.reason)
      throw new DomainError(
        'VALIDATION',
        `reason: the cash counted differs from the ${expected} the trip's collections say; say why.`,
        { field: 'reason', expected },
      );
    const at = Math.max(e.createdAt, trip.plannedAt);
    db.sqlite
      .prepare(
        `UPDATE trips SET status = 'closed', cash_expected = ?, cash_counted = ?, cash_reason = ?,
           closed_at = ?, closed_by = ?, updated_at = ? WHERE id = ?`,
      )
      .run(expected, p.counted, p.reason, at, e.userId, e.createdAt, trip.id);
    // Every stop delivered on time, at least one: a streak goes on; anything else breaks it.
    const proofs = parseRows(
      z.object({ onTime: z.number().int() }),
      db.sqlite
        .prepare('SELECT on_time AS onTime FROM delivery_proofs WHERE trip_id = ?')
        .all(trip.id),
    );
    const onTime =
      proofs.length > 0 &&
      trip.stops.every((s) => s.status === 'delivered') &&
      proofs.every((r) => r.onTime === 1);
    credit(db, e, {
      personId: trip.driverId,
      kind: 'on_time_trip',
      ref: trip.id,
      at,
      value: onTime ? 1 : 0,
    });
  },
});

export const tripEvents = [
  tripPlanned,
  tripRevised,
  deliveryProved,
  stopFailed,
  stopCameBack,
  tripClosed,
] as const;
