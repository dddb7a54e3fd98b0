import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events as eventsTable } from '../core/db/schema';
import { differingTables, ledgerMismatches, stateHash } from '../core/db/stateHash';
import { http, PASSWORD, startWorld, type Site, type World } from './testing/world';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7]).toString(
  'base64',
);

let w: World;
let factory: Site;
let shop1: Site;
let shop2: Site;
beforeAll(async () => {
  w = await startWorld();
  factory = await w.enroll('FAC');
  shop1 = await w.enroll('SH01');
  shop2 = await w.enroll('SH02');
});
afterAll(() => w.close());

const syncAll = async () => {
  for (let round = 0; round < 2; round++)
    for (const s of [factory, shop1, shop2]) await s.engine.sync();
};

/** Which replicated tables differ between two replicas (for a readable failure). */
const differing = (a: Site, b: Site) => differingTables(a.core.db, b.core.db);

/** A second PC of the same branch, enrolled now, folds the server's log from scratch; once both
 * have seen the same events, the long-running PC must match it exactly. */
async function expectSameAsFreshReplica(site: Site, branch: 'FAC' | 'SH01' | 'SH02') {
  const fresh = await w.enroll(branch);
  await site.engine.sync();
  await fresh.engine.sync();
  expect(differing(site, fresh)).toEqual([]);
  expect(stateHash(site.core.db)).toBe(stateHash(fresh.core.db));
}

/** An order from shop 1, its slip attached and verified at head office, seen everywhere. */
async function paidOrder(variantId: string, quantity: number) {
  const placed = await shop1.as('shop1')('orders.place', { lines: [{ variantId, quantity }] });
  await shop1.as('shop1')('orders.attachSlip', {
    orderId: placed.id,
    fileName: 'slip.png',
    contentBase64: png,
  });
  await syncAll();
  await w.admin('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
  await syncAll();
  return placed;
}

describe('sync through head office', () => {
  it('enrolls branch PCs that receive the catalog and their users, and can sign in offline', async () => {
    expect(shop1.core.context().device?.branchId).toBe(w.branch.SH01);
    const catalog = await shop1.as('shop1')('catalog.list', {});
    expect(catalog.map((c) => c.sku).sort()).toEqual(['MUG-L', 'MUG-M', 'MUG-S']);
    const stock = await factory.as('factory')('stock.balance', {
      branchId: w.branch.FAC,
      variantId: w.variants[0]!,
    });
    expect(stock.onHand).toBe(1000);
  });

  it('carries an order through its lifecycle across three PCs and head office, converging everywhere', async () => {
    const placed = await shop1.as('shop1')('orders.place', {
      lines: [{ variantId: w.variants[0]!, quantity: 7 }],
    });
    await shop1.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'slip.png',
      contentBase64: png,
    });
    await syncAll();
    await w.admin('auth.me', {});
    // Finance verifies at head office (on the server's replica).
    const financeLogin = await http<{ result: { token: string } }>(
      w.base,
      'POST',
      '/api/auth.login',
      { username: 'finance', password: 'correct-horse-battery' },
    );
    const verify = await http<{ ok: boolean }>(
      w.base,
      'POST',
      '/api/orders.verifyPayment',
      { orderId: placed.id, amount: placed.total },
      financeLogin.body.result.token,
    );
    expect(verify.body.ok).toBe(true);
    await w.server.replica.catchUp();
    await syncAll();
    await factory.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'AA-1' });
    await syncAll();
    await shop1.as('shop1')('orders.confirmDelivery', {
      orderId: placed.id,
      lines: [{ lineNo: 1, received: 7 }],
    });
    await syncAll();
    await w.server.replica.catchUp();

    for (const site of [factory, shop1])
      expect(
        (
          await site.as(site === factory ? 'factory' : 'shop1')('orders.get', {
            orderId: placed.id,
          })
        ).status,
      ).toBe('delivered');
    expect(
      (
        await shop1.as('shop1')('stock.balance', {
          branchId: w.branch.SH01,
          variantId: w.variants[0]!,
        })
      ).onHand,
    ).toBe(7);
    // The slip travelled by content hash to the factory too.
    expect((await factory.as('factory')('orders.slip', { orderId: placed.id })).contentBase64).toBe(
      png,
    );
    // shop2 never sees shop1's order.
    expect(await shop2.as('shop2')('orders.list', {})).toEqual([]);

    for (const site of [factory, shop1, shop2]) expect(ledgerMismatches(site.core.db)).toEqual([]);
    await expectSameAsFreshReplica(shop1, 'SH01');
    await expectSameAsFreshReplica(factory, 'FAC');
    await expectSameAsFreshReplica(shop2, 'SH02');
  });

  it('turns two offline dispatches of one order into one dispatch and one visible conflict', async () => {
    const placed = await paidOrder(w.variants[1]!, 3);
    const secondFactoryPc = await w.enroll('FAC');
    const before = (
      await factory.as('factory')('stock.balance', {
        branchId: w.branch.FAC,
        variantId: w.variants[1]!,
      })
    ).onHand;
    await factory.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'Truck 1' });
    await secondFactoryPc.as('factory')('orders.dispatch', {
      orderId: placed.id,
      vehicle: 'Truck 2',
    });
    await factory.engine.sync();
    await secondFactoryPc.engine.sync();
    await factory.engine.sync();
    await w.server.replica.catchUp();

    const conflicts = await w.admin('conflicts.list', {});
    const mine = conflicts.filter((c) => c.aggregateId === placed.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ eventType: 'order.dispatched', code: 'INVALID_STATE' });
    // Stock left the factory once, whichever PC won.
    for (const site of [factory, secondFactoryPc])
      expect(
        (
          await site.as('factory')('stock.balance', {
            branchId: w.branch.FAC,
            variantId: w.variants[1]!,
          })
        ).onHand,
      ).toBe(before - 3);
    expect(stateHash(factory.core.db)).toBe(stateHash(secondFactoryPc.core.db));

    await w.admin('conflicts.resolve', {
      eventId: mine[0]!.eventId,
      note: 'Truck 2 turned back at the gate',
    });
    expect(await w.admin('conflicts.list', {})).toHaveLength(conflicts.length - 1);
  });

  it('takes back the file of a slip that turned out to be a conflict, as a fresh replica never had it', async () => {
    const placed = await shop1.as('shop1')('orders.place', {
      lines: [{ variantId: w.variants[0]!, quantity: 1 }],
    });
    await shop1.engine.sync();
    await w.admin('orders.cancel', { orderId: placed.id, reason: 'Customer called it off' });
    // Meanwhile, offline, the shop attaches a slip of its own (bytes no other slip has).
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xc0, 0xff, 0xee]);
    await shop1.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'late.png',
      contentBase64: bytes.toString('base64'),
    });
    const hash = createHash('sha256').update(bytes).digest('hex');
    const fileRows = () =>
      shop1.core.db.sqlite.prepare('SELECT hash FROM files WHERE hash = ?').all(hash);
    expect(fileRows()).toHaveLength(1);
    await shop1.engine.sync();

    expect((await shop1.as('shop1')('orders.get', { orderId: placed.id })).status).toBe(
      'cancelled',
    );
    expect(fileRows()).toEqual([]);
    await expectSameAsFreshReplica(shop1, 'SH01');
  });

  it('lets no PC cancel a verified order as an admin: that is proven at head office only', async () => {
    await w.admin('users.create', {
      username: 'admin2',
      displayName: 'Second admin',
      role: 'admin',
      branchId: w.branch.HQ,
      password: PASSWORD,
    });
    const hqPc = await w.enroll('HQ');
    const placed = await paidOrder(w.variants[2]!, 2);
    await hqPc.engine.sync();

    // Even at a PC enrolled at the head-office branch, an admin's sign-in is only the PC's word.
    await expect(
      hqPc.as('admin2')('orders.cancel', { orderId: placed.id, reason: 'Refund agreed' }),
    ).rejects.toMatchObject({ code: 'HEAD_OFFICE_ONLY' });
    await w.admin('orders.cancel', { orderId: placed.id, reason: 'Refund agreed' });
    await syncAll();
    await hqPc.engine.sync();
    const q = { orderId: placed.id };
    expect({
      headOffice: (await w.admin('orders.get', q)).status,
      hqPc: (await hqPc.as('admin')('orders.get', q)).status,
      shop: (await shop1.as('shop1')('orders.get', q)).status,
    }).toEqual({ headOffice: 'cancelled', hqPc: 'cancelled', shop: 'cancelled' });
    expect(stateHash(hqPc.core.db)).toBe(stateHash(w.server.replica.core.db));
    await expectSameAsFreshReplica(shop1, 'SH01');
  });

  it('refuses a device that pushes events of another branch, and a revoked device at once', async () => {
    const [event] = shop1.core.db.orm.select().from(eventsTable).limit(1).all();
    expect(event).toBeDefined();
    const forged = await http<{ code: string }>(
      w.base,
      'POST',
      '/sync/push',
      {
        events: [
          {
            id: '01a2026e-0000-7000-8000-000000000001',
            type: 'stock.adjusted',
            schemaVersion: 1,
            branchId: w.branch.SH02,
            deviceId: shop1.core.context().device!.id,
            userId: 'x',
            hlc: '001795337000000-000000-x',
            createdAt: 1,
            aggregateId: null,
            payload: {
              branchId: w.branch.SH02,
              variantId: w.variants[0],
              quantity: 5,
              reason: 'forged',
            },
          },
        ],
      },
      shop1.token,
    );
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('FOREIGN_BRANCH');

    const devices = await w.admin('devices.list', {});
    const shop2Device = devices.find((d) => d.id === shop2.core.context().device!.id)!;
    // Head office's own server is listed, marked, and cannot be revoked: its console would stop.
    const server = devices.filter((d) => d.server);
    expect(server.map((d) => d.id)).toEqual([w.server.replica.core.context().device!.id]);
    expect(shop2Device.server).toBe(false);
    await expect(w.admin('devices.revoke', { deviceId: server[0]!.id })).rejects.toThrow(
      /head office’s own server/,
    );
    await w.admin('branches.create', { code: 'AFTER', name: 'Still works', kind: 'shop' });
    await w.admin('devices.revoke', { deviceId: shop2Device.id });
    const state = await w.admin('devices.syncState', {});
    const sh01 = state.branches.find((b) => b.code === 'SH01')!;
    expect(sh01.devices.length).toBeGreaterThanOrEqual(1);
    expect(sh01.lastSeenAt).toBeGreaterThan(0);
    expect(state.branches.find((b) => b.code === 'SH02')!.devices.map((d) => d.id)).not.toContain(
      shop2Device.id,
    );
    await expect(shop2.engine.sync()).rejects.toThrow(/revoked/);
    // Head office's dashboard shows the same: each branch's PCs and when they were last heard.
    const hq = await w.admin('dashboard.get', {});
    const health = hq.lists.find((l) => l.id === 'syncHealth');
    const row = health?.rows.find((r) => r['branch'] === 'SH01');
    expect(row).toMatchObject({ pcs: sh01.devices.length, eventsWaiting: sh01.eventsWaiting });
    expect(row?.['lastSeen']).toBeGreaterThanOrEqual(0);
  });

  it('answers malformed and oversized bodies with 400 and 413, and reports health', async () => {
    const malformed = await fetch(`${w.base}/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${shop1.token}` },
      body: '{"events": [',
    });
    expect(malformed.status).toBe(400);
    const wrongShape = await http<{ code: string; message: string }>(
      w.base,
      'POST',
      '/sync/push',
      { events: [{ id: 'nope' }] },
      shop1.token,
    );
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.message).toMatch(/^events\.0\./);
    const huge = await fetch(`${w.base}/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${shop1.token}` },
      body: JSON.stringify({ events: [], pad: 'x'.repeat(17 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    // Anyone may ask whether it is up; what it runs and its leases are for the admin alone.
    type Health = { status: string; database: boolean; version?: string; leases?: unknown[] };
    const open = await http<Health>(w.base, 'GET', '/health');
    expect(open.body).toMatchObject({ status: 'ok', database: true, setUp: true });
    expect(Object.keys(open.body).sort()).toEqual(['database', 'setUp', 'status']);
    for (const token of [shop1.token, 'not-a-session', `${w.adminToken}x`]) {
      const asOther = await http<Health>(w.base, 'GET', '/health', undefined, token);
      expect(asOther.body).toEqual(open.body);
    }
    const finance = await http<{ result: { token: string } }>(w.base, 'POST', '/api/auth.login', {
      username: 'finance',
      password: PASSWORD,
    });
    expect(finance.status).toBe(200);
    const token = finance.body.result.token;
    const asFinance = await http<Health>(w.base, 'GET', '/health', undefined, token);
    expect(asFinance.body).toEqual(open.body);
    const asAdmin = await http<Health>(w.base, 'GET', '/health', undefined, w.adminToken);
    expect(asAdmin.body).toMatchObject({ status: 'ok', database: true });
    expect(asAdmin.body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Array.isArray(asAdmin.body.leases)).toBe(true);
    // Head office's sync state (its conflicts, refusals, last error) likewise.
    type Sync = { ok: boolean; error?: { code: string }; result?: { headOffice?: boolean } };
    for (const token of [undefined, 'not-a-session']) {
      const anonymous = await http<Sync>(w.base, 'POST', '/api/sync.status', {}, token);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error?.code).toBe('UNAUTHENTICATED');
    }
    const signedIn = await http<Sync>(w.base, 'POST', '/api/sync.status', {}, token);
    expect(signedIn.body.result?.headOffice).toBe(true);
  });
});
