// Purchasing across head office and offline PCs (decision 0032): head office's nightly run
// drafts the shop's need once per slot however often it fires; two PCs of the shop receive the
// approved order while offline, and the receipt that goes beyond what was ordered becomes a
// visible conflict, never stock that was not ordered; every replica ends with the same orders
// and the same cost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableHashes } from '../core/db/stateHash';
import { REORDER_LEASE } from './purchasing-nightly';
import { startWorld, type Site, type World } from './testing/world';

let w: World;
let pc1: Site;
let pc2: Site;
beforeAll(async () => {
  w = await startWorld();
  pc1 = await w.enroll('SH01');
  pc2 = await w.enroll('SH01');
});
afterAll(() => w.close());

/** What every replica holds alike of purchasing. */
const purchasingState = (db: Site['core']['db']) => {
  const all = tableHashes(db);
  return [
    'suppliers',
    'supplier_items',
    'reorder_rules',
    'purchase_orders',
    'purchase_order_lines',
    'purchase_receipt_lines',
    'variant_costs',
    'conflicts',
  ].map((t) => [t, all[t]]);
};

describe('purchasing across offline PCs', () => {
  it('drafts once per slot, and two offline receipts beyond the order end as a conflict', async () => {
    const variantId = w.variants[0]!;
    const supplier = await w.admin('suppliers.save', {
      name: 'Awash Cotton',
      currencyCode: 'ETB',
      leadTimeDays: 0,
    });
    await w.admin('supplierItems.save', {
      supplierId: supplier.id,
      variantId,
      price: 4_000,
      packSize: 12,
    });
    await w.admin('reorderRules.save', { branchId: w.branch.SH01, variantId, min: 10, max: 40 });
    await pc1.as('shop1')('stock.adjust', { variantId, quantity: 5, reason: 'count' });
    await pc1.engine.sync();
    await w.server.replica.catchUp();

    const slot = Date.now();
    await w.server.purchasing.reorder.run(slot);
    await w.server.purchasing.reorder.run(slot); // fired again: done already
    const lease = (await w.server.hub.store.leases.all()).find((l) => l.name === REORDER_LEASE);
    expect(lease?.doneSlot).toBe(slot);
    // A later slot, no one having acted: the need is on order already.
    await w.server.purchasing.reorder.run(slot + 86_400_000);
    const drafts = await w.admin('purchases.list', {});
    expect(drafts).toHaveLength(1);
    const orderId = drafts[0]!.id;
    expect((await w.admin('purchases.get', { id: orderId })).lines).toMatchObject([
      { quantity: 36, why: { onHand: 5, target: 40 } },
    ]);
    await w.admin('purchases.approve', { id: orderId });

    for (const pc of [pc1, pc2]) await pc.engine.sync();
    // Both PCs, offline, receive 30 of the 36.
    for (const pc of [pc1, pc2])
      await pc.as('shop1')('purchases.receive', {
        id: orderId,
        lines: [{ lineNo: 1, quantity: 30 }],
      });
    for (let round = 0; round < 2; round++) for (const pc of [pc1, pc2]) await pc.engine.sync();
    await w.server.replica.catchUp();

    const order = await w.admin('purchases.get', { id: orderId });
    expect(order).toMatchObject({ status: 'partly_received' });
    expect(order.lines[0]?.received).toBe(30);
    const conflicts = await w.admin('conflicts.list', {});
    expect(conflicts.map((c) => c.code)).toContain('RECEIPT_EXCEEDS_ORDER');
    for (const pc of [pc1, pc2]) {
      const stock = await pc.as('shop1')('stock.balance', { branchId: w.branch.SH01, variantId });
      expect(stock.onHand).toBe(35);
    }
    const ho = purchasingState(w.server.replica.core.db);
    expect(purchasingState(pc1.core.db)).toEqual(ho);
    expect(purchasingState(pc2.core.db)).toEqual(ho);
    const cost = w.server.replica.core.db.sqlite
      .prepare(`SELECT cost FROM variant_costs WHERE variant_id = ?`)
      .pluck()
      .get(variantId);
    expect(cost).toBe(4_000);
  });

  it('refuses a shop PC that drafts or approves an order itself', async () => {
    const supplierId = (await w.admin('suppliers.list', {}))[0]!.id;
    const refused = await pc1
      .as('shop1')('purchases.draft', {
        supplierId,
        branchId: w.branch.SH01,
        lines: [{ variantId: w.variants[0]!, quantity: 1 }],
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(refused).toMatchObject({ code: 'FORBIDDEN' });
  });
});
