// Purchasing on a real database (decision 0032): suppliers and their items, each rule a refusal
// names its field for, approval by two people above the limit, receipts within the tolerance
// into the stock ledger, and the variant's cost following what was received.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRow } from '../db/rows';
import { stateHash } from '../db/stateHash';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { COST_WINDOW_MS } from './costs';

async function world(options: { approvalLimit?: number; toleranceBp?: number } = {}) {
  const w = await openDemo();
  const admin = w.as('admin');
  await admin('purchasing.saveSettings', options);
  const supplier = await admin('suppliers.save', {
    name: 'Awash Cotton',
    currencyCode: 'ETB',
    leadTimeDays: 5,
  });
  const tee = w.variant['TS-WHT-M']!;
  const item = await admin('supplierItems.save', {
    supplierId: supplier.id,
    variantId: tee,
    supplierCode: 'AW-100',
    price: 9_000,
    packSize: 12,
  });
  return { w, admin, supplierId: supplier.id, itemId: item.id, tee };
}

const number = z.object({ n: z.number().int() });
const sql = (w: DemoWorld, text: string, ...args: unknown[]): number =>
  parseRow(number, w.core.db.sqlite.prepare(text).get(...args))?.n ?? Number.NaN;

const count = (w: DemoWorld, table: string): number => sql(w, `SELECT count(*) AS n FROM ${table}`);

const onHand = async (w: DemoWorld, branchId: string, variantId: string) =>
  (await w.as('admin')('stock.balance', { branchId, variantId })).onHand;

async function approved(
  w: DemoWorld,
  supplierId: string,
  variantId: string,
  quantity: number,
  price?: number,
) {
  const admin = w.as('admin');
  const { id } = await admin('purchases.draft', {
    supplierId,
    branchId: w.branch.SH01!,
    lines: [{ variantId, quantity, ...(price !== undefined && { price }) }],
  });
  await admin('purchases.approve', { id });
  return id;
}

describe('suppliers and their items', () => {
  it('refuses an item without a price, naming the field, with nothing written', async () => {
    const { w, admin, supplierId } = await world();
    const before = count(w, 'events');
    const refused = await failure(
      admin('supplierItems.save', { supplierId, variantId: w.variant['CUP-SML']! }),
    );
    expect(refused).toMatchObject({ code: 'SUPPLIER_ITEM_UNPRICED', field: 'price' });
    expect(count(w, 'events')).toBe(before);
  });

  it('names the field of a bad currency, email, lead time or rule, and writes nothing', async () => {
    const { w, admin, tee } = await world();
    const before = count(w, 'events');
    const bad = [
      [{ name: 'X', currencyCode: 'XX', leadTimeDays: 1 }, 'currencyCode'],
      [{ name: 'X', currencyCode: 'USD', leadTimeDays: 1, email: 'nope' }, 'email'],
      [{ name: 'X', currencyCode: 'USD', leadTimeDays: -1 }, 'leadTimeDays'],
    ] as const;
    for (const [input, field] of bad)
      expect(await failure(admin('suppliers.save', input))).toMatchObject({
        code: 'VALIDATION',
        field,
      });
    const rule = { branchId: w.branch.SH01!, variantId: tee, min: 10 };
    expect(await failure(admin('reorderRules.save', rule))).toMatchObject({ field: 'max' });
    expect(
      await failure(admin('reorderRules.save', { ...rule, max: 20, daysOfCover: 7 })),
    ).toMatchObject({ field: 'max' });
    expect(await failure(admin('reorderRules.save', { ...rule, max: 5 }))).toMatchObject({
      field: 'max',
    });
    expect(count(w, 'events')).toBe(before);
  });

  it('keeps every price an item had, newest first', async () => {
    const { admin, supplierId, itemId, tee } = await world();
    const item = { id: itemId, supplierId, variantId: tee, packSize: 12 };
    await admin('supplierItems.save', { ...item, price: 9_500 });
    await admin('supplierItems.save', { ...item, price: 9_500, supplierCode: 'AW-101' });
    await admin('supplierItems.save', { ...item, price: 9_200 });
    const prices = await admin('supplierItems.prices', { itemId });
    expect(prices.map((p) => p.price)).toEqual([9_200, 9_500, 9_000]);
  });

  it('is head office’s: a shop clerk may neither add a supplier nor see one’s terms change', async () => {
    const { w } = await world();
    expect(
      await failure(
        w.as('shop1')('suppliers.save', { name: 'X', currencyCode: 'ETB', leadTimeDays: 1 }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('drafting a purchase order', () => {
  it('refuses head office as the receiving branch, and an item on two lines, with nothing written', async () => {
    const { w, admin, supplierId, tee } = await world();
    const draft = {
      supplierId,
      branchId: w.branch.SH01!,
      lines: [{ variantId: tee, quantity: 12 }],
    };
    const before = stateHash(w.core.db);
    expect(
      await failure(admin('purchases.draft', { ...draft, branchId: w.branch.HQ! })),
    ).toMatchObject({
      code: 'VALIDATION',
      field: 'branchId',
      message:
        'branchId: is Head Office, a head office, not a factory or shop; choose a factory or shop',
    });
    const twice = {
      ...draft,
      lines: [
        { variantId: tee, quantity: 12 },
        { variantId: tee, quantity: 24 },
      ],
    };
    const message =
      'lines.1.variantId: is already on another line of this order; add the quantities up into one line';
    expect(await failure(admin('purchases.draft', twice))).toMatchObject({
      code: 'VALIDATION',
      field: 'lines.1.variantId',
      message,
    });
    expect(stateHash(w.core.db)).toBe(before);
    // A revision is priced by the same code, so it refuses the same.
    const { id } = await admin('purchases.draft', draft);
    const drafted = stateHash(w.core.db);
    expect(await failure(admin('purchases.revise', { id, lines: twice.lines }))).toMatchObject({
      field: 'lines.1.variantId',
      message,
    });
    expect(stateHash(w.core.db)).toBe(drafted);
  });
});

describe('approving a purchase order', () => {
  it('below the limit: one approval gives it a number', async () => {
    const { w, supplierId, tee } = await world({ approvalLimit: 1_000_000 });
    const id = await approved(w, supplierId, tee, 24);
    const order = await w.as('admin')('purchases.get', { id });
    expect(order).toMatchObject({ status: 'approved', total: 24 * 9_000 });
    expect(order.number).toMatch(/^SH01-P.+-000001$/);
  });

  it('above the limit: a second person must approve, never the one who edited or approved', async () => {
    const { w, admin, supplierId, tee } = await world({ approvalLimit: 100_000 });
    const { id } = await admin('purchases.draft', {
      supplierId,
      branchId: w.branch.SH01!,
      lines: [{ variantId: tee, quantity: 24 }],
    });
    expect(await admin('purchases.approve', { id })).toMatchObject({
      awaitingSecond: true,
      number: null,
    });
    expect(await failure(admin('purchases.approve', { id }))).toMatchObject({
      code: 'OWN_APPROVAL',
    });
    // A revision undoes the first approval; finance, who revised it, may not give the second.
    await w.as('finance')('purchases.revise', { id, lines: [{ variantId: tee, quantity: 36 }] });
    expect((await admin('purchases.get', { id })).status).toBe('draft');
    await admin('purchases.approve', { id });
    expect(await failure(w.as('finance')('purchases.approve', { id }))).toMatchObject({
      code: 'OWN_APPROVAL',
    });
    const other = await admin('users.create', {
      username: 'purchaser2',
      displayName: 'Second Approver',
      role: 'finance',
      branchId: w.branch.HQ ?? w.branch.FAC!,
      password: 'purchase-2-pass',
    });
    expect(other.id).toBeTruthy();
    const { token } = await w.core.call('auth.login', {
      username: 'purchaser2',
      password: 'purchase-2-pass',
    });
    const done = await w.core.call('purchases.approve', { id }, token);
    expect(done.number).toMatch(/^SH01-P/);
    const order = await admin('purchases.get', { id });
    expect(order.status).toBe('approved');
    expect(order.timeline.map((t) => t.step)).toEqual([
      'drafted',
      'first_approval',
      'revised',
      'first_approval',
      'approved',
    ]);
  });

  it('with the limit cleared, one approval is enough again', async () => {
    const { w, admin, supplierId, tee } = await world({ approvalLimit: 1 });
    await admin('purchasing.saveSettings', { approvalLimit: null });
    expect((await admin('purchasing.settings', {})).approvalLimit).toBeNull();
    const id = await approved(w, supplierId, tee, 24);
    expect((await admin('purchases.get', { id })).status).toBe('approved');
  });

  it('needs the exchange rate of a supplier in another currency, and keeps the total in both', async () => {
    const { w, admin, tee } = await world();
    const usd = await admin('suppliers.save', {
      name: 'Cotton Inc',
      currencyCode: 'USD',
      leadTimeDays: 30,
    });
    const draft = {
      supplierId: usd.id,
      branchId: w.branch.SH01!,
      lines: [{ variantId: tee, quantity: 10, price: 150 }],
    };
    expect(await failure(admin('purchases.draft', draft))).toMatchObject({
      code: 'RATE_REQUIRED',
      field: 'rate',
    });
    expect(await failure(admin('purchases.draft', { ...draft, rate: '-3' }))).toMatchObject({
      code: 'VALIDATION',
      field: 'rate',
    });
    // More than an order's event can hold (decision 0039): in dollars, or in birr at the rate.
    for (const [line, rate] of [
      [{ quantity: 10_000_000, price: 1_000_000_000 }, '1'],
      [{ quantity: 1_000_000, price: 100_000_000 }, '56.25'],
    ] as const)
      expect(
        await failure(
          admin('purchases.draft', { ...draft, lines: [{ variantId: tee, ...line }], rate }),
        ),
      ).toMatchObject({ code: 'VALIDATION', field: 'lines', message: /more than can be recorded/ });
    const { id } = await admin('purchases.draft', { ...draft, rate: '56.25' });
    // 10 × $1.50 = $15.00 = 843.75 ETB.
    expect(await admin('purchases.get', { id })).toMatchObject({
      total: 1_500,
      totalCompany: 84_375,
      rate: '56.25',
    });
  });
});

describe('exchange rates head office keeps', () => {
  it('price an order entered without a rate, and are refused for the company’s own currency', async () => {
    const { w, admin, tee } = await world();
    expect(
      await failure(admin('purchasing.saveRate', { currencyCode: 'ETB', rate: '1' })),
    ).toMatchObject({ field: 'currencyCode' });
    expect(
      await failure(admin('purchasing.saveRate', { currencyCode: 'USD', rate: 'abc' })),
    ).toMatchObject({ field: 'rate' });
    await admin('purchasing.saveRate', { currencyCode: 'usd', rate: '56.25' });
    expect(await admin('purchasing.rates', {})).toEqual([{ currencyCode: 'USD', rate: '56.25' }]);
    const usd = await admin('suppliers.save', { name: 'US', currencyCode: 'USD', leadTimeDays: 9 });
    const { id } = await admin('purchases.draft', {
      supplierId: usd.id,
      branchId: w.branch.SH01,
      lines: [{ variantId: tee, quantity: 10, price: 150 }],
    });
    expect(await admin('purchases.get', { id })).toMatchObject({
      rate: '56.25',
      totalCompany: 84_375,
    });
  });

  it('leave a nightly draft in a currency with no rate unapprovable until one is entered', async () => {
    const { w, admin, tee } = await world();
    const usd = await admin('suppliers.save', { name: 'US', currencyCode: 'USD', leadTimeDays: 1 });
    await admin('supplierItems.save', { supplierId: usd.id, variantId: tee, price: 100 });
    await admin('reorderRules.save', {
      branchId: w.branch.SH01,
      variantId: tee,
      min: 1_000_000,
      max: 1_000_000,
      supplierId: usd.id,
    });
    await admin('purchasing.run', {});
    const [draft] = await admin('purchases.list', {});
    expect(draft).toMatchObject({ currencyCode: 'USD', rate: null, totalCompany: 0 });
    expect(await failure(admin('purchases.approve', { id: draft!.id }))).toMatchObject({
      code: 'RATE_REQUIRED',
      field: 'rate',
    });
    const lines = (await admin('purchases.get', { id: draft!.id })).lines;
    await admin('purchases.revise', {
      id: draft!.id,
      rate: '56.25',
      lines: lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    });
    expect(await admin('purchases.approve', { id: draft!.id })).toMatchObject({
      awaitingSecond: false,
    });
  });
});

describe('receiving a purchase order', () => {
  it('takes part, then the rest, into the ledger; refuses beyond the tolerance with nothing written', async () => {
    const { w, supplierId, tee } = await world({ toleranceBp: 500 });
    const shop = w.as('shop1');
    const SH01 = w.branch.SH01!;
    const id = await approved(w, supplierId, tee, 40);
    const start = await onHand(w, SH01, tee);
    await shop('purchases.receive', { id, lines: [{ lineNo: 1, quantity: 15 }] });
    expect((await shop('purchases.get', { id })).status).toBe('partly_received');
    expect(await onHand(w, SH01, tee)).toBe(start + 15);
    // 40 ordered + 5% = 42: 27 more may come, not 28.
    const events = count(w, 'events');
    const over = await failure(
      shop('purchases.receive', { id, lines: [{ lineNo: 1, quantity: 28 }] }),
    );
    expect(over).toMatchObject({
      code: 'RECEIPT_EXCEEDS_ORDER',
      field: 'lines.0.quantity',
      details: { allowed: 27 },
    });
    expect(count(w, 'events')).toBe(events);
    expect(await onHand(w, SH01, tee)).toBe(start + 15);
    // Rejected goods need a reason, and do not enter stock.
    expect(
      await failure(
        shop('purchases.receive', { id, lines: [{ lineNo: 1, quantity: 0, rejected: 2 }] }),
      ),
    ).toMatchObject({ field: 'lines.0.note' });
    // Rejected units came too: with the good ones they may not go beyond what may still come.
    const rejectedOver = await failure(
      shop('purchases.receive', {
        id,
        lines: [{ lineNo: 1, quantity: 26, rejected: 2, note: 'two torn' }],
      }),
    );
    expect(rejectedOver).toMatchObject({
      code: 'RECEIPT_EXCEEDS_ORDER',
      field: 'lines.0.rejected',
      message:
        'lines.0.rejected: 26 received and 2 rejected come to 28, which is more than the 27 of TS-WHT-M that may still be received (40 ordered, 15 received, 5% tolerance); count again, and reject only units that came.',
      details: { allowed: 27 },
    });
    expect(count(w, 'events')).toBe(events);
    await shop('purchases.receive', {
      id,
      lines: [{ lineNo: 1, quantity: 25, rejected: 2, note: 'two torn' }],
    });
    const order = await shop('purchases.get', { id });
    expect(order.status).toBe('received');
    expect(order.lines[0]).toMatchObject({ quantity: 40, received: 40 });
    expect(order.receipts).toMatchObject([
      { lineNo: 1, quantity: 15, rejected: 0, note: null },
      { lineNo: 1, quantity: 25, rejected: 2, note: 'two torn' },
    ]);
    expect(await onHand(w, SH01, tee)).toBe(start + 40);
  });

  it('bounds rejected units by what may still come, with nothing written', async () => {
    const { w, supplierId, tee } = await world();
    const id = await approved(w, supplierId, tee, 10);
    const before = stateHash(w.core.db);
    const refused = await failure(
      w.as('shop1')('purchases.receive', {
        id,
        lines: [{ lineNo: 1, quantity: 0, rejected: 10_000_000, note: 'bad' }],
      }),
    );
    expect(refused).toMatchObject({
      code: 'RECEIPT_EXCEEDS_ORDER',
      field: 'lines.0.rejected',
      message:
        'lines.0.rejected: 0 received and 10000000 rejected come to 10000000, which is more than the 10 of TS-WHT-M that may still be received (10 ordered, 0 received); count again, and reject only units that came.',
      details: { allowed: 10 },
    });
    expect(stateHash(w.core.db)).toBe(before);
    // All of it refused is still a receipt.
    await w.as('shop1')('purchases.receive', {
      id,
      lines: [{ lineNo: 1, quantity: 0, rejected: 10, note: 'all wet' }],
    });
    expect((await w.as('shop1')('purchases.get', { id })).receipts).toMatchObject([
      { lineNo: 1, quantity: 0, rejected: 10 },
    ]);
  });

  it('is only for the branch the goods are for', async () => {
    const { w, supplierId, tee } = await world();
    const id = await approved(w, supplierId, tee, 12);
    expect(
      await failure(
        w.as('shop2')('purchases.receive', { id, lines: [{ lineNo: 1, quantity: 1 }] }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('moves the cost to the average of what was received, in the company’s currency', async () => {
    const { w, admin, supplierId, tee } = await world();
    const shop = w.as('shop1');
    const first = await approved(w, supplierId, tee, 10, 8_000);
    await shop('purchases.receive', { id: first, lines: [{ lineNo: 1, quantity: 10 }] });
    const second = await approved(w, supplierId, tee, 30, 9_000);
    await shop('purchases.receive', { id: second, lines: [{ lineNo: 1, quantity: 30 }] });
    const cost = () => ({
      cost: sql(w, `SELECT cost AS n FROM variant_costs WHERE variant_id = ?`, tee),
    });
    // (10 × 80.00 + 30 × 90.00) / 40 = 87.50
    expect(cost().cost).toBe(8_750);
    // A supplier in US dollars at 56.25: $2.00 is 112.50 ETB. (40 × 8750 + 20 × 11250) / 60.
    const usd = await admin('suppliers.save', { name: 'US', currencyCode: 'USD', leadTimeDays: 9 });
    const { id } = await admin('purchases.draft', {
      supplierId: usd.id,
      branchId: w.branch.SH01!,
      rate: '56.25',
      lines: [{ variantId: tee, quantity: 20, price: 200 }],
    });
    await admin('purchases.approve', { id });
    await shop('purchases.receive', { id, lines: [{ lineNo: 1, quantity: 20 }] });
    const moved = Math.round((40 * 8_750 + 20 * 11_250) / 60);
    expect(cost().cost).toBe(moved);
    expect(COST_WINDOW_MS).toBeGreaterThan(0);
    // The catalog's margin follows it; the admin's cost stays as set, the receipts are its history.
    const history = await admin('purchasing.costHistory', { variantId: tee });
    expect(history).toMatchObject({ cost: moved, receivedCost: moved, receivedQuantity: 60 });
    expect(history.receipts.map((r) => [r.quantity, r.unitCost])).toEqual([
      [20, 11_250],
      [30, 9_000],
      [10, 8_000],
    ]);
    const [row] = await admin('catalog.list', { search: 'TS-WHT-M' });
    expect(row).toMatchObject({ receivedCost: moved, cost: history.standardCost });
    expect(row?.margin).toBe((row?.price ?? 0) - moved);
  });

  it('closed short, what was not delivered stops counting as on order', async () => {
    const { w, admin, supplierId, tee } = await world();
    const id = await approved(w, supplierId, tee, 24);
    await w.as('shop1')('purchases.receive', { id, lines: [{ lineNo: 1, quantity: 10 }] });
    const open = () => ({
      n: sql(
        w,
        `SELECT coalesce(sum(l.quantity - l.received), 0) AS n FROM purchase_order_lines l
         JOIN purchase_orders o ON o.id = l.order_id WHERE o.status NOT IN ('closed', 'received')`,
      ),
    });
    expect(open().n).toBe(14);
    expect(await failure(admin('purchases.close', { id, reason: ' ' }))).toMatchObject({
      field: 'reason',
    });
    await admin('purchases.close', { id, reason: 'supplier out of stock' });
    expect(open().n).toBe(0);
    expect(
      await failure(
        w.as('shop1')('purchases.receive', { id, lines: [{ lineNo: 1, quantity: 1 }] }),
      ),
    ).toMatchObject({ code: 'INVALID_STATE' });
  });
});
