// Backorders, payments with amounts and the list's search, on a real demo database.
import { count } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { events as eventsTable } from '../db/schema';
import { stateHash } from '../db/stateHash';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import type { OrderSummary } from './queries';

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('slip-bytes'),
]).toString('base64');

const paying = { receivedOn: '2026-01-05', reference: 'CBE-778812' };

describe('backorders and payments', () => {
  let w: DemoWorld;
  beforeEach(async () => {
    w = await openDemo();
  });
  afterEach(() => w.core.close());

  const balance = (branchId: string, variantId: string) =>
    w.as('admin')('stock.balance', { branchId, variantId });

  /** Two T-shirts ordered by shop 1, its bank slip attached: waiting for finance. */
  async function slipAttached() {
    const placed = await w.as('shop1')('orders.place', {
      lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 2 }],
    });
    await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'slip.png',
      contentBase64: png,
    });
    return placed;
  }

  async function paidOrder(tees = 12, cups = 4) {
    const placed = await w.as('shop1')('orders.place', {
      lines: [
        { variantId: w.variant['TS-WHT-M']!, quantity: tees },
        { variantId: w.variant['CUP-SML']!, quantity: cups },
      ],
    });
    await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'slip.png',
      contentBase64: png,
    });
    await w.as('finance')('orders.verifyPayment', {
      orderId: placed.id,
      amount: placed.total,
      ...paying,
    });
    return placed;
  }

  it('keeps the rest of a partial dispatch as a backorder, dispatched and confirmed later', async () => {
    const tee = w.variant['TS-WHT-M']!;
    const { FAC, SH01 } = w.branch;
    const factoryBefore = await balance(FAC, tee);
    const shopBefore = await balance(SH01, tee);
    const placed = await paidOrder();

    await w.as('factory')('orders.dispatch', {
      orderId: placed.id,
      vehicle: 'AA 3-12345',
      lines: [
        { lineNo: 1, quantity: 10 },
        { lineNo: 2, quantity: 4 },
      ],
    });
    let order = await w.as('admin')('orders.get', { orderId: placed.id });
    expect(order.status).toBe('dispatched');
    expect(order.backordered).toBe(2);
    expect(order.lines[0]).toMatchObject({ dispatchedQty: 10, cancelledQty: 0 });
    // The two still owed stay reserved at the factory.
    expect(await balance(FAC, tee)).toMatchObject({
      onHand: factoryBefore.onHand - 10,
      reserved: factoryBefore.reserved + 2,
    });

    // The first dispatch is confirmed on its own.
    await w.as('shop1')('orders.confirmDelivery', {
      orderId: placed.id,
      lines: [
        { lineNo: 1, received: 10 },
        { lineNo: 2, received: 4 },
      ],
    });
    order = await w.as('admin')('orders.get', { orderId: placed.id });
    expect(order.status).toBe('delivered');
    expect(order.backordered).toBe(2);

    // The backorder: only what is still owed may go, and by default that is what goes.
    const tooMany = await failure(
      w.as('factory')('orders.dispatch', {
        orderId: placed.id,
        vehicle: 'AA 3-12345',
        lines: [{ lineNo: 1, quantity: 3 }],
      }),
    );
    expect(tooMany).toMatchObject({ code: 'VALIDATION', field: 'lines.0.quantity' });
    await w.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'AA 3-12345' });
    order = await w.as('admin')('orders.get', { orderId: placed.id });
    expect(order).toMatchObject({ status: 'dispatched', backordered: 0 });
    expect(order.lines[0]).toMatchObject({ dispatchedQty: 12, confirmedQty: 10 });

    // Only the second dispatch's 2 are counted now; line 2 has nothing on the way.
    await w.as('shop1')('orders.confirmDelivery', {
      orderId: placed.id,
      lines: [{ lineNo: 1, received: 1, note: 'one missing' }],
    });
    order = await w.as('admin')('orders.get', { orderId: placed.id });
    expect(order.status).toBe('delivered');
    expect(order.lines[0]).toMatchObject({ receivedQty: 11, confirmedQty: 12 });
    expect(order.discrepancies).toEqual([
      expect.objectContaining({ lineNo: 1, dispatched: 2, received: 1, shortage: 1 }),
    ]);
    expect(await balance(FAC, tee)).toMatchObject({
      onHand: factoryBefore.onHand - 12,
      reserved: factoryBefore.reserved,
    });
    expect(await balance(SH01, tee)).toMatchObject({
      onHand: shopBefore.onHand + 11,
      inTransit: shopBefore.inTransit,
    });
    // Two dispatches, each confirmed on its own.
    expect(order.timeline.map((t) => t.step).join(' → ')).toBe(
      'placed → slip_attached → payment_verified → dispatched → delivered → dispatched → delivered',
    );
  });

  it('refuses a dispatch that gives a line twice, and writes nothing', async () => {
    const placed = await paidOrder();
    const before = stateHash(w.core.db);
    // Each 6 is within the 12 owed on its own; together they would send 12 unseen.
    const twice = await failure(
      w.as('factory')('orders.dispatch', {
        orderId: placed.id,
        vehicle: 'AA 3-12345',
        lines: [
          { lineNo: 1, quantity: 6 },
          { lineNo: 1, quantity: 6 },
          { lineNo: 2, quantity: 0 },
        ],
      }),
    );
    expect(twice).toMatchObject({
      code: 'VALIDATION',
      field: 'lines.1.lineNo',
      message: 'lines.1.lineNo: line 1 is given twice; give its quantity once',
    });
    expect(stateHash(w.core.db)).toBe(before);
    expect((await w.as('admin')('orders.get', { orderId: placed.id })).status).toBe(
      'payment_verified',
    );
  });

  it('cancels a backorder with a reason, releasing what was reserved for it', async () => {
    const cup = w.variant['CUP-SML']!;
    const { FAC } = w.branch;
    const before = await balance(FAC, cup);
    const placed = await paidOrder(2, 5);
    await w.as('factory')('orders.dispatch', {
      orderId: placed.id,
      driverName: 'Yonas',
      lines: [{ lineNo: 2, quantity: 1 }],
    });
    expect(await balance(FAC, cup)).toMatchObject({ reserved: before.reserved + 4 });
    // The shop may not cancel it; the factory may, with a reason.
    expect(
      await failure(w.as('shop1')('orders.cancelBackorder', { orderId: placed.id, reason: 'x' })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    await w.as('factory')('orders.cancelBackorder', {
      orderId: placed.id,
      reason: 'The cup mould broke',
    });
    const order = await w.as('admin')('orders.get', { orderId: placed.id });
    expect(order).toMatchObject({ status: 'dispatched', backordered: 0 });
    expect(order.lines[1]).toMatchObject({ dispatchedQty: 1, cancelledQty: 4 });
    expect(order.timeline.at(-1)).toMatchObject({
      step: 'backorder_cancelled',
      note: 'The cup mould broke',
    });
    expect(await balance(FAC, cup)).toMatchObject({ reserved: before.reserved });
    // Nothing is left to cancel or to send.
    expect(
      await failure(
        w.as('factory')('orders.cancelBackorder', { orderId: placed.id, reason: 'again' }),
      ),
    ).toMatchObject({ code: 'INVALID_STATE' });
    expect(
      await failure(w.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'X' })),
    ).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('refuses to verify a payment without the amount the slip shows, and writes nothing', async () => {
    const placed = await slipAttached();
    // Untyped, as an older client or Telegram's old one-tap button sent it.
    const verify = (input: unknown) =>
      w.core.callRaw('orders.verifyPayment', input, w.tokens.finance);
    const events = () => w.core.db.orm.select({ n: count() }).from(eventsTable).get()?.n;
    const before = { state: stateHash(w.core.db), events: events() };

    expect(await failure(verify({ orderId: placed.id, ...paying }))).toMatchObject({
      code: 'VALIDATION',
      field: 'amount',
      message: 'amount: is required: enter what the bank slip shows',
    });
    // Nor does a zero stand in for "whatever is due".
    expect(await failure(verify({ orderId: placed.id, amount: 0, ...paying }))).toMatchObject({
      code: 'VALIDATION',
      field: 'amount',
    });

    expect({ state: stateHash(w.core.db), events: events() }).toEqual(before);
    const order = await w.as('admin')('orders.get', { orderId: placed.id });
    expect(order).toMatchObject({ status: 'slip_attached', paid: 0, payments: [] });
    expect(order.timeline.map((t) => t.step)).toEqual(['placed', 'slip_attached']);
  });

  it('adds part payments until the order is paid, flagging one that differs from what is due', async () => {
    const placed = await slipAttached();
    const finance = w.as('finance');
    const future = await failure(
      finance('orders.verifyPayment', {
        orderId: placed.id,
        amount: 100,
        receivedOn: '2999-01-01',
        reference: 'R',
      }),
    );
    expect(future).toMatchObject({ code: 'DATE_IN_FUTURE', field: 'receivedOn' });

    await finance('orders.verifyPayment', { orderId: placed.id, amount: 2340, ...paying });
    let order = await w.as('admin')('orders.get', { orderId: placed.id });
    expect(order).toMatchObject({ status: 'slip_attached', paid: 2340, paymentFlag: 'part_paid' });
    expect(order.payments).toEqual([
      expect.objectContaining({ amount: 2340, due: placed.total, reference: 'CBE-778812' }),
    ]);
    let listed = await finance('orders.list', { number: placed.number });
    expect(listed[0]).toMatchObject({ paid: 2340, paymentFlag: 'part_paid' });

    await finance('orders.verifyPayment', {
      orderId: placed.id,
      amount: placed.total - 2340,
      ...paying,
    });
    order = await w.as('admin')('orders.get', { orderId: placed.id });
    // Paid in full, but the first payment did not match what was due: still flagged.
    expect(order).toMatchObject({
      status: 'payment_verified',
      paid: placed.total,
      paymentFlag: 'mismatch',
    });
    expect(order.timeline.map((t) => t.step).slice(-2)).toEqual([
      'payment_recorded',
      'payment_verified',
    ]);
    listed = await finance('orders.list', { number: placed.number });
    expect(listed[0]?.paymentFlag).toBe('mismatch');
  });

  it('shows a rejected payment apart from a plain placed order', async () => {
    const placed = await w.as('shop1')('orders.place', {
      lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 1 }],
    });
    await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'slip.png',
      contentBase64: png,
    });
    await w.as('finance')('orders.rejectPayment', { orderId: placed.id, reason: 'Unreadable' });
    const [listed] = await w.as('shop1')('orders.list', { number: placed.number });
    expect(listed).toMatchObject({ status: 'placed', paymentFlag: 'rejected' });
  });

  it('shows a driver only dispatched orders, without totals or prices', async () => {
    const sent = await paidOrder(1, 1);
    await w.as('factory')('orders.dispatch', { orderId: sent.id, vehicle: 'AA 1' });
    await w.as('shop1')('orders.place', {
      lines: [{ variantId: w.variant['CUP-SML']!, quantity: 1 }],
    });
    const seen = await w.as('driver')('orders.list', {});
    expect(seen.length).toBeGreaterThan(0);
    for (const o of seen)
      expect(o).toMatchObject({ status: 'dispatched', total: null, paid: null });
    expect(await w.as('driver')('orders.list', { status: 'placed' })).toEqual([]);
    const detail = await w.as('driver')('orders.get', { orderId: sent.id });
    expect(detail.priced).toBe(false);
    expect(detail.total).toBe(0);
    expect(detail.lines.every((l) => l.unitPrice === 0 && l.lineTotal === 0)).toBe(true);
  });
});

describe('the order list search', () => {
  let w: DemoWorld;
  let all: (OrderSummary & { skus: string[]; names: string[]; shopCode: string })[];
  beforeAll(async () => {
    w = await openDemo();
    const skus = ['TS-WHT-M', 'CUP-SML'];
    for (let i = 0; i < 8; i++) {
      const shop = i % 3 === 0 ? 'shop2' : 'shop1';
      await w.as(shop)('orders.place', {
        lines: skus
          .filter((_, j) => (i >> j) % 2 === 1 || j === i % 2)
          .map((sku) => ({ variantId: w.variant[sku]!, quantity: 1 + (i % 4) })),
      });
    }
    const listed = await w.as('admin')('orders.list', { limit: 200, offset: 0 });
    all = await Promise.all(
      listed.map(async (o) => {
        const d = await w.as('admin')('orders.get', { orderId: o.id });
        return {
          ...o,
          skus: d.lines.map((l) => l.sku),
          names: d.lines.map((l) => l.name),
          shopCode: d.shopCode,
        };
      }),
    );
  });
  afterAll(() => w.core.close());

  it('returns every order that matches and no other, whatever the filters', async () => {
    const totals = [...new Set(all.map((o) => o.total ?? 0))];
    const days = ['2020-01-01', new Date().toISOString().slice(0, 10), '2099-12-31'];
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            customer: fc.constantFrom('SH01', 'sh02', 'Shop', 'zzz', 'o'),
            product: fc.constantFrom('TS-WHT', 'cup', 'T-shirt', 'nothing'),
            placedFrom: fc.constantFrom(...days),
            placedTo: fc.constantFrom(...days),
            minTotal: fc.constantFrom(0, ...totals),
            maxTotal: fc.constantFrom(...totals, 10 ** 9),
          },
          { requiredKeys: [] },
        ),
        async (f) => {
          if (f.placedFrom && f.placedTo && f.placedFrom > f.placedTo) return;
          if (f.minTotal !== undefined && f.maxTotal !== undefined && f.minTotal > f.maxTotal)
            return;
          const got = await w.as('admin')('orders.list', { ...f, limit: 200, offset: 0 });
          const has = (s: string, part: string) => s.toLowerCase().includes(part.toLowerCase());
          const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
          const want = all.filter(
            (o) =>
              (!f.customer || has(o.shopName, f.customer) || has(o.shopCode, f.customer)) &&
              (!f.product ||
                o.skus.some((s) => has(s, f.product!)) ||
                o.names.some((n) => has(n, f.product!))) &&
              (!f.placedFrom || dayOf(o.placedAt) >= f.placedFrom) &&
              (!f.placedTo || dayOf(o.placedAt) <= f.placedTo) &&
              (f.minTotal === undefined || (o.total ?? 0) >= f.minTotal) &&
              (f.maxTotal === undefined || (o.total ?? 0) <= f.maxTotal),
          );
          expect(got.map((o) => o.id)).toEqual(want.map((o) => o.id));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a range whose ends are swapped, naming the field', async () => {
    const swapped = await failure(
      w.as('admin')('orders.list', { placedFrom: '2026-02-01', placedTo: '2026-01-01' }),
    );
    expect(swapped).toMatchObject({ code: 'VALIDATION' });
    expect(swapped.message).toContain('placedTo');
  });
});
