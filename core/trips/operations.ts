// The trips operations (decision 0034), spread into the one contract (core/contract/api.ts):
// planning at the branch, the driver's day on the road with proofs, and the cash hand-in.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { id, isoDate, money, optionalText, text } from '../contract/fields';
import { actsForAnyBranch, assertBranchAccess, requireActor } from '../contract/scope';
import { documentNumber } from '../branches/numbers';
import { parseRow } from '../db/rows';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { companyDay } from '../locale/day';
import { roleHas, tripStatuses } from '../vocabulary';
import { deliveryNotePdf, tripSheetPdf } from './delivery-note';
import { proveStop } from './prove';
import { listTrips, openOrders, tripDetail } from './queries';
import { nearestNeighbour } from './route';
import { loadTrip } from './state';

const coordinatesRow = z.object({
  lat: z.number().int().nullable(),
  lng: z.number().int().nullable(),
});

const branchOf = (ctx: Context, branchId: string | undefined, what: string) => {
  const actor = requireActor(ctx);
  const target = branchId ?? actor.branchId;
  assertBranchAccess(ctx, target, what);
  const branch = parseRow(
    z.object({ id: z.string(), code: z.string() }),
    ctx.db.sqlite.prepare('SELECT id, code FROM branches WHERE id = ?').get(target),
  );
  if (!branch)
    throw new DomainError('NOT_FOUND', 'branchId: no such branch; choose one of the list.', {
      field: 'branchId',
    });
  return branch;
};

/** A trip the person may see: the branch's planners, or the trip's own driver. */
function tripInScope(ctx: Context, tripId: string) {
  const actor = requireActor(ctx);
  const trip = loadTrip(ctx.db, tripId);
  if (!trip)
    throw new DomainError('NOT_FOUND', `tripId: no trip ${tripId} here; check the trip chosen.`, {
      field: 'tripId',
    });
  if (trip.driverId === actor.userId) return trip;
  if (
    roleHas(actor.role, 'trips.manage') &&
    (actsForAnyBranch(actor) || actor.branchId === trip.branchId)
  )
    return trip;
  throw new DomainError('FORBIDDEN', `tripId: trip ${trip.number} is not yours to see.`, {
    field: 'tripId',
  });
}

const today = (ctx: Context) => companyDay(ctx.db, ctx.now());

const stopNotDelivered = z.object({ tripId: id, orderId: id, reason: text(300) });

/** A stop of `trip` marked not delivered: by its driver, or by a manager when its goods came back. */
function markNotDelivered(
  ctx: Context,
  trip: { id: string },
  input: z.infer<typeof stopNotDelivered>,
  type: 'stop.failed' | 'stop.came_back',
) {
  emit(ctx, type, trip.id, { tripId: trip.id, orderId: input.orderId, reason: input.reason });
  return { tripId: trip.id, orderId: input.orderId };
}

const orderIds = z.array(id).min(1, 'put at least one order on the trip').max(200);

export const tripOperations = {
  'trips.list': query({
    access: 'trips.manage',
    input: z.object({
      branchId: id.optional(),
      day: isoDate.optional(),
      driverId: id.optional(),
      status: z.enum(tripStatuses).optional(),
    }),
    handler: (ctx, input) => {
      const actor = requireActor(ctx);
      const branchId = actsForAnyBranch(actor) ? input.branchId : actor.branchId;
      return listTrips(ctx.db, { ...input, branchId });
    },
  }),

  'trips.get': query({
    access: 'signed-in',
    input: z.object({ tripId: id }),
    handler: (ctx, input) => {
      tripInScope(ctx, input.tripId);
      return tripDetail(ctx.db, input.tripId);
    },
  }),

  'trips.openOrders': query({
    access: 'trips.manage',
    input: z.object({ branchId: id.optional() }),
    handler: (ctx, input) => openOrders(ctx.db, branchOf(ctx, input.branchId, 'plan trips').id),
  }),

  'trips.plan': command({
    access: 'trips.manage',
    input: z.object({
      branchId: id.optional(),
      day: isoDate,
      driverId: id,
      vehicle: text(60),
      orderIds,
    }),
    handler: (ctx, input) => {
      const branch = branchOf(ctx, input.branchId, 'plan trips');
      const tripId = newId(ctx.now());
      const number = documentNumber(ctx, branch, 'trip');
      emit(ctx, 'trip.planned', tripId, {
        tripId,
        number,
        branchId: branch.id,
        day: input.day,
        driverId: input.driverId,
        vehicle: input.vehicle,
        stops: input.orderIds.map((orderId) => ({ orderId })),
      });
      return { tripId, number };
    },
  }),

  'trips.revise': command({
    access: 'trips.manage',
    input: z.object({
      tripId: id,
      day: isoDate.optional(),
      driverId: id.optional(),
      vehicle: text(60).optional(),
      orderIds: orderIds.optional(),
    }),
    handler: (ctx, input) => {
      const trip = tripInScope(ctx, input.tripId);
      assertBranchAccess(ctx, trip.branchId, 'change trips');
      emit(ctx, 'trip.revised', trip.id, {
        tripId: trip.id,
        ...(input.day !== undefined && { day: input.day }),
        ...(input.driverId !== undefined && { driverId: input.driverId }),
        ...(input.vehicle !== undefined && { vehicle: input.vehicle }),
        ...(input.orderIds !== undefined && {
          stops: input.orderIds.map((orderId) => ({ orderId })),
        }),
      });
      return tripDetail(ctx.db, trip.id);
    },
  }),

  'trips.suggestOrder': query({
    access: 'trips.manage',
    input: z.object({
      orderIds: z.array(id).max(200),
      start: z
        .object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
        .optional(),
    }),
    handler: (ctx, input) => {
      const coordinates = ctx.db.sqlite.prepare(
        `SELECT c.lat_e6 AS lat, c.lng_e6 AS lng FROM customer_orders o LEFT JOIN customers c ON c.id = o.customer_id
          WHERE o.id = ?`,
      );
      const stops = input.orderIds.map((orderId) => {
        const row = parseRow(coordinatesRow, coordinates.get(orderId));
        const at =
          row && row.lat !== null && row.lng !== null
            ? { lat: row.lat / 1e6, lng: row.lng / 1e6 }
            : null;
        return { id: orderId, at };
      });
      return { orderIds: nearestNeighbour(stops, input.start) };
    },
  }),

  'trips.sheetPdf': query({
    access: 'signed-in',
    input: z.object({ tripId: id }),
    handler: async (ctx, input) => {
      const trip = tripInScope(ctx, input.tripId);
      const pdf = await tripSheetPdf(ctx.db, trip.id);
      return {
        fileName: `${trip.number}-trip-sheet.pdf`,
        mime: 'application/pdf' as const,
        contentBase64: pdf.toString('base64'),
      };
    },
  }),

  'trips.mine': query({
    access: 'trips.drive',
    input: z.object({ day: isoDate.optional() }),
    handler: (ctx, input) => {
      const actor = requireActor(ctx);
      return listTrips(ctx.db, { driverId: actor.userId, day: input.day ?? today(ctx) }).map(
        (t) => {
          const detail = tripDetail(ctx.db, t.id);
          // What the road needs, nothing of the branch's money beyond the stop.
          return {
            id: detail.id,
            number: detail.number,
            day: detail.day,
            vehicle: detail.vehicle,
            status: detail.status,
            stops: detail.stops.map((s) => ({
              orderId: s.orderId,
              seq: s.seq,
              status: s.status,
              orderNumber: s.orderNumber,
              customerName: s.customerName,
              phone: s.phone,
              address: s.address,
              latE6: s.latE6,
              lngE6: s.lngE6,
              lines: s.lines,
              proofId: s.proofId,
              failReason: s.failReason,
            })),
          };
        },
      );
    },
  }),

  'trips.prove': proveStop,

  'trips.failStop': command({
    access: 'trips.drive',
    input: stopNotDelivered,
    handler: (ctx, input) =>
      markNotDelivered(ctx, tripInScope(ctx, input.tripId), input, 'stop.failed'),
  }),

  // A stop its driver cannot record (gone, or no way to sign in): a manager of the branch
  // records that its goods came back undelivered.
  'trips.cameBack': command({
    access: 'trips.manage',
    input: stopNotDelivered,
    handler: (ctx, input) => {
      const trip = tripInScope(ctx, input.tripId);
      assertBranchAccess(ctx, trip.branchId, "record this branch's stops");
      return markNotDelivered(ctx, trip, input, 'stop.came_back');
    },
  }),

  'trips.close': command({
    access: 'trips.manage',
    input: z.object({ tripId: id, counted: money, reason: optionalText(300) }),
    handler: (ctx, input) => {
      const trip = tripInScope(ctx, input.tripId);
      assertBranchAccess(ctx, trip.branchId, 'close trips');
      emit(ctx, 'trip.closed', trip.id, {
        tripId: trip.id,
        driverId: trip.driverId,
        counted: input.counted,
        reason: input.reason ? input.reason : null,
      });
      return tripDetail(ctx.db, trip.id);
    },
  }),

  'trips.deliveryNote': query({
    access: 'orders.read',
    input: z.object({ orderId: id }),
    handler: async (ctx, input) => {
      const row = parseRow(
        z.object({ number: z.string(), branchId: z.string() }),
        ctx.db.sqlite
          .prepare('SELECT number, branch_id AS branchId FROM customer_orders WHERE id = ?')
          .get(input.orderId),
      );
      if (!row)
        throw new DomainError('NOT_FOUND', "orderId: no customer's order here.", {
          field: 'orderId',
        });
      const actor = requireActor(ctx);
      const driven = ctx.db.sqlite
        .prepare(
          `SELECT 1 FROM trip_stops s JOIN trips t ON t.id = s.trip_id WHERE s.order_id = ? AND t.driver_id = ?`,
        )
        .get(input.orderId, actor.userId);
      if (!driven) assertBranchAccess(ctx, row.branchId, "see this branch's deliveries");
      const pdf = await deliveryNotePdf(ctx.db, ctx.files, input.orderId);
      return {
        fileName: `${row.number}-delivery-note.pdf`,
        mime: 'application/pdf' as const,
        contentBase64: pdf.toString('base64'),
      };
    },
  }),
} as const;
