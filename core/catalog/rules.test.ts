// Master data rules on the catalog: barcodes' check digits and prices at or below cost, refused
// in the core with a stable code naming the field, and nothing written.
import { desc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Context } from '../contract/context';
import { events, users, variants } from '../db/schema';
import { stateHash } from '../db/stateHash';
import { DomainError } from '../errors';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { confirmedBelowCost } from './rules';

const product = (variant: Record<string, unknown>) => ({
  name: 'Wool socks',
  category: 'Apparel',
  variants: [
    { sku: 'SOCK-S', price: 9000, cost: 4000 },
    { sku: 'SOCK-L', price: 9500, cost: 4100, ...variant },
  ],
});

const userIdOf = (world: DemoWorld, username: string) =>
  world.core.db.orm.select({ id: users.id }).from(users).where(eq(users.username, username)).get()
    ?.id;

/** The payload of the last variant.saved event. */
const lastVariantEvent = (world: DemoWorld) => {
  const row = world.core.db.orm
    .select({ payload: events.payload })
    .from(events)
    .where(eq(events.type, 'variant.saved'))
    .orderBy(desc(events.seq))
    .get();
  return z
    .object({ id: z.string(), belowCostConfirmedBy: z.string().optional() })
    .parse(JSON.parse(row?.payload ?? 'null'));
};

describe('barcodes', () => {
  it('are refused with a wrong check digit wherever one is set, naming the field and the digit', async () => {
    const world = await openDemo();
    const admin = world.as('admin');
    const before = stateHash(world.core.db);
    // 4006381333931 is right; the last digit typed as 2.
    const created = await failure(
      admin('catalog.createProduct', product({ barcode: '4006381333932' })),
    );
    expect(created).toMatchObject({
      code: 'BARCODE_CHECK_DIGIT',
      field: 'variants.1.barcode',
      details: { format: 'EAN-13', expectedCheckDigit: 1 },
    });
    expect(created.message).toMatch(/^variants\.1\.barcode: .*EAN-13.*should be 1, not 2/);
    const catalog = await admin('catalog.list', { limit: 500 });
    const productId = catalog.find((r) => r.sku === 'CUP-SML')?.productId ?? '';
    const added = await failure(
      admin('catalog.addVariant', {
        productId,
        sku: 'CUP-MED',
        barcode: '96385075', // EAN-8 96385074
        price: 13000,
        cost: 7000,
      }),
    );
    expect(added).toMatchObject({
      code: 'BARCODE_CHECK_DIGIT',
      field: 'barcode',
      details: { format: 'EAN-8', expectedCheckDigit: 4 },
    });
    const edited = await failure(
      admin('catalog.updateVariant', { id: world.variant['CUP-SML']!, barcode: '036000291453' }),
    );
    expect(edited).toMatchObject({
      code: 'BARCODE_CHECK_DIGIT',
      field: 'barcode',
      details: { format: 'UPC-A', expectedCheckDigit: 2 },
    });
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('are taken when right, and internal codes are not checked', async () => {
    const world = await openDemo();
    const admin = world.as('admin');
    await admin('catalog.updateVariant', {
      id: world.variant['CUP-SML']!,
      barcode: '036000291452',
    });
    await admin('catalog.updateVariant', { id: world.variant['CUP-LRG']!, barcode: 'INT-0042' });
    await admin('catalog.updateVariant', { id: world.variant['TR-NVY-32']!, barcode: '1234567' });
    const barcodes = world.core.db.orm
      .select({ sku: variants.sku, barcode: variants.barcode })
      .from(variants)
      .all();
    expect(barcodes).toEqual(
      expect.arrayContaining([
        { sku: 'CUP-SML', barcode: '036000291452' },
        { sku: 'CUP-LRG', barcode: 'INT-0042' },
        { sku: 'TR-NVY-32', barcode: '1234567' },
      ]),
    );
  });
});

describe('a price at or below cost', () => {
  it('is refused unless confirmed, 0.00 included, naming the field, with nothing written', async () => {
    const world = await openDemo();
    const admin = world.as('admin');
    const before = stateHash(world.core.db);
    for (const [price, cost] of [
      [0, 4100],
      [4100, 4100],
      [4000, 4100],
    ] as const) {
      const refused = await failure(admin('catalog.createProduct', product({ price, cost })));
      expect(refused).toMatchObject({
        code: 'PRICE_AT_OR_BELOW_COST',
        field: 'variants.1.price',
        details: { price, cost },
      });
      expect(refused.message).toMatch(/^variants\.1\.price: .*confirm/);
    }
    expect(
      (await failure(admin('catalog.createProduct', product({ price: 0, cost: 0 })))).code,
    ).toBe('PRICE_AT_OR_BELOW_COST');
    const id = world.variant['TS-WHT-M']!; // 45000 over 28000
    const price = await failure(admin('catalog.updateVariant', { id, price: 28000 }));
    expect([price.code, price.field]).toEqual(['PRICE_AT_OR_BELOW_COST', 'price']);
    // Raising the cost alone to the price is the same slip, named by the field changed.
    const cost = await failure(admin('catalog.updateVariant', { id, cost: 45000 }));
    expect([cost.code, cost.field]).toEqual(['PRICE_AT_OR_BELOW_COST', 'cost']);
    expect(cost.message).toMatch(
      /^cost: the cost Br\s450\.00 is at or above the price Br\s450\.00/,
    );
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('is taken when confirmed, and the event records who confirmed', async () => {
    const world = await openDemo();
    const admin = world.as('admin');
    const adminId = userIdOf(world, 'admin');
    const created = await admin(
      'catalog.createProduct',
      product({ price: 0, cost: 4100, confirmBelowCost: true }),
    );
    expect(lastVariantEvent(world)).toMatchObject({
      id: created.variantIds[1],
      belowCostConfirmedBy: adminId,
    });
    const id = world.variant['TS-WHT-M']!;
    await admin('catalog.updateVariant', { id, price: 20000, confirmBelowCost: true });
    expect(lastVariantEvent(world).belowCostConfirmedBy).toBe(adminId);
    // A price above cost needs no confirmation and records none, even when the flag is sent.
    await admin('catalog.updateVariant', { id, price: 46000, confirmBelowCost: true });
    expect(lastVariantEvent(world).belowCostConfirmedBy).toBeUndefined();
    const history = await world.as('finance')('catalog.priceHistory', { variantId: id });
    expect(history.map((h) => [h.price, h.belowCostConfirmedBy])).toEqual([
      [45000, null],
      [20000, adminId],
      [46000, null],
    ]);
    expect(
      world.core.db.orm
        .select({ price: variants.price })
        .from(variants)
        .where(eq(variants.id, id))
        .get(),
    ).toEqual({ price: 46000 });
  });

  it('is refused exactly when the price is not above the cost and nobody confirmed, in the company currency', async () => {
    const world = await openDemo();
    await world.as('admin')('company.save', {
      currencyCode: 'USD',
      currencySymbol: '$',
      minorUnits: 2,
    });
    const ctx: Pick<Context, 'actor' | 'db'> = {
      actor: { userId: 'u-1', username: 'a', displayName: 'A', role: 'admin', branchId: 'b' },
      db: world.core.db,
    };
    fc.assert(
      fc.property(
        fc.nat({ max: 1e9 }),
        fc.nat({ max: 1e9 }),
        fc.boolean(),
        (price, cost, confirmed) => {
          let result: string | undefined | DomainError;
          try {
            result = confirmedBelowCost(ctx, { price, cost, confirmBelowCost: confirmed }, 'price');
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
            result = e;
          }
          if (price > cost) expect(result).toBeUndefined();
          else if (confirmed) expect(result).toBe('u-1');
          else {
            expect(result).toMatchObject({ code: 'PRICE_AT_OR_BELOW_COST', field: 'price' });
            expect(String((result as DomainError).message)).toContain('$');
          }
        },
      ),
    );
  });
});
