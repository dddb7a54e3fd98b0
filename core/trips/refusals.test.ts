// Every refusal of planning, proving, failing and closing, with its code, and that nothing of it
// was written: no event, no proof, no movement, no account row, no credit, no file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { companyDay } from '../locale/day';
import { failure } from '../testing/demo';
import { photoJpeg, signaturePng, tripWorld, type TripWorld } from './fixture.test-support';

let w: TripWorld;
let day: string;
let tripId: string;
let oA: string;
let oB: string;
let outside: string;
afterEach(() => w?.core.close());

beforeEach(async () => {
  w = await tripWorld();
  day = companyDay(w.core.db, Date.now());
  const cA = await w.customer('Abebe Cafe', { lat: 9, lng: 38.75 });
  const cB = await w.customer('Bole Hotel', null, false);
  oA = await w.order(cA, [
    { variantId: w.goods[0], quantity: 4 },
    { variantId: w.goods[1], quantity: 2 },
  ]);
  oB = await w.order(cB, [{ variantId: w.goods[0], quantity: 1 }]);
  outside = await w.order(cB, [{ variantId: w.goods[1], quantity: 1 }]);
  ({ tripId } = await w.as('admin')('trips.plan', {
    branchId: w.branch.FAC,
    day,
    driverId: w.ids.driver,
    vehicle: 'Van 1',
    orderIds: [oA, oB],
  }));
});

function filesOnDisk(): number {
  const root = join(w.dir, 'files');
  try {
    return readdirSync(root, { recursive: true }).length;
  } catch {
    return 0;
  }
}

/** Everything a refused step could have written. */
function written() {
  const count = (table: string) =>
    z
      .object({ n: z.number().int() })
      .parse(w.core.db.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()).n;
  return {
    events: count('events'),
    trips: count('trips'),
    stops: w.core.db.sqlite
      .prepare('SELECT order_id, status, seq FROM trip_stops ORDER BY trip_id, seq')
      .all(),
    proofs: count('delivery_proofs'),
    proofLines: count('delivery_proof_lines'),
    returns: count('delivery_returns'),
    movements: count('stock_movements'),
    account: count('customer_account'),
    credits: count('work_credits'),
    files: filesOnDisk(),
  };
}

const goodLines = () => [
  { lineNo: 1, delivered: 4, damaged: 0, short: 0 },
  { lineNo: 2, delivered: 2, damaged: 0, short: 0 },
];
const proof = (over: Record<string, unknown> = {}) => ({
  tripId,
  orderId: oA,
  lines: goodLines(),
  returns: [],
  collected: null,
  signature: { contentBase64: signaturePng() },
  photos: {},
  signedBy: 'Almaz',
  ...over,
});

async function refused(
  work: () => Promise<unknown>,
  expected: { code: string; field?: string; message?: RegExp },
) {
  const before = written();
  const e = await failure(work());
  expect(e.code).toBe(expected.code);
  if (expected.field) expect(e.field).toBe(expected.field);
  if (expected.message) expect(e.message).toMatch(expected.message);
  expect(written()).toEqual(before);
  return e;
}

describe('refusals of a proof', () => {
  it('refuses every wrong proof before storing anything', async () => {
    const driver = w.as('driver') as (name: 'trips.prove', input: unknown) => Promise<unknown>;
    const prove = (over: Record<string, unknown>) => () => driver('trips.prove', proof(over));
    await refused(prove({ orderId: outside }), { code: 'STOP_NOT_ON_TRIP', field: 'orderId' });
    await refused(() => w.as('admin')('trips.prove', proof()), {
      code: 'NOT_YOUR_TRIP',
      // Who can, and where: the driver, at any PC of the branch too.
      message: /only its driver records its stops, on their tablet or signed in at any PC/,
    });
    await refused(prove({ lines: [goodLines()[0]] }), {
      code: 'VALIDATION',
      field: 'lines',
      message: /the signature comes only after every line is marked/,
    });
    await refused(
      prove({ lines: [...goodLines(), { lineNo: 9, delivered: 1, damaged: 0, short: 0 }] }),
      {
        code: 'VALIDATION',
        field: 'lines.2.lineNo',
      },
    );
    await refused(prove({ lines: [goodLines()[0], goodLines()[0], goodLines()[1]] }), {
      code: 'VALIDATION',
      field: 'lines.1.lineNo',
    });
    await refused(
      prove({ lines: [{ lineNo: 1, delivered: 5, damaged: 0, short: 0 }, goodLines()[1]] }),
      { code: 'OVER_LOADED', field: 'lines.0.delivered' },
    );
    await refused(
      prove({ lines: [{ lineNo: 1, delivered: 3, damaged: 0, short: 0 }, goodLines()[1]] }),
      { code: 'VALIDATION', field: 'lines.0.short' },
    );
    await refused(
      prove({ lines: [{ lineNo: 1, delivered: 3, damaged: 0, short: 1 }, goodLines()[1]] }),
      { code: 'VALIDATION', field: 'lines.0.reason' },
    );
    await refused(
      prove({
        lines: [
          { lineNo: 1, delivered: 3, damaged: 1, short: 0, reason: 'broken' },
          goodLines()[1],
        ],
      }),
      { code: 'VALIDATION', field: 'lines.0.photoFile' },
    );
    await refused(prove({ collected: { amount: 100, method: 'bank_transfer' } }), {
      code: 'VALIDATION',
      field: 'collected.reference',
    });
    await refused(prove({ collected: { amount: 100, method: 'mobile_money', reference: '' } }), {
      code: 'VALIDATION',
      field: 'collected.reference',
    });
    await refused(prove({ signature: { contentBase64: photoJpeg() } }), {
      code: 'FILE_REJECTED',
      field: 'signature',
    });
    await refused(prove({ photos: { '7': photoJpeg() } }), {
      code: 'VALIDATION',
      field: 'photos.7',
    });
  });

  it('refuses a second proof of a stop, and any step on a closed trip', async () => {
    const driver = w.as('driver');
    await driver('trips.prove', proof());
    await refused(() => driver('trips.prove', proof({ signedBy: 'someone else' })), {
      code: 'INVALID_STATE',
      field: 'orderId',
    });
    await refused(() => driver('trips.failStop', { tripId, orderId: oA, reason: 'x' }), {
      code: 'INVALID_STATE',
    });
    await refused(() => w.as('admin')('trips.close', { tripId, counted: 0 }), {
      code: 'INVALID_STATE',
      field: 'tripId',
      message: /neither delivered nor failed yet\. Its driver records .* signed in at any PC/,
    });
    await driver('trips.failStop', { tripId, orderId: oB, reason: 'closed' });
    expect((await w.as('admin')('trips.get', { tripId })).stops[1]?.notDelivered).toEqual({
      by: 'Yonas Bekele',
      cameBack: false,
    });
    await w.as('admin')('trips.close', { tripId, counted: 0 });
    await refused(() => driver('trips.failStop', { tripId, orderId: oB, reason: 'x' }), {
      code: 'INVALID_STATE',
      message: /closed/,
    });
    await refused(() => w.as('admin')('trips.close', { tripId, counted: 0 }), {
      code: 'INVALID_STATE',
    });
    await refused(() => w.as('admin')('trips.revise', { tripId, vehicle: 'Van 9' }), {
      code: 'INVALID_STATE',
    });
  });

  it("lets a manager of the trip's branch record that a stop came back when its driver cannot, and no one else", async () => {
    const factory = w.as('factory');
    const back =
      (as: 'factory' | 'shop1' | 'driver', orderId = oB) =>
      () =>
        w.as(as)('trips.cameBack', { tripId, orderId, reason: 'Driver off sick; goods back' });
    // The driver records their own stops; another branch's manager cannot see the trip.
    await refused(back('driver'), { code: 'FORBIDDEN' });
    await refused(back('shop1'), { code: 'FORBIDDEN', field: 'tripId' });
    await refused(back('factory', outside), { code: 'STOP_NOT_ON_TRIP', field: 'orderId' });
    await refused(() => w.as('factory')('trips.cameBack', { tripId, orderId: oB, reason: '' }), {
      code: 'VALIDATION',
      field: 'reason',
    });
    // The refusals that led here say so.
    await refused(() => w.as('admin')('trips.failStop', { tripId, orderId: oB, reason: 'x' }), {
      code: 'NOT_YOUR_TRIP',
      message:
        /If the driver cannot, a manager of the branch records that a stop's goods came back/,
    });
    await refused(() => factory('trips.close', { tripId, counted: 0 }), {
      code: 'INVALID_STATE',
      message: /a manager of the branch records that its goods came back undelivered/,
    });
    await w.as('driver')('trips.prove', proof());
    await back('factory')();
    const trip = await factory('trips.get', { tripId });
    expect(trip.stops.map((s) => [s.orderId, s.status, s.failReason, s.notDelivered])).toEqual([
      [oA, 'delivered', null, null],
      // Who recorded it, and that it came back: not the driver's own "not delivered".
      [oB, 'failed', 'Driver off sick; goods back', { by: 'Abebe Kebede', cameBack: true }],
    ]);
    // The order is open again, for another trip; once recorded, no one records the stop again.
    expect(
      (await factory('trips.openOrders', { branchId: w.branch.FAC })).map((o) => o.orderId),
    ).toContain(oB);
    await refused(back('factory'), { code: 'INVALID_STATE', field: 'orderId' });
    await refused(() => w.as('driver')('trips.failStop', { tripId, orderId: oB, reason: 'x' }), {
      code: 'INVALID_STATE',
      field: 'orderId',
    });
    await factory('trips.close', { tripId, counted: 0 });
    expect((await factory('trips.get', { tripId })).status).toBe('closed');
  });

  it('refuses a hand-in that differs from the collections without a reason', async () => {
    const driver = w.as('driver');
    await driver('trips.prove', proof({ collected: { amount: 700, method: 'cash' } }));
    await driver('trips.failStop', { tripId, orderId: oB, reason: 'closed' });
    await refused(() => w.as('admin')('trips.close', { tripId, counted: 600 }), {
      code: 'VALIDATION',
      field: 'reason',
    });
    const closed = await w.as('admin')('trips.close', { tripId, counted: 700 });
    expect([closed.cashExpected, closed.cashCounted, closed.cashReason]).toEqual([700, 700, null]);
  });
});

describe('refusals of planning', () => {
  it('refuses stops that are not open here, a busy order and a person who does not drive', async () => {
    const admin = w.as('admin');
    const plan =
      (orderIds: string[], driverId = w.ids.driver) =>
      () =>
        admin('trips.plan', { branchId: w.branch.FAC, day, driverId, vehicle: 'Van 2', orderIds });
    await refused(plan([oA]), {
      code: 'INVALID_STATE',
      field: 'stops.0.orderId',
      message: /already on trip/,
    });
    await refused(plan([outside], w.ids.sales), { code: 'VALIDATION', field: 'driverId' });
    await refused(plan([outside, outside]), { code: 'VALIDATION', field: 'stops.1.orderId' });
    await admin('field.cancelOrder', { orderId: outside, reason: 'no longer wanted' });
    await refused(plan([outside]), { code: 'INVALID_STATE', field: 'stops.0.orderId' });
    await refused(
      () =>
        admin('trips.plan', {
          branchId: w.branch.SH01,
          day,
          driverId: w.ids.driver,
          vehicle: 'V',
          orderIds: [oB],
        }),
      // A driver of the factory would never see a shop's trip on their tablet.
      { code: 'VALIDATION', field: 'driverId', message: /another branch/ },
    );
  });

  it('revises stops before the road, freeing the orders taken off', async () => {
    const admin = w.as('admin');
    const revised = await admin('trips.revise', { tripId, orderIds: [oB], vehicle: 'Van 3' });
    expect(revised.stops.map((s) => s.orderId)).toEqual([oB]);
    expect(revised.vehicle).toBe('Van 3');
    const open = await admin('trips.openOrders', { branchId: w.branch.FAC });
    expect(open.map((o) => o.orderId)).toEqual(expect.arrayContaining([oA, outside]));
    await w.as('driver')('trips.failStop', { tripId, orderId: oB, reason: 'closed' });
    await refused(() => admin('trips.revise', { tripId, orderIds: [oA] }), {
      code: 'INVALID_STATE',
      message: /on the road/,
    });
  });
});
