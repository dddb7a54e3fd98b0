// Head office judges each event a branch PC pushes by what that branch's people could do at the
// event's time; a refused event is applied nowhere, and the PC takes it back and says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerMismatches } from '../core/db/stateHash';
import { openIssues } from '../core/sync/services';
import { differenceFromFreshFold } from './testing/fold';
import { placeWithSlip, startWorld, type Site, type World } from './testing/world';

let w: World;
let shop: Site;
let clerkId: string;
beforeAll(async () => {
  w = await startWorld();
  shop = await w.enroll('SH01');
  clerkId = (await w.admin('users.list', {})).find((u) => u.username === 'shop1')!.id;
  await shop.as('shop1')('stock.adjust', {
    variantId: w.variants[0]!,
    quantity: 20,
    reason: 'opening count',
  });
  await shop.engine.sync();
}, 60_000);
afterAll(() => w.close());

const onHand = async (site: Site) =>
  (
    await site.as('shop1')('stock.balance', {
      branchId: w.branch.SH01,
      variantId: w.variants[0]!,
    })
  ).onHand;

describe('authority at head office', () => {
  it('refuses a sale made offline after head office withdrew the clerk role, and the PC takes it back', async () => {
    const before = await onHand(shop);
    await w.admin('users.update', { id: clerkId, role: 'driver' });
    // The PC has not heard of it: the clerk sells offline.
    const sale = await shop.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: w.variants[0]!, quantity: 2 }],
    });
    expect(await onHand(shop)).toBe(before - 2);
    const report = await shop.engine.sync();
    expect(report.refused).toBe(1);
    expect(await onHand(shop)).toBe(before);
    const shown = openIssues(shop.core.db).refused;
    expect(shown).toMatchObject([{ type: 'sale.recorded', code: 'NOT_PERMITTED' }]);
    expect(shown[0]!.message).toMatch(/was a driver at that time/);
    expect(
      shop.core.db.sqlite.prepare('SELECT count(*) AS n FROM sales WHERE id = ?').get(sale.id),
    ).toEqual({ n: 0 });
    await w.server.replica.catchUp();
    const state = await w.admin('devices.syncState', {});
    expect(state.refusals).toMatchObject([
      { type: 'sale.recorded', code: 'NOT_PERMITTED', branchId: w.branch.SH01 },
    ]);
    expect(ledgerMismatches(shop.core.db)).toEqual([]);
    expect(await differenceFromFreshFold(shop.core.db, w.base, shop.token, w.branch.SH01)).toEqual(
      [],
    );
    await w.admin('users.update', { id: clerkId, role: 'shop_clerk' });
  });

  it('accepts a sale made before the role was withdrawn, even when it arrives after', async () => {
    await shop.engine.sync();
    const before = await onHand(shop);
    await shop.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: w.variants[0]!, quantity: 1 }],
    });
    await new Promise((r) => setTimeout(r, 5));
    await w.admin('users.update', { id: clerkId, role: 'driver' });
    const report = await shop.engine.sync();
    expect(report.refused).toBe(0);
    expect(await onHand(shop)).toBe(before - 1);
    await w.admin('users.update', { id: clerkId, role: 'shop_clerk' });
    await shop.engine.sync();
  });

  it('refuses head-office steps from a branch PC before they are made, with a clear message', async () => {
    const admin = await shop.login('admin');
    await expect(
      shop.core.call('catalog.updateVariant', { id: w.variants[0]!, price: 1 }, admin),
    ).rejects.toMatchObject({ code: 'HEAD_OFFICE_ONLY', message: /head office's console/ });
  });

  it("tells the UI an admin's own steps do not count at a branch PC, and points to the console", async () => {
    const admin = await shop.login('admin');
    const here = await shop.core.call('auth.me', {}, admin);
    expect(here.may).toContain('orders.cancel');
    expect(here.adminSteps).toBe(false);
    expect((await w.admin('auth.me', {})).adminSteps).toBe(true);

    const placed = await placeWithSlip(shop, 'shop1', w.variants[0]!);
    await shop.engine.sync();
    await w.admin('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
    await shop.engine.sync();
    await expect(
      shop.core.call('orders.cancel', { orderId: placed.id, reason: 'refund' }, admin),
    ).rejects.toMatchObject({ code: 'INVALID_STATE', message: /from the head-office console/ });
  });
});
