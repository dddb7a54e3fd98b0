// How a counter sale was paid: every rule refused with the field named and nothing written, and
// for any split the sale and all its payments are written together or not at all.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { stateHash } from '../db/stateHash';
import { refold } from '../sync/apply';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { paymentMethods, referencedMethods, type PaymentMethod } from '../vocabulary';
import type { PaymentInput } from './payments';

const PRICE = 10_000;

/** A world whose shirt costs exactly PRICE and has stock for every run. */
async function shop(): Promise<{ world: DemoWorld; X: string }> {
  const world = await openDemo();
  const X = world.variant['TS-WHT-M'] ?? '';
  await world.as('admin')('catalog.updateVariant', {
    id: X,
    price: PRICE,
    confirmBelowCost: true,
  });
  await world.as('shop1')('stock.adjust', { variantId: X, quantity: 100_000, reason: 'count' });
  return { world, X };
}

const footprint = (world: DemoWorld) => ({
  state: stateHash(world.core.db),
  events: world.core.db.sqlite.prepare('SELECT count(*) AS n FROM events').get(),
  sequences: world.core.db.sqlite.prepare('SELECT key, value FROM sequences ORDER BY key').all(),
});

const paymentsOf = (world: DemoWorld, saleId: string) =>
  world.core.db.sqlite
    .prepare(
      'SELECT pay_no AS payNo, method, amount, tendered, reference FROM sale_payments WHERE sale_id = ? ORDER BY pay_no',
    )
    .all(saleId);

const sell = (world: DemoWorld, X: string, payments: PaymentInput[], quantity = 1) =>
  world.as('shop1')('sales.record', { lines: [{ variantId: X, quantity }], payments });

describe('a counter sale’s payments', () => {
  it('splits card and cash, the cash taking the rest, and gives change from what was tendered', async () => {
    const { world, X } = await shop();
    const sale = await sell(
      world,
      X,
      [
        { method: 'card', amount: 12_000 },
        { method: 'cash', tendered: 10_000 },
      ],
      2,
    );
    expect(sale).toMatchObject({ total: 20_000, change: 2_000 });
    expect(paymentsOf(world, sale.id)).toEqual([
      { payNo: 1, method: 'card', amount: 12_000, tendered: null, reference: null },
      { payNo: 2, method: 'cash', amount: 8_000, tendered: 10_000, reference: null },
    ]);
    const [listed] = await world.as('shop1')('sales.list', { branchId: world.branch.SH01 });
    expect(listed).toMatchObject({
      id: sale.id,
      change: 2_000,
      payments: [
        { payNo: 1, method: 'card', amount: 12_000, tendered: null, reference: null },
        { payNo: 2, method: 'cash', amount: 8_000, tendered: 10_000, reference: null },
      ],
    });
  });

  it('takes mobile money and a bank transfer with their references', async () => {
    const { world, X } = await shop();
    const sale = await sell(
      world,
      X,
      [
        { method: 'mobile_money', amount: 15_000, reference: ' TB123 ' },
        { method: 'bank_transfer', reference: 'FT-2026-77' },
      ],
      3,
    );
    expect(sale.change).toBe(0);
    expect(paymentsOf(world, sale.id)).toEqual([
      { payNo: 1, method: 'mobile_money', amount: 15_000, tendered: null, reference: 'TB123' },
      {
        payNo: 2,
        method: 'bank_transfer',
        amount: 15_000,
        tendered: null,
        reference: 'FT-2026-77',
      },
    ]);
  });

  it('refuses each broken rule, naming the field and what to do, and writes nothing', async () => {
    const { world, X } = await shop();
    const before = footprint(world);
    const cases: [PaymentInput[] | undefined, string, RegExp][] = [
      [undefined, 'payments', /required|expected array/i],
      [[], 'payments', /at least one payment/],
      [Array.from({ length: 9 }, () => ({ method: 'card', amount: 1 })), 'payments', /at most 8/],
      [[{ method: 'cheque' as PaymentMethod }], 'payments.0.method', /must be one of/],
      [[{ method: 'cash', amount: 0 }], 'payments.0.amount', /more than 0/],
      [
        [{ method: 'card' }, { method: 'cash', amount: PRICE }],
        'payments.0.amount',
        /only the last payment may leave its amount out/,
      ],
      [
        [{ method: 'bank_transfer', amount: PRICE }],
        'payments.0.reference',
        /required for a bank transfer/,
      ],
      [[{ method: 'mobile_money', reference: '  ' }], 'payments.0.reference', /is required/],
      [[{ method: 'cash', reference: 'X1' }], 'payments.0.reference', /cash has no reference/],
      [
        [{ method: 'card', amount: PRICE, tendered: PRICE }],
        'payments.0.tendered',
        /only cash is tendered/,
      ],
      [
        [
          { method: 'card', amount: 6_000 },
          { method: 'mobile_money', amount: 6_000, reference: 'M1' },
          { method: 'cash', amount: 1 },
        ],
        'payments.1.amount',
        /come to Br\u00a0120\.00, more than the total of Br\u00a0100\.00/,
      ],
      [
        [
          { method: 'card', amount: 4_000 },
          { method: 'cash', amount: 5_000 },
        ],
        'payments.1.amount',
        /add up to Br\u00a090\.00 but the total is Br\u00a0100\.00.*Br\u00a010\.00 is still due/,
      ],
      [
        [{ method: 'cash', amount: 12_000, tendered: 20_000 }],
        'payments.0.amount',
        /add up to Br\u00a0120\.00 but the total is Br\u00a0100\.00/,
      ],
      [
        [{ method: 'card', amount: PRICE }, { method: 'cash' }],
        'payments.1.amount',
        /nothing is left to pay/,
      ],
      [
        [
          { method: 'card', amount: 3_000 },
          { method: 'cash', tendered: 5_000 },
        ],
        'payments.1.tendered',
        /less than the cash taken \(Br\u00a070\.00\)/,
      ],
    ];
    for (const [payments, field, message] of cases) {
      const input = { lines: [{ variantId: X, quantity: 1 }], ...(payments && { payments }) };
      // The input as a transport would hand it over, unchecked: the core's parse must refuse it.
      const error = await failure(world.as('shop1')('sales.record', input as never));
      expect([error.code, error.field], field).toEqual(['VALIDATION', field]);
      expect(error.message, field).toMatch(message);
      expect(error.message, field).toContain(field);
    }
    expect(footprint(world)).toEqual(before);
  });

  it('folds an older sale, recorded before payments were taken, into no payment rows', async () => {
    const { world, X } = await shop();
    const sale = await sell(world, X, [{ method: 'cash' }]);
    const db = world.core.db;
    const stored = z
      .object({ payload: z.string() })
      .parse(db.sqlite.prepare('SELECT payload FROM events WHERE aggregate_id = ?').get(sale.id));
    const { payments: _, ...older } = z
      .record(z.string(), z.unknown())
      .parse(JSON.parse(stored.payload));
    db.sqlite.transaction(() => {
      db.sqlite
        .prepare('UPDATE events SET payload = ? WHERE aggregate_id = ?')
        .run(JSON.stringify(older), sale.id);
      refold(db, sale.id);
    })();
    expect(paymentsOf(world, sale.id)).toEqual([]);
    const [listed] = await world.as('shop1')('sales.list', { branchId: world.branch.SH01 });
    expect(listed).toMatchObject({ id: sale.id, total: PRICE, payments: [], change: 0 });
  });
});

/** Whether the core should take these payments for a sale of `total` (the rules, said again). */
function valid(total: number, payments: PaymentInput[]): boolean {
  if (payments.length < 1 || payments.length > 8) return false;
  const last = payments.length - 1;
  for (const [i, p] of payments.entries()) {
    if (p.amount !== undefined && p.amount <= 0) return false;
    if (p.tendered !== undefined && (p.tendered <= 0 || p.method !== 'cash')) return false;
    if (p.amount === undefined && i !== last) return false;
    const ref = p.reference?.trim();
    if (referencedMethods.includes(p.method) && !ref) return false;
    if (p.method === 'cash' && ref) return false;
  }
  const nonCash = payments.reduce((s, p) => s + (p.method === 'cash' ? 0 : (p.amount ?? 0)), 0);
  if (nonCash > total) return false;
  const given = payments.reduce((s, p) => s + (p.amount ?? 0), 0);
  const amounts = payments.map((p, i) =>
    i === last && p.amount === undefined ? total - given : p.amount!,
  );
  if (amounts.some((a) => a <= 0)) return false;
  if (amounts.reduce((s, a) => s + a, 0) !== total) return false;
  return payments.every((p, i) => p.tendered === undefined || p.tendered >= amounts[i]!);
}

/** Splits near the total: cut points, then sometimes a cent off, a rest, a short tender. */
const split = (total: number) =>
  fc
    .record({
      cuts: fc.array(fc.integer({ min: 0, max: total }), { minLength: 0, maxLength: 8 }),
      methods: fc.array(fc.constantFrom(...paymentMethods), { minLength: 9, maxLength: 9 }),
      rest: fc.boolean(),
      nudge: fc.constantFrom(0, 0, 0, 1, -1),
      over: fc.array(fc.integer({ min: -2, max: 5_000 }), { minLength: 9, maxLength: 9 }),
      tender: fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
      ref: fc.array(fc.constantFrom('auto', 'auto', 'auto', 'none', 'always'), {
        minLength: 9,
        maxLength: 9,
      }),
    })
    .map(({ cuts, methods, rest, nudge, over, tender, ref }) => {
      const points = [0, ...[...cuts].sort((a, b) => a - b), total];
      const payments: PaymentInput[] = points.slice(1).map((end, i) => {
        const method = methods[i]!;
        const amount = end - points[i]! + (i === 0 ? nudge : 0);
        const withRef =
          ref[i] === 'always' || (ref[i] === 'auto' && referencedMethods.includes(method));
        return {
          method,
          amount,
          ...(tender[i] && { tendered: amount + over[i]! }),
          ...(withRef && { reference: `R${i}` }),
        };
      });
      if (rest && payments.length > 0) delete payments[payments.length - 1]!.amount;
      return payments;
    });

describe('any split of a sale’s total', () => {
  it('writes the sale with all its payments, or nothing; change is tendered − cash', async () => {
    const { world, X } = await shop();
    const total = 2 * PRICE;
    await fc.assert(
      fc.asyncProperty(split(total), async (payments) => {
        const before = footprint(world);
        const ok = valid(total, payments);
        if (!ok) {
          const error = await failure(sell(world, X, payments, 2));
          expect(error.code).toBe('VALIDATION');
          expect(footprint(world)).toEqual(before);
          return;
        }
        const sale = await sell(world, X, payments, 2);
        const rows = z
          .array(z.object({ amount: z.number(), tendered: z.number().nullable() }))
          .parse(paymentsOf(world, sale.id));
        expect(rows).toHaveLength(payments.length);
        expect(rows.reduce((s, r) => s + r.amount, 0)).toBe(total);
        const change = rows.reduce(
          (s, r) => s + (r.tendered === null ? 0 : r.tendered - r.amount),
          0,
        );
        expect(sale).toMatchObject({ total, change });
        expect(change).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
