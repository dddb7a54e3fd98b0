// A trip as its projections and queries read it (decision 0034).
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import type { EventEnvelope, TableWrite } from '../events/define';
import { DomainError } from '../errors';
import { stopStatuses, tripStatuses, type StopStatus, type TripStatus } from '../vocabulary';
import { tripRefusal } from './refusals';

export interface TripStop {
  orderId: string;
  seq: number;
  customerId: string;
  status: StopStatus;
  proofId: string | null;
  failReason: string | null;
}

export interface TripState {
  id: string;
  number: string;
  branchId: string;
  day: string;
  driverId: string;
  vehicle: string;
  status: TripStatus;
  plannedAt: number;
  cashExpected: number | null;
  cashCounted: number | null;
  cashReason: string | null;
  stops: TripStop[];
}

const headRow = z.object({
  id: z.string(),
  number: z.string(),
  branchId: z.string(),
  day: z.string(),
  driverId: z.string(),
  vehicle: z.string(),
  status: z.enum(tripStatuses),
  plannedAt: z.number().int(),
  cashExpected: z.number().int().nullable(),
  cashCounted: z.number().int().nullable(),
  cashReason: z.string().nullable(),
});
const stopRow = z.object({
  orderId: z.string(),
  seq: z.number().int(),
  customerId: z.string(),
  status: z.enum(stopStatuses),
  proofId: z.string().nullable(),
  failReason: z.string().nullable(),
});
const busyRow = z.object({ tripId: z.string(), number: z.string().nullable(), status: z.string() });
const cashRow = z.object({ cash: z.number().int() });

export function loadTrip(db: Db, tripId: string): TripState | null {
  const head = parseRow(
    headRow,
    db.sqlite
      .prepare(
        `SELECT id, number, branch_id AS branchId, day, driver_id AS driverId, vehicle, status,
              planned_at AS plannedAt, cash_expected AS cashExpected, cash_counted AS cashCounted,
              cash_reason AS cashReason
         FROM trips WHERE id = ?`,
      )
      .get(tripId),
  );
  if (!head) return null;
  const stops = parseRows(
    stopRow,
    db.sqlite
      .prepare(
        `SELECT order_id AS orderId, seq, customer_id AS customerId, status, proof_id AS proofId,
              fail_reason AS failReason
         FROM trip_stops WHERE trip_id = ? ORDER BY seq`,
      )
      .all(tripId),
  );
  return { ...head, stops };
}

/** The trip a step is for; refused when unknown, or closed for any step but reading. */
export function tripForStep(db: Db, tripId: string, what: string): TripState {
  const trip = loadTrip(db, tripId);
  if (!trip)
    throw new DomainError('NOT_FOUND', `tripId: no trip ${tripId} here; check the trip chosen.`, {
      field: 'tripId',
    });
  if (trip.status === 'closed')
    throw new DomainError(
      'INVALID_STATE',
      `tripId: trip ${trip.number} is closed; nothing can be ${what} on it any more.`,
      { field: 'tripId', status: trip.status },
    );
  return trip;
}

/** The stop of another trip an order is on or was delivered by (one at a time). */
export const busyStop = (db: Db, orderId: string, exceptTripId: string | null) =>
  parseRow(
    busyRow,
    db.sqlite
      .prepare(
        `SELECT s.trip_id AS tripId, t.number, s.status FROM trip_stops s LEFT JOIN trips t ON t.id = s.trip_id
        WHERE s.order_id = ? AND s.status IN ('pending', 'delivered') AND s.trip_id IS NOT ?
        LIMIT 1`,
      )
      .get(orderId, exceptTripId),
  );

/** Cash the trip's proofs say the driver collected: what the hand-in is counted against. */
export const cashExpected = (db: Db, tripId: string): number =>
  cashRow.parse(
    db.sqlite
      .prepare(
        `SELECT COALESCE(SUM(collected), 0) AS cash FROM delivery_proofs WHERE trip_id = ? AND method = 'cash'`,
      )
      .get(tripId),
  ).cash;

/** The trip's own rows every step may write, keyed by the trip. */
export const tripRows = <P extends { tripId: string }>(...tables: string[]): TableWrite<P>[] =>
  tables.map((table) => ({
    table,
    column: table === 'trips' ? 'id' : 'trip_id',
    key: (e) => e.payload.tripId,
  }));

/** The stop of an order on this trip, still waiting for its proof or failure. */
export function pendingStop(trip: TripState, orderId: string) {
  const stop = trip.stops.find((s) => s.orderId === orderId);
  if (!stop) throw stopNotOnTrip(trip, orderId);
  if (stop.status !== 'pending')
    throw new DomainError(
      'INVALID_STATE',
      `orderId: this stop of trip ${trip.number} is already ${stop.status}${stop.proofId ? ` (proof ${stop.proofId})` : ''}; it cannot be recorded twice. Look at the trip to see what was recorded.`,
      { field: 'orderId', status: stop.status, proofId: stop.proofId },
    );
  return stop;
}

export const stopNotOnTrip = (trip: TripState, orderId: string) =>
  tripRefusal(
    'STOP_NOT_ON_TRIP',
    `orderId: order ${orderId} is not a stop of trip ${trip.number}; choose one of its stops.`,
    { field: 'orderId' },
  );

/** Only the trip's own driver records what happened on the road. */
export function mustBeDriver(trip: TripState, e: Pick<EventEnvelope, 'userId'>): void {
  if (e.userId !== trip.driverId)
    throw tripRefusal(
      'NOT_YOUR_TRIP',
      `tripId: trip ${trip.number} is driven by someone else; only its driver records its stops, on their tablet or signed in at any PC of the trip's branch. If the driver cannot, a manager of the branch records that a stop's goods came back undelivered.`,
      { field: 'tripId' },
    );
}
