// The operations of the sync model: what people do at the branches and head office, sync rounds
// with faults, server restarts, and head office restored from its last backup; and how to deliver
// everything once the faults are healed.
import fc from 'fast-check';
import { sales, trips as tripsTable } from '../../core/db/schema';
import { DomainError } from '../../core/errors';
import { SyncUnavailable } from '../../core/sync/transport';
import { invoicePdf, makeInvoice } from '../../core/invoices/testing/generate';
import type { Fault } from './faults';
import { forge, forgeries, type Forgery } from './model-forge';
import type { ModelSite, ModelWorld, Template } from './model-world';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1]).toString('base64');

const site = fc.integer({ min: 0, max: 3 });
/** Any PC, the driver's second tablet too (it syncs, is backed up and restored like the rest). */
const anySite = fc.integer({ min: 0, max: 4 });
const factoryPc = fc.constantFrom(0, 3);
const shop = fc.integer({ min: 1, max: 2 });
const variant = fc.integer({ min: 0, max: 2 });
const pick = fc.nat(20);
const forgery = fc.constantFrom<Forgery>(...forgeries);
const fault = fc.constantFrom<Fault>(
  'none',
  'none',
  'dropRequest',
  'dropResponse',
  'duplicate',
  'replay',
);

const saleOp = fc.record({
  kind: fc.constant('sale' as const),
  shop,
  variant,
  qty: fc.integer({ min: 1, max: 3 }),
  split: fc.constantFrom(
    'cash' as const,
    'cardThenCash' as const,
    'cashThenMobile' as const,
    'three' as const,
  ),
  part: fc.integer({ min: 1, max: 50 }),
  ref: fc.stringMatching(/^[A-Z0-9]{6,12}$/),
  restock: fc.boolean(),
  // To a customer the shop knows (earning points), redeeming some of them, with a discount.
  customer: fc.option(pick, { nil: null }),
  redeem: fc.integer({ min: 0, max: 30 }),
  discount: fc.integer({ min: 0, max: 20 }),
});

export const op = fc.oneof(
  fc.record({
    kind: fc.constant('place' as const),
    shop,
    variant,
    qty: fc.integer({ min: 1, max: 9 }),
  }),
  fc.record({ kind: fc.constant('slip' as const), shop, pick }),
  // Finance may record a part payment at head office while the shop cancels offline.
  fc.record({
    kind: fc.constant('verify' as const),
    pick,
    reject: fc.boolean(),
    part: fc.boolean(),
  }),
  // A partial dispatch leaves a backorder; both factory PCs may send or cancel it offline.
  fc.record({ kind: fc.constant('dispatch' as const), pc: factoryPc, pick, partial: fc.boolean() }),
  fc.record({ kind: fc.constant('dispatchRest' as const), pc: factoryPc, pick }),
  fc.record({ kind: fc.constant('cancelBackorder' as const), pc: factoryPc, pick }),
  fc.record({ kind: fc.constant('receive' as const), shop, pick, short: fc.boolean() }),
  fc.record({ kind: fc.constant('cancel' as const), shop, pick, paid: fc.boolean() }),
  fc.record({ kind: fc.constant('hqCancel' as const), pick }),
  fc.record({
    kind: fc.constant('price' as const),
    variant,
    price: fc.integer({ min: 100, max: 99_999 }),
  }),
  // Head office changes the company's currency symbol or locale while PCs may be offline, and
  // now and then its time zone: every replica then counts every row's day in the new zone.
  fc.record({
    kind: fc.constant('company' as const),
    symbol: fc.constantFrom('Br', 'ETB', 'ብር'),
    locale: fc.constantFrom('en-GB', 'am-ET'),
    zone: fc.constantFrom(
      undefined,
      undefined,
      undefined,
      'America/New_York',
      'Africa/Addis_Ababa',
    ),
  }),
  // Paid in one, two or three payments: cash with money tendered, card, mobile money with its
  // reference; the last one takes the rest of the total, which the model does not know. A shop
  // seldom holds stock here; with `restock` the clerk first counts what is on the shelf, so
  // sales (and their payments) are recorded often enough to be proved.
  { arbitrary: saleOp, weight: 4 },
  // A customer added at a shop while offline; two shops may add the same phone.
  fc.record({
    kind: fc.constant('customer' as const),
    shop,
    phone: fc.constantFrom('0911000001', '0911000002', '+251911000003'),
  }),
  // A return of one unit of a sale's line at either shop (the sale may be the other shop's).
  {
    arbitrary: fc.record({ kind: fc.constant('return' as const), shop, pick, whole: fc.boolean() }),
    weight: 2,
  },
  // A clerk opens or closes the till's shift, counting the drawer right or wrong.
  fc.record({ kind: fc.constant('shift' as const), shop, off: fc.integer({ min: -5, max: 5 }) }),
  // Head office's nightly run (expiries, tiers) and an admin's adjustment of points.
  // (A PC whose clock ran days behind before its first sync earned points that expire here.)
  fc.record({ kind: fc.constant('loyaltyRun' as const) }),
  fc.record({
    kind: fc.constant('pointsAdjust' as const),
    pick,
    points: fc.integer({ min: -40, max: 40 }).filter((n) => n !== 0),
  }),
  fc.record({ kind: fc.constant('merge' as const), pick }),
  fc.record({
    kind: fc.constant('produce' as const),
    pc: factoryPc,
    variant,
    qty: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({
    kind: fc.constant('adjust' as const),
    site,
    variant,
    qty: fc.integer({ min: -3, max: 12 }).filter((q) => q !== 0),
  }),
  fc.record({
    kind: fc.constant('transfer' as const),
    pc: factoryPc,
    shop,
    variant,
    qty: fc.integer({ min: 1, max: 5 }),
  }),
  // Stock sent to a shop is received there, maybe short, while either side may be offline.
  fc.record({ kind: fc.constant('receiveTransfer' as const), shop, pick, short: fc.boolean() }),
  // A count at any PC; the two factory PCs count the same branch, so their counts overlap.
  fc.record({
    kind: fc.constant('count' as const),
    site,
    variant,
    delta: fc.integer({ min: -3, max: 3 }),
  }),
  // Head office chooses one of two overlapping counts of a variant.
  fc.record({ kind: fc.constant('chooseCount' as const), pick, useHeld: fc.boolean() }),
  // Head office withdraws a shop clerk's role (or gives it back) while that shop may be offline.
  fc.record({ kind: fc.constant('role' as const), shop, clerk: fc.boolean() }),
  // Head office orders from a supplier for a branch (approved at once); the branch's PCs receive
  // it while offline, in part or beyond what is left (two factory PCs may receive one order).
  fc.record({
    kind: fc.constant('purchase' as const),
    site,
    variant,
    qty: fc.integer({ min: 1, max: 12 }),
    price: fc.integer({ min: 1, max: 5_000 }),
  }),
  {
    arbitrary: fc.record({
      kind: fc.constant('receivePurchase' as const),
      site,
      pick,
      qty: fc.integer({ min: 0, max: 8 }),
    }),
    weight: 2,
  },
  // A supplier invoice uploaded at any PC (maybe offline), read at head office when it arrives,
  // posted (maybe against an order, maybe a credit note, maybe a number already posted) and
  // reversed there: the costs it moves must agree on every replica.
  fc.record({
    kind: fc.constant('uploadInvoice' as const),
    site,
    file: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('postInvoice' as const),
    pick,
    variant,
    qty: fc.integer({ min: 1, max: 6 }),
    price: fc.integer({ min: 1, max: 9_000 }),
    number: fc.integer({ min: 1, max: 4 }),
    againstOrder: fc.boolean(),
    credit: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('reverseInvoice' as const), pick }),
  // On the road (issue 16), at Shop One: its reps take orders offline (maybe for the other rep's
  // customer, maybe over a credit limit or the stock), the clerk approves, cancels, plans trips,
  // takes goods back and records payments; its driver proves stops from either of two tablets
  // (the second continues the trip after a sync), with damages, shortages, crates and money.
  {
    arbitrary: fc.record({
      kind: fc.constant('fieldOrder' as const),
      rep: fc.constantFrom('rep1', 'rep2', 'shop1'),
      customer: fc.nat(3),
      variant,
      qty: fc.integer({ min: 1, max: 4 }),
    }),
    weight: 3,
  },
  fc.record({ kind: fc.constant('approveField' as const), pick, restock: fc.boolean() }),
  fc.record({ kind: fc.constant('cancelField' as const), pick }),
  {
    arbitrary: fc.record({
      kind: fc.constant('planTrip' as const),
      stops: fc.integer({ min: 1, max: 3 }),
      suggest: fc.boolean(),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('prove' as const),
      tablet: fc.constantFrom(1, 4),
      pick,
      damaged: fc.boolean(),
      short: fc.boolean(),
      collect: fc.constantFrom('none' as const, 'cash' as const, 'transfer' as const),
      crates: fc.integer({ min: 0, max: 2 }),
      twice: fc.boolean(),
    }),
    weight: 3,
  },
  fc.record({ kind: fc.constant('failStop' as const), tablet: fc.constantFrom(1, 4), pick }),
  // Shop One's clerk records a stop whose driver cannot: its goods came back (while the driver's
  // tablet, offline, may record the same stop).
  fc.record({ kind: fc.constant('cameBack' as const), pick }),
  fc.record({
    kind: fc.constant('closeTrip' as const),
    pick,
    off: fc.integer({ min: -2, max: 2 }),
  }),
  fc.record({ kind: fc.constant('returnField' as const), pick, whole: fc.boolean() }),
  fc.record({
    kind: fc.constant('fieldPayment' as const),
    customer: fc.nat(3),
    amount: fc.integer({ min: 1, max: 5_000 }),
  }),
  fc.record({ kind: fc.constant('settleBadges' as const) }),
  fc.record({ kind: fc.constant('forge' as const), site, forgery, pick }),
  fc.record({ kind: fc.constant('sync' as const), site: anySite, fault }),
  fc.record({ kind: fc.constant('sync' as const), site: anySite, fault }),
  fc.record({ kind: fc.constant('pcBackup' as const), site: anySite }),
  fc.record({ kind: fc.constant('pcRestore' as const), site: anySite }),
  fc.record({ kind: fc.constant('restart' as const) }),
  fc.record({ kind: fc.constant('backup' as const) }),
  fc.record({ kind: fc.constant('restore' as const) }),
);
/** Run for each world: every PC's wall clock off by its own amount, fast or slow, up to days. */
export const skews = fc.array(
  fc.oneof(
    fc.constant(0),
    fc.integer({ min: -60_000, max: 60_000 }),
    fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
  ),
  { minLength: 5, maxLength: 5 },
);

export type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

type Split = 'cash' | 'cardThenCash' | 'cashThenMobile' | 'three';
/** Tendered far above any total here (prices to 99,999 × 3), so the rest is always covered. */
const TENDERED = 1_000_000;

/** A sale's payments as a clerk says them: only the last leaves out its amount. */
function salePayments(split: Split, part: number, ref: string) {
  switch (split) {
    case 'cash':
      return [{ method: 'cash' as const, tendered: TENDERED }];
    case 'cardThenCash':
      return [
        { method: 'card' as const, amount: part },
        { method: 'cash' as const, tendered: TENDERED },
      ];
    case 'cashThenMobile':
      return [
        { method: 'cash' as const, amount: part, tendered: part + 7 },
        { method: 'mobile_money' as const, reference: ref },
      ];
    case 'three':
      return [
        { method: 'card' as const, amount: part },
        { method: 'mobile_money' as const, amount: part, reference: ref },
        { method: 'cash' as const },
      ];
  }
}

export const expected = (e: unknown) => e instanceof DomainError || e instanceof SyncUnavailable;

async function orderIn(s: ModelSite, status: string, n: number): Promise<string | null> {
  const list = await s.core.call(
    'orders.list',
    { status: status as 'placed', limit: 50 },
    s.session,
  );
  return list.length === 0 ? null : list[n % list.length]!.id;
}

/** Four small invoice PDFs (made once): a PC uploads one of them, maybe one already uploaded. */
let invoiceFiles: Promise<string[]> | null = null;
const invoiceFile = async (n: number): Promise<string> =>
  (
    await (invoiceFiles ??= Promise.all(
      [21, 22, 23, 24].map(async (seed) =>
        (await invoicePdf(makeInvoice(seed, 'compact'))).toString('base64'),
      ),
    ))
  )[n]!;

async function firstSupplier(w: ModelWorld, t: Template): Promise<string | null> {
  const suppliers = await w.hq<{ id: string }[]>('suppliers.list', {}, t.adminToken);
  if (suppliers.result[0]) return suppliers.result[0].id;
  const saved = await w.hq<{ id: string }>(
    'suppliers.save',
    { name: 'Awash Cotton', currencyCode: 'ETB', leadTimeDays: 3 },
    t.adminToken,
  );
  return saved.ok ? saved.result.id : null;
}

/** Shop One's PC where its clerk, reps and driver sign in, and the driver's second tablet. */
const SHOP_ONE = 1;
const callAs = <T>(s: ModelSite, user: string, name: string, input: unknown) =>
  s.core.callRaw(name, input, s.sessions[user] ?? s.session) as Promise<T>;

interface FieldOrderRow {
  id: string;
  status: string;
}
async function fieldOrdersIn(s: ModelSite, status: string): Promise<FieldOrderRow[]> {
  const list = await callAs<FieldOrderRow[]>(s, 'shop1', 'field.orders', { limit: 100 });
  return list.filter((o) => o.status === status);
}

interface TripStop {
  orderId: string;
  status: string;
  lines: { lineNo: number; variantId: string; quantity: number }[];
}
interface DriverTrip {
  id: string;
  status: string;
  stops: TripStop[];
}
/** The driver's trips as a tablet knows them (any day: a planned trip may be the PC's tomorrow). */
async function driversTrips(s: ModelSite, user: string): Promise<DriverTrip[]> {
  const list = await callAs<{ id: string; status: string }[]>(s, user, 'trips.list', {}).catch(
    () => null,
  );
  const ids =
    list?.map((x) => x.id) ??
    s.core.db.orm
      .select({ id: tripsTable.id })
      .from(tripsTable)
      .orderBy(tripsTable.number)
      .all()
      .map((x) => x.id);
  const trips: DriverTrip[] = [];
  for (const id of ids) trips.push(await callAs<DriverTrip>(s, user, 'trips.get', { tripId: id }));
  return trips;
}

/** A valid 1×1 PNG: the signature drawn on the tablet, and a photo of a damage. */
const SIGNATURE_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

export async function run(w: ModelWorld, t: Template, o: Op): Promise<void> {
  const as =
    (s: ModelSite) =>
    <T>(name: string, input: unknown) =>
      s.core.callRaw(name, input, s.session) as Promise<T>;
  switch (o.kind) {
    case 'place':
      return void (await as(w.sites[o.shop]!)('orders.place', {
        lines: [{ variantId: t.variants[o.variant], quantity: o.qty }],
      }));
    case 'slip': {
      const id = await orderIn(w.sites[o.shop]!, 'placed', o.pick);
      if (id)
        await as(w.sites[o.shop]!)('orders.attachSlip', {
          orderId: id,
          fileName: 's.png',
          contentBase64: png,
        });
      return;
    }
    case 'verify': {
      const list = await w.hq<{ id: string; total: number; paid: number }[]>(
        'orders.list',
        { status: 'slip_attached' },
        t.financeToken,
      );
      const order = list.result[o.pick % Math.max(1, list.result.length)];
      if (order)
        await w.hq(
          o.reject ? 'orders.rejectPayment' : 'orders.verifyPayment',
          o.reject
            ? { orderId: order.id, reason: 'unreadable' }
            : // A part payment of 1 leaves the rest due; the next verify pays what is due.
              {
                orderId: order.id,
                amount: o.part ? 1 : Math.max(1, order.total - order.paid),
                reference: 'M',
              },
          t.financeToken,
        );
      return;
    }
    case 'dispatch': {
      const pc = w.sites[o.pc]!;
      const id = await orderIn(pc, 'payment_verified', o.pick);
      if (id)
        await as(pc)('orders.dispatch', {
          orderId: id,
          vehicle: `T${o.pc}`,
          ...(o.partial && { lines: [{ lineNo: 1, quantity: 1 }] }),
        });
      return;
    }
    case 'dispatchRest':
    case 'cancelBackorder': {
      const pc = w.sites[o.pc]!;
      const owing = [
        ...(await pc.core.call('orders.list', { status: 'dispatched', limit: 50 }, pc.session)),
        ...(await pc.core.call('orders.list', { status: 'delivered', limit: 50 }, pc.session)),
      ].filter((x) => x.backordered > 0);
      const id = owing[o.pick % Math.max(1, owing.length)]?.id;
      if (!id) return;
      if (o.kind === 'dispatchRest')
        await as(pc)('orders.dispatch', { orderId: id, vehicle: `R${o.pc}` });
      else await as(pc)('orders.cancelBackorder', { orderId: id, reason: 'cannot make it' });
      return;
    }
    case 'receive': {
      const s = w.sites[o.shop]!;
      const id = await orderIn(s, 'dispatched', o.pick);
      if (!id) return;
      const detail = await s.core.call('orders.get', { orderId: id }, s.session);
      await as(s)('orders.confirmDelivery', {
        orderId: id,
        // Each dispatch is confirmed on its own: what is on its way now.
        lines: detail.lines.map((l) => {
          const onTheWay = l.dispatchedQty - l.confirmedQty;
          return { lineNo: l.lineNo, received: o.short ? Math.max(0, onTheWay - 1) : onTheWay };
        }),
      });
      return;
    }
    case 'cancel': {
      const id = await orderIn(w.sites[o.shop]!, o.paid ? 'slip_attached' : 'placed', o.pick);
      if (id) await as(w.sites[o.shop]!)('orders.cancel', { orderId: id, reason: 'not needed' });
      return;
    }
    case 'hqCancel': {
      const list = await w.hq<{ id: string }[]>(
        'orders.list',
        { status: 'payment_verified' },
        t.adminToken,
      );
      const order = list.result[o.pick % Math.max(1, list.result.length)];
      if (order)
        await w.hq('orders.cancel', { orderId: order.id, reason: 'refund agreed' }, t.adminToken);
      return;
    }
    case 'price':
      return void (await w.hq(
        'catalog.updateVariant',
        // Confirmed: a price at or below cost (600 to 1800 here) is a merge like any other.
        { id: t.variants[o.variant], price: o.price, confirmBelowCost: true },
        t.adminToken,
      ));
    case 'company':
      return void (await w.hq(
        'company.save',
        { currencySymbol: o.symbol, locale: o.locale, ...(o.zone && { timeZone: o.zone }) },
        t.adminToken,
      ));
    case 'sale': {
      const clerk = as(w.sites[o.shop]!);
      if (o.restock)
        await clerk('stock.adjust', {
          variantId: t.variants[o.variant],
          // One more for a regular's earlier visit (below).
          quantity: o.qty + 1,
          reason: 'count',
        });
      const s = w.sites[o.shop]!;
      let known =
        o.customer === null ? [] : await s.core.call('customers.list', { limit: 50 }, s.session);
      if (o.customer !== null && known.length === 0) {
        // The shop's first customer: the same phone may be added at the other shop meanwhile.
        await clerk('customers.create', { name: 'First', phone: `091100000${o.customer % 3}` });
        known = await s.core.call('customers.list', { limit: 50 }, s.session);
      }
      const customer = known[(o.customer ?? 0) % Math.max(1, known.length)];
      const points = customer
        ? await s.core.call('loyalty.points', { customerId: customer.id }, s.session)
        : null;
      const redeem = points ? Math.min(o.redeem, Math.max(0, points.available)) : 0;
      if (customer && o.redeem > 0 && redeem === 0)
        // A regular's earlier visit, so there are points to spend this time.
        await clerk('sales.record', {
          lines: [{ variantId: t.variants[o.variant], quantity: 1 }],
          customerId: customer.id,
          payments: [{ method: 'cash', tendered: TENDERED }],
        });
      const spendable =
        customer && o.redeem > 0 && redeem === 0
          ? Math.min(
              o.redeem,
              (await s.core.call('loyalty.points', { customerId: customer.id }, s.session))
                .available,
            )
          : redeem;
      return void (await clerk('sales.record', {
        lines: [{ variantId: t.variants[o.variant], quantity: o.qty }],
        ...(customer && { customerId: customer.id }),
        ...(spendable > 0 && { redeem: { points: spendable } }),
        ...(o.discount > 0 && { discount: o.discount }),
        payments: salePayments(o.split, o.part, o.ref),
      }));
    }
    case 'customer':
      return void (await as(w.sites[o.shop]!)('customers.create', {
        name: `Customer ${o.phone}`,
        phone: o.phone,
      }));
    case 'return': {
      const s = w.sites[o.shop]!;
      // Any sale this PC has heard of, its own shop's or the other's (the customer brings the
      // receipt to another shop).
      const known = s.core.db.orm
        .select({ number: sales.number })
        .from(sales)
        .orderBy(sales.number)
        .all();
      const sale = known[o.pick % Math.max(1, known.length)];
      if (!sale) return;
      const found = await s.core.call('sales.findForReturn', { number: sale.number }, s.session);
      const line = found.lines.find((l) => l.quantity > l.returned);
      const method = found.methods[0];
      if (!line || !method) return;
      return void (await as(s)('sales.return', {
        saleId: found.id,
        lines: [{ lineNo: line.lineNo, quantity: o.whole ? line.quantity - line.returned : 1 }],
        refunds: [
          { method, ...(method !== 'cash' && method !== 'card' && { reference: 'REFUND1' }) },
        ],
        reason: 'changed their mind',
      }));
    }
    case 'shift': {
      const s = w.sites[o.shop]!;
      const open = await s.core.call('shifts.current', {}, s.session);
      if (!open) return void (await as(s)('shifts.open', { openingFloat: 5_000 }));
      return void (await as(s)('shifts.close', {
        countedCash: Math.max(0, open.expectedCash + o.off),
        ...(o.off !== 0 && { reason: 'miscounted change' }),
      }));
    }
    case 'loyaltyRun':
      return void (await w.hq('loyalty.run', {}, t.adminToken));
    case 'pointsAdjust': {
      const list = await w.hq<{ id: string }[]>('customers.list', { limit: 50 }, t.adminToken);
      const c = list.result[o.pick % Math.max(1, list.result.length)];
      if (c)
        await w.hq(
          'loyalty.adjust',
          { customerId: c.id, points: o.points, reason: 'goodwill' },
          t.adminToken,
        );
      return;
    }
    case 'merge': {
      const dups = await w.hq<{ customers: { id: string }[] }[]>(
        'customers.duplicates',
        {},
        t.adminToken,
      );
      const group = dups.result[o.pick % Math.max(1, dups.result.length)];
      if (group && group.customers.length > 1)
        await w.hq(
          'customers.merge',
          { fromId: group.customers[1]!.id, intoId: group.customers[0]!.id },
          t.adminToken,
        );
      return;
    }
    case 'produce':
      return void (await as(w.sites[o.pc]!)('production.record', {
        variantId: t.variants[o.variant],
        quantity: o.qty,
        producedOn: '2026-11-22',
      }));
    case 'adjust': {
      const s = w.sites[o.site]!;
      return void (await as(s)('stock.adjust', {
        variantId: t.variants[o.variant],
        quantity: o.qty,
        reason: 'count',
      }));
    }
    case 'transfer':
      return void (await as(w.sites[o.pc]!)('stock.transfer', {
        fromBranchId: t.branch['FAC'],
        toBranchId: t.branch[o.shop === 1 ? 'SH01' : 'SH02'],
        variantId: t.variants[o.variant],
        quantity: o.qty,
      }));
    case 'uploadInvoice':
      return void (await as(w.sites[o.site]!)('invoices.upload', {
        fileName: `invoice-${o.file}.pdf`,
        contentBase64: await invoiceFile(o.file),
      }));
    case 'postInvoice': {
      const waiting = (
        await w.hq<{ id: string; status: string }[]>('invoices.list', {}, t.adminToken)
      ).result.filter((i) => ['uploaded', 'read', 'unreadable'].includes(i.status));
      const invoice = waiting[o.pick % Math.max(1, waiting.length)];
      const supplierId = await firstSupplier(w, t);
      if (!invoice || !supplierId) return;
      // Head office reads what has arrived first (its inbox would, within seconds).
      if (invoice.status === 'uploaded')
        await w.hq('invoices.read', { invoiceId: invoice.id }, t.adminToken);
      const orders = (
        await w.hq<{ id: string; supplierId: string; status: string }[]>(
          'purchases.list',
          {},
          t.adminToken,
        )
      ).result.filter((p) => p.supplierId === supplierId && p.status !== 'draft');
      const orderId = o.againstOrder
        ? (orders[o.pick % Math.max(1, orders.length)]?.id ?? null)
        : null;
      const amount = o.qty * o.price;
      await w.hq(
        'invoices.post',
        {
          invoiceId: invoice.id,
          kind: o.credit ? 'credit' : 'invoice',
          supplierId,
          number: `INV-${o.number}`,
          date: new Date().toISOString().slice(0, 10),
          currencyCode: 'ETB',
          orderId,
          subtotal: amount,
          tax: 0,
          total: amount,
          lines: [
            {
              variantId: t.variants[o.variant],
              supplierCode: null,
              description: 'Cotton',
              quantity: o.qty,
              unitPrice: o.price,
              amount,
            },
          ],
        },
        t.adminToken,
      );
      return;
    }
    case 'reverseInvoice': {
      const posted = (
        await w.hq<{ id: string }[]>('invoices.list', { status: 'posted' }, t.adminToken)
      ).result;
      const invoice = posted[o.pick % Math.max(1, posted.length)];
      if (invoice)
        await w.hq(
          'invoices.reverse',
          { invoiceId: invoice.id, reason: 'billed twice' },
          t.adminToken,
        );
      return;
    }
    case 'purchase': {
      const supplierId = await firstSupplier(w, t);
      if (!supplierId) return;
      const branchId = t.branch[o.site === 1 ? 'SH01' : o.site === 2 ? 'SH02' : 'FAC']!;
      const draft = await w.hq<{ id: string }>(
        'purchases.draft',
        {
          supplierId,
          branchId,
          lines: [{ variantId: t.variants[o.variant], quantity: o.qty, price: o.price }],
        },
        t.adminToken,
      );
      if (draft.ok) await w.hq('purchases.approve', { id: draft.result.id }, t.adminToken);
      return;
    }
    case 'receivePurchase': {
      const s = w.sites[o.site]!;
      const open = (await s.core.call('purchases.list', {}, s.session).catch(() => [])).filter(
        (p) => p.status === 'approved' || p.status === 'partly_received',
      );
      const order = open[o.pick % Math.max(1, open.length)];
      if (order)
        await as(s)('purchases.receive', {
          id: order.id,
          lines: [{ lineNo: 1, quantity: o.qty, rejected: o.qty === 0 ? 1 : 0, note: 'torn' }],
        });
      return;
    }
    case 'receiveTransfer': {
      const s = w.sites[o.shop]!;
      const own = t.branch[o.shop === 1 ? 'SH01' : 'SH02']!;
      const list = await s.core.call(
        'stock.transfers',
        { branchId: own, status: 'in_transit' },
        s.session,
      );
      const open = list.filter((x) => x.toBranchId === own);
      const transfer = open[o.pick % Math.max(1, open.length)];
      if (transfer)
        await as(s)('stock.receiveTransfer', {
          transferId: transfer.id,
          received: o.short ? transfer.quantity - 1 : transfer.quantity,
          note: o.short ? 'one short' : null,
        });
      return;
    }
    case 'count': {
      const s = w.sites[o.site]!;
      const { countId } = await s.core.call('stock.startCount', {}, s.session);
      const sheet = await s.core.call('stock.countSheet', { countId }, s.session);
      const line = sheet.lines.find((l) => l.variantId === t.variants[o.variant]);
      if (line)
        await as(s)('stock.postCount', {
          countId,
          counterName: 'Counter',
          lines: [
            {
              variantId: line.variantId,
              expected: line.onHand,
              counted: Math.max(0, line.onHand + o.delta),
            },
          ],
        });
      return;
    }
    case 'chooseCount': {
      const held = await w.hq<{ countId: string; variantId: string }[]>(
        'stock.heldCounts',
        {},
        t.adminToken,
      );
      const line = held.result[o.pick % Math.max(1, held.result.length)];
      if (line)
        await w.hq(
          'stock.chooseCount',
          { countId: line.countId, variantId: line.variantId, useHeld: o.useHeld, note: 'chosen' },
          t.adminToken,
        );
      return;
    }
    case 'role': {
      const user = t.users[w.sites[o.shop]!.user];
      if (user)
        await w.hq(
          'users.update',
          { id: user, role: o.clerk ? 'shop_clerk' : 'driver' },
          t.adminToken,
        );
      return;
    }
    case 'fieldOrder': {
      const s = w.sites[SHOP_ONE]!;
      return void (await callAs(s, o.rep, 'field.placeOrder', {
        customerId: t.customers[o.customer],
        lines: [{ variantId: t.variants[o.variant], quantity: o.qty }],
      }));
    }
    case 'approveField': {
      const s = w.sites[SHOP_ONE]!;
      const waiting = [
        ...(await fieldOrdersIn(s, 'held')),
        ...(await fieldOrdersIn(s, 'requested')),
      ];
      const order = waiting[o.pick % Math.max(1, waiting.length)];
      if (!order) return;
      if (o.restock) {
        // The clerk counts what came in before approving, so some orders are not short.
        const detail = await callAs<{ lines: { variantId: string; quantity: number }[] }>(
          s,
          'shop1',
          'field.order',
          { orderId: order.id },
        );
        for (const l of detail.lines)
          await callAs(s, 'shop1', 'stock.adjust', {
            variantId: l.variantId,
            quantity: l.quantity,
            reason: 'count',
          });
      }
      return void (await callAs(
        s,
        'shop1',
        order.status === 'held' ? 'field.approveOrder' : 'field.confirmOrder',
        { orderId: order.id },
      ));
    }
    case 'cancelField': {
      const s = w.sites[SHOP_ONE]!;
      const open = await fieldOrdersIn(s, 'open');
      const order = open[o.pick % Math.max(1, open.length)];
      if (order)
        await callAs(s, 'shop1', 'field.cancelOrder', { orderId: order.id, reason: 'not needed' });
      return;
    }
    case 'planTrip': {
      const s = w.sites[SHOP_ONE]!;
      const open = await callAs<{ orderId?: string; id?: string }[]>(
        s,
        'shop1',
        'trips.openOrders',
        {},
      );
      let ids = open.slice(0, o.stops).map((x) => (x.orderId ?? x.id)!);
      if (ids.length === 0) return;
      if (o.suggest)
        ids = await callAs<{ orderIds: string[] } | string[]>(s, 'shop1', 'trips.suggestOrder', {
          orderIds: ids,
        }).then((r) => (Array.isArray(r) ? r : r.orderIds));
      const day = new Date(s.core.context().now()).toISOString().slice(0, 10);
      return void (await callAs(s, 'shop1', 'trips.plan', {
        day,
        driverId: t.users['driver1'],
        vehicle: 'AA-3-12345',
        orderIds: ids,
      }));
    }
    case 'prove': {
      const s = w.sites[o.tablet]!;
      const trips = (await driversTrips(s, 'driver1')).filter((x) => x.status === 'planned');
      const stops = trips.flatMap((trip) =>
        trip.stops.filter((x) => x.status === 'pending').map((stop) => ({ trip, stop })),
      );
      const at = stops[o.pick % Math.max(1, stops.length)];
      if (!at) return;
      const lines = at.stop.lines.map((l, i) => {
        const damaged = o.damaged && i === 0 && l.quantity > 1 ? 1 : 0;
        const short = o.short && l.quantity - damaged > 1 ? 1 : 0;
        return {
          lineNo: l.lineNo,
          delivered: l.quantity - damaged - short,
          damaged,
          short,
          ...((damaged || short) && { reason: 'broken in the crate' }),
        };
      });
      const input = {
        tripId: at.trip.id,
        orderId: at.stop.orderId,
        proofId: `proof-${at.stop.orderId}-${o.tablet}`,
        lines,
        returns: o.crates > 0 ? [{ variantId: t.variants[0], quantity: o.crates }] : [],
        collected:
          o.collect === 'none'
            ? null
            : o.collect === 'cash'
              ? { amount: 1_500, method: 'cash' }
              : { amount: 2_000, method: 'bank_transfer', reference: 'TRX42' },
        signature: { contentBase64: SIGNATURE_PNG },
        photos: Object.fromEntries(
          lines.filter((l) => l.damaged > 0).map((l) => [String(l.lineNo), SIGNATURE_PNG]),
        ),
        signedBy: 'Almaz',
      };
      await callAs(s, 'driver1', 'trips.prove', input);
      // Saved twice (a double tap, a retry after no answer): still one proof.
      if (o.twice) await callAs(s, 'driver1', 'trips.prove', input).catch(() => undefined);
      return;
    }
    case 'failStop':
    case 'cameBack': {
      // The driver on a tablet, or Shop One's clerk recording that a stop's goods came back.
      const [s, user] =
        o.kind === 'failStop' ? [w.sites[o.tablet]!, 'driver1'] : [w.sites[SHOP_ONE]!, 'shop1'];
      const trips = (await driversTrips(s, user)).filter((x) => x.status === 'planned');
      const stops = trips.flatMap((trip) =>
        trip.stops.filter((x) => x.status === 'pending').map((stop) => ({ trip, stop })),
      );
      const at = stops[o.pick % Math.max(1, stops.length)];
      if (at)
        await callAs(s, user, o.kind === 'failStop' ? 'trips.failStop' : 'trips.cameBack', {
          tripId: at.trip.id,
          orderId: at.stop.orderId,
          reason: o.kind === 'failStop' ? 'closed' : 'driver off sick; goods back',
        });
      return;
    }
    case 'closeTrip': {
      const s = w.sites[SHOP_ONE]!;
      const trips = (await driversTrips(s, 'shop1')).filter(
        (x) => x.status === 'planned' && x.stops.every((stop) => stop.status !== 'pending'),
      );
      const trip = trips[o.pick % Math.max(1, trips.length)];
      if (!trip) return;
      const detail = await callAs<{ cashExpected?: number | null; cash?: { expected: number } }>(
        s,
        'shop1',
        'trips.get',
        { tripId: trip.id },
      );
      const expectedCash = detail.cashExpected ?? detail.cash?.expected ?? 0;
      return void (await callAs(s, 'shop1', 'trips.close', {
        tripId: trip.id,
        counted: Math.max(0, expectedCash + o.off),
        ...(o.off !== 0 && { reason: 'miscounted' }),
      }));
    }
    case 'returnField': {
      const s = w.sites[SHOP_ONE]!;
      const delivered = await fieldOrdersIn(s, 'delivered');
      const order = delivered[o.pick % Math.max(1, delivered.length)];
      if (!order) return;
      const detail = await callAs<{
        lines: {
          lineNo: number;
          deliveredQty?: number | null;
          delivered?: number | null;
          returnedQty: number;
        }[];
      }>(s, 'shop1', 'field.order', { orderId: order.id });
      const lines = detail.lines
        .map((l) => ({
          lineNo: l.lineNo,
          quantity: o.whole ? (l.deliveredQty ?? l.delivered ?? 0) - l.returnedQty : 1,
        }))
        .filter((l) => l.quantity > 0);
      if (lines.length > 0)
        await callAs(s, 'shop1', 'field.returnOrder', {
          orderId: order.id,
          lines: o.whole ? lines : lines.slice(0, 1),
          reason: 'came back',
        });
      return;
    }
    case 'fieldPayment':
      return void (await callAs(w.sites[SHOP_ONE]!, 'shop1', 'field.recordPayment', {
        customerId: t.customers[o.customer],
        amount: o.amount,
        method: 'cash',
      }));
    case 'settleBadges':
      return void (await w.hq('badges.settle', {}, t.adminToken));
    case 'forge':
      return forge(w, t, o);
    case 'sync': {
      const s = w.sites[o.site]!;
      s.transport.fault = o.fault;
      try {
        await s.engine.sync();
      } finally {
        s.transport.fault = 'none';
      }
      return;
    }
    case 'pcBackup':
      return w.sites[o.site]!.backup();
    case 'pcRestore':
      return w.sites[o.site]!.restore();
    case 'restart':
      return w.restartServer();
    case 'backup':
      return w.backup();
    case 'restore':
      return w.restoreBackup();
  }
}

/** Heals every fault and syncs until nothing moves. */
export async function deliverEverything(w: ModelWorld): Promise<void> {
  for (let round = 0; round < 3; round++) {
    for (const s of w.sites) await s.engine.sync();
    for (const server of w.servers()) await server.replica.catchUp();
  }
}
