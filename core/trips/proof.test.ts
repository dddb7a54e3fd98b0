// A proof on the road: resent, made on a second device, made with a clock that runs behind,
// checked again when applied in head office's order; re-folds; the papers it prints.
import { afterEach, describe, expect, it } from 'vitest';
import { extractText, getDocumentProxy } from 'unpdf';
import { z } from 'zod';
import { parseRow, parseRows } from '../db/rows';
import { stateHash } from '../db/stateHash';
import { failure } from '../testing/demo';
import type { EventEnvelope } from '../events/define';
import { DEMO_PASSWORD } from '../demo/seed';
import { newId } from '../ids';
import { companyDay } from '../locale/day';
import { applyOrdered, refold } from '../sync/apply';
import { photoJpeg, signaturePng, tripWorld, type TripWorld } from './fixture.test-support';
import { deliveryNotePdf } from './delivery-note';

let w: TripWorld;
afterEach(() => w?.core.close());

const DAY = 86_400_000;
let offset = 0;

async function plannedTrip(lines = [{ quantity: 3 }, { quantity: 2 }]) {
  w = await tripWorld({ now: () => Date.now() + offset });
  const customer = await w.customer('Abebe Cafe', { lat: 9, lng: 38.75 });
  const orderId = await w.order(
    customer,
    lines.map((l, i) => ({ variantId: w.goods[i % 2]!, quantity: l.quantity })),
  );
  const day = companyDay(w.core.db, Date.now() + offset);
  const { tripId } = await w.as('admin')('trips.plan', {
    branchId: w.branch.FAC,
    day,
    driverId: w.ids.driver,
    vehicle: 'Van 1',
    orderIds: [orderId],
  });
  return { customer, orderId, tripId, day };
}

const input = (tripId: string, orderId: string, over: Record<string, unknown> = {}) => ({
  tripId,
  orderId,
  lines: [
    { lineNo: 1, delivered: 2, damaged: 1, short: 0, reason: 'cracked' },
    { lineNo: 2, delivered: 2, damaged: 0, short: 0 },
  ],
  returns: [],
  collected: { amount: 1500, method: 'cash' as const },
  signature: { contentBase64: signaturePng() },
  photos: { '1': photoJpeg() },
  signedBy: 'Almaz Tesfaye',
  ...over,
});

const count = (sql: string, ...args: unknown[]) =>
  z.object({ n: z.number().int() }).parse(w.core.db.sqlite.prepare(sql).get(...args)).n;

const storedRow = z.object({
  id: z.string(),
  type: z.string(),
  schemaVersion: z.number().int(),
  branchId: z.string(),
  deviceId: z.string(),
  userId: z.string(),
  hlc: z.string(),
  createdAt: z.number().int(),
  aggregateId: z.string().nullable(),
  payload: z.string(),
  seq: z.number().int(),
});
const conflictRow = z.object({ code: z.string(), message: z.string() });

function storedEvent(typeOrId: string): EventEnvelope & { seq: number; receivedHlc: string } {
  const row = storedRow.parse(
    w.core.db.sqlite
      .prepare(
        `SELECT id, type, schema_version AS schemaVersion, branch_id AS branchId, device_id AS deviceId,
              user_id AS userId, hlc, created_at AS createdAt, aggregate_id AS aggregateId, payload, seq
         FROM events WHERE type = ? OR id = ? ORDER BY seq DESC LIMIT 1`,
      )
      .get(typeOrId, typeOrId),
  );
  return { ...row, payload: JSON.parse(row.payload) as unknown, receivedHlc: row.hlc };
}

afterEach(() => {
  offset = 0;
});

let serverSeq = 0;
/** Head office numbers the trip's events so far, as a sync round does: in the order they were made. */
function acknowledgeTrip(tripId: string): void {
  const ids = parseRows(
    z.object({ id: z.string() }),
    w.core.db.sqlite
      .prepare('SELECT id FROM events WHERE aggregate_id = ? AND server_seq IS NULL ORDER BY seq')
      .all(tripId),
  );
  const events = ids.map(({ id }) => ({ ...storedEvent(id), seq: ++serverSeq }));
  w.core.db.sqlite.transaction(() => applyOrdered(w.core.db, events))();
}

describe('a proof of delivery', () => {
  it('attaches once when resent, by the same proofId or the same event through sync', async () => {
    const { tripId, orderId } = await plannedTrip();
    const driver = w.as('driver');
    const proofId = newId();
    const first = await driver('trips.prove', input(tripId, orderId, { proofId }));
    const again = await driver('trips.prove', input(tripId, orderId, { proofId }));
    expect(first).toEqual({ proofId, already: false });
    expect(again).toEqual({ proofId, already: true });
    acknowledgeTrip(tripId);
    const event = storedEvent('delivery.proved');
    const tally = w.core.db.sqlite.transaction(() =>
      applyOrdered(w.core.db, [{ ...event, seq: ++serverSeq }]),
    )();
    expect(tally).toMatchObject({ duplicates: 1, applied: 0, conflicts: 0 });
    expect(count(`SELECT COUNT(*) AS n FROM events WHERE type = 'delivery.proved'`)).toBe(1);
    expect(count('SELECT COUNT(*) AS n FROM delivery_proofs')).toBe(1);
    expect(count(`SELECT COUNT(*) AS n FROM customer_account WHERE kind = 'collection'`)).toBe(1);
    expect(count(`SELECT COUNT(*) AS n FROM work_credits WHERE kind = 'delivery'`)).toBe(1);
  });

  it("turns a second device's proof of the same stop into a visible conflict, not a second signature", async () => {
    const { tripId, orderId } = await plannedTrip();
    await w.as('driver')('trips.prove', input(tripId, orderId));
    acknowledgeTrip(tripId);
    const first = storedEvent('delivery.proved');
    const second = {
      ...first,
      id: newId(),
      deviceId: `${first.deviceId}-phone2`,
      seq: ++serverSeq,
      payload: { ...(first.payload as object), proofId: newId(), signedBy: 'Someone else' },
    };
    const movements = count('SELECT COUNT(*) AS n FROM stock_movements');
    const tally = w.core.db.sqlite.transaction(() => applyOrdered(w.core.db, [second]))();
    expect(tally.conflicts).toBe(1);
    const conflict = conflictRow.parse(
      w.core.db.sqlite
        .prepare('SELECT code, message FROM conflicts WHERE event_id = ?')
        .get(second.id),
    );
    expect(conflict.code).toBe('INVALID_STATE');
    expect(conflict.message).toMatch(/already delivered/);
    expect(count('SELECT COUNT(*) AS n FROM delivery_proofs')).toBe(1);
    expect(count('SELECT COUNT(*) AS n FROM stock_movements')).toBe(movements);
  });

  it("keeps a delivery's proof when another device reuses its proofId, through re-folds", async () => {
    const { tripId, orderId } = await plannedTrip();
    const proofId = newId();
    await w.as('driver')('trips.prove', input(tripId, orderId, { proofId }));
    acknowledgeTrip(tripId);
    const customer = await w.customer('Bole Hotel', null);
    const o2 = await w.order(customer, [{ variantId: w.goods[0], quantity: 1 }]);
    const { tripId: t2 } = await w.as('admin')('trips.plan', {
      branchId: w.branch.FAC,
      day: companyDay(w.core.db, Date.now()),
      driverId: w.ids.driver,
      vehicle: 'Van 2',
      orderIds: [o2],
    });
    acknowledgeTrip(t2);
    const proofLines = () =>
      count('SELECT COUNT(*) AS n FROM delivery_proof_lines WHERE proof_id = ?', proofId);
    expect(proofLines()).toBe(2);
    const before = stateHash(w.core.db);
    // Here: refused, naming the id, before anything is stored.
    const one = { lineNo: 1, delivered: 1, damaged: 0, short: 0 };
    const refused = await failure(
      w.as('driver')('trips.prove', input(t2, o2, { proofId, lines: [one], photos: {} })),
    );
    expect(refused).toMatchObject({ code: 'CONFLICT', field: 'proofId' });
    expect(stateHash(w.core.db)).toBe(before);
    // From a device that made it offline: a conflict, and re-folding its trip leaves the first
    // delivery's lines where they are.
    const first = storedEvent('delivery.proved');
    const reused = {
      ...first,
      id: newId(),
      aggregateId: t2,
      seq: ++serverSeq,
      payload: {
        ...(first.payload as Record<string, unknown>),
        tripId: t2,
        orderId: o2,
        customerId: customer,
        lines: [{ ...one, reason: null, photoFile: null }],
        collected: null,
      },
    };
    const tally = w.core.db.sqlite.transaction(() => applyOrdered(w.core.db, [reused]))();
    expect(tally.conflicts).toBe(1);
    const withConflict = stateHash(w.core.db);
    w.core.db.sqlite.transaction(() => refold(w.core.db, t2))();
    expect(proofLines()).toBe(2);
    expect(stateHash(w.core.db)).toBe(withConflict);
  });

  it('checks the payload against the trip and order when applied', async () => {
    const { tripId, orderId } = await plannedTrip();
    // A proof that reached this PC from elsewhere: built by hand, then changed one fact at a time.
    await w.as('driver')('trips.prove', input(tripId, orderId));
    const good = storedEvent('delivery.proved');
    w.core.db.sqlite.transaction(() => refold(w.core.db, tripId))();
    const {
      customer,
      orderId: o2,
      tripId: t2,
    } = await (async () => {
      const c = await w.customer('Bole Hotel', null);
      const o = await w.order(c, [{ variantId: w.goods[0], quantity: 1 }]);
      const t = await w.as('admin')('trips.plan', {
        branchId: w.branch.FAC,
        day: companyDay(w.core.db, Date.now()),
        driverId: w.ids.driver,
        vehicle: 'Van 2',
        orderIds: [o],
      });
      return { customer: c, orderId: o, tripId: t.tripId };
    })();
    acknowledgeTrip(t2);
    const base = {
      ...(good.payload as Record<string, unknown>),
      tripId: t2,
      orderId: o2,
      customerId: customer,
      lines: [{ lineNo: 1, delivered: 1, damaged: 0, short: 0, reason: null, photoFile: null }],
      collected: null,
    };
    const apply = (payload: Record<string, unknown>, userId = good.userId) => {
      const e = {
        ...good,
        id: newId(),
        userId,
        aggregateId: t2,
        seq: ++serverSeq,
        payload: { ...base, proofId: newId(), ...payload },
      };
      w.core.db.sqlite.transaction(() => applyOrdered(w.core.db, [e]))();
      return parseRow(
        conflictRow,
        w.core.db.sqlite
          .prepare('SELECT code, message FROM conflicts WHERE event_id = ?')
          .get(e.id),
      );
    };
    expect(apply({}, w.ids.admin)).toMatchObject({ code: 'NOT_YOUR_TRIP' });
    expect(apply({ driverId: w.ids.admin })).toMatchObject({
      code: 'VALIDATION',
      message: /^driverId/,
    });
    expect(apply({ repId: null })).toMatchObject({ code: 'VALIDATION', message: /^repId/ });
    expect(apply({ customerId: good.userId })).toMatchObject({
      code: 'VALIDATION',
      message: /^customerId/,
    });
    expect(apply({ orderId: orderId })).toMatchObject({
      code: 'STOP_NOT_ON_TRIP',
      message: /not a stop/,
    });
    expect(count('SELECT COUNT(*) AS n FROM delivery_proofs WHERE trip_id = ?', t2)).toBe(0);
    expect(apply({})).toBeUndefined();
    expect(count('SELECT COUNT(*) AS n FROM delivery_proofs WHERE trip_id = ?', t2)).toBe(1);
  });

  it('never dates a delivery before its trip was planned, whatever the device clock says', async () => {
    const { tripId, orderId } = await plannedTrip();
    const planned = count('SELECT planned_at AS n FROM trips WHERE id = ?', tripId);
    offset = -30 * DAY;
    await w.as('driver')('trips.prove', input(tripId, orderId));
    const proof = z
      .object({ at: z.number().int(), onTime: z.number().int(), hlc: z.string().nullable() })
      .parse(
        w.core.db.sqlite
          .prepare(
            'SELECT delivered_at AS at, on_time AS onTime, received_hlc AS hlc FROM delivery_proofs',
          )
          .get(),
      );
    expect(proof.at).toBe(planned);
    expect(proof.onTime).toBe(1);
    // Replicated state keeps no receipt stamp: the log has it once head office has numbered it.
    expect(proof.hlc).toBeNull();
    const credit = count(`SELECT at AS n FROM work_credits WHERE kind = 'delivery'`);
    expect(credit).toBe(planned);
  });

  it('marks a delivery on a later day than the trip as late', async () => {
    const { tripId, orderId } = await plannedTrip();
    offset = 2 * DAY;
    // Two days on, the sign-ins have expired: both sign in again.
    const signIn = async (username: string) =>
      (await w.core.call('auth.login', { username, password: DEMO_PASSWORD })).token;
    const [driverToken, adminToken] = [await signIn('driver'), await signIn('admin')];
    await w.core.call('trips.prove', input(tripId, orderId), driverToken);
    expect(count('SELECT on_time AS n FROM delivery_proofs')).toBe(0);
    await w.core.call('trips.close', { tripId, counted: 1500 }, adminToken);
    expect(count(`SELECT value AS n FROM work_credits WHERE kind = 'on_time_trip'`)).toBe(0);
  });

  it('re-folds the trip to exactly the state its events made', async () => {
    const { tripId, orderId } = await plannedTrip();
    await w.as('driver')('trips.prove', input(tripId, orderId));
    await w.as('admin')('trips.close', { tripId, counted: 1000, reason: 'short' });
    const state = () =>
      [
        'SELECT * FROM trips',
        'SELECT * FROM trip_stops ORDER BY order_id',
        'SELECT * FROM delivery_proofs',
        'SELECT * FROM delivery_proof_lines ORDER BY line_no',
        'SELECT event_id, branch_id, variant_id, kind, on_hand, reserved, order_id, reason FROM stock_movements ORDER BY event_id, variant_id, kind',
        'SELECT * FROM stock_balances ORDER BY branch_id, variant_id',
        'SELECT event_id, customer_id, kind, amount, order_id, trip_id, method, reference, at FROM customer_account ORDER BY event_id, kind',
        'SELECT event_id, person_id, kind, ref, value, amount, at, day FROM work_credits ORDER BY event_id, kind',
      ].map((sql) => w.core.db.sqlite.prepare(sql).all());
    const before = state();
    w.core.db.sqlite.transaction(() => refold(w.core.db, tripId))();
    expect(state()).toEqual(before);
  });

  it('re-folds a trip whose failed order was cancelled or planned again since', async () => {
    const { customer, orderId, tripId, day } = await plannedTrip();
    const other = await w.order(customer, [{ variantId: w.goods[0], quantity: 1 }]);
    const admin = w.as('admin');
    await admin('trips.revise', { tripId, orderIds: [orderId, other] });
    await w.as('driver')('trips.failStop', { tripId, orderId: other, reason: 'closed' });
    await w.as('driver')('trips.prove', input(tripId, orderId));
    // The failed order goes on another trip, then is cancelled from there.
    const next = await admin('trips.plan', {
      branchId: w.branch.FAC,
      day,
      driverId: w.ids.driver,
      vehicle: 'Van 2',
      orderIds: [other],
    });
    const before = await admin('trips.get', { tripId });
    w.core.db.sqlite.transaction(() => refold(w.core.db, tripId))();
    expect(count('SELECT COUNT(*) AS n FROM conflicts')).toBe(0);
    expect(await admin('trips.get', { tripId })).toEqual(before);
    await w.as('driver')('trips.failStop', {
      tripId: next.tripId,
      orderId: other,
      reason: 'closed again',
    });
    await admin('field.cancelOrder', { orderId: other, reason: 'customer gave up' });
    const cancelled = await admin('trips.get', { tripId });
    expect(cancelled.stops.map((s) => s.shownStatus)).toEqual(['delivered', 'cancelled']);
    w.core.db.sqlite.transaction(() => refold(w.core.db, tripId))();
    w.core.db.sqlite.transaction(() => refold(w.core.db, next.tripId))();
    expect(count('SELECT COUNT(*) AS n FROM conflicts')).toBe(0);
    expect(await admin('trips.get', { tripId })).toEqual(cancelled);
  });

  it('prints a trip sheet and a delivery note with the customer, lines and signer', async () => {
    const { tripId, orderId } = await plannedTrip();
    const line = z
      .object({ name: z.string(), sku: z.string() })
      .parse(
        w.core.db.sqlite
          .prepare('SELECT name, sku FROM customer_order_lines WHERE order_id = ? AND line_no = 1')
          .get(orderId),
      );
    const textOf = async (base64: string | Buffer) => {
      const bytes = typeof base64 === 'string' ? Buffer.from(base64, 'base64') : base64;
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), {
        mergePages: true,
      });
      return text;
    };
    const sheet = await w.as('driver')('trips.sheetPdf', { tripId });
    const sheetText = await textOf(sheet.contentBase64);
    expect(sheetText).toContain('Abebe Cafe');
    expect(sheetText).toContain(line.sku);
    await w.as('driver')(
      'trips.prove',
      input(tripId, orderId, { returns: [{ variantId: w.goods[1], quantity: 1 }] }),
    );
    const note = await w.as('admin')('trips.deliveryNote', { orderId });
    const noteText = await textOf(note.contentBase64);
    for (const expected of ['Abebe Cafe', line.sku, 'cracked', 'Almaz Tesfaye', 'Returned'])
      expect(noteText).toContain(expected);
    // The sender's own entry point gives the same document.
    const direct = await deliveryNotePdf(w.core.db, w.core.files, orderId);
    expect(await textOf(direct)).toBe(noteText);
  });

  it('shows a driver only their own trips', async () => {
    const { tripId, day } = await plannedTrip();
    expect((await w.as('driver')('trips.mine', { day })).map((t) => t.id)).toEqual([tripId]);
    expect(await w.as('admin')('trips.mine', { day })).toEqual([]);
  });
});
