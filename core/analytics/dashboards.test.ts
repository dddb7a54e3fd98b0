// The dashboards through the contract (issue 17): their figures agree with the lists beside them,
// count on the company's day and hour, compare today with the same weekday, time the order steps,
// and show each person only what they may see.
import { afterEach, describe, expect, it } from 'vitest';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { bucketsOf } from './range';
import type { Dashboard } from './shape';

let w: DemoWorld | undefined;
afterEach(() => w?.core.close());

const HOUR = 3_600_000;
/** A clock the test moves: the core dates every event by it. */
let clock = 0;
async function world(at: string): Promise<DemoWorld> {
  clock = Date.parse(at);
  w = await openDemo({ now: () => clock });
  for (const u of ['shop1', 'shop2'] as const)
    for (const sku of ['TS-WHT-M', 'CUP-SML'])
      await w.as(u)('stock.adjust', { variantId: w.variant[sku]!, quantity: 200, reason: 'count' });
  return w;
}

const card = (d: Dashboard, id: string) => d.cards.find((c) => c.id === id);
const chart = (d: Dashboard, id: string) => {
  const c = d.charts.find((x) => x.id === id);
  if (!c) throw new Error(`no chart ${id}`);
  return c;
};

describe('a dashboard', () => {
  it('counts a sale on the company day and hour, and agrees with the day’s sales list', async () => {
    // 22:30 UTC on Tuesday 10 March is 01:30 on Wednesday 11 March in Addis Ababa (UTC+3).
    const w = await world('2026-03-10T22:30:00Z');
    const sale = await w.as('shop1')('sales.record', {
      lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 2 }],
      payments: [{ method: 'cash' }],
    });
    const list = await w.as('shop1')('sales.day', { branchId: w.branch.SH01, day: '2026-03-11' });
    expect(list.sales.map((s) => s.id)).toEqual([sale.id]);
    expect(
      (await w.as('shop1')('sales.day', { branchId: w.branch.SH01, day: '2026-03-10' })).sales,
    ).toEqual([]);
    const d = await w.as('shop1')('dashboard.get', { from: '2026-03-11', to: '2026-03-11' });
    expect(card(d, 'netSales')?.value).toBe(list.total);
    expect(card(d, 'salesToday')?.value).toBe(list.total);
    const heat = chart(d, 'salesHeat');
    expect(heat.series.find((s) => s.key === 'wed')?.values[1]).toBe(sale.total);
    expect(heat.series.flatMap((s) => s.values).reduce((a, b) => a + b, 0)).toBe(sale.total);
    const before = await w.as('shop1')('dashboard.get', { from: '2026-03-10', to: '2026-03-10' });
    expect(card(before, 'netSales')?.value).toBe(0);
    // A return counts on its own day, against the sale.
    clock += 24 * HOUR;
    const back = await w.as('shop1')('sales.return', {
      saleId: sale.id,
      lines: [{ lineNo: 1, quantity: 1 }],
      refunds: [{ method: 'cash' }],
    });
    const both = await w.as('shop1')('dashboard.get', { from: '2026-03-11', to: '2026-03-12' });
    expect(card(both, 'netSales')?.value).toBe(sale.total - back.amount);
    expect(chart(both, 'salesOverTime').series[0]?.values).toEqual([sale.total, -back.amount]);
  });

  it('puts today’s sales by the hour beside the same weekday’s last four weeks', async () => {
    // Wednesday 11 March, 12:00 in Addis Ababa.
    const w = await world('2026-03-04T07:10:00Z');
    const shirt = w.variant['TS-WHT-M']!;
    const aWeekAgo = await w.as('shop1')('sales.record', {
      lines: [{ variantId: shirt, quantity: 4 }],
      payments: [{ method: 'cash' }],
    });
    clock = Date.parse('2026-03-11T08:20:00Z');
    const now = await w.as('shop1')('sales.record', {
      lines: [{ variantId: shirt, quantity: 1 }],
      payments: [{ method: 'card' }],
    });
    clock = Date.parse('2026-03-11T09:00:00Z');
    const d = await w.as('shop1')('dashboard.get', {});
    expect(d.range).toEqual({ from: '2026-02-10', to: '2026-03-11', bucket: 'day' });
    expect(card(d, 'salesToday')).toEqual({
      id: 'salesToday',
      unit: 'money',
      value: now.total,
      compare: { id: 'usualByNow', value: Math.round(aWeekAgo.total / 4) },
    });
    const hours = chart(d, 'todayByHour');
    // 10:10 a week ago and 11:20 today in Addis Ababa, each in its hour.
    expect(hours.series.find((s) => s.key === 'usual')?.values.slice(9, 12)).toEqual([
      0,
      Math.round(aWeekAgo.total / 4),
      0,
    ]);
    expect(hours.series.find((s) => s.key === 'today')?.values.slice(10, 13)).toEqual([
      0,
      now.total,
      0,
    ]);
  });

  it('times each step of the shops’ orders, and shows every branch side by side at head office', async () => {
    const w = await world('2026-05-04T06:00:00Z');
    const shirt = w.variant['TS-WHT-M']!;
    const order = await w.as('shop1')('orders.place', {
      lines: [{ variantId: shirt, quantity: 3 }],
    });
    clock += HOUR;
    await w.as('shop1')('orders.attachSlip', {
      orderId: order.id,
      fileName: 'slip.png',
      contentBase64: Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        Buffer.from('slip'),
      ]).toString('base64'),
    });
    clock += HOUR;
    await w.as('finance')('orders.verifyPayment', {
      orderId: order.id,
      amount: order.total,
      receivedOn: '2026-05-04',
      reference: 'CBE-7',
    });
    clock += 3 * HOUR;
    await w.as('factory')('orders.dispatch', { orderId: order.id, vehicle: 'AA 2' });
    clock += 5 * HOUR;
    await w.as('shop1')('orders.confirmDelivery', {
      orderId: order.id,
      lines: [{ lineNo: 1, received: 3 }],
    });
    await w.as('shop2')('sales.record', {
      lines: [{ variantId: shirt, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    const sold = await w.as('shop1')('sales.record', {
      lines: [{ variantId: shirt, quantity: 2 }],
      payments: [{ method: 'card' }],
    });
    const hq = await w.as('admin')('dashboard.get', { from: '2026-05-01', to: '2026-05-04' });
    expect(hq.kind).toBe('company');
    const steps = chart(hq, 'stageHours');
    const at = steps.labels.indexOf('SH01');
    expect(steps.series.map((s) => [s.key, s.values[at]])).toEqual([
      ['placedToPaid', 2],
      ['paidToDispatched', 3],
      ['dispatchedToDelivered', 5],
    ]);
    const stages = chart(hq, 'ordersByStageByShop');
    expect(
      stages.series.find((s) => s.key === 'delivered')?.values[stages.labels.indexOf('SH01')],
    ).toBe(1);
    // Each shop's bar is that shop's own dashboard's figure.
    const bars = chart(hq, 'branchSales');
    for (const code of ['SH01', 'SH02'] as const) {
      const own = await w.as(code === 'SH01' ? 'shop1' : 'shop2')('dashboard.get', {
        from: '2026-05-01',
        to: '2026-05-04',
      });
      expect(bars.series[0]?.values[bars.labels.indexOf(code)]).toBe(card(own, 'netSales')?.value);
    }
    expect(bars.series[0]?.values[bars.labels.indexOf('SH01')]).toBe(sold.total);
    // Finance sees the order's payment on the day it was received, at the shop that paid.
    const money = await w.as('finance')('dashboard.get', { from: '2026-05-04', to: '2026-05-04' });
    expect(chart(money, 'receivedOverTime').series.find((s) => s.key === 'order')?.values).toEqual([
      order.total,
    ]);
  });

  it('shows each person only their dashboards, their branch and, with the permission, costs', async () => {
    const w = await world('2026-06-01T08:00:00Z');
    await w.as('shop1')('sales.record', {
      lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    const clerk = await w.as('shop1')('dashboard.get', {});
    expect([clerk.kind, clerk.kinds, clerk.costs, clerk.branchId]).toEqual([
      'shop',
      ['shop'],
      false,
      w.branch.SH01,
    ]);
    expect(clerk.cards.map((c) => c.id)).not.toContain('margin');
    expect(chart(clerk, 'topProducts').series.map((s) => s.key)).toEqual(['netSales']);
    const admin = await w.as('admin')('dashboard.get', { kind: 'shop', branchId: w.branch.SH01 });
    expect(admin.costs).toBe(true);
    expect(card(admin, 'margin')?.value).toBeLessThan(card(admin, 'netSales')?.value ?? 0);
    expect(admin.branches.map((b) => b.code)).toEqual(expect.arrayContaining(['SH01', 'SH02']));
    expect(await failure(w.as('shop1')('dashboard.get', { kind: 'company' }))).toMatchObject({
      code: 'FORBIDDEN',
      field: 'kind',
    });
    expect(
      await failure(w.as('shop1')('dashboard.get', { branchId: w.branch.SH02 })),
    ).toMatchObject({ code: 'FORBIDDEN', field: 'branchId' });
    expect(await failure(w.as('customer')('dashboard.get', {}))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await failure(w.as('admin')('dashboard.get', { from: '2026-05-02', to: '2026-05-01' })),
    ).toMatchObject({ code: 'VALIDATION', field: 'from' });
    expect(
      await failure(w.as('admin')('dashboard.get', { from: '2022-01-01', to: '2026-05-01' })),
    ).toMatchObject({ code: 'VALIDATION', field: 'from' });
    expect(await failure(w.as('admin')('dashboard.get', { from: '1/5/2026' }))).toMatchObject({
      code: 'VALIDATION',
      field: 'from',
    });
    // A driver and a rep see their own work and their board.
    expect((await w.as('driver')('dashboard.get', {})).lists[0]?.id).toBe('leaderboard');
    expect(await failure(w.as('driver')('dashboard.get', { kind: 'rep' }))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('groups a long range by week or month, never more than about a hundred points', async () => {
    const w = await world('2026-06-01T08:00:00Z');
    for (const [from, bucket] of [
      ['2026-03-01', 'week'],
      ['2024-06-02', 'week'],
      ['2023-06-05', 'month'],
    ] as const) {
      const d = await w.as('admin')('dashboard.get', { from, to: '2026-06-01' });
      expect(d.range.bucket).toBe(bucket);
      const over = chart(d, 'salesByBranchOverTime');
      expect(over.labels).toEqual(bucketsOf(from, '2026-06-01', bucket));
      expect(over.labels.length).toBeLessThanOrEqual(110);
      for (const s of over.series) expect(s.values).toHaveLength(over.labels.length);
    }
  });

  it('has a stamp that changes when anything is applied, so an open one reloads', async () => {
    const w = await world('2026-06-01T08:00:00Z');
    const before = await w.as('shop1')('dashboard.stamp', {});
    expect(await w.as('shop1')('dashboard.stamp', {})).toEqual(before);
    await w.as('shop1')('sales.record', {
      lines: [{ variantId: w.variant['CUP-SML']!, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    expect((await w.as('shop1')('dashboard.stamp', {})).stamp).toBeGreaterThan(before.stamp);
  });

  it('lists stock running low at the pace it sells, and says at which branch when it shows all', async () => {
    const w = await world('2026-06-01T08:00:00Z');
    const cup = w.variant['CUP-SML']!;
    const { onHand } = await w.as('admin')('stock.balance', {
      branchId: w.branch.SH01,
      variantId: cup,
    });
    // All but 10 sold today: 10 left is a day of cover at that pace (what 28 days sold, per day).
    const sold = onHand - 10;
    await w.as('shop1')('sales.record', {
      lines: [{ variantId: cup, quantity: sold }],
      payments: [{ method: 'cash' }],
    });
    const cover = Math.floor((10 * 28) / sold);
    expect(cover).toBeLessThan(7);
    const list = (d: Dashboard) => d.lists.find((l) => l.id === 'lowStock');
    const clerk = list(await w.as('shop1')('dashboard.get', {}));
    expect(clerk?.columns.map((c) => c.key)).toEqual(['product', 'onHand', 'min', 'daysOfCover']);
    // First: the only stock with a pace; after it, what is at or under its minimum, least first.
    expect(clerk?.rows[0]).toEqual({
      product: expect.stringContaining('CUP-SML'),
      onHand: 10,
      min: expect.any(Number),
      daysOfCover: cover,
    });
    const rest = clerk?.rows.slice(1) ?? [];
    for (const r of rest) expect(r.onHand as number).toBeLessThanOrEqual(r.min as number);
    expect(rest.map((r) => r.onHand)).toEqual(
      rest.map((r) => r.onHand).sort((a, b) => Number(a) - Number(b)),
    );
    // The stock is today's, and so is its pace, whatever range the charts show.
    const past = list(
      await w.as('shop1')('dashboard.get', { from: '2026-04-01', to: '2026-04-30' }),
    );
    expect(past?.rows).toEqual(clerk?.rows);
    // The other shop sold nothing: no row there has a pace.
    const other = list(await w.as('shop2')('dashboard.get', {}));
    expect(other?.rows.every((r) => r.daysOfCover === null)).toBe(true);
    const all = list(await w.as('admin')('dashboard.get', { kind: 'shop', branchId: null }));
    expect(all?.columns[0]?.key).toBe('branch');
    expect(all?.rows[0]).toMatchObject({ branch: 'SH01', onHand: 10, daysOfCover: cover });
    expect(new Set(all?.rows.map((r) => r.branch)).size).toBeGreaterThan(1);
  });

  it('counts customers paying their accounts as money received, on the day and at the branch', async () => {
    const w = await world('2026-07-01T09:00:00Z');
    const customer = (
      await w.as('admin')('customers.create', { branchId: w.branch.SH01, name: 'Lucy Bakery' })
    ).id;
    await w.as('shop1')('field.recordPayment', {
      customerId: customer,
      amount: 1500,
      method: 'cash',
    });
    await w.as('shop1')('field.recordPayment', {
      customerId: customer,
      amount: 2500,
      method: 'bank_transfer',
      reference: 'TRX-9',
    });
    const money = await w.as('finance')('dashboard.get', { from: '2026-07-01', to: '2026-07-01' });
    expect(
      chart(money, 'receivedOverTime').series.find((s) => s.key === 'account')?.values,
    ).toEqual([4000]);
    const other = await w.as('admin')('dashboard.get', {
      kind: 'finance',
      branchId: w.branch.SH02,
      from: '2026-07-01',
      to: '2026-07-01',
    });
    expect(
      chart(other, 'receivedOverTime').series.find((s) => s.key === 'account'),
    ).toBeUndefined();
  });
});
