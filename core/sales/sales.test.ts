import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sales, variants } from '../db/schema';
import { stateHash } from '../db/stateHash';
import { failure, openDemo, type DemoWorld } from '../testing/demo';

const onHand = async (world: DemoWorld, branchId: string, variantId: string) =>
  (await world.as('admin')('stock.balance', { branchId, variantId })).onHand;

const priceOf = (world: DemoWorld, variantId: string) =>
  world.core.db.orm
    .select({ price: variants.price })
    .from(variants)
    .where(eq(variants.id, variantId))
    .get()!.price;

const saleLines = (world: DemoWorld, saleId: string) =>
  world.core.db.sqlite
    .prepare(
      'SELECT line_no AS lineNo, variant_id AS variantId, quantity, unit_price AS unitPrice, line_total AS lineTotal FROM sale_lines WHERE sale_id = ? ORDER BY line_no',
    )
    .all(saleId);

/** What a failed call may not leave behind: replicated state, events or used sale numbers. */
const footprint = (world: DemoWorld) => ({
  state: stateHash(world.core.db),
  events: world.core.db.sqlite.prepare('SELECT count(*) AS n FROM events').get(),
  sequences: world.core.db.sqlite.prepare('SELECT key, value FROM sequences ORDER BY key').all(),
});

describe('a counter sale', () => {
  it('reduces the shop’s stock and nobody else’s', async () => {
    const world = await openDemo();
    const [X, Y] = [world.variant['TS-WHT-M'] ?? '', world.variant['CUP-SML'] ?? ''];
    const before = {
      shopX: await onHand(world, world.branch.SH01, X),
      shopY: await onHand(world, world.branch.SH01, Y),
      factoryX: await onHand(world, world.branch.FAC, X),
    };
    await world.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [
        { variantId: X, quantity: 3 },
        { variantId: Y, quantity: 5 },
      ],
    });
    expect(await onHand(world, world.branch.SH01, X)).toBe(before.shopX - 3);
    expect(await onHand(world, world.branch.SH01, Y)).toBe(before.shopY - 5);
    expect(await onHand(world, world.branch.FAC, X)).toBe(before.factoryX);
    const [movement] = await world.as('shop1')('stock.movements', {
      branchId: world.branch.SH01,
      variantId: Y,
      limit: 1,
    });
    expect(movement).toMatchObject({ kind: 'sale', onHand: -5 });
  });

  it('takes the catalog price unless a price is given', async () => {
    const world = await openDemo();
    const [X, Y] = [world.variant['TS-WHT-M'] ?? '', world.variant['CUP-SML'] ?? ''];
    // Prices below the catalog's count toward the clerk's discount limit (13% here), and no
    // supervisor at shop 1 may allow more than its highest role limit: the admin raises it.
    await world.as('admin')('sales.saveSettings', { discountLimits: { shop_clerk: 2_000 } });
    const sale = await world.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [
        { variantId: X, quantity: 2 },
        { variantId: Y, quantity: 3, unitPrice: 9900 },
        { variantId: Y, quantity: 1, unitPrice: 0 },
      ],
    });
    const xPrice = priceOf(world, X);
    expect(xPrice).toBeGreaterThan(0);
    expect(saleLines(world, sale.id)).toEqual([
      { lineNo: 1, variantId: X, quantity: 2, unitPrice: xPrice, lineTotal: 2 * xPrice },
      { lineNo: 2, variantId: Y, quantity: 3, unitPrice: 9900, lineTotal: 29700 },
      { lineNo: 3, variantId: Y, quantity: 1, unitPrice: 0, lineTotal: 0 },
    ]);
    const total = 2 * xPrice + 29700;
    expect(sale.total).toBe(total);
    const [listed] = await world.as('shop1')('sales.list', { branchId: world.branch.SH01 });
    expect(listed).toMatchObject({
      id: sale.id,
      number: sale.number,
      total,
      customerName: null,
      soldBy: 'Sara Tesfaye',
    });
  });

  it('follows a catalog price change', async () => {
    const world = await openDemo();
    const X = world.variant['TS-WHT-M'] ?? '';
    await world.as('admin')('catalog.updateVariant', { id: X, price: 47500 });
    const sale = await world.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: X, quantity: 1 }],
    });
    expect(sale.total).toBe(47500);
  });

  it('refuses to sell more than is on hand, naming the line, and writes nothing', async () => {
    const world = await openDemo();
    const [X, Y] = [world.variant['TS-WHT-M'] ?? '', world.variant['CUP-SML'] ?? ''];
    const stockX = await onHand(world, world.branch.SH01, X);
    const before = footprint(world);

    const single = await failure(
      world.as('shop1')('sales.record', {
        payments: [{ method: 'cash' }],
        lines: [
          { variantId: Y, quantity: 1 },
          { variantId: X, quantity: stockX + 1 },
        ],
      }),
    );
    expect(single.code).toBe('INSUFFICIENT_STOCK');
    expect(single.field).toBe('lines.1.quantity');
    expect(single.details['onHand']).toBe(stockX);

    // Two lines of one variant count together: the second one is too many.
    const split = await failure(
      world.as('shop1')('sales.record', {
        payments: [{ method: 'cash' }],
        lines: [
          { variantId: X, quantity: stockX },
          { variantId: Y, quantity: 1 },
          { variantId: X, quantity: 1 },
        ],
      }),
    );
    expect(split.code).toBe('INSUFFICIENT_STOCK');
    expect(split.field).toBe('lines.2.quantity');
    expect(footprint(world)).toEqual(before);

    // Exactly what is on hand can be sold.
    await world.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: X, quantity: stockX }],
    });
    expect(await onHand(world, world.branch.SH01, X)).toBe(0);
  });

  it('refuses an archived variant (or one of an archived product), naming the line, and writes nothing', async () => {
    const world = await openDemo();
    const [X, Y] = [world.variant['TS-WHT-M'] ?? '', world.variant['CUP-SML'] ?? ''];
    await world.as('admin')('catalog.updateVariant', { id: Y, active: false });
    const before = footprint(world);
    const refused = await failure(
      world.as('shop1')('sales.record', {
        payments: [{ method: 'cash' }],
        lines: [
          { variantId: X, quantity: 1 },
          { variantId: Y, quantity: 1 },
        ],
      }),
    );
    expect(refused.code).toBe('VALIDATION');
    expect(refused.field).toBe('lines.1.variantId');
    expect(refused.message).toContain('archived');
    expect(footprint(world)).toEqual(before);

    // Restored, it sells again.
    await world.as('admin')('catalog.updateVariant', { id: Y, active: true });
    await world.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: Y, quantity: 1 }],
    });
  });

  it('refuses bad lines with the field that is wrong', async () => {
    const world = await openDemo();
    const X = world.variant['TS-WHT-M'] ?? '';
    const before = footprint(world);
    for (const [lines, field] of [
      [[], 'lines'],
      [[{ variantId: X, quantity: 0 }], 'lines.0.quantity'],
      [[{ variantId: X, quantity: 1, unitPrice: -1 }], 'lines.0.unitPrice'],
      [[{ variantId: X, quantity: 1, unitPrice: 10.5 }], 'lines.0.unitPrice'],
      [
        [
          { variantId: X, quantity: 1 },
          { variantId: 'no-such-variant', quantity: 1 },
        ],
        'lines.1.variantId',
      ],
    ] as const) {
      const error = await failure(
        world.as('shop1')('sales.record', { payments: [{ method: 'cash' }], lines: [...lines] }),
      );
      expect([error.code, error.field], field).toEqual(['VALIDATION', field]);
    }
    expect(footprint(world)).toEqual(before);
  });

  it('refuses a line or a sale larger than the app can hold, naming the lines, before anything is written', async () => {
    const world = await openDemo();
    const [X, Y] = [world.variant['TS-WHT-M'] ?? '', world.variant['CUP-SML'] ?? ''];
    for (const variantId of [X, Y])
      await world.as('shop1')('stock.adjust', { variantId, quantity: 9_999_000, reason: 'count' });
    const before = footprint(world);
    const sell = (lines: { variantId: string; quantity: number; unitPrice: number }[]) =>
      failure(world.as('shop1')('sales.record', { payments: [{ method: 'cash' }], lines }));
    // 10,000,000 × 1,000,000,000,000 is past what an amount can hold exactly.
    const line = await sell([{ variantId: Y, quantity: 9_999_000, unitPrice: 1e12 }]);
    expect(line).toMatchObject({ code: 'VALIDATION', field: 'lines' });
    expect(line.message).toMatch(
      /^lines: line 1 alone comes to more than .*1,000,000,000,000\.00, more than one sale can hold; check its quantity and price, or split it over several sales$/,
    );
    // Each line fits; together they do not.
    const sale = await sell([
      { variantId: X, quantity: 60, unitPrice: 1e12 },
      { variantId: Y, quantity: 60, unitPrice: 1e12 },
    ]);
    expect(sale).toMatchObject({ code: 'VALIDATION', field: 'lines' });
    expect(sale.message).toContain('the sale comes to more than');
    expect(sale.message).toContain('by line 2');
    // The quote, which prices the same cart, says the same.
    const quote = await failure(
      world.as('shop1')('sales.quote', {
        lines: [{ variantId: Y, quantity: 9_999_000, unitPrice: 1e12 }],
      }),
    );
    expect(quote).toMatchObject({ code: 'VALIDATION', field: 'lines' });
    expect(footprint(world)).toEqual(before);
  });

  it('is made in the clerk’s own shop only, and only in a shop', async () => {
    const world = await openDemo();
    const lines = [{ variantId: world.variant['TS-WHT-M'] ?? '', quantity: 1 }];
    const before = footprint(world);
    expect(
      (
        await failure(
          world.as('shop1')('sales.record', {
            payments: [{ method: 'cash' }],
            branchId: world.branch.SH02,
            lines,
          }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    const factory = await failure(
      world.as('admin')('sales.record', {
        payments: [{ method: 'cash' }],
        branchId: world.branch.FAC,
        lines,
      }),
    );
    expect([factory.code, factory.field]).toEqual(['VALIDATION', 'branchId']);
    expect(
      (
        await failure(
          world.as('factory')('sales.record', { payments: [{ method: 'cash' }], lines }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect(footprint(world)).toEqual(before);
  });
});

describe('customers on a sale', () => {
  it('are optional, and are shown when given', async () => {
    const world = await openDemo();
    const X = world.variant['CUP-LRG'] ?? '';
    const customer = await world.as('shop1')('customers.create', {
      name: 'Meron Assefa',
      phone: '+251 911 234567',
    });
    const withCustomer = await world.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      customerId: customer.id,
      lines: [{ variantId: X, quantity: 1 }],
    });
    const anonymous = await world.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: X, quantity: 1 }],
    });
    const stored = world.core.db.sqlite
      .prepare('SELECT id, customer_id AS customerId FROM sales WHERE id IN (?, ?)')
      .all(withCustomer.id, anonymous.id);
    expect(stored).toEqual(
      expect.arrayContaining([
        { id: withCustomer.id, customerId: customer.id },
        { id: anonymous.id, customerId: null },
      ]),
    );
    const listed = await world.as('shop1')('sales.list', { branchId: world.branch.SH01 });
    expect(listed.find((s) => s.id === withCustomer.id)?.customerName).toBe('Meron Assefa');
    expect(listed.find((s) => s.id === anonymous.id)?.customerName).toBeNull();
  });

  it('must exist', async () => {
    const world = await openDemo();
    const before = footprint(world);
    const error = await failure(
      world.as('shop1')('sales.record', {
        payments: [{ method: 'cash' }],
        customerId: 'no-such-customer',
        lines: [{ variantId: world.variant['CUP-LRG'] ?? '', quantity: 1 }],
      }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.field).toBe('customerId');
    expect(footprint(world)).toEqual(before);
  });
});

describe('sale numbers', () => {
  const salesIn = (world: DemoWorld, branchId: string) =>
    world.core.db.orm.select({ n: count() }).from(sales).where(eq(sales.branchId, branchId)).get()!
      .n;

  it('are unique and sequential per device and shop', async () => {
    const world = await openDemo();
    const device = (await world.core.call('setup.status', {})).device;
    expect(device).not.toBeNull();
    const X = world.variant['CUP-SML'] ?? '';
    const sell = async (user: 'shop1' | 'shop2', quantity = 1) =>
      (
        await world.as(user)('sales.record', {
          payments: [{ method: 'cash' }],
          lines: [{ variantId: X, quantity }],
        })
      ).number;
    const sequenceOf = (shop: string, number: string) => {
      // The demo runs on one head-office PC, so its sales for a shop carry HQ and the device number.
      const m = new RegExp(`^${shop}-SHQ${device?.number}-(\\d{6})$`).exec(number);
      if (!m) throw new Error(`${number} is not a ${shop} sale number of this device`);
      return Number(m[1]);
    };

    const earlierSH01 = salesIn(world, world.branch.SH01);
    const numbers = [await sell('shop1'), await sell('shop1'), await sell('shop1')];
    // A failed sale uses no number.
    await failure(
      world.as('shop1')('sales.record', {
        payments: [{ method: 'cash' }],
        lines: [{ variantId: X, quantity: 1_000_000 }],
      }),
    );
    numbers.push(await sell('shop1'));
    expect(numbers.map((n) => sequenceOf('SH01', n))).toEqual(
      [1, 2, 3, 4].map((i) => earlierSH01 + i),
    );

    // Another shop counts on its own.
    await world.as('shop2')('stock.adjust', { variantId: X, quantity: 5, reason: 'Opening stock' });
    const earlierSH02 = salesIn(world, world.branch.SH02);
    expect(sequenceOf('SH02', await sell('shop2'))).toBe(earlierSH02 + 1);
    expect(sequenceOf('SH01', await sell('shop1'))).toBe(earlierSH01 + 5);

    const stored = world.core.db.orm.select({ number: sales.number }).from(sales).all();
    expect(stored).toHaveLength(earlierSH01 + earlierSH02 + 6);
    expect(new Set(stored.map((s) => s.number)).size).toBe(stored.length);
  });
});
