// The nightly reorder run (decision 0032): what one rule asks for, as a property; then on a real
// database, the need ordered once however many nights run until someone acts, one order per
// supplier and receiving branch, a run that fails half-way leaving nothing drafted, and the
// forecast refit from the shop's sales sizing a days-of-cover rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRow } from '../db/rows';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { planLine, type StoredForecast } from './plan';
import { refitForecasts } from './run';

const DAY = 86_400_000;

describe('what a rule asks for', () => {
  const rule = fc.record({
    id: fc.constant('r'),
    branchId: fc.constant('b'),
    variantId: fc.constant('v'),
    min: fc.integer({ min: 0, max: 500 }),
    max: fc.option(fc.integer({ min: 0, max: 1_000 })),
    daysOfCover: fc.option(fc.integer({ min: 1, max: 90 })),
  });
  const stock = fc.record({
    onHand: fc.integer({ min: -50, max: 1_000 }),
    inTransit: fc.integer({ min: 0, max: 100 }),
    onOrder: fc.integer({ min: 0, max: 300 }),
    reserved: fc.integer({ min: 0, max: 100 }),
  });
  const terms = fc.record({
    supplierId: fc.constant('s'),
    supplierItemId: fc.constant('i'),
    supplierCode: fc.constant(null),
    leadTimeDays: fc.integer({ min: 0, max: 60 }),
    packSize: fc.integer({ min: 1, max: 48 }),
    minOrderQty: fc.integer({ min: 1, max: 100 }),
    price: fc.integer({ min: 0, max: 10_000 }),
  });
  const forecast = fc.option(
    fc.record({
      daily: fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { maxLength: 120 }),
      method: fc.constantFrom('seasonal', 'croston-sba', 'tsb', 'average'),
      shortHistory: fc.boolean(),
      fittedAt: fc.integer({ min: 0, max: 10 * DAY }),
    }),
  );

  it('orders only below the minimum, in whole packs of at least the minimum order, enough and not a pack more', () => {
    fc.assert(
      fc.property(rule, stock, terms, forecast, (r, s, t, f: StoredForecast | null) => {
        const max = r.max === null ? null : Math.max(r.max, r.min);
        const daysOfCover = max === null ? (r.daysOfCover ?? 7) : null;
        const line = planLine({ ...r, max, daysOfCover }, s, t, f, 10 * DAY);
        const projected = s.onHand + s.inTransit + s.onOrder - s.reserved;
        if (!line) {
          expect(projected).toBeGreaterThanOrEqual(r.min);
          return;
        }
        const { why, quantity } = line;
        expect(why.projected).toBe(projected);
        expect(why.atArrival).toBeLessThan(r.min);
        expect(quantity % t.packSize).toBe(0);
        expect(quantity).toBeGreaterThanOrEqual(t.minOrderQty);
        // Enough to reach the target at arrival...
        expect(why.atArrival + quantity).toBeGreaterThanOrEqual(why.target);
        // ...and never a whole pack more than the need or the minimum order asks for.
        expect(quantity - t.packSize).toBeLessThan(Math.max(why.need, t.minOrderQty));
      }),
      { numRuns: 1000 },
    );
  });
});

const number = z.object({ n: z.number().int() });
const sql = (w: DemoWorld, text: string, ...args: unknown[]): number =>
  parseRow(number, w.core.db.sqlite.prepare(text).get(...args))?.n ?? Number.NaN;

async function shopWithRule(w: DemoWorld) {
  const admin = w.as('admin');
  const tee = w.variant['TS-WHT-M']!;
  const cup = w.variant['CUP-SML']!;
  const supplier = await admin('suppliers.save', {
    name: 'Awash Cotton',
    currencyCode: 'ETB',
    leadTimeDays: 0,
  });
  for (const variantId of [tee, cup])
    await admin('supplierItems.save', {
      supplierId: supplier.id,
      variantId,
      price: 5_000,
      packSize: 12,
    });
  const onHand = (await admin('stock.balance', { branchId: w.branch.SH01, variantId: tee })).onHand;
  // Stock 5 at the shop, the rule's minimum 10, its maximum 40.
  await w.as('shop1')('stock.adjust', { variantId: tee, quantity: 5 - onHand, reason: 'count' });
  const rule = await admin('reorderRules.save', {
    branchId: w.branch.SH01,
    variantId: tee,
    min: 10,
    max: 40,
  });
  return { admin, supplierId: supplier.id, tee, cup, ruleId: rule.id };
}

describe('the nightly run', () => {
  it('orders a need once, however many nights it runs before someone acts', async () => {
    const w = await openDemo();
    const { admin, tee } = await shopWithRule(w);
    const first = await admin('purchasing.run', {});
    expect(first).toMatchObject({ lines: 1, orders: 1 });
    const [order] = await admin('purchases.list', { status: 'draft' });
    const draft = await admin('purchases.get', { id: order!.id });
    // 5 on hand, up to 40: 35, in packs of 12: 36.
    expect(draft.lines).toMatchObject([{ variantId: tee, quantity: 36 }]);
    expect(draft.lines[0]?.why).toMatchObject({
      onHand: 5,
      projected: 5,
      onOrder: 0,
      rule: { min: 10, max: 40 },
      target: 40,
      need: 35,
      packSize: 12,
    });
    // A week of nights with no one acting: still one order, the need once.
    for (let night = 0; night < 7; night++)
      expect(await admin('purchasing.run', {})).toMatchObject({
        lines: 0,
        orders: 0,
        alreadyOrdered: 1,
      });
    expect(sql(w, `SELECT count(*) AS n FROM purchase_orders`)).toBe(1);
    const runs = await admin('purchasing.runs', {});
    expect(runs).toHaveLength(8);
    expect(runs.every((r) => r.status === 'done')).toBe(true);
    // Closed short, the need is open again: the next run orders it anew.
    await admin('purchases.close', { id: order!.id, reason: 'supplier closed' });
    expect(await admin('purchasing.run', {})).toMatchObject({ lines: 1, orders: 1 });
  });

  it('counts what is already on order, even on an order a person made', async () => {
    const w = await openDemo();
    const { admin, supplierId, tee } = await shopWithRule(w);
    const { id } = await admin('purchases.draft', {
      supplierId,
      branchId: w.branch.SH01,
      lines: [{ variantId: tee, quantity: 24 }],
    });
    // 5 + 24 on order = 29 ≥ 10: nothing to order.
    expect(await admin('purchasing.run', {})).toMatchObject({ lines: 0 });
    await admin('purchases.revise', { id, lines: [{ variantId: tee, quantity: 2 }] });
    // 5 + 2 = 7 < 10: up to 40 is 33, in packs: 36.
    await admin('purchasing.run', {});
    const nightly = (await admin('purchases.list', {})).find((o) => o.source === 'nightly');
    const lines = (await admin('purchases.get', { id: nightly!.id })).lines;
    expect(lines).toMatchObject([{ quantity: 36, why: { onOrder: 2, projected: 7 } }]);
  });

  it('makes one order per supplier and receiving branch', async () => {
    const w = await openDemo();
    const { admin, cup } = await shopWithRule(w);
    for (const [branchId, variantId] of [
      [w.branch.SH01, cup],
      [w.branch.SH02, cup],
    ] as const)
      await admin('reorderRules.save', { branchId, variantId, min: 1_000, max: 2_000 });
    expect(await admin('purchasing.run', {})).toMatchObject({ lines: 3, orders: 2 });
    const orders = await admin('purchases.list', {});
    expect(orders.map((o) => [o.branchCode, o.lineCount]).sort()).toEqual([
      ['SH01', 2],
      ['SH02', 1],
    ]);
  });

  it('leaves nothing drafted when it fails half-way, says why, and the next run picks up cleanly', async () => {
    const w = await openDemo();
    const { admin, cup } = await shopWithRule(w);
    await admin('reorderRules.save', { branchId: w.branch.SH02, variantId: cup, min: 99, max: 99 });
    const events = sql(w, `SELECT count(*) AS n FROM events`);
    // The second order cannot be written (as a full disk would refuse it).
    w.core.db.sqlite.exec(`CREATE TRIGGER fail_second BEFORE INSERT ON purchase_orders
      WHEN (SELECT count(*) FROM purchase_orders) >= 1 BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    expect(await failure(admin('purchasing.run', {}))).toBeTruthy();
    expect(sql(w, `SELECT count(*) AS n FROM purchase_orders`)).toBe(0);
    expect(sql(w, `SELECT count(*) AS n FROM events`)).toBe(events);
    const [failed] = await admin('purchasing.runs', {});
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('disk full') });
    w.core.db.sqlite.exec(`DROP TRIGGER fail_second`);
    expect(await admin('purchasing.run', {})).toMatchObject({ lines: 2, orders: 2 });
  });

  it('is head office’s: a clerk may not run it', async () => {
    const w = await openDemo();
    expect(await failure(w.as('shop1')('purchasing.run', {}))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('the forecast behind a days-of-cover rule', () => {
  it('is refit from the shop’s sales and sizes the order by the days of cover', async () => {
    let now = Date.now() - 40 * DAY;
    const w = await openDemo({ now: () => now });
    const admin = w.as('admin');
    const shop = w.as('shop1');
    const tee = w.variant['TS-WHT-M']!;
    await shop('stock.adjust', { variantId: tee, quantity: 500, reason: 'count' });
    // Six a day for forty days.
    for (let day = 0; day < 40; day++, now += DAY)
      await shop('sales.record', {
        lines: [{ variantId: tee, quantity: 6 }],
        payments: [{ method: 'cash' }],
      });
    const supplier = await admin('suppliers.save', {
      name: 'Awash',
      currencyCode: 'ETB',
      leadTimeDays: 5,
    });
    await admin('supplierItems.save', { supplierId: supplier.id, variantId: tee, price: 1 });
    const onHand = (await admin('stock.balance', { branchId: w.branch.SH01, variantId: tee }))
      .onHand;
    await admin('reorderRules.save', {
      branchId: w.branch.SH01,
      variantId: tee,
      min: onHand, // at arrival the stock will be below it by five days' sales
      daysOfCover: 10,
    });
    expect(refitForecasts(w.core.db, now)).toEqual({ series: 1 });
    await admin('purchasing.run', {});
    const [order] = await admin('purchases.list', {});
    const [line] = (await admin('purchases.get', { id: order!.id })).lines;
    const why = z
      .object({
        demandOverLeadTime: z.number(),
        atArrival: z.number(),
        target: z.number(),
        forecast: z.object({ method: z.string(), perDay: z.number(), overCover: z.number() }),
      })
      .parse(line?.why);
    expect(why.forecast.method).not.toBe('none');
    expect(why.forecast.perDay).toBeCloseTo(6, 0);
    expect(why.demandOverLeadTime).toBeCloseTo(30, -1);
    expect(why.forecast.overCover).toBeCloseTo(60, -1);
    // Up to the minimum plus ten days' demand at arrival.
    expect(line?.quantity).toBe(Math.ceil(why.target - why.atArrival));
  });
});
