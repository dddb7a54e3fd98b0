// Archived branches, products and variants leave the counter, the pickers and the lists, and stay
// in history (decision 0024).
import { describe, expect, it } from 'vitest';
import { failure, openDemo } from '../testing/demo';

describe('an archived variant', () => {
  it('is gone from the counter, the catalog list, the stock list and new orders, and restored as it was', async () => {
    const w = await openDemo();
    const admin = w.as('admin');
    const shop = w.as('shop1');
    const id = w.variant['TS-WHT-M']!;
    const placed = await shop('orders.place', { lines: [{ variantId: id, quantity: 1 }] });
    await admin('catalog.updateVariant', { id, active: false });

    const scanned = await failure(shop('catalog.findByCode', { code: 'TS-WHT-M' }));
    expect(scanned).toMatchObject({ code: 'NOT_FOUND', field: 'code' });
    expect(scanned.message).toContain('archived');
    expect((await shop('catalog.list', { limit: 500 })).map((r) => r.variantId)).not.toContain(id);
    const all = await admin('catalog.list', { includeInactive: true, limit: 500 });
    expect(all.find((r) => r.variantId === id)?.active).toBe(false);
    const stock = await shop('stock.list', { branchId: w.branch.SH01, limit: 500 });
    expect(stock.map((r) => r.variantId)).not.toContain(id);
    const ordered = await failure(
      shop('orders.place', { lines: [{ variantId: id, quantity: 1 }] }),
    );
    expect(ordered.code).not.toBe('NONE');

    // History keeps its name.
    const old = await shop('orders.get', { orderId: placed.id });
    expect(JSON.stringify(old)).toContain('TS-WHT-M');

    await admin('catalog.updateVariant', { id, active: true });
    expect((await shop('catalog.findByCode', { code: 'TS-WHT-M' })).variantId).toBe(id);
  });

  it('follows its product: archiving the product hides every variant', async () => {
    const w = await openDemo();
    const admin = w.as('admin');
    const row = await w.as('shop1')('catalog.findByCode', { code: 'CUP-SML' });
    await admin('catalog.updateProduct', { id: row.productId, active: false });
    const listed = await w.as('shop1')('catalog.list', { limit: 500 });
    expect(listed.some((r) => r.productId === row.productId)).toBe(false);
    expect(
      (await failure(w.as('shop1')('catalog.findByCode', { code: 'CUP-LRG' }))).message,
    ).toContain('archived');
  });
});

describe('an archived branch', () => {
  it('is left out of branch pickers, listed for the admin to restore', async () => {
    const w = await openDemo();
    const admin = w.as('admin');
    const { id } = await admin('branches.create', {
      code: 'SH09',
      name: 'Old market',
      kind: 'shop',
    });
    await admin('branches.update', { id, active: false });
    expect((await w.as('shop1')('branches.list', {})).map((b) => b.id)).not.toContain(id);
    expect((await admin('branches.list', { kind: 'shop' })).map((b) => b.id)).not.toContain(id);
    const all = await admin('branches.list', { includeArchived: true });
    expect(all.find((b) => b.id === id)).toMatchObject({ active: 0, name: 'Old market' });
    await admin('branches.update', { id, active: true, name: 'New market' });
    expect((await admin('branches.list', {})).find((b) => b.id === id)?.name).toBe('New market');
  });

  it('is refused while the books show stock there, saying to move or count it first', async () => {
    const w = await openDemo();
    const e = await failure(w.as('admin')('branches.update', { id: w.branch.SH01, active: false }));
    expect(e).toMatchObject({ code: 'INVALID_STATE', field: 'active' });
    expect(e.message).toContain('transfer it or count it to zero');
    expect(
      (await w.as('admin')('branches.list', {})).find((b) => b.id === w.branch.SH01)?.active,
    ).toBe(1);
  });

  it('cannot be the branch of the PC itself', async () => {
    const w = await openDemo();
    const e = await failure(w.as('admin')('branches.update', { id: w.branch.HQ, active: false }));
    expect(e.message).toContain('this PC works for');
  });
});
