import { asc, count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { events as eventsTable } from '../db/schema';
import { ledgerMismatches } from '../db/stateHash';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { EVENT_SCHEMA_VERSION } from '../events/define';

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('slip-bytes'),
]);
const b64 = (b: Buffer) => b.toString('base64');

let w: DemoWorld;
beforeEach(async () => {
  w = await openDemo();
});
afterEach(() => w.core.close());

const balance = (branchId: string, variantId: string) =>
  w.as('admin')('stock.balance', { branchId, variantId });

async function placeTwoLines() {
  const shop = w.as('shop1');
  return shop('orders.place', {
    lines: [
      { variantId: w.variant['TS-WHT-M']!, quantity: 10 },
      { variantId: w.variant['CUP-SML']!, quantity: 4 },
    ],
    note: 'Before the holiday',
  });
}

describe('the shop order lifecycle', () => {
  it('goes from placed to delivered with three people, moving stock as the ledger says', async () => {
    const tee = w.variant['TS-WHT-M']!;
    const cup = w.variant['CUP-SML']!;
    const { FAC, SH01 } = w.branch;
    const factoryBefore = await balance(FAC, tee);
    const shopBefore = await balance(SH01, tee);

    const placed = await placeTwoLines();
    // The demo company runs on one head-office PC: its orders for SH01 carry HQ's device.
    expect(placed.number).toMatch(/^SH01-HQ1-\d{6}$/);
    expect(placed.total).toBe(10 * 45000 + 4 * 12000);
    expect(await balance(FAC, tee)).toMatchObject({
      onHand: factoryBefore.onHand,
      reserved: factoryBefore.reserved + 10,
      available: factoryBefore.available - 10,
    });

    await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'receipt.png',
      contentBase64: b64(png),
    });
    await w.as('finance')('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
    await w.as('factory')('orders.dispatch', {
      orderId: placed.id,
      vehicle: 'AA 3-12345',
      driverName: 'Yonas',
      plannedDispatchOn: '2026-11-23',
    });
    expect(await balance(FAC, tee)).toMatchObject({
      onHand: factoryBefore.onHand - 10,
      reserved: factoryBefore.reserved,
    });
    expect(await balance(SH01, tee)).toMatchObject({
      onHand: shopBefore.onHand,
      inTransit: shopBefore.inTransit + 10,
    });

    const cupShopBefore = await balance(SH01, cup);
    await w.as('shop1')('orders.confirmDelivery', {
      orderId: placed.id,
      lines: [
        { lineNo: 1, received: 10 },
        { lineNo: 2, received: 3, note: 'one cup broken' },
      ],
    });
    expect(await balance(SH01, tee)).toMatchObject({
      onHand: shopBefore.onHand + 10,
      inTransit: shopBefore.inTransit,
    });
    expect(await balance(SH01, cup)).toMatchObject({
      onHand: cupShopBefore.onHand + 3,
      inTransit: cupShopBefore.inTransit - 4,
    });

    const order = await w.as('shop1')('orders.get', { orderId: placed.id });
    expect(order.status).toBe('delivered');
    expect(order.discrepancies).toEqual([
      {
        lineNo: 2,
        sku: 'CUP-SML',
        dispatched: 4,
        received: 3,
        shortage: 1,
        note: 'one cup broken',
      },
    ]);
    expect(order.timeline.map((t) => [t.step, t.userName])).toEqual([
      ['placed', 'Sara Tesfaye'],
      ['slip_attached', 'Sara Tesfaye'],
      ['payment_verified', 'Hana Girma'],
      ['dispatched', 'Abebe Kebede'],
      ['delivered', 'Sara Tesfaye'],
    ]);
    expect(new Set(order.timeline.map((t) => t.deviceId))).toEqual(
      new Set([w.core.context().device?.id]),
    );
    expect(order.timeline.every((t, i, all) => i === 0 || t.at >= all[i - 1]!.at)).toBe(true);
    expect(order).toMatchObject({
      vehicle: 'AA 3-12345',
      driverName: 'Yonas',
      plannedDispatchOn: '2026-11-23',
    });
    expect(order.dispatchedAt).toBeGreaterThan(0);
    expect(ledgerMismatches(w.core.db)).toEqual([]);
  });

  it('takes prices from the catalog at the moment of ordering, not later', async () => {
    const placed = await placeTwoLines();
    await w.as('admin')('catalog.updateVariant', { id: w.variant['TS-WHT-M']!, price: 99_900 });
    const order = await w.as('shop1')('orders.get', { orderId: placed.id });
    expect(order.lines[0]).toMatchObject({ unitPrice: 45000, lineTotal: 450000 });
    expect(order.total).toBe(placed.total);
  });

  it('records every step as an event written with the change, naming branch, device, user and schema version', async () => {
    const eventCount = () => w.core.db.orm.select({ n: count() }).from(eventsTable).get()?.n ?? 0;
    const before = eventCount();
    const placed = await placeTwoLines();
    await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'r.png',
      contentBase64: b64(png),
    });
    expect(eventCount()).toBe(before + 2);
    const events = w.core.db.orm
      .select({
        type: eventsTable.type,
        branchId: eventsTable.branchId,
        deviceId: eventsTable.deviceId,
        userId: eventsTable.userId,
        v: eventsTable.schemaVersion,
        hlc: eventsTable.hlc,
      })
      .from(eventsTable)
      .where(eq(eventsTable.aggregateId, placed.id))
      .orderBy(asc(eventsTable.seq))
      .all();
    const device = w.core.context().device!;
    expect(events.map((e) => e.type)).toEqual(['order.placed', 'order.slip_attached']);
    for (const e of events)
      expect(e).toMatchObject({
        branchId: device.branchId,
        deviceId: device.id,
        v: EVENT_SCHEMA_VERSION,
      });
    expect(events[0]!.hlc < events[1]!.hlc).toBe(true);
  });
});

describe('payment slips', () => {
  it('are judged by their bytes, not their names, and stored by content hash', async () => {
    const placed = await placeTwoLines();
    const shop = w.as('shop1');
    const pngNamedPdf = await shop('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'slip.pdf',
      contentBase64: b64(png),
    });
    expect(pngNamedPdf.mime).toBe('image/png');
    const textNamedJpg = await failure(
      shop('orders.attachSlip', {
        orderId: placed.id,
        fileName: 'slip.jpg',
        contentBase64: b64(Buffer.from('hello, not an image')),
      }),
    );
    expect(textNamedJpg).toMatchObject({ code: 'FILE_REJECTED', field: 'file' });
    expect(textNamedJpg.message).toContain('not a JPEG, PNG or PDF');
    const slip = await shop('orders.slip', { orderId: placed.id });
    expect(Buffer.from(slip.contentBase64, 'base64').equals(png)).toBe(true);
    expect(slip.fileHash).toBe(pngNamedPdf.fileHash);
  });

  it('refuses a slip over the size limit before storing anything', async () => {
    const placed = await placeTwoLines();
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 0);
    png.copy(big);
    const e = await failure(
      w.as('shop1')('orders.attachSlip', {
        orderId: placed.id,
        fileName: 'huge.png',
        contentBase64: b64(big),
      }),
    );
    expect(e.code).toMatch(/VALIDATION|FILE_REJECTED/);
    expect(e.message).toMatch(/at most 10 MB/);
    expect((await w.as('shop1')('orders.get', { orderId: placed.id })).slips).toEqual([]);
  });

  it('can be rejected by finance with a reason, and the shop attaches a new one', async () => {
    const placed = await placeTwoLines();
    await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'blurry.png',
      contentBase64: b64(png),
    });
    await w.as('finance')('orders.rejectPayment', {
      orderId: placed.id,
      reason: 'Amount does not match',
    });
    let order = await w.as('shop1')('orders.get', { orderId: placed.id });
    expect(order).toMatchObject({ status: 'placed', rejectionReason: 'Amount does not match' });
    const second = Buffer.concat([png, Buffer.from('second')]);
    await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'clear.png',
      contentBase64: b64(second),
    });
    await w.as('finance')('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
    order = await w.as('shop1')('orders.get', { orderId: placed.id });
    expect(order.status).toBe('payment_verified');
    expect(order.slips.map((s) => [s.originalName, s.status])).toEqual([
      ['blurry.png', 'rejected'],
      ['clear.png', 'verified'],
    ]);
  });
});

describe('invalid steps are refused with a stable code and say what to do', () => {
  it('dispatching an unpaid order', async () => {
    const placed = await placeTwoLines();
    const e = await failure(
      w.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'AA 1' }),
    );
    expect(e.code).toBe('INVALID_STATE');
    expect(e.message).toContain(placed.number);
    expect(e.message).toMatch(/waiting for a payment slip/);
    expect(e.message).toMatch(/Next step: the shop attaches the payment slip/);
    expect((await w.as('factory')('orders.get', { orderId: placed.id })).status).toBe('placed');
  });

  it('receiving more than was dispatched, or leaving a line out', async () => {
    const placed = await placeTwoLines();
    await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'r.png',
      contentBase64: b64(png),
    });
    await w.as('finance')('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
    await w.as('factory')('orders.dispatch', {
      orderId: placed.id,
      driverName: 'Yonas',
      lines: [{ lineNo: 2, quantity: 2 }],
    });
    const tooMany = await failure(
      w.as('shop1')('orders.confirmDelivery', {
        orderId: placed.id,
        lines: [
          { lineNo: 1, received: 10 },
          { lineNo: 2, received: 3 },
        ],
      }),
    );
    expect(tooMany).toMatchObject({ code: 'VALIDATION', field: 'lines.1.received' });
    expect(tooMany.message).toContain('more than the 2 dispatched');
    const missing = await failure(
      w.as('shop1')('orders.confirmDelivery', {
        orderId: placed.id,
        lines: [{ lineNo: 1, received: 10 }],
      }),
    );
    expect(missing).toMatchObject({ code: 'VALIDATION', field: 'lines' });
  });

  it('a negative quantity or an unknown variant, naming the field', async () => {
    const negative = await failure(
      w.as('shop1')('orders.place', {
        lines: [{ variantId: w.variant['CUP-SML']!, quantity: -3 }],
      }),
    );
    expect(negative).toMatchObject({ code: 'VALIDATION', field: 'lines.0.quantity' });
    const unknown = await failure(
      w.as('shop1')('orders.place', {
        lines: [
          { variantId: w.variant['CUP-SML']!, quantity: 1 },
          { variantId: 'no-such-variant', quantity: 1 },
        ],
      }),
    );
    expect(unknown).toMatchObject({ code: 'VALIDATION', field: 'lines.1.variantId' });
    expect(unknown.message).toContain('unknown product variant');
  });

  it('dispatching goods the factory does not have', async () => {
    const cup = w.variant['CUP-LRG']!;
    const onHand = (await balance(w.branch.FAC, cup)).onHand;
    const placed = await w.as('shop1')('orders.place', {
      lines: [{ variantId: cup, quantity: onHand + 5 }],
    });
    expect(placed.shortages).toEqual([
      { lineNo: 1, sku: 'CUP-LRG', requested: onHand + 5, available: onHand },
    ]);
    await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'r.png',
      contentBase64: b64(png),
    });
    await w.as('finance')('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
    const e = await failure(
      w.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'AA 1' }),
    );
    expect(e).toMatchObject({ code: 'INSUFFICIENT_STOCK', field: 'lines.0.quantity' });
    await w.as('factory')('production.record', {
      variantId: cup,
      quantity: 5,
      producedOn: '2026-11-22',
    });
    await w.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'AA 1' });
    expect((await balance(w.branch.FAC, cup)).onHand).toBe(0);
  });
});

describe('cancelling', () => {
  it('by the shop before payment is verified releases the reservation', async () => {
    const tee = w.variant['TS-WHT-M']!;
    const before = await balance(w.branch.FAC, tee);
    const placed = await placeTwoLines();
    await w.as('shop1')('orders.cancel', { orderId: placed.id, reason: 'Ordered twice' });
    expect(await balance(w.branch.FAC, tee)).toEqual(before);
    const order = await w.as('shop1')('orders.get', { orderId: placed.id });
    expect(order).toMatchObject({ status: 'cancelled', cancelReason: 'Ordered twice' });
    const again = await failure(
      w.as('shop1')('orders.cancel', { orderId: placed.id, reason: 'again' }),
    );
    expect(again.code).toBe('INVALID_STATE');
  });

  it('after payment is verified only by an admin, never after dispatch', async () => {
    const placed = await placeTwoLines();
    await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'r.png',
      contentBase64: b64(png),
    });
    await w.as('finance')('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
    const shop = await failure(
      w.as('shop1')('orders.cancel', { orderId: placed.id, reason: 'changed mind' }),
    );
    expect(shop.code).toBe('INVALID_STATE');
    expect(shop.message).toMatch(/only an admin can cancel/);
    await w.as('admin')('orders.cancel', { orderId: placed.id, reason: 'Customer refund agreed' });
    expect((await w.as('admin')('orders.get', { orderId: placed.id })).status).toBe('cancelled');

    const second = await placeTwoLines();
    await w.as('shop1')('orders.attachSlip', {
      orderId: second.id,
      fileName: 'r.png',
      contentBase64: b64(png),
    });
    await w.as('finance')('orders.verifyPayment', { orderId: second.id, amount: second.total });
    await w.as('factory')('orders.dispatch', { orderId: second.id, vehicle: 'AA 1' });
    const late = await failure(
      w.as('admin')('orders.cancel', { orderId: second.id, reason: 'too late' }),
    );
    expect(late.code).toBe('INVALID_STATE');
    expect(late.message).toMatch(/dispatched/);
  });
});

describe('who sees which orders', () => {
  it('a clerk of another shop neither sees nor acts on an order', async () => {
    const placed = await placeTwoLines();
    expect((await w.as('shop2')('orders.list', {})).map((o) => o.id)).not.toContain(placed.id);
    expect((await failure(w.as('shop2')('orders.get', { orderId: placed.id }))).code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await failure(w.as('shop2')('orders.cancel', { orderId: placed.id, reason: 'x' }))).code,
    ).toBe('NOT_FOUND');
    expect((await w.as('factory')('orders.list', {})).map((o) => o.id)).toContain(placed.id);
    expect(
      (await w.as('shop1')('orders.list', { shopId: w.branch.SH02 })).every(
        (o) => o.shopId === w.branch.SH01,
      ),
    ).toBe(true);
  });

  it('lists newest first, filtered by status in the database', async () => {
    const a = await placeTwoLines();
    const b = await placeTwoLines();
    await w.as('shop1')('orders.cancel', { orderId: a.id, reason: 'dup' });
    const placed = await w.as('shop1')('orders.list', { status: 'placed' });
    expect(placed.map((o) => o.id)).toEqual([b.id]);
    const all = await w.as('shop1')('orders.list', {});
    expect(all.map((o) => o.id)).toEqual([b.id, a.id]);
    expect((await w.as('shop1')('orders.list', { number: b.number })).map((o) => o.id)).toEqual([
      b.id,
    ]);
  });
});
