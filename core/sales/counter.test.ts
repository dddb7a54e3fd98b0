// The counter's rules on a real database: discounts up to the role's limit and beyond it only
// with a supervisor's sign-in (spent by one sale, gone after five minutes), taxes by variant and
// category, prices with or without tax, rounded per line, and a sale that fails half-way leaving
// nothing behind.
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRow } from '../db/rows';
import { sales } from '../db/schema';
import { pointsMismatches, stateHash } from '../db/stateHash';
import { DEMO_PASSWORD } from '../demo/seed';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { APPROVAL_TTL_MS } from './approval';

const PRICE = 10_000;

/** A world whose shirt and cup cost PRICE, with stock at shop 1, on a clock the test moves. */
async function counter() {
  const clock = { t: Date.now() };
  const world = await openDemo({ now: () => clock.t });
  const X = world.variant['TS-WHT-M']!;
  const Y = world.variant['CUP-SML']!;
  for (const id of [X, Y]) {
    await world.as('admin')('catalog.updateVariant', { id, price: PRICE, confirmBelowCost: true });
    await world.as('shop1')('stock.adjust', { variantId: id, quantity: 1_000, reason: 'count' });
  }
  return { world, X, Y, clock };
}

const footprint = (world: DemoWorld) => ({
  state: stateHash(world.core.db),
  events: world.core.db.sqlite.prepare('SELECT count(*) AS n FROM events').get(),
  sequences: world.core.db.sqlite.prepare('SELECT key, value FROM sequences ORDER BY key').all(),
});

const approvedBy = (world: DemoWorld, saleId: string) =>
  world.core.db.orm.select({ by: sales.approvedBy }).from(sales).where(eq(sales.id, saleId)).get()
    ?.by;

const userId = (world: DemoWorld, username: string) =>
  parseRow(
    z.object({ id: z.string() }),
    world.core.db.sqlite.prepare('SELECT id FROM users WHERE username = ?').get(username),
  )?.id;

describe('discounts at the counter', () => {
  it('takes line and whole-sale discounts up to the clerk’s limit (10% for a shop clerk)', async () => {
    const { world, X, Y } = await counter();
    const sale = await world.as('shop1')('sales.record', {
      lines: [
        { variantId: X, quantity: 2, discount: 1_000 },
        { variantId: Y, quantity: 1 },
      ],
      discount: 2_000,
      payments: [{ method: 'cash' }],
    });
    // 3,000 of 30,000 is exactly the limit.
    expect(sale).toMatchObject({ discount: 3_000, total: 27_000 });
    expect(approvedBy(world, sale.id)).toBeNull();
  });

  it('refuses more than the limit with DISCOUNT_OVER_LIMIT, writing nothing', async () => {
    const { world, X } = await counter();
    const before = footprint(world);
    const e = await failure(
      world.as('shop1')('sales.record', {
        lines: [{ variantId: X, quantity: 1, discount: 1_001 }],
        payments: [{ method: 'cash' }],
      }),
    );
    expect(e).toMatchObject({ code: 'DISCOUNT_OVER_LIMIT', field: 'discount' });
    expect(e.details).toMatchObject({ limitBp: 1_000 });
    // A sales rep's limit is 5%.
    const rep = await failure(
      world.as('sales')('sales.record', {
        lines: [{ variantId: X, quantity: 1 }],
        discount: 501,
        payments: [{ method: 'cash' }],
      }),
    );
    expect(rep).toMatchObject({ code: 'DISCOUNT_OVER_LIMIT', details: { limitBp: 500 } });
    expect(footprint(world)).toEqual(before);
  });

  it('refuses a discount larger than its line or the sale, naming the field', async () => {
    const { world, X } = await counter();
    const admin = world.as('admin');
    const line = await failure(
      admin('sales.record', {
        branchId: world.branch.SH01,
        lines: [{ variantId: X, quantity: 1, discount: PRICE + 1 }],
        payments: [{ method: 'cash' }],
      }),
    );
    expect(line).toMatchObject({ code: 'VALIDATION', field: 'lines.0.discount' });
    const whole = await failure(
      admin('sales.record', {
        branchId: world.branch.SH01,
        lines: [{ variantId: X, quantity: 1 }],
        discount: PRICE + 1,
        payments: [{ method: 'cash' }],
      }),
    );
    expect(whole).toMatchObject({ code: 'VALIDATION', field: 'discount' });
  });

  it('follows the limits an admin sets in the company settings', async () => {
    const { world, X } = await counter();
    await world.as('admin')('sales.saveSettings', { discountLimits: { shop_clerk: 2_000 } });
    expect((await world.as('shop1')('sales.settings', {})).discountLimits).toMatchObject({
      shop_clerk: 2_000,
      sales_rep: 500,
    });
    const sale = await world.as('shop1')('sales.record', {
      lines: [{ variantId: X, quantity: 1 }],
      discount: 2_000,
      payments: [{ method: 'card' }],
    });
    expect(sale.total).toBe(8_000);
  });
});

describe('a price typed below the catalog’s', () => {
  it('counts toward the limit like a line discount, in the quote and the sale, writing nothing when refused', async () => {
    const { world, X } = await counter();
    const clerk = world.as('shop1');
    // 2 × 1,001 below the catalog's 10,000: 10.01% of 20,000, one unit past the clerk's 10%.
    const cart = { lines: [{ variantId: X, quantity: 2, unitPrice: PRICE - 1_001 }] };
    expect(await clerk('sales.quote', cart)).toMatchObject({ needsApproval: true });
    const before = footprint(world);
    const e = await failure(clerk('sales.record', { ...cart, payments: [{ method: 'cash' }] }));
    expect(e).toMatchObject({
      code: 'DISCOUNT_OVER_LIMIT',
      field: 'discount',
      details: { limitBp: 1_000 },
    });
    expect(e.message).toContain("20.02 of it prices below the catalog's)");
    expect(e.message).toContain('is 10.01% of the sale; you may give up to 10%');
    // A lower price and a line discount add up, as two discounts would.
    const both = await failure(
      clerk('sales.record', {
        lines: [{ variantId: X, quantity: 1, unitPrice: PRICE - 600, discount: 401 }],
        payments: [{ method: 'cash' }],
      }),
    );
    expect(both).toMatchObject({ code: 'DISCOUNT_OVER_LIMIT', field: 'discount' });
    expect(footprint(world)).toEqual(before);

    // Exactly the limit, and any price above the catalog's, need no supervisor.
    const within = { lines: [{ variantId: X, quantity: 2, unitPrice: PRICE - 1_000 }] };
    expect(await clerk('sales.quote', within)).toMatchObject({ needsApproval: false });
    const sale = await clerk('sales.record', { ...within, payments: [{ method: 'cash' }] });
    expect(sale).toMatchObject({ total: 18_000, discount: 0 });
    const above = await clerk('sales.record', {
      lines: [{ variantId: X, quantity: 1, unitPrice: PRICE * 3 }],
      payments: [{ method: 'cash' }],
    });
    expect(above.total).toBe(PRICE * 3);
    expect([approvedBy(world, sale.id), approvedBy(world, above.id)]).toEqual([null, null]);
  });

  it('beyond the limit needs a supervisor’s approval, as a discount does', async () => {
    const { world, X } = await counter();
    const rep = world.as('sales');
    const lower = {
      lines: [{ variantId: X, quantity: 1, unitPrice: PRICE - 800 }],
      payments: [{ method: 'cash' as const }],
    };
    const alone = await failure(rep('sales.record', lower));
    expect(alone).toMatchObject({ code: 'DISCOUNT_OVER_LIMIT', details: { limitBp: 500 } });
    const ok = await rep('sales.approveDiscount', { username: 'shop1', password: DEMO_PASSWORD });
    const sale = await rep('sales.record', { ...lower, approvalId: ok.approvalId });
    expect(sale.total).toBe(PRICE - 800);
    expect(approvedBy(world, sale.id)).toBe(userId(world, 'shop1'));
  });
});

describe('a sale that comes to nothing', () => {
  it('is refused, naming the lines, unless points pay for it (a reward’s free product)', async () => {
    const { world, X, Y } = await counter();
    const admin = world.as('admin');
    const before = footprint(world);
    // Even an admin, whose limit is 100%, records a giveaway as a stock adjustment.
    for (const [lines, discount] of [
      [[{ variantId: X, quantity: 1, unitPrice: 0 }], 0],
      [[{ variantId: X, quantity: 1 }], PRICE],
    ] as const) {
      const e = await failure(
        admin('sales.record', {
          branchId: world.branch.SH01,
          lines: [...lines],
          discount,
          payments: [],
        }),
      );
      expect(e).toMatchObject({ code: 'VALIDATION', field: 'lines' });
      expect(e.message).toBe(
        'lines: the sale comes to 0, so there is nothing to pay; charge a price for what is sold, or record goods given away as a stock adjustment',
      );
    }
    expect(footprint(world)).toEqual(before);

    await admin('loyalty.saveProgram', {
      spendPerPoint: 100,
      pendingDays: 0,
      pointValue: 10,
      rewards: [{ id: 'cup', name: 'Free cup', points: 50, variantId: Y }],
    });
    const { id: customerId } = await world.as('shop1')('customers.create', { name: 'Selam' });
    await admin('loyalty.adjust', { customerId, points: 100, reason: 'opening balance' });
    const free = await world.as('shop1')('sales.record', {
      customerId,
      lines: [{ variantId: Y, quantity: 1 }],
      redeem: { points: 50, rewardId: 'cup' },
      payments: [],
    });
    expect(free).toMatchObject({ total: 0, rewardAmount: PRICE, payments: [] });
    expect(free.points).toMatchObject({ redeemed: 50 });
  });
});

describe('a supervisor’s approval', () => {
  it('refuses a wrong password and allows the discount with the right one, once', async () => {
    const { world, X } = await counter();
    const rep = world.as('sales');
    const wrong = await failure(
      rep('sales.approveDiscount', { username: 'shop1', password: 'not-it' }),
    );
    expect(wrong).toMatchObject({ code: 'APPROVAL_REFUSED', field: 'password' });
    const nobody = await failure(
      rep('sales.approveDiscount', { username: 'nobody', password: DEMO_PASSWORD }),
    );
    expect(nobody).toMatchObject({ code: 'APPROVAL_REFUSED' });
    // A clerk of another shop cannot allow this shop's discounts.
    const elsewhere = await failure(
      rep('sales.approveDiscount', { username: 'shop2', password: DEMO_PASSWORD }),
    );
    expect(elsewhere).toMatchObject({ code: 'APPROVAL_REFUSED', field: 'username' });

    const ok = await rep('sales.approveDiscount', { username: 'shop1', password: DEMO_PASSWORD });
    expect(ok).toMatchObject({ name: 'Sara Tesfaye', limitBp: 1_000 });
    const eight = {
      lines: [{ variantId: X, quantity: 1 }],
      discount: 800,
      payments: [{ method: 'cash' as const }],
    };
    const sale = await rep('sales.record', { ...eight, approvalId: ok.approvalId });
    expect(sale.total).toBe(9_200);
    expect(approvedBy(world, sale.id)).toBe(userId(world, 'shop1'));
    // Spent by that sale.
    const again = await failure(rep('sales.record', { ...eight, approvalId: ok.approvalId }));
    expect(again).toMatchObject({ code: 'DISCOUNT_OVER_LIMIT', details: { limitBp: 500 } });
  });

  it('does not allow more than the supervisor’s own limit, and is not spent by a refused sale', async () => {
    const { world, X } = await counter();
    const rep = world.as('sales');
    const ok = await rep('sales.approveDiscount', { username: 'shop1', password: DEMO_PASSWORD });
    const over = await failure(
      rep('sales.record', {
        lines: [{ variantId: X, quantity: 1 }],
        discount: 1_500,
        approvalId: ok.approvalId,
        payments: [{ method: 'cash' }],
      }),
    );
    expect(over).toMatchObject({ code: 'DISCOUNT_OVER_LIMIT', details: { limitBp: 1_000 } });
    expect(over.message).toContain('Sara Tesfaye');
    const sale = await rep('sales.record', {
      lines: [{ variantId: X, quantity: 1 }],
      discount: 1_000,
      approvalId: ok.approvalId,
      payments: [{ method: 'cash' }],
    });
    expect(sale.total).toBe(9_000);
  });

  it('lets an admin allow no more than head office accepts from the shop (its highest role limit)', async () => {
    const { world, X } = await counter();
    const clerk = world.as('shop1');
    const ok = await clerk('sales.approveDiscount', { username: 'admin', password: DEMO_PASSWORD });
    expect(ok.limitBp).toBe(10_000);
    const sale = {
      lines: [{ variantId: X, quantity: 1 }],
      payments: [{ method: 'cash' as const }],
    };
    // The admin may give 100%, but head office takes at most 10% from shop 1: the counter says so.
    const over = await failure(
      clerk('sales.record', { ...sale, discount: 1_500, approvalId: ok.approvalId }),
    );
    expect(over).toMatchObject({ code: 'DISCOUNT_OVER_LIMIT', details: { limitBp: 1_000 } });
    // Within it, the admin's approval is what lets a sales rep (5%) give 8%.
    const rep = world.as('sales');
    const again = await rep('sales.approveDiscount', {
      username: 'admin',
      password: DEMO_PASSWORD,
    });
    const within = await rep('sales.record', {
      ...sale,
      discount: 800,
      approvalId: again.approvalId,
    });
    expect(within.total).toBe(9_200);
    expect(approvedBy(world, within.id)).toBe(userId(world, 'admin'));
  });

  it('expires five minutes after the supervisor signed in', async () => {
    const { world, X, clock } = await counter();
    const rep = world.as('sales');
    const ok = await rep('sales.approveDiscount', { username: 'shop1', password: DEMO_PASSWORD });
    clock.t += APPROVAL_TTL_MS + 1;
    const late = await failure(
      rep('sales.record', {
        lines: [{ variantId: X, quantity: 1 }],
        discount: 800,
        approvalId: ok.approvalId,
        payments: [{ method: 'cash' }],
      }),
    );
    expect(late).toMatchObject({ code: 'DISCOUNT_OVER_LIMIT', details: { limitBp: 500 } });
  });
});

describe('taxes', () => {
  /**
   * Gives the shirt its own rate (no operation sets it yet) and the category a rate, and both
   * variants the catalog price of 105 the figures below are worked at (a lower price typed at the
   * counter would count as a discount, beyond the clerk's limit).
   */
  const rates = async (world: DemoWorld, X: string, Y: string) => {
    for (const id of [X, Y])
      await world.as('admin')('catalog.updateVariant', { id, price: 105, confirmBelowCost: true });
    world.core.db.sqlite.prepare('UPDATE variants SET tax_rate_bp = 500 WHERE id = ?').run(X);
    await world.as('admin')('sales.saveSettings', {
      categoryTaxRates: { Apparel: 1_500, Ceramics: 1_500 },
    });
  };

  it('takes the variant’s own rate, else its category’s, contained in tax-inclusive prices', async () => {
    const { world, X, Y } = await counter();
    await rates(world, X, Y);
    const sale = await world.as('shop1')('sales.record', {
      lines: [
        { variantId: X, quantity: 1, unitPrice: 105 },
        { variantId: Y, quantity: 1, unitPrice: 105 },
        { variantId: Y, quantity: 1, unitPrice: 105 },
      ],
      payments: [{ method: 'cash' }],
    });
    // 105 × 500/10500 = 5; 105 × 1500/11500 = 13.7 → 14 on each line (the sum would give 27).
    expect(sale).toMatchObject({ total: 315, tax: 5 + 14 + 14 });
    const lines = world.core.db.sqlite
      .prepare(
        'SELECT tax_rate_bp AS rate, tax, line_total AS total FROM sale_lines WHERE sale_id = ? ORDER BY line_no',
      )
      .all(sale.id);
    expect(lines).toEqual([
      { rate: 500, tax: 5, total: 105 },
      { rate: 1_500, tax: 14, total: 105 },
      { rate: 1_500, tax: 14, total: 105 },
    ]);
  });

  it('adds the tax on top when the company enters prices without tax', async () => {
    const { world, X, Y } = await counter();
    await rates(world, X, Y);
    await world.as('admin')('sales.saveSettings', { pricesIncludeTax: false });
    expect((await world.as('shop1')('sales.settings', {})).pricesIncludeTax).toBe(false);
    const sale = await world.as('shop1')('sales.record', {
      lines: [
        { variantId: X, quantity: 1, unitPrice: 105 },
        { variantId: Y, quantity: 3, unitPrice: 105 },
      ],
      discount: 10,
      payments: [{ method: 'card' }],
    });
    // The discount (10) comes off before tax, in proportion: 3 from the shirt, 7 from the cups.
    // Shirt 102 × 5% = 5.1 → 5; cups 308 × 15% = 46.2 → 46.
    expect(sale).toMatchObject({ discount: 10, tax: 51, total: 102 + 5 + 308 + 46 });
    expect(sale.payments).toEqual([
      { method: 'card', amount: 461, tendered: null, reference: null },
    ]);
  });

  it('has no tax when no rate is set', async () => {
    const { world, X } = await counter();
    const sale = await world.as('shop1')('sales.record', {
      lines: [{ variantId: X, quantity: 2 }],
      payments: [{ method: 'cash' }],
    });
    expect(sale).toMatchObject({ tax: 0, total: 2 * PRICE });
  });
});

describe('a sale that fails half-way', () => {
  it('leaves no stock, points, payment or sale rows, and no used number', async () => {
    const { world, X, Y } = await counter();
    await world.as('admin')('loyalty.saveProgram', { spendPerPoint: 100, pointValue: 1 });
    const customer = await world.as('shop1')('customers.create', {
      name: 'Almaz',
      phone: '0911000001',
    });
    const sale = {
      customerId: customer.id,
      lines: [
        { variantId: X, quantity: 2 },
        { variantId: Y, quantity: 1 },
      ],
      payments: [{ method: 'card' as const, amount: 10_000 }, { method: 'cash' as const }],
    };
    // A payment that does not validate: nothing at all is written.
    const before = footprint(world);
    const bad = await failure(
      world.as('shop1')('sales.record', {
        ...sale,
        payments: [{ method: 'mobile_money', amount: 30_000 }],
      }),
    );
    expect(bad).toMatchObject({ code: 'VALIDATION' });
    expect(footprint(world)).toEqual(before);
    // A crash while the payments are written, after the sale, its stock and its points: all undone.
    world.core.db.sqlite.exec(
      `CREATE TRIGGER crash BEFORE INSERT ON sale_payments WHEN NEW.pay_no = 2
       BEGIN SELECT RAISE(ABORT, 'power cut'); END`,
    );
    await expect(world.as('shop1')('sales.record', sale)).rejects.toThrow();
    expect(footprint(world)).toEqual(before);
    world.core.db.sqlite.exec('DROP TRIGGER crash');
    const done = await world.as('shop1')('sales.record', sale);
    expect(done).toMatchObject({ total: 30_000, points: { earned: 300, redeemed: 0 } });
    expect(footprint(world)).not.toEqual(before);
    expect(pointsMismatches(world.core.db)).toEqual([]);
  });
});

describe('the quote before payment', () => {
  it('comes to what the sale records, for any cart, tax included or added, with points', async () => {
    const { world, X, Y } = await counter();
    await world.as('admin')('loyalty.saveProgram', {
      spendPerPoint: 100,
      pendingDays: 0,
      expiryDays: 0,
      pointValue: 3,
    });
    await world.as('admin')('sales.saveSettings', { categoryTaxRates: { Apparel: 1_500 } });
    const customer = await world.as('shop1')('customers.create', { name: 'Selam' });
    await world.as('admin')('loyalty.adjust', {
      customerId: customer.id,
      points: 500,
      reason: 'opening balance',
    });
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 900 }),
        fc.integer({ min: 0, max: 50 }),
        async (included, qx, qy, discount, points) => {
          await world.as('admin')('sales.saveSettings', { pricesIncludeTax: included });
          const cart = {
            branchId: world.branch.SH01,
            customerId: customer.id,
            lines: [
              { variantId: X, quantity: qx, discount: Math.min(discount, 500) },
              { variantId: Y, quantity: qy },
            ],
            discount,
            ...(points > 0 && { redeem: { points } }),
          };
          const quote = await world.as('admin')('sales.quote', cart);
          const sale = await world.as('admin')('sales.record', {
            ...cart,
            payments: [{ method: 'cash' }],
          });
          expect({
            total: sale.total,
            discount: sale.discount,
            tax: sale.tax,
            points: sale.points,
          }).toEqual({
            total: quote.total,
            discount: quote.discount,
            tax: quote.tax,
            points: quote.points,
          });
          expect(quote.tax).toBeGreaterThan(0);
        },
      ),
      { numRuns: 25 },
    );
  });
});
