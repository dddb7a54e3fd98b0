// A query has no effects: every query of the contract runs here, with an input that gets past
// its checks, against a demo world whose host offers every service, and the database, the data
// folder and the host's services are as they were. A query that writes anything fails this
// test: declare it an action or a command (core/contract/define.ts) instead.
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Db } from '../db/open';
import { openDemo, type DemoWorld } from '../testing/demo';
import { operations, type InputOf, type NamesOf, type OperationName } from './api';
import type { HostServices } from './host-services';
import { invoiceReader } from '../invoices/reader';
import { invoicePdf, makeInvoice } from '../invoices/testing/generate';
import { companyDay } from '../locale/day';
import { causeTripEvents } from '../trips/scenario.test-support';

/** Every row of every table, and the schema: what any write would change. */
function dump(db: Db): Record<string, string[]> {
  const tables = db.sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
    .pluck()
    .all()
    .map(String);
  return {
    sqlite_master: db.sqlite
      .prepare('SELECT * FROM sqlite_master')
      .all()
      .map((row) => JSON.stringify(row))
      .sort(),
    ...Object.fromEntries(
      tables.map((t) => [
        t,
        db.sqlite
          .prepare(`SELECT * FROM "${t}"`)
          .raw()
          .all()
          .map((row) =>
            JSON.stringify(row, (_, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)),
          )
          .sort(),
      ]),
    ),
  };
}

/** Every file of the data folder but the database's own (compared row by row above). */
function folder(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.startsWith('branch.sqlite'))
      .map((e) => {
        const path = join(e.parentPath, e.name);
        return [relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex')];
      }),
  );
}

/**
 * A host offering every service, as head office's server and the desktop app do. What a service
 * only reads answers from here; what changes something (at head office, on disk, on the network)
 * is written to `host-effects.log` in the data folder, where the comparison sees it, and fails.
 */
function hostAt(dir: string): HostServices {
  const effect = (what: string) => (): Promise<never> => {
    appendFileSync(join(dir, 'host-effects.log'), `${what}\n`);
    return Promise.reject(new Error(`${what} changes something`));
  };
  return {
    sync: {
      status: () => ({
        enrolled: true,
        serverUrl: 'https://head-office.test',
        pending: 0,
        lastSyncAt: null,
        online: false,
        syncing: false,
        lastError: null,
        progress: null,
        negativeStock: 0,
        conflicts: 0,
        refused: [],
        clockWarning: null,
      }),
      syncNow: effect('sync.syncNow'),
      atHeadOffice: effect('sync.atHeadOffice'),
      enroll: effect('sync.enroll'),
      repin: effect('sync.repin'),
    },
    headOffice: {
      createEnrollment: effect('headOffice.createEnrollment'),
      devices: () => Promise.resolve([]),
      revoke: effect('headOffice.revoke'),
      repinCode: effect('headOffice.repinCode'),
      syncState: () => Promise.resolve({ headSeq: 0, branches: [], refusals: [] }),
    },
    telegram: {
      settings: () =>
        Promise.resolve({
          tokenMasked: null,
          publicUrl: null,
          webhookUrl: null,
          webhookSetAt: null,
          botUsername: null,
          lastError: null,
          paused: null,
          webhook: null,
          outbox: { waiting: 0, failed: 0 },
        }),
      health: () =>
        Promise.resolve({
          token: false,
          paused: null,
          webhookSetAt: null,
          webhook: null,
          lastError: null,
          outbox: { waiting: 0, failed: 0 },
        }),
      setSettings: effect('telegram.setSettings'),
      groups: () => Promise.resolve([]),
      linkGroup: effect('telegram.linkGroup'),
      log: () => Promise.resolve([]),
      createLinkCode: effect('telegram.createLinkCode'),
    },
    backup: {
      overview: () =>
        Promise.resolve({
          folder: join(dir, 'backups'),
          schedule: '0 2 * * *',
          keepDays: 14,
          lastBackupAt: null,
          backups: [],
        }),
      backupNow: effect('backup.backupNow'),
      restore: effect('backup.restore'),
    },
    updates: {
      state: () => Promise.resolve({ enabled: true, heldBack: [], channels: [], files: [] }),
      configure: effect('updates.configure'),
    },
    ai: {
      settings: () =>
        Promise.resolve({
          enabled: false,
          baseUrl: null,
          model: null,
          apiKey: 'not set' as const,
          timeoutSeconds: 30,
          mode: null,
          ready: false,
        }),
      saveSettings: effect('ai.saveSettings'),
      test: effect('ai.test'),
      ask: effect('ai.ask'),
    },
    // Reading an invoice and drawing its page change nothing: the real reader, rules only.
    invoices: invoiceReader(() => undefined),
    portal: { status: () => ({ on: true }) },
  };
}

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(32, 1),
]).toString('base64');

interface Fixture {
  w: DemoWorld;
  orderId: string;
  slipHash: string;
  countId: string;
  saleId: string;
  saleNumber: string;
  customerId: string;
  itemId: string;
  purchaseId: string;
  invoiceId: string;
  /** A trip with a delivered stop, and a customer's order the portal's customer placed. */
  tripId: string;
  deliveredOrderId: string;
  portalOrderId: string;
  cafeId: string;
}

type QueryName = NamesOf<'query'>;

/** An input for each query that gets past its checks; the compiler asks for a new query's. */
const inputs: { [N in QueryName]: (f: Fixture) => InputOf<N> } = {
  'setup.status': () => ({}),
  'auth.me': () => ({}),
  'users.list': () => ({}),
  'users.drivers': () => ({}),
  'branches.list': () => ({}),
  'company.settings': () => ({}),
  'catalog.list': () => ({ search: 'T' }),
  'catalog.findByCode': () => ({ code: 'TS-WHT-M' }),
  'catalog.priceHistory': ({ w }) => ({ variantId: w.variant['TS-WHT-M']! }),
  'stock.balance': ({ w }) => ({ branchId: w.branch.SH01, variantId: w.variant['TS-WHT-M']! }),
  'stock.list': ({ w }) => ({ branchId: w.branch.FAC }),
  'stock.movements': ({ w }) => ({ branchId: w.branch.FAC, variantId: w.variant['TS-WHT-M']! }),
  'stock.transfers': ({ w }) => ({ branchId: w.branch.FAC }),
  'stock.countSheet': ({ countId }) => ({ countId }),
  'stock.counts': ({ w }) => ({ branchId: w.branch.SH01 }),
  'stock.heldCounts': () => ({}),
  'production.list': ({ w }) => ({ branchId: w.branch.FAC }),
  'orders.list': () => ({}),
  'orders.get': ({ orderId }) => ({ orderId }),
  'orders.slip': ({ orderId, slipHash }) => ({ orderId, fileHash: slipHash }),
  'orders.document': ({ orderId }) => ({ orderId, kind: 'payment_proof' }),
  'sales.list': ({ w }) => ({ branchId: w.branch.SH01 }),
  'sales.day': ({ w }) => ({ branchId: w.branch.SH01, day: '2026-01-15' }),
  'receipts.waiting': () => ({}),
  'receipts.printer': () => ({}),
  'customers.list': () => ({}),
  'customers.find': () => ({ search: 'Abebe' }),
  'customers.duplicates': () => ({}),
  'customers.sales': ({ customerId }) => ({ customerId }),
  'sales.settings': () => ({}),
  'sales.quote': ({ w, customerId }) => ({
    branchId: w.branch.SH01,
    customerId,
    lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 1, discount: 1 }],
  }),
  'sales.findForReturn': ({ saleNumber }) => ({ number: saleNumber }),
  'sales.quoteReturn': ({ saleId }) => ({ saleId, lines: [{ lineNo: 1, quantity: 1 }] }),
  'shifts.current': () => ({}),
  'shifts.zReport': () => ({ day: '2026-01-15' }),
  'shifts.zReportPdf': () => ({ day: '2026-01-15' }),
  'loyalty.program': () => ({}),
  'loyalty.points': ({ customerId }) => ({ customerId }),
  'loyalty.history': ({ customerId }) => ({ customerId }),
  'loyalty.overdrawn': () => ({}),
  'conflicts.list': () => ({}),
  'sync.status': () => ({}),
  'devices.list': () => ({}),
  'devices.syncState': () => ({}),
  'telegram.settings.get': () => ({}),
  'telegram.groups.list': () => ({}),
  'telegram.log.list': () => ({}),
  'backups.list': () => ({}),
  'updates.status': () => ({}),
  'suppliers.list': () => ({}),
  'supplierItems.list': () => ({}),
  'supplierItems.prices': ({ itemId }) => ({ itemId }),
  'reorderRules.list': () => ({}),
  'purchasing.settings': () => ({}),
  'purchases.list': () => ({}),
  'purchases.get': ({ purchaseId }) => ({ id: purchaseId }),
  'purchases.pdf': ({ purchaseId }) => ({ id: purchaseId }),
  'purchasing.runs': () => ({}),
  'purchasing.rates': () => ({}),
  'purchasing.costHistory': ({ w }) => ({ variantId: w.variant['TS-WHT-M']! }),
  'purchasing.forecast': ({ w }) => ({
    branchId: w.branch.SH01,
    variantId: w.variant['TS-WHT-M']!,
  }),
  'ai.settings': () => ({}),
  'invoices.list': () => ({}),
  'invoices.get': ({ invoiceId }) => ({ invoiceId }),
  'invoices.file': ({ invoiceId }) => ({ invoiceId }),
  'invoices.page': ({ invoiceId }) => ({ invoiceId, page: 1 }),
  'priceLists.list': () => ({}),
  'field.customers': () => ({}),
  'field.prices': ({ cafeId }) => ({ customerId: cafeId }),
  'field.orders': () => ({}),
  'field.order': ({ deliveredOrderId }) => ({ orderId: deliveredOrderId }),
  'field.account': ({ cafeId }) => ({ customerId: cafeId }),
  'field.commission': () => ({}),
  'trips.list': () => ({}),
  'trips.get': ({ tripId }) => ({ tripId }),
  'trips.openOrders': ({ w }) => ({ branchId: w.branch.SH01 }),
  'trips.suggestOrder': ({ deliveredOrderId }) => ({ orderIds: [deliveredOrderId] }),
  'trips.sheetPdf': ({ tripId }) => ({ tripId }),
  'trips.mine': () => ({}),
  'trips.deliveryNote': ({ deliveredOrderId }) => ({ orderId: deliveredOrderId }),
  'badges.rules': () => ({}),
  'badges.points': () => ({}),
  'badges.mine': () => ({}),
  'badges.leaderboard': () => ({ role: 'driver', period: 'month' }),
  // The portal's are asked by the demo's customer (the café's sign-in), below.
  'portal.status': () => ({}),
  'portal.catalog': () => ({}),
  'portal.orders': () => ({}),
  'portal.order': ({ portalOrderId }) => ({ orderId: portalOrderId }),
  'portal.deliveryNote': ({ deliveredOrderId }) => ({ orderId: deliveredOrderId }),
  'portal.account': () => ({}),
  'dashboard.get': () => ({}),
  'dashboard.stamp': () => ({}),
};

const isQueryName = (name: string): name is QueryName => Object.hasOwn(inputs, name);

describe('queries', () => {
  it('every query answers and leaves the database, the data folder and the host as they were', async () => {
    const w = await openDemo();
    w.core.services = hostAt(w.dir);
    const placed = await w.as('shop1')('orders.place', {
      lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 2 }],
    });
    const slip = await w.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'slip.png',
      contentBase64: png,
    });
    // The road: a trip whose first stop was delivered to the café (the demo customer's sign-in).
    const trip = await causeTripEvents(w, companyDay(w.core.db, Date.now()));
    const count = await w.as('shop1')('stock.startCount', {});
    const customer = await w.as('shop1')('customers.create', {
      name: 'Abebe Kebede',
      phone: '+251 911 234567',
    });
    const sale = await w.as('shop1')('sales.record', {
      customerId: customer.id,
      lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    const supplier = await w.as('admin')('suppliers.save', {
      name: 'Awash Cotton',
      currencyCode: 'ETB',
      leadTimeDays: 5,
    });
    const item = await w.as('admin')('supplierItems.save', {
      supplierId: supplier.id,
      variantId: w.variant['TS-WHT-M']!,
      price: 9000,
      packSize: 12,
    });
    const purchase = await w.as('admin')('purchases.draft', {
      supplierId: supplier.id,
      branchId: w.branch.SH01,
      lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 24 }],
    });
    await w.as('admin')('purchases.approve', { id: purchase.id });
    const invoice = await w.as('shop1')('invoices.upload', {
      fileName: 'invoice.pdf',
      contentBase64: (await invoicePdf(makeInvoice(3, 'classic'))).toString('base64'),
    });
    await w.as('admin')('invoices.read', { invoiceId: invoice.invoiceId });
    const portalOrder = await w.as('customer')('portal.placeOrder', {
      lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 1 }],
    });
    const cafe = z
      .object({ id: z.string() })
      .parse(
        w.core.db.sqlite
          .prepare(`SELECT customer_id AS id FROM users WHERE username = 'customer'`)
          .get(),
      );
    const fixture: Fixture = {
      tripId: trip.tripId,
      deliveredOrderId: trip.deliveredOrderId,
      portalOrderId: portalOrder.orderId,
      cafeId: cafe.id,
      w,
      orderId: placed.id,
      slipHash: slip.fileHash,
      countId: count.countId,
      saleId: sale.id,
      saleNumber: sale.number,
      customerId: customer.id,
      itemId: item.id,
      purchaseId: purchase.id,
      invoiceId: invoice.invoiceId,
    };

    const queries = Object.entries(operations)
      .filter(([, op]) => op.kind === 'query')
      .map(([name]) => name);
    expect(queries.filter((name) => !isQueryName(name))).toEqual([]);
    expect(queries.length).toBe(Object.keys(inputs).length);

    const before = { db: dump(w.core.db), folder: folder(w.dir) };
    const failed: string[] = [];
    for (const name of queries) {
      if (!isQueryName(name)) continue;
      const input: unknown = inputs[name](fixture);
      await Promise.resolve()
        .then(() =>
          w.core.callRaw(
            name satisfies OperationName,
            input,
            name.startsWith('portal.') ? w.tokens.customer : w.tokens.admin,
          ),
        )
        .catch((error: unknown) => failed.push(`${name}: ${String(error)}`));
    }
    // A query that failed proved nothing: each must answer.
    expect(failed).toEqual([]);
    expect(folder(w.dir)).toEqual(before.folder);
    expect(dump(w.core.db)).toEqual(before.db);
  });

  it('a query that wrote something would fail the comparison', async () => {
    const w = await openDemo();
    w.core.services = hostAt(w.dir);
    const before = { db: dump(w.core.db), folder: folder(w.dir) };
    await w.core.services.backup?.backupNow().catch(() => undefined);
    expect(folder(w.dir)).not.toEqual(before.folder);
    w.core.db.sqlite.prepare(`INSERT INTO meta (key, value) VALUES ('probe', '1')`).run();
    expect(dump(w.core.db)).not.toEqual(before.db);
  });
});
