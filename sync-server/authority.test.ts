// Head office judges each event a branch PC pushes by what that branch's people could do at the
// event's time; a refused event is applied nowhere, and the PC takes it back and says why.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_UNITS } from '../core/events/numbers';
import { formatHlc } from '../core/hlc';
import { ledgerMismatches } from '../core/db/stateHash';
import { openIssues } from '../core/sync/services';
import { differenceFromFreshFold } from './testing/fold';
import { http, placeWithSlip, startWorld, type Site, type World } from './testing/world';

let w: World;
let shop: Site;
let clerkId: string;
beforeAll(async () => {
  w = await startWorld();
  shop = await w.enroll('SH01');
  clerkId = (await w.admin('users.list', {})).find((u) => u.username === 'shop1')!.id;
  await shop.as('shop1')('stock.adjust', {
    variantId: w.variants[0]!,
    quantity: 20,
    reason: 'opening count',
  });
  await shop.engine.sync();
}, 60_000);
afterAll(() => w.close());

const onHand = async (site: Site) =>
  (
    await site.as('shop1')('stock.balance', {
      branchId: w.branch.SH01,
      variantId: w.variants[0]!,
    })
  ).onHand;

/** Pushes one event made up with nothing but the shop PC's own token, as an attacker would. */
async function pushForged(type: string, aggregateId: string, payload: unknown) {
  const device = shop.core.context().device!;
  const event = {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    branchId: w.branch.SH01,
    deviceId: device.id,
    userId: clerkId,
    hlc: formatHlc({ wall: Date.now(), counter: 0, node: device.id }),
    createdAt: Date.now(),
    aggregateId,
    payload,
  };
  const answer = await http<{ refused: { id: string; code: string; message: string }[] }>(
    w.base,
    'POST',
    '/sync/push',
    { events: [event] },
    shop.token,
  );
  return { event, answer };
}

describe('authority at head office', () => {
  it('refuses a sale made offline after head office withdrew the clerk role, and the PC takes it back', async () => {
    const before = await onHand(shop);
    await w.admin('users.update', { id: clerkId, role: 'driver' });
    // The PC has not heard of it: the clerk sells offline.
    const sale = await shop.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: w.variants[0]!, quantity: 2 }],
    });
    expect(await onHand(shop)).toBe(before - 2);
    const report = await shop.engine.sync();
    expect(report.refused).toBe(1);
    expect(await onHand(shop)).toBe(before);
    const shown = openIssues(shop.core.db).refused;
    expect(shown).toMatchObject([{ type: 'sale.recorded', code: 'NOT_PERMITTED' }]);
    expect(shown[0]!.message).toMatch(/was a driver at that time/);
    expect(
      shop.core.db.sqlite.prepare('SELECT count(*) AS n FROM sales WHERE id = ?').get(sale.id),
    ).toEqual({ n: 0 });
    await w.server.replica.catchUp();
    const state = await w.admin('devices.syncState', {});
    expect(state.refusals).toMatchObject([
      { type: 'sale.recorded', code: 'NOT_PERMITTED', branchId: w.branch.SH01 },
    ]);
    expect(ledgerMismatches(shop.core.db)).toEqual([]);
    expect(await differenceFromFreshFold(shop.core.db, w.base, shop.token, w.branch.SH01)).toEqual(
      [],
    );
    await w.admin('users.update', { id: clerkId, role: 'shop_clerk' });
  });

  it('accepts a sale made before the role was withdrawn, even when it arrives after', async () => {
    await shop.engine.sync();
    const before = await onHand(shop);
    await shop.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: w.variants[0]!, quantity: 1 }],
    });
    await new Promise((r) => setTimeout(r, 5));
    await w.admin('users.update', { id: clerkId, role: 'driver' });
    const report = await shop.engine.sync();
    expect(report.refused).toBe(0);
    expect(await onHand(shop)).toBe(before - 1);
    await w.admin('users.update', { id: clerkId, role: 'shop_clerk' });
    await shop.engine.sync();
  });

  it("counts a price typed below the catalog's as a discount, judged by the price the PC knew", async () => {
    await shop.engine.sync();
    const variantId = w.variants[0]!;
    const priceRow = shop.core.db.sqlite.prepare('SELECT price FROM variants WHERE id = ?');
    const { price: catalog } = z.object({ price: z.number() }).parse(priceRow.get(variantId));
    const sell = (unitPrice?: number) =>
      shop.as('shop1')('sales.record', {
        payments: [{ method: 'cash' }],
        lines: [{ variantId, quantity: 1, ...(unitPrice !== undefined && { unitPrice }) }],
      });
    // Typed 5% below the catalog's: within a clerk's 10%, here and at head office.
    await sell(catalog - catalog / 20);
    // Head office doubles the price; the PC has not heard of it and sells at the old one.
    await w.admin('catalog.updateVariant', { id: variantId, price: catalog * 2 });
    await sell();
    expect((await shop.engine.sync()).refused).toBe(0);
    expect(priceRow.get(variantId)).toEqual({ price: catalog * 2 });

    // The PC's own token, a sale at 1 a unit and no discount declared: refused, applied nowhere.
    const saleId = randomUUID();
    const { event: forged, answer } = await pushForged('sale.recorded', saleId, {
      saleId,
      number: 'FORGED-1',
      branchId: w.branch.SH01,
      customerId: null,
      lines: [{ lineNo: 1, variantId, quantity: 2, unitPrice: 1 }],
      payments: [{ method: 'cash', amount: 2, tendered: null, reference: null }],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.refused).toMatchObject([{ id: forged.id, code: 'FORGED_AUTHORITY' }]);
    expect(answer.body.refused[0]!.message).toBe(
      `sale.recorded: a discount of ${catalog * 2 - 2} (${catalog * 2 - 2} of it as prices below the catalog's) on ${catalog * 2} is more than anyone at the shop may give (10%).`,
    );
    await shop.engine.sync();
    await w.server.replica.catchUp();
    for (const db of [shop.core.db, w.server.replica.core.db])
      expect(db.sqlite.prepare('SELECT count(*) AS n FROM sales WHERE id = ?').get(saleId)).toEqual(
        { n: 0 },
      );
    await w.admin('catalog.updateVariant', { id: variantId, price: catalog });
    await shop.engine.sync();
  });

  it("refuses an order to the factory priced below the catalog's, which the app never makes", async () => {
    await shop.engine.sync();
    const variantId = w.variants[1]!;
    const orderId = randomUUID();
    const { event, answer } = await pushForged('order.placed', orderId, {
      orderId,
      number: 'FORGED-2',
      shopId: w.branch.SH01,
      factoryId: w.branch.FAC,
      note: null,
      lines: [{ lineNo: 1, variantId, quantity: 5, unitPrice: 1, sku: 'X', name: 'forged' }],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.refused).toMatchObject([{ id: event.id, code: 'FORGED_AUTHORITY' }]);
    expect(answer.body.refused[0]!.message).toMatch(
      /^order\.placed: line 1 \(X\) is priced 1, below the catalog's \d+, and an order to the factory is at the catalog's prices\.$/,
    );
    // The app's own order, at the catalog's prices, goes through.
    await placeWithSlip(shop, 'shop1', variantId);
    expect((await shop.engine.sync()).refused).toBe(0);
    await w.server.replica.catchUp();
    expect(
      w.server.replica.core.db.sqlite
        .prepare('SELECT count(*) AS n FROM orders WHERE id = ?')
        .get(orderId),
    ).toEqual({ n: 0 });
  });

  it('refuses a number no command makes, at its own shelf too, naming it, and applies nothing', async () => {
    const before = await onHand(shop);
    const variantId = w.variants[0]!;
    const refused: string[] = [];
    for (const quantity of [Number.MAX_SAFE_INTEGER, MAX_UNITS + 1, -(MAX_UNITS + 1)]) {
      const { event, answer } = await pushForged('stock.adjusted', variantId, {
        branchId: w.branch.SH01,
        variantId,
        quantity,
        reason: 'forged',
      });
      expect(answer).toMatchObject({
        status: 400,
        body: { code: 'VALIDATION', message: /^events\.0\.payload\.quantity: / },
      });
      refused.push(event.id);
    }
    // At the bound itself the clerk's own shelf takes it: the bound refuses only beyond.
    const { answer } = await pushForged('stock.adjusted', variantId, {
      branchId: w.branch.SH01,
      variantId,
      quantity: -MAX_UNITS,
      reason: 'a bound, not a refusal',
    });
    expect(answer).toMatchObject({ status: 200, body: { refused: [] } });
    await w.server.replica.catchUp();
    await shop.engine.sync();
    expect(await onHand(shop)).toBe(before - MAX_UNITS);
    const marks = refused.map(() => '?').join(', ');
    for (const db of [w.server.replica.core.db, shop.core.db])
      expect(
        db.sqlite.prepare(`SELECT id FROM events WHERE id IN (${marks})`).all(...refused),
      ).toEqual([]);
  });

  it('refuses head-office steps from a branch PC before they are made, with a clear message', async () => {
    const admin = await shop.login('admin');
    await expect(
      shop.core.call('catalog.updateVariant', { id: w.variants[0]!, price: 1 }, admin),
    ).rejects.toMatchObject({ code: 'HEAD_OFFICE_ONLY', message: /head office's console/ });
  });

  it("tells the UI an admin's own steps do not count at a branch PC, and points to the console", async () => {
    const admin = await shop.login('admin');
    const here = await shop.core.call('auth.me', {}, admin);
    expect(here.may).toContain('orders.cancel');
    expect(here.adminSteps).toBe(false);
    expect((await w.admin('auth.me', {})).adminSteps).toBe(true);

    const placed = await placeWithSlip(shop, 'shop1', w.variants[0]!);
    await shop.engine.sync();
    await w.admin('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
    await shop.engine.sync();
    await expect(
      shop.core.call('orders.cancel', { orderId: placed.id, reason: 'refund' }, admin),
    ).rejects.toMatchObject({ code: 'INVALID_STATE', message: /from the head-office console/ });
  });
});
