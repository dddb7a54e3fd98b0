// Head office restored from last night's backup while branches worked on: the log begins a new
// epoch, every PC sends back what it made after the backup and pulls again from there, and
// nothing any PC made is lost or counted twice.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { conflicts, events as eventsTable } from '../core/db/schema';
import { stateHash } from '../core/db/stateHash';
import { restoreServer } from './backup/restore';
import { startServer } from './main';
import { FaultyTransport } from './testing/faults';
import { freshFoldHash } from './testing/fold';
import { http, PASSWORD, placeWithSlip, startWorld, type Site, type World } from './testing/world';

const idsOf = (s: Site) =>
  s.core.db.orm
    .select({ id: eventsTable.id })
    .from(eventsTable)
    .where(eq(eventsTable.deviceId, s.core.context().device!.id))
    .all()
    .map((r) => r.id);

/** Stops the world's server, restores its store from the backup taken, and starts it again. */
async function restoreAndRestart(
  world: World,
  dataDir: string,
  taken: { label: string; file: string }[],
) {
  const port = world.server.port;
  await world.server.close();
  await restoreServer({
    dataDir,
    file: taken.find((b) => b.label === 'store')!.file,
    log: () => undefined,
  });
  return startServer({ port, host: '127.0.0.1', dataDir, databaseUrl: null }, () => undefined);
}

let w: World | undefined;
const sites: Site[] = [];
let server: Awaited<ReturnType<typeof startServer>> | undefined;
afterAll(async () => {
  for (const s of sites) s.close();
  await server?.close();
});

describe('head office restored from a backup', () => {
  it('takes back every event the branches made after the backup, once, and every replica converges', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-restore-'));
    w = await startWorld({ dataDir });
    const shop = await w.enroll('SH01');
    const till = await w.enroll('SH01'); // a second PC of the same shop
    const factory = await w.enroll('FAC');
    const stolen = await w.enroll('SH02'); // revoked after the backup
    sites.push(shop, till, factory);
    const variant = w.variants[0]!;
    await shop.as('shop1')('stock.adjust', { variantId: variant, quantity: 50, reason: 'count' });
    const first = await shop.as('shop1')('orders.place', {
      lines: [{ variantId: variant, quantity: 2 }],
    });
    for (const s of sites) await s.engine.sync();
    const signIn = async () =>
      (
        await http<{ result: { token: string } }>(w!.base, 'POST', '/api/auth.login', {
          username: 'finance',
          password: PASSWORD,
        })
      ).body.result.token;
    const signedOutSince = await signIn();
    const taken = await w.admin('backups.create', {});
    const storeBackup = taken.find((b) => b.label === 'store')!.file;
    // Console sign-ins after the backup: one opened, one (older) closed.
    const signedInSince = await signIn();
    await http(w.base, 'POST', '/api/auth.logout', {}, signedOutSince);

    // After the backup a PC joins shop two and sells; the stolen one is revoked.
    const late = await w.enroll('SH02');
    sites.push(late);
    await late.as('shop2')('stock.adjust', { variantId: variant, quantity: 5, reason: 'count' });
    await w.admin('devices.revoke', { deviceId: stolen.core.context().device!.id });

    // After the backup: sales at both tills, an order, a batch at the factory, a product at
    // head office; all acknowledged, numbered, and pulled by the others.
    for (let i = 0; i < 3; i++)
      await shop.as('shop1')('sales.record', {
        payments: [{ method: 'cash' }],
        lines: [{ variantId: variant, quantity: 1 }],
      });
    await till.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: variant, quantity: 2 }],
    });
    const second = await shop.as('shop1')('orders.place', {
      lines: [{ variantId: w.variants[1]!, quantity: 4 }],
    });
    await factory.as('factory')('production.record', {
      branchId: w.branch.FAC,
      variantId: w.variants[1]!,
      quantity: 40,
      producedOn: '2026-11-20',
    });
    await w.admin('catalog.createProduct', {
      name: 'Plate',
      category: 'Ceramics',
      variants: [{ sku: 'PLATE', attributes: {}, price: 700, cost: 300, minStock: 0 }],
    });
    for (let round = 0; round < 2; round++) for (const s of sites) await s.engine.sync();
    const beforeHead = await w.server.hub.store.headSeq();
    const epochBefore = await w.server.hub.store.epoch();

    // The server goes down and is restored from the backup, on the same address.
    const port = w.server.port;
    await w.server.close();
    const logged: Record<string, unknown>[] = [];
    await restoreServer({ dataDir, file: storeBackup, log: (e) => logged.push(e) });
    server = await startServer(
      { port, host: '127.0.0.1', dataDir, databaseUrl: null },
      () => undefined,
    );
    const epoch = await server.hub.store.epoch();
    // The console's sign-ins are as they were just before the restore, not as at the backup.
    const me = async (token: string) =>
      (await http(`http://127.0.0.1:${port}`, 'POST', '/api/auth.me', {}, token)).status;
    expect(await me(signedInSince)).toBe(200);
    expect(await me(signedOutSince)).toBe(401);
    expect(epoch.id).not.toBe(epochBefore.id);
    expect(epoch.since).toBeLessThan(beforeHead);
    expect(logged.map((e) => e['msg'])).toEqual(
      expect.arrayContaining([expect.stringMatching(/new epoch/), expect.stringMatching(/kept/)]),
    );

    // The PC that joined after the backup still may sync; the revoked one still may not.
    await expect(stolen.engine.sync()).rejects.toMatchObject({ code: 'DEVICE_REVOKED' });
    stolen.close();
    const reports = [];
    for (let round = 0; round < 2; round++)
      for (const s of sites) reports.push(await s.engine.sync());
    expect(reports.slice(0, 3).reduce((n, r) => n + r.pushed, 0)).toBeGreaterThanOrEqual(6);
    await server.replica.catchUp();

    // Every event any PC or head office made is in the log exactly once...
    const log = (await server.hub.store.pull(null, 0, 10_000)).events;
    const inLog = new Map(log.map((e) => [e.id, e.seq]));
    expect(inLog.size).toBe(log.length);
    const made = [...sites.flatMap(idsOf)];
    for (const id of made) expect(inLog.has(id), id).toBe(true);
    // ...numbered as the log numbers it now, on every PC.
    for (const s of sites) {
      const rows = s.core.db.orm
        .select({ id: eventsTable.id, seq: eventsTable.serverSeq })
        .from(eventsTable)
        .all();
      for (const r of rows) expect(r.seq, r.id).toBe(inLog.get(r.id) ?? null);
    }
    // Both orders, the sales, the batch and the product are at head office.
    const base = `http://127.0.0.1:${port}`;
    const headOffice = server.replica.core;
    const admin = (
      await headOffice.call('auth.login', { username: 'admin', password: 'correct-horse-battery' })
    ).token;
    const orders = await headOffice.call('orders.list', {}, admin);
    expect(orders.map((o) => o.id)).toEqual(expect.arrayContaining([first.id, second.id]));
    const sales = await headOffice.call('sales.list', { branchId: w.branch.SH01 }, admin);
    expect(sales).toHaveLength(4);
    const products = await headOffice.call('catalog.list', {}, admin);
    expect(products.map((v) => v.productName)).toContain('Plate');
    // And every PC equals a fresh fold of its branch's log.
    for (const s of sites)
      expect(stateHash(s.core.db)).toBe(
        await freshFoldHash(base, s.token, s.core.context().device!.branchId),
      );
  });

  it('re-folds an order whose steps come back in another order, so every replica agrees on the winner', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-restore-'));
    const w2 = await startWorld({ dataDir });
    const shop = await w2.enroll('SH01');
    const truck1 = await w2.enroll('FAC');
    const truck2 = await w2.enroll('FAC');
    const pcs = [shop, truck1, truck2];
    sites.push(...pcs);
    const placed = await placeWithSlip(shop, 'shop1', w2.variants[0]!);
    for (const s of pcs) await s.engine.sync();
    await w2.admin('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
    for (const s of pcs) await s.engine.sync();
    const taken = await w2.admin('backups.create', {});

    // Both factory PCs dispatch the order while apart; truck 1 reaches head office first.
    await truck1.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'Truck 1' });
    await truck2.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'Truck 2' });
    for (const s of [truck1, truck2, truck1, shop]) await s.engine.sync();
    const vehicle = async (s: Site) =>
      (await s.as(s === shop ? 'shop1' : 'factory')('orders.get', { orderId: placed.id })).vehicle;
    expect(await vehicle(shop)).toBe('Truck 1');

    // Restored; now truck 2 is first back, so its dispatch is the one that stands.
    const again = await restoreAndRestart(w2, dataDir, taken);
    const port = again.port;
    try {
      for (const s of [truck2, truck1, shop, truck2, truck1, shop]) await s.engine.sync();
      await again.replica.catchUp();
      for (const s of pcs) expect(await vehicle(s)).toBe('Truck 2');
      const base = `http://127.0.0.1:${port}`;
      for (const s of pcs)
        expect(stateHash(s.core.db)).toBe(
          await freshFoldHash(base, s.token, s.core.context().device!.branchId),
        );
    } finally {
      await again.close();
    }
  });
  it("folds a PC's own order again when a push replayed late numbers its placing after its cancel", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-restore-'));
    const w3 = await startWorld({ dataDir });
    let faulty: FaultyTransport | undefined;
    const shop = await w3.enroll('SH02', { wrap: (t) => (faulty = new FaultyTransport(() => t)) });
    sites.push(shop);
    const taken = await w3.admin('backups.create', {});
    // Placed and acknowledged after the backup, then cancelled offline.
    const placed = await shop.as('shop2')('orders.place', {
      lines: [{ variantId: w3.variants[0]!, quantity: 5 }],
    });
    await shop.engine.sync();
    await shop.as('shop2')('orders.cancel', { orderId: placed.id, reason: 'not needed' });

    const again = await restoreAndRestart(w3, dataDir, taken);
    const port = again.port;
    try {
      // The placing's old push reaches the restored log just before the cancel's push, and the
      // cancel is acknowledged while the PC still holds the placing unnumbered.
      faulty!.fault = 'replay';
      await shop.engine.sync();
      faulty!.fault = 'none';
      await shop.engine.sync();
      await again.replica.catchUp();
      const order = await shop.as('shop2')('orders.get', { orderId: placed.id });
      expect(order.status).toBe('cancelled');
      expect(shop.core.db.sqlite.prepare('SELECT count(*) AS n FROM conflicts').get()).toEqual({
        n: 0,
      });
      const base = `http://127.0.0.1:${port}`;
      expect(stateHash(shop.core.db)).toBe(
        await freshFoldHash(base, shop.token, shop.core.context().device!.branchId),
      );
    } finally {
      await again.close();
    }
  });
  it("sends head office's payment check, back before the order it names, to the shop and factory as the same conflict", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-restore-'));
    const w4 = await startWorld({ dataDir });
    const shop = await w4.enroll('SH01');
    const factory = await w4.enroll('FAC');
    sites.push(shop, factory);
    const taken = await w4.admin('backups.create', {});
    const placed = await placeWithSlip(shop, 'shop1', w4.variants[0]!);
    await shop.engine.sync();
    await w4.admin('orders.rejectPayment', { orderId: placed.id, reason: 'unreadable' });
    for (const s of [shop, factory]) await s.engine.sync();

    const again = await restoreAndRestart(w4, dataDir, taken);
    const port = again.port;
    try {
      // Head office's replica sends its rejection again before the shop sends the order again:
      // in the log it now comes first, a step on an order not yet there. It still reaches the
      // shop and the factory, where it is the same conflict as at head office (for the admin to
      // look at), and no replica keeps it applied on its own.
      await again.replica.catchUp();
      for (const s of [shop, factory, shop, factory]) await s.engine.sync();
      await again.replica.catchUp();
      const base = `http://127.0.0.1:${port}`;
      const conflictTypes = (db: Site['core']['db']) =>
        db.orm
          .select({ t: conflicts.eventType })
          .from(conflicts)
          .all()
          .map((r) => r.t);
      expect(conflictTypes(again.replica.core.db)).toEqual(['order.payment_rejected']);
      for (const [s, user] of [
        [shop, 'shop1'],
        [factory, 'factory'],
      ] as const) {
        expect(conflictTypes(s.core.db)).toEqual(['order.payment_rejected']);
        const order = await s.as(user)('orders.get', { orderId: placed.id });
        expect([order.status, order.rejectionReason]).toEqual(['slip_attached', null]);
        expect(stateHash(s.core.db)).toBe(
          await freshFoldHash(base, s.token, s.core.context().device!.branchId),
        );
      }
    } finally {
      await again.close();
    }
  });
});
