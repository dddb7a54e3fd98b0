// The portal's operations on a real database (decision 0034): the customer is always the
// signed-in user's, every read shows only that customer's rows, and nothing works while head
// office says the portal is off. Over HTTP at a real head office: sync-server/portal/portal.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import type { OperationName } from '../contract/api';
import { DEMO_PASSWORD } from '../demo/seed';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { MAX_WAITING_REQUESTS } from './orders';
import type { PortalStatus } from './service';

let w: DemoWorld | undefined;
afterEach(() => w?.core.close());

/** A demo PC whose host says the portal is on (or off, as `status` says). */
async function world(status: () => PortalStatus = () => ({ on: true })) {
  w = await openDemo({ services: { portal: { status } } });
  return w;
}

/** A customer of SH01 with a portal sign-in; calls as that customer. */
async function customer(w: DemoWorld, name: string) {
  const c = await w.as('admin')('customers.create', { branchId: w.branch.SH01, name });
  const username = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  await w.as('admin')('users.create', {
    username,
    displayName: name,
    role: 'customer',
    branchId: w.branch.SH01,
    password: DEMO_PASSWORD,
    customerId: c.id,
  });
  const { token } = await w.core.call('auth.login', { username, password: DEMO_PASSWORD });
  const as = (op: OperationName, input: unknown) => w.core.callRaw(op, input, token);
  return { id: c.id, as };
}

// A real PNG for the signature (the note draws it): 1×1 RGB, its chunks with their CRCs.
const png =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

/** A seeded PRNG (mulberry32), so a failing case can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Placed {
  orderId: string;
  status: string;
  total: number;
}
interface Summary {
  id: string;
  status: string;
  total: number;
}

describe('the portal', () => {
  it('refuses everything but its status while head office says it is off', async () => {
    const reason = 'The customer portal is off: because the test says so.';
    const w = await world(() => ({ on: false, reason }));
    const a = await customer(w, 'Cafe Alpha');
    expect(await a.as('portal.status', {})).toEqual({ on: false, reason });
    for (const op of ['portal.catalog', 'portal.orders', 'portal.account'] as const) {
      const e = await failure(a.as(op, {}));
      expect(e).toMatchObject({ message: reason, details: { portal: 'PORTAL_OFF' } });
    }
    const e = await failure(
      a.as('portal.placeOrder', { lines: [{ variantId: w.variant['TS-WHT-M'], quantity: 1 }] }),
    );
    expect(e.details['portal']).toBe('PORTAL_OFF');
  });

  it('is off on a PC without a portal service, and says where it is', async () => {
    w = await openDemo();
    const status = (await w.core.call('portal.status', {})) as PortalStatus;
    expect(status.on).toBe(false);
    expect(status.reason).toMatch(/head office/);
  });

  it('is for customers only, and only for a sign-in linked to a customer', async () => {
    const w = await world();
    expect((await failure(w.as('admin')('portal.orders', {}))).code).toBe('FORBIDDEN');
    expect((await failure(w.as('shop1')('portal.orders', {}))).code).toBe('FORBIDDEN');
    // A customer's sign-in that names no customer (yet).
    await w.as('admin')('users.create', {
      username: 'nobody',
      displayName: 'Not linked',
      role: 'customer',
      branchId: w.branch.SH01,
      password: DEMO_PASSWORD,
    });
    const { token } = await w.core.call('auth.login', {
      username: 'nobody',
      password: DEMO_PASSWORD,
    });
    const e = await failure(w.core.callRaw('portal.orders', {}, token));
    expect(e.code).toBe('INVALID_STATE');
    expect(e.message).toMatch(/not linked to a customer/);
  });

  it('takes at most ten requests nobody has confirmed yet, and another once the shop confirms one', async () => {
    const w = await world();
    const a = await customer(w, 'Cafe Alpha');
    const b = await customer(w, 'Bistro Beta');
    const lines = [{ variantId: w.variant['TS-WHT-M'], quantity: 1 }];
    const placed: Placed[] = [];
    for (let i = 0; i < MAX_WAITING_REQUESTS; i++)
      placed.push((await a.as('portal.placeOrder', { lines })) as Placed);
    const refused = await failure(a.as('portal.placeOrder', { lines }));
    expect(refused.code).toBe('INVALID_STATE');
    expect(refused.message).toMatch(/10 orders waiting for the shop to confirm them/);
    expect((await a.as('portal.orders', {})) as Summary[]).toHaveLength(MAX_WAITING_REQUESTS);
    // Another customer is not held back by it.
    expect(((await b.as('portal.placeOrder', { lines })) as Placed).status).toBe('requested');
    // Once the shop confirms one, one more may be asked for.
    await w.as('shop1')('field.confirmOrder', { orderId: placed[0]!.orderId });
    expect(((await a.as('portal.placeOrder', { lines })) as Placed).status).toBe('requested');
    expect((await failure(a.as('portal.placeOrder', { lines }))).code).toBe('INVALID_STATE');
  });

  it('shows each customer their own orders and account, and no one else’s (property)', async () => {
    const w = await world();
    const people = [
      await customer(w, 'Cafe Alpha'),
      await customer(w, 'Bistro Beta'),
      await customer(w, 'Gamma Grocer'),
    ];
    const catalog = (await people[0]!.as('portal.catalog', {})) as {
      variantId: string;
      price: number;
    }[];
    expect(catalog.length).toBeGreaterThan(1);
    const random = prng(34);
    const placed = new Map<string, Placed[]>(people.map((p) => [p.id, []]));
    for (let i = 0; i < 12; i++) {
      const who = people[Math.floor(random() * people.length)]!;
      const n = 1 + Math.floor(random() * 3);
      const lines = [...catalog]
        .sort(() => random() - 0.5)
        .slice(0, n)
        .map((v) => ({ variantId: v.variantId, quantity: 1 + Math.floor(random() * 5) }));
      const order = (await who.as('portal.placeOrder', { lines, note: `#${i}` })) as Placed;
      expect(order.status).toBe('requested');
      const priced = lines.reduce(
        (s, l) => s + l.quantity * catalog.find((v) => v.variantId === l.variantId)!.price,
        0,
      );
      expect(order.total).toBe(priced);
      placed.get(who.id)!.push(order);
    }
    for (const p of people) {
      const own = placed.get(p.id)!;
      const seen = (await p.as('portal.orders', {})) as Summary[];
      expect(seen.map((o) => o.id).sort()).toEqual(own.map((o) => o.orderId).sort());
      expect(seen.every((o) => o.status === 'requested')).toBe(true);
      for (const other of people.filter((o) => o !== p))
        for (const theirs of placed.get(other.id)!) {
          const e = await failure(p.as('portal.order', { orderId: theirs.orderId }));
          expect(e).toMatchObject({ code: 'NOT_FOUND', field: 'orderId' });
          const note = await failure(p.as('portal.deliveryNote', { orderId: theirs.orderId }));
          expect(note.code).toBe('NOT_FOUND');
        }
      for (const mine of own) {
        const detail = (await p.as('portal.order', { orderId: mine.orderId })) as {
          total: number;
          lines: { quantity: number; unitPrice: number }[];
          deliveryNote: boolean;
        };
        expect(detail.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0)).toBe(detail.total);
        expect(detail.deliveryNote).toBe(false);
        const note = await failure(p.as('portal.deliveryNote', { orderId: mine.orderId }));
        expect(note.code).toBe('INVALID_STATE');
      }
      const account = (await p.as('portal.account', {})) as { balance: number; rows: unknown[] };
      // Requests owe nothing until delivered.
      expect(account).toMatchObject({ balance: 0, rows: [] });
    }
  });

  it('prices the catalog from the customer’s price list, and an order at those prices', async () => {
    const w = await world();
    const a = await customer(w, 'Cafe Alpha');
    const b = await customer(w, 'Bistro Beta');
    const variantId = w.variant['TS-WHT-M']!;
    const list = (await w.as('admin')('priceLists.save', {
      name: 'Trade',
      prices: [{ variantId, price: 123 }],
    })) as { id: string };
    await w.as('admin')('customers.saveTerms', { customerId: a.id, priceListId: list.id });
    const priceOf = async (c: typeof a) =>
      (
        (await c.as('portal.catalog', { search: 'TS-WHT-M' })) as {
          variantId: string;
          price: number;
          listPrice: boolean;
        }[]
      ).find((v) => v.variantId === variantId);
    expect(await priceOf(a)).toMatchObject({ price: 123, listPrice: true });
    expect((await priceOf(b))?.listPrice).toBe(false);
    const order = (await a.as('portal.placeOrder', {
      lines: [{ variantId, quantity: 2 }],
    })) as Placed;
    expect(order.total).toBe(246);
  });
  it('shows a delivered order’s proof and gives its delivery note', async () => {
    const w = await world();
    const a = await customer(w, 'Cafe Alpha');
    const variantId = w.variant['TS-WHT-M']!;
    const driver = await w.as('admin')('users.create', {
      username: 'driver9',
      displayName: 'Dawit',
      role: 'driver',
      branchId: w.branch.SH01,
      password: DEMO_PASSWORD,
    });
    const { token } = await w.core.call('auth.login', {
      username: 'driver9',
      password: DEMO_PASSWORD,
    });
    const order = (await a.as('portal.placeOrder', {
      lines: [{ variantId, quantity: 3 }],
    })) as Placed & { number: string };
    const shop = w.as('shop1');
    await shop('field.confirmOrder', { orderId: order.orderId });
    const confirmed = (await a.as('portal.orders', {})) as Summary[];
    if (confirmed[0]?.status === 'held')
      await shop('field.approveOrder', { orderId: order.orderId });
    const trip = await shop('trips.plan', {
      day: new Date(w.core.now()).toISOString().slice(0, 10),
      driverId: driver.id,
      vehicle: 'Van 1',
      orderIds: [order.orderId],
    });
    expect(((await a.as('portal.orders', {})) as Summary[])[0]?.status).toBe('on_trip');
    await w.core.callRaw(
      'trips.prove',
      {
        tripId: trip.tripId,
        orderId: order.orderId,
        lines: [{ lineNo: 1, delivered: 2, damaged: 0, short: 1, reason: 'one left at the shop' }],
        returns: [],
        collected: null,
        signature: { contentBase64: png },
        photos: {},
        signedBy: 'Almaz',
      },
      token,
    );
    const detail = (await a.as('portal.order', { orderId: order.orderId })) as {
      status: string;
      deliveredAt: number | null;
      lines: { delivered: number | null; short: number | null; reason: string | null }[];
      delivery: { signedBy: string } | null;
      deliveryNote: boolean;
    };
    expect(detail).toMatchObject({
      status: 'delivered',
      delivery: { signedBy: 'Almaz' },
      deliveryNote: true,
    });
    expect(detail.deliveredAt).not.toBeNull();
    expect(detail.lines).toEqual([
      expect.objectContaining({ delivered: 2, short: 1, reason: 'one left at the shop' }),
    ]);
    const note = (await a.as('portal.deliveryNote', { orderId: order.orderId })) as {
      fileName: string;
      base64: string;
    };
    expect(note.fileName).toBe(`${order.number}-delivery-note.pdf`);
    expect(Buffer.from(note.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    // What was delivered is on the account: two at the order's price.
    const account = (await a.as('portal.account', {})) as {
      balance: number;
      rows: { kind: string; amount: number; orderNumber: string | null }[];
    };
    expect(account.rows).toEqual([
      expect.objectContaining({ kind: 'delivery', orderNumber: order.number }),
    ]);
    expect(account.balance).toBe(account.rows[0]!.amount);
    expect(account.balance).toBe((order.total / 3) * 2);
  });
});
