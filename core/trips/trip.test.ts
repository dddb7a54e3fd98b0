// A whole trip through the contract on the demo company: planned, two stops proved (damage with
// a photo, a shortage, a crate back, cash and a transfer collected), one failed, closed with a
// cash difference; then what stock, reservations, the account, credits and on-time flags say.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRows } from '../db/rows';
import { companyDay } from '../locale/day';
import { photoJpeg, signaturePng, tripWorld, type TripWorld } from './fixture.test-support';
import { causeTripEvents } from './scenario.test-support';
import { tripEvents } from './events';

let w: TripWorld;
afterEach(() => w?.core.close());

const rows = <S extends z.ZodType>(schema: S, sql: string, ...args: unknown[]) =>
  parseRows(schema, w.core.db.sqlite.prepare(sql).all(...args));
/** Rows only counted or compared whole: no shape to check. */
const raw = (sql: string, ...args: unknown[]): unknown[] =>
  w.core.db.sqlite.prepare(sql).all(...args);
const priceOf = (orderId: string, lineNo: number) =>
  rows(
    z.object({ p: z.number().int() }),
    'SELECT unit_price AS p FROM customer_order_lines WHERE order_id = ? AND line_no = ?',
    orderId,
    lineNo,
  )[0]!.p;

describe('a delivery trip', () => {
  it('moves stock, the account and credits as its proofs say, and hands the cash in', async () => {
    w = await tripWorld();
    const [g0, g1] = w.goods;
    const cA = await w.customer('Abebe Cafe', { lat: 9.0, lng: 38.75 });
    const cB = await w.customer('Bole Hotel', { lat: 9.01, lng: 38.76 });
    const cC = await w.customer('Corner Store', { lat: 9.02, lng: 38.77 }, false);
    const before0 = w.balance(g0);
    const before1 = w.balance(g1);
    const oA = await w.order(cA, [
      { variantId: g0, quantity: 10 },
      { variantId: g1, quantity: 5 },
    ]);
    const oB = await w.order(cB, [{ variantId: g0, quantity: 4 }]);
    const oC = await w.order(cC, [{ variantId: g1, quantity: 3 }]);
    expect(w.balance(g0).reserved).toBe(before0.reserved + 14);

    const admin = w.as('admin');
    const driver = w.as('driver');
    const day = companyDay(w.core.db, Date.now());
    const open = await admin('trips.openOrders', { branchId: w.branch.FAC });
    expect(open.map((o) => o.orderId)).toEqual(expect.arrayContaining([oA, oB, oC]));
    const { tripId, number } = await admin('trips.plan', {
      branchId: w.branch.FAC,
      day,
      driverId: w.ids.driver,
      vehicle: 'AA-3-12345',
      orderIds: [oA, oB, oC],
    });
    expect(number).toMatch(/^FAC-T.+-\d{6}$/);
    expect(
      (await admin('trips.openOrders', { branchId: w.branch.FAC })).map((o) => o.orderId),
    ).not.toEqual(expect.arrayContaining([oA]));
    const mine = await driver('trips.mine', { day });
    expect(mine.map((t) => t.id)).toEqual([tripId]);
    expect(mine[0]!.stops.map((s) => s.orderId)).toEqual([oA, oB, oC]);

    const signature = { contentBase64: signaturePng() };
    const a = await driver('trips.prove', {
      tripId,
      orderId: oA,
      lines: [
        { lineNo: 1, delivered: 8, damaged: 1, short: 1, reason: 'crushed box, one missing' },
        { lineNo: 2, delivered: 5, damaged: 0, short: 0 },
      ],
      returns: [{ variantId: g1, quantity: 2 }],
      collected: { amount: 5000, method: 'cash' },
      signature,
      photos: { '1': photoJpeg() },
      signedBy: 'Almaz (manager)',
    });
    expect(a.already).toBe(false);
    await driver('trips.prove', {
      tripId,
      orderId: oB,
      lines: [{ lineNo: 1, delivered: 3, damaged: 0, short: 1, reason: 'one not loaded' }],
      returns: [],
      collected: { amount: 2000, method: 'bank_transfer', reference: 'TX-778' },
      signature,
      photos: {},
      signedBy: 'Kebede',
    });
    await driver('trips.failStop', { tripId, orderId: oC, reason: 'shop closed' });
    const closed = await admin('trips.close', {
      tripId,
      counted: 4500,
      reason: 'change given short',
    });

    // Stock: delivered and damaged leave, short stays, the crate comes back; every reservation
    // of a proved stop is released, the failed stop's stays.
    expect(w.balance(g0)).toEqual({
      onHand: before0.onHand - 8 - 1 - 3,
      reserved: before0.reserved,
    });
    expect(w.balance(g1)).toEqual({
      onHand: before1.onHand - 5 + 2,
      reserved: before1.reserved + 3,
    });
    const damaged = rows(
      z.object({ reason: z.string() }),
      `SELECT reason FROM stock_movements WHERE order_id = ? AND kind = 'adjustment'`,
      oA,
    );
    expect(damaged.map((d) => d.reason)).toEqual(['damaged on delivery: crushed box, one missing']);

    // The account: delivered value in, collections out.
    const account = (customerId: string) =>
      rows(
        z.object({
          kind: z.string(),
          amount: z.number().int(),
          method: z.string().nullable(),
          reference: z.string().nullable(),
          tripId: z.string(),
        }),
        `SELECT kind, amount, method, reference, trip_id AS tripId FROM customer_account WHERE customer_id = ? ORDER BY id`,
        customerId,
      );
    const valueA = 8 * priceOf(oA, 1) + 5 * priceOf(oA, 2);
    expect(account(cA)).toEqual([
      { kind: 'delivery', amount: valueA, method: null, reference: null, tripId },
      { kind: 'collection', amount: -5000, method: 'cash', reference: null, tripId },
    ]);
    expect(account(cB)).toEqual([
      { kind: 'delivery', amount: 3 * priceOf(oB, 1), method: null, reference: null, tripId },
      { kind: 'collection', amount: -2000, method: 'bank_transfer', reference: 'TX-778', tripId },
    ]);
    expect(account(cC)).toEqual([]);

    // Credits: the driver's deliveries, the rep's orders and new customers, a broken streak.
    const credits = rows(
      z.object({
        personId: z.string(),
        kind: z.string(),
        ref: z.string(),
        value: z.number().int(),
        amount: z.number().int(),
      }),
      `SELECT person_id AS personId, kind, ref, value, amount FROM work_credits ORDER BY id`,
    );
    expect(credits).toEqual([
      { personId: w.ids.driver, kind: 'delivery', ref: oA, value: 1, amount: 0 },
      { personId: w.ids.sales, kind: 'order_delivered', ref: oA, value: 1, amount: valueA },
      { personId: w.ids.sales, kind: 'new_customer', ref: cA, value: 1, amount: 0 },
      { personId: w.ids.driver, kind: 'delivery', ref: oB, value: 1, amount: 0 },
      {
        personId: w.ids.sales,
        kind: 'order_delivered',
        ref: oB,
        value: 1,
        amount: 3 * priceOf(oB, 1),
      },
      { personId: w.ids.sales, kind: 'new_customer', ref: cB, value: 1, amount: 0 },
      // A failed stop: not every stop delivered on time, so the streak breaks.
      { personId: w.ids.driver, kind: 'on_time_trip', ref: tripId, value: 0, amount: 0 },
    ]);

    // The trip as the dispatcher sees it.
    expect(closed.status).toBe('closed');
    expect([closed.cashExpected, closed.cashCounted, closed.cashReason]).toEqual([
      5000,
      4500,
      'change given short',
    ]);
    expect(closed.stops.map((s) => [s.orderId, s.status, s.shownStatus])).toEqual([
      [oA, 'delivered', 'delivered'],
      [oB, 'delivered', 'delivered'],
      [oC, 'failed', 'open'],
    ]);
    const proofA = closed.stops[0]!.proof!;
    expect(proofA.onTime).toBe(true);
    expect(proofA.lines[0]).toMatchObject({ loaded: 10, delivered: 8, damaged: 1, short: 1 });
    expect(proofA.lines[0]!.photoFile).toMatch(/^[0-9a-f]{64}$/);
    expect(proofA.returns).toMatchObject([{ variantId: g1, quantity: 2 }]);
    expect(closed.stops[1]!.proof!.onTime).toBe(true);
    // The failed order is free for another trip.
    expect(
      (await admin('trips.openOrders', { branchId: w.branch.FAC })).map((o) => o.orderId),
    ).toContain(oC);
  });

  it('credits an on-time trip when every stop was delivered on its day', async () => {
    w = await tripWorld();
    const c = await w.customer('Dire Shop', null);
    const o = await w.order(c, [{ variantId: w.goods[0], quantity: 2 }]);
    const day = companyDay(w.core.db, Date.now());
    const { tripId } = await w.as('admin')('trips.plan', {
      branchId: w.branch.FAC,
      day,
      driverId: w.ids.driver,
      vehicle: 'Van 2',
      orderIds: [o],
    });
    await w.as('driver')('trips.prove', {
      tripId,
      orderId: o,
      lines: [{ lineNo: 1, delivered: 2, damaged: 0, short: 0 }],
      returns: [],
      collected: null,
      signature: { contentBase64: signaturePng() },
      photos: {},
      signedBy: 'Dire',
    });
    const closed = await w.as('admin')('trips.close', { tripId, counted: 0 });
    expect(closed.cashExpected).toBe(0);
    const streak = rows(
      z.object({ value: z.number().int() }),
      `SELECT value FROM work_credits WHERE kind = 'on_time_trip' AND ref = ?`,
      tripId,
    );
    expect(streak).toEqual([{ value: 1 }]);
    // The customer's second delivered order is not a new customer again.
    const o2 = await w.order(c, [{ variantId: w.goods[0], quantity: 1 }]);
    const t2 = await w.as('admin')('trips.plan', {
      branchId: w.branch.FAC,
      day,
      driverId: w.ids.driver,
      vehicle: 'Van 2',
      orderIds: [o2],
    });
    await w.as('driver')('trips.prove', {
      tripId: t2.tripId,
      orderId: o2,
      lines: [{ lineNo: 1, delivered: 1, damaged: 0, short: 0 }],
      returns: [],
      collected: null,
      signature: { contentBase64: signaturePng() },
      photos: {},
      signedBy: 'Dire',
    });
    expect(
      raw(`SELECT 1 FROM work_credits WHERE kind = 'new_customer' AND ref = ?`, c),
    ).toHaveLength(1);
  });

  it("causes every trips event type for the registry's scenario, with nothing delivered crediting no one", async () => {
    w = await tripWorld();
    const made = await causeTripEvents(w, companyDay(w.core.db, Date.now()));
    const note = await w.as('admin')('trips.deliveryNote', { orderId: made.deliveredOrderId });
    expect(note.fileName).toMatch(/delivery-note\.pdf$/);
    const types = rows(
      z.object({ type: z.string(), status: z.string() }),
      `SELECT DISTINCT type, apply_status AS status FROM events WHERE type IN (${tripEvents.map(() => '?').join(',')})`,
      ...tripEvents.map((d) => d.type),
    );
    expect(types.map((t) => t.type).sort()).toEqual(tripEvents.map((d) => d.type).sort());
    expect(types.every((t) => t.status === 'applied')).toBe(true);
    // Only the closed trip's streak-breaking 0: a stop with nothing delivered is no delivery.
    expect(raw(`SELECT kind, value FROM work_credits`)).toEqual([
      { kind: 'on_time_trip', value: 0 },
    ]);
  });
});
