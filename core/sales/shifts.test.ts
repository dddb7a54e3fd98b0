// A till's shifts and the day's close on a real database: opened with a float, closed by
// counting the drawer against the float plus cash taken less cash refunded, a difference only
// with a reason, and the Z report's figures for a day with sales, a return and several methods.
import { describe, expect, it } from 'vitest';
import { stateHash } from '../db/stateHash';
import { failure, openDemo, companyToday } from '../testing/demo';

const PRICE = 10_000;

async function till() {
  const world = await openDemo();
  const X = world.variant['TS-WHT-M']!;
  const Y = world.variant['CUP-SML']!;
  for (const id of [X, Y]) {
    await world.as('admin')('catalog.updateVariant', { id, price: PRICE, confirmBelowCost: true });
    await world.as('shop1')('stock.adjust', { variantId: id, quantity: 100, reason: 'count' });
  }
  return { world, X, Y, clerk: world.as('shop1') };
}

describe('a shift', () => {
  it('opens once, and closes against the float plus cash taken less cash refunded', async () => {
    const { X, clerk } = await till();
    expect(await clerk('shifts.current', {})).toBeNull();
    expect(await failure(clerk('shifts.close', { countedCash: 0 }))).toMatchObject({
      code: 'SHIFT_NOT_OPEN',
    });
    const { id } = await clerk('shifts.open', { openingFloat: 50_000 });
    expect(await failure(clerk('shifts.open', { openingFloat: 1 }))).toMatchObject({
      code: 'SHIFT_ALREADY_OPEN',
      details: { shiftId: id },
    });
    const cash = await clerk('sales.record', {
      lines: [{ variantId: X, quantity: 2 }],
      payments: [{ method: 'cash', tendered: 25_000 }],
    });
    expect(cash.change).toBe(5_000);
    await clerk('sales.record', {
      lines: [{ variantId: X, quantity: 1 }],
      payments: [{ method: 'card' }],
    });
    await clerk('sales.return', {
      saleId: cash.id,
      lines: [{ lineNo: 1, quantity: 1 }],
      refunds: [{ method: 'cash' }],
    });
    const current = await clerk('shifts.current', {});
    expect(current).toMatchObject({
      id,
      openingFloat: 50_000,
      taken: 20_000,
      refunded: 10_000,
      expectedCash: 60_000,
      openedByName: 'Sara Tesfaye',
    });
    const noReason = await failure(clerk('shifts.close', { countedCash: 59_500 }));
    expect(noReason).toMatchObject({ code: 'VALIDATION', field: 'reason' });
    const closed = await clerk('shifts.close', { countedCash: 59_500, reason: 'coin short' });
    expect(closed).toEqual({ id, expectedCash: 60_000, countedCash: 59_500, difference: -500 });
    expect(await clerk('shifts.current', {})).toBeNull();
    // A new shift starts from its own float; an exact count needs no reason.
    await clerk('shifts.open', { openingFloat: 10_000 });
    expect(await clerk('shifts.close', { countedCash: 10_000 })).toMatchObject({ difference: 0 });
  });
});

describe('a shift’s branch', () => {
  it('is a shop that exists: an admin may name any branch, but only a shop has a counter', async () => {
    const { world } = await till();
    const admin = world.as('admin');
    const before = stateHash(world.core.db);
    const nowhere = await failure(admin('shifts.open', { branchId: 'nope', openingFloat: 100 }));
    expect(nowhere).toMatchObject({ code: 'VALIDATION', field: 'branchId' });
    expect(nowhere.message).toBe('branchId: there is no such branch; choose a shop');
    const office = await failure(
      admin('shifts.open', { branchId: world.branch.HQ, openingFloat: 100 }),
    );
    expect(office).toMatchObject({ code: 'VALIDATION', field: 'branchId' });
    expect(office.message).toBe(
      'branchId: is Head Office, a head office, not a shop; choose a shop',
    );
    expect(stateHash(world.core.db)).toBe(before);
    expect(await admin('shifts.current', {})).toBeNull();
  });
});

describe('the Z report', () => {
  it('refuses a day that is not on the calendar, by name, as a report and as a PDF', async () => {
    const { world, clerk } = await till();
    const before = stateHash(world.core.db);
    for (const day of ['2026-02-31', '2026-13-45', '0000-00-00', '9999-99-99'])
      for (const op of ['shifts.zReport', 'shifts.zReportPdf'] as const) {
        const refused = await failure(clerk(op, { day }));
        expect(refused).toMatchObject({ code: 'VALIDATION', field: 'day' });
        expect(refused.message).toBe('day: is not a day of the calendar (a date like 2026-03-31)');
      }
    const short = await failure(clerk('shifts.zReport', { day: '2026-1-1' }));
    expect(short).toMatchObject({ code: 'VALIDATION', field: 'day' });
    expect(short.message).toBe('day: must be a date like 2026-03-31');
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('sums the day’s sales, returns, methods, points and cash of the till', async () => {
    const { world, X, Y, clerk } = await till();
    await world.as('admin')('sales.saveSettings', { categoryTaxRates: { Ceramics: 1_500 } });
    await clerk('shifts.open', { openingFloat: 20_000 });
    const a = await clerk('sales.record', {
      lines: [{ variantId: X, quantity: 3 }],
      discount: 1_000,
      payments: [{ method: 'cash', amount: 9_000 }, { method: 'card' }],
    });
    const b = await clerk('sales.record', {
      lines: [{ variantId: Y, quantity: 2 }],
      payments: [{ method: 'mobile_money', reference: 'TB-9' }],
    });
    const c = await clerk('sales.record', {
      lines: [{ variantId: X, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    const r = await clerk('sales.return', {
      saleId: a.id,
      lines: [{ lineNo: 1, quantity: 1 }],
      refunds: [{ method: 'card' }],
    });
    const r2 = await clerk('sales.return', {
      saleId: c.id,
      lines: [{ lineNo: 1, quantity: 1 }],
      refunds: [{ method: 'cash' }],
    });
    await clerk('shifts.close', { countedCash: 20_000 + 9_000 });
    const report = await world.as('admin')('shifts.zReport', { day: companyToday(world) });
    expect(report.sales).toEqual({
      count: 3,
      gross: 60_000,
      discount: 1_000,
      rewards: 0,
      tax: b.tax,
      total: a.total + b.total + c.total,
    });
    expect(b.tax).toBe(2_609);
    expect(report.returns).toEqual({ count: 2, amount: r.amount + r2.amount, tax: 0 });
    expect(report.methods).toEqual([
      { method: 'cash', taken: 9_000 + PRICE, refunded: PRICE, net: 9_000 },
      { method: 'card', taken: 20_000, refunded: r.amount, net: 20_000 - r.amount },
      { method: 'mobile_money', taken: 20_000, refunded: 0, net: 20_000 },
    ]);
    expect(report.points).toEqual({ earned: 0, redeemed: 0 });
    expect([report.firstNumber, report.lastNumber]).toEqual([a.number, c.number]);
    expect(report.shifts).toHaveLength(1);
    expect(report.shifts[0]).toMatchObject({
      openingFloat: 20_000,
      countedCash: 29_000,
      difference: 0,
    });
    expect(report.expectedCash).toBe(29_000);
    const empty = await world.as('admin')('shifts.zReport', { day: '2020-01-01' });
    expect(empty).toMatchObject({
      sales: { count: 0, total: 0 },
      methods: [],
      shifts: [],
      firstNumber: null,
    });
  });
});
