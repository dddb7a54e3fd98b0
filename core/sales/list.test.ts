// The Sales screen's day: a shop's sales of one company day (the company's time zone), filtered by
// clerk and payment method, with the day's totals per method and each receipt's state.
import { describe, expect, it } from 'vitest';
import { failure, openDemo, type DemoWorld, companyToday } from '../testing/demo';

async function twoSales(w: DemoWorld) {
  const shirt = w.variant['TS-WHT-M']!;
  const cash = await w.as('shop1')('sales.record', {
    lines: [{ variantId: shirt, quantity: 1 }],
    payments: [{ method: 'cash' }],
  });
  const split = await w.as('admin')('sales.record', {
    branchId: w.branch.SH01,
    lines: [{ variantId: shirt, quantity: 2 }],
    payments: [{ method: 'card', amount: 1_000 }, { method: 'cash' }],
  });
  return { cash, split };
}

describe('the day’s sales', () => {
  it('lists the day’s sales, newest first, with totals per payment method and the clerks', async () => {
    const w = await openDemo();
    const { cash, split } = await twoSales(w);
    const day = await w.as('shop1')('sales.day', { branchId: w.branch.SH01, day: companyToday(w) });
    expect(day.sales.map((s) => s.number)).toEqual([split.number, cash.number]);
    expect(day.sales[1]).toMatchObject({ clerk: 'Sara Tesfaye', total: cash.total, receipt: null });
    expect(day.total).toBe(cash.total + split.total);
    expect(day.totals).toEqual([
      { method: 'cash', amount: cash.total + split.total - 1_000, sales: 2 },
      { method: 'card', amount: 1_000, sales: 1 },
    ]);
    expect(day.clerks.map((c) => c.name).sort()).toHaveLength(2);
  });

  it('filters by clerk and by payment method', async () => {
    const w = await openDemo();
    const { cash, split } = await twoSales(w);
    const all = await w.as('shop1')('sales.day', { branchId: w.branch.SH01, day: companyToday(w) });
    const sara = all.sales.find((s) => s.number === cash.number)!.userId;
    const hers = await w.as('shop1')('sales.day', {
      branchId: w.branch.SH01,
      day: companyToday(w),
      userId: sara,
    });
    expect(hers.sales.map((s) => s.number)).toEqual([cash.number]);
    expect(hers.clerks).toHaveLength(2);
    const card = await w.as('shop1')('sales.day', {
      branchId: w.branch.SH01,
      day: companyToday(w),
      method: 'card',
    });
    expect(card.sales.map((s) => s.number)).toEqual([split.number]);
    expect(card.totals).toEqual([{ method: 'card', amount: 1_000, sales: 1 }]);
  });

  it('shows a receipt still waiting for the printer', async () => {
    const w = await openDemo();
    const { cash } = await twoSales(w);
    await w.as('shop1')('receipts.savePrinter', { kind: 'network', host: '127.0.0.1', port: 1 });
    await w.as('shop1')('receipts.print', { saleId: cash.id });
    const day = await w.as('shop1')('sales.day', { branchId: w.branch.SH01, day: companyToday(w) });
    expect(day.sales.find((s) => s.id === cash.id)?.receipt).toBe('waiting');
  });

  it('is empty on another day, refuses a day to come and another shop’s sales', async () => {
    const w = await openDemo();
    await twoSales(w);
    const before = await w.as('shop1')('sales.day', { branchId: w.branch.SH01, day: '2020-01-01' });
    expect(before).toMatchObject({ sales: [], totals: [], total: 0 });
    const future = await failure(
      w.as('shop1')('sales.day', { branchId: w.branch.SH01, day: '2999-01-01' }),
    );
    expect(future).toMatchObject({ code: 'DATE_IN_FUTURE', field: 'day' });
    const other = await failure(
      w.as('shop1')('sales.day', { branchId: w.branch.SH02, day: companyToday(w) }),
    );
    expect(other.code).toBe('FORBIDDEN');
  });
});
