// A counter sale with every figure a receipt prints, on the demo company: a 15% VAT on apparel
// (prices include it), a line discount and a whole-sale discount, points redeemed for an amount
// off, a customer with a tier and a balance from an earlier sale, and cash with change.
import { openDemo } from '../../testing/demo';

/** What the customer hands over for the sale, in minor units. */
export const TENDERED = 200_000;

export async function saleWithFigures(options: { pricesIncludeTax?: boolean } = {}) {
  const world = await openDemo();
  const admin = world.as('admin');
  const clerk = world.as('shop1');
  const shirt = world.variant['TS-WHT-M']!;
  const cup = world.variant['CUP-SML']!;
  await admin('sales.saveSettings', {
    categoryTaxRates: { Apparel: 1_500 },
    pricesIncludeTax: options.pricesIncludeTax ?? true,
  });
  await admin('loyalty.saveProgram', {
    spendPerPoint: 100,
    pointValue: 1,
    tiers: [{ name: 'Silver', minSpend: 0, rateBp: 10_000 }],
  });
  const customer = await clerk('customers.create', {
    name: 'Almaz Bekele',
    phone: '0911 234 567',
  });
  const earlier = await clerk('sales.record', {
    customerId: customer.id,
    lines: [{ variantId: shirt, quantity: 1 }],
    payments: [{ method: 'cash' }],
  });
  const sale = await clerk('sales.record', {
    customerId: customer.id,
    lines: [
      { variantId: shirt, quantity: 2, discount: 2_000 },
      { variantId: cup, quantity: 1 },
    ],
    discount: 1_000,
    redeem: { points: 300 },
    payments: [{ method: 'cash', tendered: TENDERED }],
  });
  return { world, customerId: customer.id, earlier, sale };
}
