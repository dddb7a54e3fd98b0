// The counter across shops that work offline: two shops spend the same points while offline and
// the account goes below zero, shown to an admin and never corrected silently; the same receipt
// returned at two offline shops, the second beyond what was sold becoming a visible conflict;
// a customer added at both shops with one phone, listed to merge. Every replica converges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointsMismatches, tableHashes } from '../core/db/stateHash';
import { startWorld, type Site, type World } from './testing/world';

let w: World;
let shop1: Site;
let shop2: Site;
beforeAll(async () => {
  w = await startWorld();
  await w.admin('loyalty.saveProgram', {
    spendPerPoint: 100,
    pendingDays: 0,
    expiryDays: 365,
    pointValue: 10,
    tiers: [{ name: 'Bronze', minSpend: 0, rateBp: 10_000 }],
  });
  shop1 = await w.enroll('SH01');
  shop2 = await w.enroll('SH02');
});
afterAll(() => w.close());

/** What every shop sees alike: sales, returns, customers and points (stock is each shop's own). */
const counterState = (s: Site) => {
  const all = tableHashes(s.core.db);
  return [
    'sales',
    'sale_returns',
    'sale_refunds',
    'customers',
    'loyalty_movements',
    'loyalty_balances',
    'conflicts',
  ].map((t) => [t, all[t]]);
};

const syncAll = async () => {
  for (let round = 0; round < 2; round++) for (const s of [shop1, shop2]) await s.engine.sync();
};

async function stocked(site: Site, user: 'shop1' | 'shop2', quantity: number) {
  await site.as(user)('stock.adjust', { variantId: w.variants[0]!, quantity, reason: 'count' });
}

describe('the counter across offline shops', () => {
  it('lets two offline shops redeem the same points, then reports the overdrawn account', async () => {
    await stocked(shop1, 'shop1', 10);
    await stocked(shop2, 'shop2', 10);
    const customer = await shop1.as('shop1')('customers.create', {
      name: 'Almaz',
      phone: '0911 222333',
    });
    const first = await shop1.as('shop1')('sales.record', {
      customerId: customer.id,
      lines: [{ variantId: w.variants[0]!, quantity: 2 }],
      payments: [{ method: 'cash' }],
    });
    expect(first.points?.earned).toBeGreaterThan(0);
    const earned = first.points?.earned ?? 0;
    await syncAll();
    // Both shops see the whole balance; each spends all of it while offline.
    for (const [site, user] of [
      [shop1, 'shop1'],
      [shop2, 'shop2'],
    ] as const) {
      const seen = await site.as(user)('customers.find', { search: '+251 911 222 333' });
      expect(seen.map((c) => c.id)).toEqual([customer.id]);
      expect(seen[0]?.points?.available).toBe(earned);
      await site.as(user)('sales.record', {
        customerId: customer.id,
        lines: [{ variantId: w.variants[0]!, quantity: 1 }],
        redeem: { points: earned },
        payments: [{ method: 'cash' }],
      });
    }
    await syncAll();
    const overdrawn = await w.admin('loyalty.overdrawn', {});
    expect(overdrawn).toEqual([
      expect.objectContaining({ customerId: customer.id, points: expect.any(Number) }),
    ]);
    expect(overdrawn[0]!.points).toBeLessThan(0);
    for (const s of [shop1, shop2]) {
      expect(pointsMismatches(s.core.db)).toEqual([]);
      const points = await s.as(s === shop1 ? 'shop1' : 'shop2')('loyalty.points', {
        customerId: customer.id,
      });
      expect(points.balance).toBe(overdrawn[0]!.points);
    }
    expect(counterState(shop1)).toEqual(counterState(shop2));
  });

  it('turns the second return of one receipt beyond what was sold into a visible conflict', async () => {
    const sale = await shop1.as('shop1')('sales.record', {
      lines: [{ variantId: w.variants[0]!, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    await syncAll();
    const before = await shop2.as('shop2')('stock.balance', {
      branchId: w.branch.SH02,
      variantId: w.variants[0]!,
    });
    // The customer returns the same item at both shops while both are offline.
    for (const [site, user] of [
      [shop1, 'shop1'],
      [shop2, 'shop2'],
    ] as const) {
      const found = await site.as(user)('sales.findForReturn', { number: sale.number });
      await site.as(user)('sales.return', {
        saleId: found.id,
        lines: [{ lineNo: 1, quantity: 1 }],
        refunds: [{ method: 'cash' }],
      });
    }
    await syncAll();
    const conflicts = await w.admin('conflicts.list', {});
    const returns = conflicts.filter((c) => c.eventType === 'sale.returned');
    expect(returns.map((c) => c.code)).toEqual(['RETURN_EXCEEDS_SALE']);
    // Shop 2's return came second: its stock and refund are not in the books until resolved.
    const after = await shop2.as('shop2')('stock.balance', {
      branchId: w.branch.SH02,
      variantId: w.variants[0]!,
    });
    expect(after.onHand).toBe(before.onHand);
    expect(counterState(shop1)).toEqual(counterState(shop2));
  });

  it('lists one phone added at two offline shops for an admin to merge, and merges it', async () => {
    const a = await shop1.as('shop1')('customers.create', { name: 'Tigist', phone: '0922 111000' });
    const b = await shop2.as('shop2')('customers.create', {
      name: 'Tigist A.',
      phone: '+251 922 111 000',
    });
    await syncAll();
    const dups = await w.admin('customers.duplicates', {});
    const group = dups.find((d) => d.customers.some((c) => c.id === a.id));
    expect(group?.customers.map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
    await w.admin('customers.merge', { fromId: b.id, intoId: a.id });
    await syncAll();
    expect(
      (await w.admin('customers.duplicates', {})).some((d) =>
        d.customers.some((c) => c.id === a.id),
      ),
    ).toBe(false);
    const found = await shop2.as('shop2')('customers.find', { search: '0922111000' });
    expect(found.map((c) => c.id)).toEqual([a.id]);
  });

  it('accepts a discount up to the highest limit at the shop as the settings stood when it was given', async () => {
    await stocked(shop1, 'shop1', 5);
    await w.admin('sales.saveSettings', { discountLimits: { shop_clerk: 6_000 } });
    await syncAll();
    // Given offline at 50%, within the clerk's 60%; head office lowers the limit before it arrives.
    const sale = await shop1.as('shop1')('sales.record', {
      lines: [{ variantId: w.variants[0]!, quantity: 1 }],
      discount: Math.floor((await unitPrice()) / 2),
      payments: [{ method: 'cash' }],
    });
    await w.admin('sales.saveSettings', { discountLimits: { shop_clerk: 1_000 } });
    await syncAll();
    const atHeadOffice = await w.admin('sales.findForReturn', { number: sale.number });
    expect(atHeadOffice.id).toBe(sale.id);
    // Now the clerk's own limit is 10% again: the counter asks for a supervisor.
    const refused = await shop1
      .as('shop1')('sales.record', {
        lines: [{ variantId: w.variants[0]!, quantity: 1 }],
        discount: Math.floor((await unitPrice()) / 2),
        payments: [{ method: 'cash' }],
      })
      .catch((e: { code?: string }) => e.code);
    expect(refused).toBe('DISCOUNT_OVER_LIMIT');
  });
});

const unitPrice = async () =>
  (await shop1.as('shop1')('catalog.list', {})).find((v) => v.variantId === w.variants[0])?.price ??
  0;
