// Customers' orders on a real database (decision 0034): prices from the customer's list, holds
// decided where the order is taken and shown with their reason, a rep only for their own
// customers, the order's steps and what they reserve, payments, returns and commission.
import { describe, expect, it } from 'vitest';
import { failure } from '../testing/demo';
import { placeCustomerOrder } from './orders';
import { customerBalance } from './state';
import {
  availableAt,
  contextAs,
  deliverByTrip,
  eventCount,
  fieldWorld,
  planTrip,
  reservedAt,
  userIdOf,
} from './testing';

describe('prices and terms', () => {
  it("prices a variant from the customer's list when it has one, else the catalog, with stock", async () => {
    const { w, mine, stocked } = await fieldWorld();
    const admin = w.as('admin');
    const [a, b] = stocked;
    const list = await admin('priceLists.save', {
      name: 'Cafes',
      prices: [{ variantId: a!.variantId, price: a!.price - 100 }],
    });
    await admin('customers.saveTerms', { customerId: mine, priceListId: list.id });
    const prices = await w.as('sales')('field.prices', { customerId: mine });
    const pa = prices.find((p) => p.variantId === a!.variantId)!;
    const pb = prices.find((p) => p.variantId === b!.variantId)!;
    expect(pa).toMatchObject({ price: a!.price - 100, catalogPrice: a!.price, listed: true });
    expect(pb).toMatchObject({ price: b!.price, listed: false, available: b!.available });
    // Saved again with another price, the list's rows follow the field that won.
    await admin('priceLists.save', {
      id: list.id,
      name: 'Cafes',
      prices: [{ variantId: b!.variantId, price: 7 }],
    });
    const again = await w.as('sales')('field.prices', { customerId: mine });
    expect(again.find((p) => p.variantId === a!.variantId)).toMatchObject({ listed: false });
    expect(again.find((p) => p.variantId === b!.variantId)).toMatchObject({ price: 7 });
    const [listed] = await admin('priceLists.list', {});
    expect(listed).toMatchObject({ id: list.id, customers: 1, prices: [{ price: 7 }] });
  });

  it('refuses a rep who is not an active sales rep, and a price list that does not exist', async () => {
    const { w, mine } = await fieldWorld();
    const admin = w.as('admin');
    const notRep = await failure(
      admin('customers.saveTerms', { customerId: mine, repId: userIdOf(w, 'shop1') }),
    );
    expect(notRep).toMatchObject({ code: 'VALIDATION', field: 'repId' });
    const noList = await failure(
      admin('customers.saveTerms', { customerId: mine, priceListId: 'nope' }),
    );
    expect(noList).toMatchObject({ code: 'VALIDATION', field: 'priceListId' });
    const negative = await failure(
      admin('customers.saveTerms', { customerId: mine, creditLimit: -1 }),
    );
    expect(negative).toMatchObject({ code: 'VALIDATION', field: 'creditLimit' });
    // Only an admin sets terms.
    expect(
      await failure(w.as('shop1')('customers.saveTerms', { customerId: mine, creditLimit: 5 })),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('taking an order', () => {
  it("opens a rep's order for their own customer and reserves its goods at the branch", async () => {
    const { w, mine, stocked, repId } = await fieldWorld();
    const [a] = stocked;
    const before = reservedAt(w, w.branch.SH01, a!.variantId);
    const placed = await w.as('sales')('field.placeOrder', {
      customerId: mine,
      lines: [{ variantId: a!.variantId, quantity: 1 }],
    });
    expect(placed).toMatchObject({ status: 'open', holds: [], total: a!.price });
    expect(placed.number).toMatch(/^SH01-C/);
    expect(reservedAt(w, w.branch.SH01, a!.variantId)).toBe(before + 1);
    const [listed] = await w.as('sales')('field.orders', {});
    expect(listed).toMatchObject({ id: placed.orderId, status: 'open', repId, source: 'rep' });
  });

  it("refuses a rep's order for another rep's customer, naming the field, and writes nothing", async () => {
    const { w, other, stocked } = await fieldWorld();
    const events = eventCount(w);
    const refused = await failure(
      w.as('sales')('field.placeOrder', {
        customerId: other,
        lines: [{ variantId: stocked[0]!.variantId, quantity: 1 }],
      }),
    );
    expect(refused).toMatchObject({ code: 'NOT_YOUR_CUSTOMER', field: 'customerId' });
    expect(refused.message).toMatch(/ask the branch/);
    expect(eventCount(w)).toBe(events);
    // The branch's clerk takes it.
    const clerk = await w.as('shop1')('field.placeOrder', {
      customerId: other,
      lines: [{ variantId: stocked[0]!.variantId, quantity: 1 }],
    });
    expect(clerk.status).toBe('open');
  });

  it('holds an order short of stock, or over the credit limit, saying why, and reserves nothing', async () => {
    const { w, mine, stocked } = await fieldWorld();
    const [a, b] = stocked;
    const sales = w.as('sales');
    const short = await sales('field.placeOrder', {
      customerId: mine,
      lines: [{ variantId: a!.variantId, quantity: a!.available + 1 }],
    });
    expect(short).toMatchObject({ status: 'held', holds: ['stock'] });
    expect(availableAt(w, w.branch.SH01, a!.variantId)).toBe(a!.available);
    await w.as('admin')('customers.saveTerms', { customerId: mine, creditLimit: b!.price });
    // The held order counts against the limit: this one goes over it.
    const credit = await sales('field.placeOrder', {
      customerId: mine,
      lines: [{ variantId: b!.variantId, quantity: 1 }],
    });
    expect(credit).toMatchObject({ status: 'held', holds: ['credit'] });
    const both = await sales('field.placeOrder', {
      customerId: mine,
      lines: [{ variantId: b!.variantId, quantity: b!.available + 5 }],
    });
    expect(both.holds).toEqual(['stock', 'credit']);
    const shown = await sales('field.order', { orderId: credit.orderId });
    expect(shown).toMatchObject({ status: 'held', holds: ['credit'] });
    // A clerk approves: open, reserved.
    const approved = await w.as('shop1')('field.approveOrder', { orderId: credit.orderId });
    expect(approved.status).toBe('open');
    expect(availableAt(w, w.branch.SH01, b!.variantId)).toBe(b!.available - 1);
    // A rep may not approve; an open order is not approved again.
    expect(await failure(sales('field.approveOrder', { orderId: short.orderId }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      await failure(w.as('shop1')('field.approveOrder', { orderId: credit.orderId })),
    ).toMatchObject({ code: 'INVALID_STATE', field: 'orderId' });
  });

  it('refuses a line twice, an unknown variant and an empty order, writing nothing', async () => {
    const { w, mine, stocked } = await fieldWorld();
    const events = eventCount(w);
    const sales = w.as('sales');
    const v = stocked[0]!.variantId;
    expect(
      await failure(
        sales('field.placeOrder', {
          customerId: mine,
          lines: [
            { variantId: v, quantity: 1 },
            { variantId: v, quantity: 2 },
          ],
        }),
      ),
    ).toMatchObject({ code: 'VALIDATION', field: 'lines.1.variantId' });
    expect(
      await failure(
        sales('field.placeOrder', { customerId: mine, lines: [{ variantId: 'x', quantity: 1 }] }),
      ),
    ).toMatchObject({ code: 'VALIDATION', field: 'lines.0.variantId' });
    expect(await failure(sales('field.placeOrder', { customerId: mine, lines: [] }))).toMatchObject(
      { code: 'VALIDATION', field: 'lines' },
    );
    expect(
      await failure(
        sales('field.placeOrder', { customerId: 'nobody', lines: [{ variantId: v, quantity: 1 }] }),
      ),
    ).toMatchObject({ code: 'VALIDATION', field: 'customerId' });
    expect(eventCount(w)).toBe(events);
  });
});

describe("a portal request and an order's later steps", () => {
  it('waits as requested until its rep confirms it, then holds or opens it', async () => {
    const { w, mine, other, stocked } = await fieldWorld();
    const [a] = stocked;
    const ctx = contextAs(w, 'customer');
    const asked = w.core.db.sqlite.transaction(() =>
      placeCustomerOrder(
        ctx,
        { customerId: mine, lines: [{ variantId: a!.variantId, quantity: 2 }] },
        'portal',
      ),
    )();
    expect(asked).toMatchObject({ status: 'requested', holds: [] });
    expect(reservedAt(w, w.branch.SH01, a!.variantId)).toBe(0);
    const otherAsked = w.core.db.sqlite.transaction(() =>
      placeCustomerOrder(
        ctx,
        { customerId: other, lines: [{ variantId: a!.variantId, quantity: 1 }] },
        'portal',
      ),
    )();
    // Not the rep's customer: the rep cannot confirm it; the branch can.
    expect(
      await failure(w.as('sales')('field.confirmOrder', { orderId: otherAsked.orderId })),
    ).toMatchObject({ code: 'NOT_YOUR_CUSTOMER', field: 'customerId' });
    const confirmed = await w.as('sales')('field.confirmOrder', { orderId: asked.orderId });
    expect(confirmed).toMatchObject({ status: 'open', holds: [] });
    expect(reservedAt(w, w.branch.SH01, a!.variantId)).toBe(2);
    expect(
      await failure(w.as('sales')('field.confirmOrder', { orderId: asked.orderId })),
    ).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('cancels an open order and releases its goods; not one on a trip', async () => {
    const { w, mine, stocked } = await fieldWorld();
    const [a] = stocked;
    const sales = w.as('sales');
    const one = await sales('field.placeOrder', {
      customerId: mine,
      lines: [{ variantId: a!.variantId, quantity: 3 }],
    });
    await sales('field.cancelOrder', { orderId: one.orderId, reason: 'Changed their mind' });
    expect(reservedAt(w, w.branch.SH01, a!.variantId)).toBe(0);
    expect((await sales('field.order', { orderId: one.orderId })).status).toBe('cancelled');
    const two = await sales('field.placeOrder', {
      customerId: mine,
      lines: [{ variantId: a!.variantId, quantity: 1 }],
    });
    await planTrip(w, w.branch.SH01, [two.orderId]);
    expect((await sales('field.orders', { status: 'on_trip' })).map((o) => o.id)).toEqual([
      two.orderId,
    ]);
    const refused = await failure(
      sales('field.cancelOrder', { orderId: two.orderId, reason: 'x' }),
    );
    expect(refused).toMatchObject({ code: 'INVALID_STATE', field: 'orderId' });
    expect(refused.message).toMatch(/take it off the trip first/);
    expect(reservedAt(w, w.branch.SH01, a!.variantId)).toBe(1);
  });
});

describe("the customer's account", () => {
  it('takes a payment off the balance; a transfer needs its reference', async () => {
    const { w, mine } = await fieldWorld();
    const clerk = w.as('shop1');
    const events = eventCount(w);
    const noRef = await failure(
      clerk('field.recordPayment', { customerId: mine, amount: 500, method: 'bank_transfer' }),
    );
    expect(noRef).toMatchObject({ code: 'VALIDATION', field: 'reference' });
    expect(
      await failure(clerk('field.recordPayment', { customerId: mine, amount: 0, method: 'cash' })),
    ).toMatchObject({ code: 'VALIDATION', field: 'amount' });
    expect(eventCount(w)).toBe(events);
    expect(customerBalance(w.core.db, mine)).toBe(0);
    await clerk('field.recordPayment', { customerId: mine, amount: 500, method: 'cash' });
    await clerk('field.recordPayment', {
      customerId: mine,
      amount: 250,
      method: 'mobile_money',
      reference: 'MM-1',
    });
    const account = await w.as('sales')('field.account', { customerId: mine });
    expect(account.balance).toBe(-750);
    expect(account.rows.map((r) => [r.kind, r.amount, r.method])).toEqual(
      expect.arrayContaining([
        ['payment', -500, 'cash'],
        ['payment', -250, 'mobile_money'],
      ]),
    );
    expect(account.rows.reduce((s, r) => s + r.amount, 0)).toBe(account.balance);
  });
});

describe('goods coming back', () => {
  it('takes back at most what was delivered, crediting the account and undoing the credits when all came back', async () => {
    const { w, mine, stocked, repId } = await fieldWorld();
    const [a, b] = stocked;
    const placed = await w.as('sales')('field.placeOrder', {
      customerId: mine,
      lines: [
        { variantId: a!.variantId, quantity: 2 },
        { variantId: b!.variantId, quantity: 1 },
      ],
    });
    const clerk = w.as('shop1');
    expect(
      await failure(
        clerk('field.returnOrder', {
          orderId: placed.orderId,
          reason: 'Broken',
          lines: [{ lineNo: 1, quantity: 1 }],
        }),
      ),
    ).toMatchObject({ code: 'INVALID_STATE', field: 'orderId' });
    await deliverByTrip(w, placed.orderId, { 1: 2, 2: 0 });
    const balance = customerBalance(w.core.db, mine);
    expect(balance).toBe(2 * a!.price);
    const onHand = availableAt(w, w.branch.SH01, a!.variantId);
    const events = eventCount(w);
    const tooMany = await failure(
      clerk('field.returnOrder', {
        orderId: placed.orderId,
        reason: 'Broken',
        lines: [{ lineNo: 2, quantity: 1 }],
      }),
    );
    expect(tooMany).toMatchObject({ code: 'INVALID_STATE', field: 'lines.0.quantity' });
    expect(eventCount(w)).toBe(events);
    await clerk('field.returnOrder', {
      orderId: placed.orderId,
      reason: 'Broken',
      lines: [{ lineNo: 1, quantity: 1 }],
    });
    expect(customerBalance(w.core.db, mine)).toBe(balance - a!.price);
    expect(availableAt(w, w.branch.SH01, a!.variantId)).toBe(onHand + 1);
    const credits = () =>
      w.core.db.sqlite
        .prepare(
          'SELECT person_id AS p, kind, voids FROM work_credits WHERE ref = ? ORDER BY voids, kind',
        )
        .all(placed.orderId);
    expect(credits()).toHaveLength(2);
    await clerk('field.returnOrder', {
      orderId: placed.orderId,
      reason: 'Broken',
      lines: [{ lineNo: 1, quantity: 1 }],
    });
    expect(credits()).toEqual(
      expect.arrayContaining([
        { p: repId, kind: 'order_delivered', voids: 1 },
        { p: userIdOf(w, 'driver2'), kind: 'delivery', voids: 1 },
      ]),
    );
    const detail = await clerk('field.order', { orderId: placed.orderId });
    expect(detail.status).toBe('delivered');
    expect(detail.lines.map((l) => [l.delivered, l.returnedQty])).toEqual([
      [2, 2],
      [0, 0],
    ]);
    expect(
      await failure(
        clerk('field.returnOrder', {
          orderId: placed.orderId,
          reason: 'Again',
          lines: [{ lineNo: 1, quantity: 1 }],
        }),
      ),
    ).toMatchObject({ code: 'INVALID_STATE', field: 'lines.0.quantity' });
  });
});

describe('commission', () => {
  it("pays the rep's rate on delivered orders the customer's payments settle oldest first", async () => {
    const { w, mine, stocked, repId, later } = await fieldWorld();
    const [a] = stocked;
    const admin = w.as('admin');
    await admin('users.update', { id: repId, commissionBp: 250 });
    const sales = w.as('sales');
    const first = await sales('field.placeOrder', {
      customerId: mine,
      lines: [{ variantId: a!.variantId, quantity: 1 }],
    });
    const second = await sales('field.placeOrder', {
      customerId: mine,
      lines: [{ variantId: a!.variantId, quantity: 2 }],
    });
    await deliverByTrip(w, first.orderId);
    later(1000);
    await deliverByTrip(w, second.orderId);
    // Enough for the first order only.
    await admin('field.recordPayment', { customerId: mine, amount: a!.price + 1, method: 'cash' });
    let [mineOnly] = await sales('field.commission', {});
    expect(mineOnly).toMatchObject({
      repId,
      rateBp: 250,
      deliveredOrders: 2,
      paidOrders: 1,
      paidValue: a!.price,
      commission: Math.floor((a!.price * 250 + 5000) / 10000),
    });
    await admin('field.recordPayment', { customerId: mine, amount: 2 * a!.price, method: 'cash' });
    [mineOnly] = await sales('field.commission', {});
    expect(mineOnly).toMatchObject({ paidOrders: 2, paidValue: 3 * a!.price });
    // A rep sees only their own line.
    expect(await sales('field.commission', { repId: 'someone-else' })).toHaveLength(1);
    // Nothing delivered in a period long ago.
    const [old] = await admin('field.commission', { repId, to: '2000-01-01' });
    expect(old).toMatchObject({ deliveredOrders: 0, commission: 0 });
  });
});

describe("a person's customer and commission", () => {
  it("names a customer only on a customer's sign-in, and a commission only on a rep's", async () => {
    const { w, mine, repId } = await fieldWorld();
    const admin = w.as('admin');
    const customerUser = userIdOf(w, 'customer');
    await admin('users.update', { id: customerUser, customerId: mine });
    expect(
      await failure(admin('users.update', { id: userIdOf(w, 'shop1'), customerId: mine })),
    ).toMatchObject({ code: 'VALIDATION', field: 'customerId' });
    expect(
      await failure(admin('users.update', { id: customerUser, customerId: 'nobody' })),
    ).toMatchObject({ code: 'VALIDATION', field: 'customerId' });
    expect(
      await failure(admin('users.update', { id: customerUser, commissionBp: 100 })),
    ).toMatchObject({ code: 'VALIDATION', field: 'commissionBp' });
    expect(await failure(admin('users.update', { id: repId, commissionBp: 10_001 }))).toMatchObject(
      { code: 'VALIDATION', field: 'commissionBp' },
    );
    await admin('users.update', { id: repId, commissionBp: 300 });
    const users = await admin('users.list', {});
    expect(users.find((u) => u.id === customerUser)).toMatchObject({ customerId: mine });
    expect(users.find((u) => u.id === repId)).toMatchObject({
      commissionBp: 300,
      customerId: null,
    });
    const created = await admin('users.create', {
      username: 'cafe.portal',
      displayName: 'Cafe portal',
      role: 'customer',
      branchId: w.branch.SH01,
      password: 'long enough pw',
      customerId: mine,
    });
    expect((await admin('users.list', {})).find((u) => u.id === created.id)).toMatchObject({
      customerId: mine,
    });
    // Moved to another role, the sign-in lets go of its customer.
    await admin('users.update', { id: created.id, role: 'shop_clerk' });
    expect((await admin('users.list', {})).find((u) => u.id === created.id)).toMatchObject({
      customerId: null,
    });
  });
});

describe("a customer's address and coordinates", () => {
  it('stores decimal degrees as microdegrees, both or neither, and lists them', async () => {
    const { w } = await fieldWorld();
    const clerk = w.as('shop1');
    const made = await clerk('customers.create', {
      name: 'Bole Bakery',
      address: 'Bole Road 12',
      lat: 8.9953461,
      lng: 38.7896239,
    });
    const [found] = await clerk('customers.find', { search: 'Bole Bakery' });
    expect(found).toMatchObject({ address: 'Bole Road 12', lat: 8.995346, lng: 38.789624 });
    expect(await failure(clerk('customers.update', { id: made.id, lat: 9 }))).toMatchObject({
      code: 'VALIDATION',
      field: 'lng',
    });
    expect(
      await failure(clerk('customers.update', { id: made.id, lat: 91, lng: 0 })),
    ).toMatchObject({ code: 'VALIDATION', field: 'lat' });
    const cleared = await clerk('customers.update', { id: made.id, lat: null, lng: null });
    expect(cleared.changed.sort()).toEqual(['latE6', 'lngE6']);
    const [after] = await clerk('customers.find', { search: 'Bole Bakery' });
    expect(after).toMatchObject({ lat: null, lng: null, address: 'Bole Road 12' });
    const list = await w.as('sales')('field.customers', {});
    expect(list.every((c) => c.repId === userIdOf(w, 'sales'))).toBe(true);
  });
});
