// The sync model's adversary: a branch PC's own device token used to push events no person of
// that branch could have made in the app. Each must be refused, logged and applied nowhere.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, ne } from 'drizzle-orm';
import { expect } from 'vitest';
import { orders, tripStops } from '../../core/db/schema';
import { formatHlc } from '../../core/hlc';
import type { ModelWorld, Template } from './model-world';
import { http } from './world';

export const forgeries = [
  'otherBranchStock',
  'adminUser',
  'price',
  'company',
  'adminCancel',
  'foreignOrder',
  'foreignUser',
  'verifyPayment',
  'otherEnvelope',
  'otherBranchReceipt',
  'otherBranchCount',
  'discount',
  'approver',
  'belowCatalog',
  'orderBelowCatalog',
  'pointsAdjust',
  'purchaseApprove',
  'invoicePost',
  'invoiceOtherBranch',
  'customerTerms',
  'tripOtherBranch',
  'clerkProof',
  'driverCameBack',
  'badgeSettled',
  'hugeQuantity',
] as const;
export type Forgery = (typeof forgeries)[number];

/** Ids of every forged event of a run: none may be found in any replica or in the log. */
export const forgedIds = new WeakMap<ModelWorld, Set<string>>();

function anyOrder(w: ModelWorld, pick: number, notOf?: string): { id: string } | undefined {
  const rows = w
    .server()
    .replica.core.db.orm.select({ id: orders.id })
    .from(orders)
    .where(and(ne(orders.shopId, notOf ?? ''), ne(orders.factoryId, notOf ?? '')))
    .orderBy(asc(orders.id))
    .all();
  return rows[pick % Math.max(1, rows.length)];
}

export async function forge(
  w: ModelWorld,
  t: Template,
  o: { site: number; forgery: Forgery; pick: number },
): Promise<void> {
  const site = t.sites[o.site]!;
  const device = w.sites[o.site]!.core.context().device!;
  const own = device.branchId;
  const other = Object.values(t.branch).find((b) => b !== own && b !== t.branch['HQ'])!;
  const clerk = t.users[site.user]!;
  const ownOrder = w.sites[o.site]!.core.db.orm.select({ id: orders.id })
    .from(orders)
    .where(eq(orders.shopId, own))
    .orderBy(asc(orders.id))
    .all();
  const orderId = ownOrder[o.pick % Math.max(1, ownOrder.length)]?.id ?? randomUUID();
  const variantId = t.variants[o.pick % t.variants.length]!;
  const base = (type: string, aggregateId: string | null, payload: unknown, userId = clerk) => ({
    id: randomUUID(),
    type,
    schemaVersion: 1,
    branchId: own,
    deviceId: device.id,
    userId,
    hlc: formatHlc({ wall: Date.now(), counter: 0, node: device.id }),
    createdAt: Date.now(),
    aggregateId,
    payload,
  });
  const stock = (branchId: string, userId = clerk) =>
    base(
      'stock.adjusted',
      variantId,
      { branchId, variantId, quantity: 500, reason: 'forged' },
      userId,
    );
  /** A sale of one line of the variant at this branch, paid in cash for what it comes to. */
  const forgedSale = (
    line: { quantity: number; unitPrice: number; discount?: number },
    approval: { approvedBy?: string } = {},
  ) => {
    const saleId = randomUUID();
    const discount = line.discount ?? 0;
    const amount = line.quantity * line.unitPrice - discount;
    return base('sale.recorded', saleId, {
      saleId,
      number: `FORGED-${o.pick}`,
      branchId: own,
      customerId: null,
      lines: [{ lineNo: 1, variantId, ...line }],
      payments: [{ method: 'cash', amount, tendered: null, reference: null }],
      ...(discount > 0 && { discount }),
      ...approval,
    });
  };
  const event = (() => {
    switch (o.forgery) {
      case 'otherBranchStock':
        return stock(other);
      case 'adminUser': {
        const id = randomUUID();
        return base('user.saved', id, {
          id,
          branchId: t.branch['HQ'],
          username: `intruder${o.pick}`,
          displayName: 'Intruder',
          role: 'admin',
          passwordHash: 'scrypt$1$1$1$AA$AA',
          disabled: false,
        });
      }
      case 'price':
        return base('variant.saved', variantId, { id: variantId, price: 1 });
      case 'company':
        return base('company.saved', 'company', { id: 'company', currencySymbol: 'forged' });
      case 'adminCancel':
        return base('order.cancelled', orderId, { orderId, reason: 'forged', asAdmin: true });
      case 'foreignOrder': {
        const foreign = anyOrder(w, o.pick, own)?.id ?? randomUUID();
        return base('order.cancelled', foreign, { orderId: foreign, reason: 'forged' });
      }
      case 'foreignUser':
        return stock(own, t.users['admin']!);
      case 'verifyPayment':
        return base('order.payment_verified', orderId, { orderId, note: null });
      case 'otherEnvelope':
        return { ...stock(other), branchId: other };
      case 'otherBranchReceipt': {
        // Receiving a transfer that goes to another branch.
        const transferId = randomUUID();
        return base('stock.transfer_received', transferId, {
          transferId,
          toBranchId: other,
          received: 500,
          note: null,
        });
      }
      case 'discount':
      case 'approver': {
        // A sale with 90% off (more than anyone at a shop may give), or one "allowed" by
        // another branch's clerk.
        const approver = Object.entries(t.users).find(
          ([name]) => name !== site.user && name.startsWith('shop'),
        )?.[1];
        return o.forgery === 'discount'
          ? forgedSale({ quantity: 1, unitPrice: 1_000, discount: 900 })
          : forgedSale(
              { quantity: 1, unitPrice: 1_000, discount: 50 },
              { approvedBy: approver ?? t.users['factory'] },
            );
      }
      case 'belowCatalog':
        // A sale at 1 a unit with no discount declared: every price here is 100 or more, so
        // nearly all of it is off the catalog's, far past a shop's 10%.
        return forgedSale({ quantity: 3, unitPrice: 1 });
      case 'orderBelowCatalog': {
        // An order to the factory at 1 a unit: the app orders at the catalog's prices only.
        const placedId = randomUUID();
        return base('order.placed', placedId, {
          orderId: placedId,
          number: `FORGED-${o.pick}`,
          shopId: own,
          factoryId: t.branch['FAC'] ?? other,
          note: null,
          lines: [{ lineNo: 1, variantId, quantity: 5, unitPrice: 1, sku: 'X', name: 'forged' }],
        });
      }
      case 'pointsAdjust':
        return base('loyalty.adjusted', randomUUID(), {
          customerId: randomUUID(),
          points: 10_000,
          reason: 'forged',
          expiresAt: null,
        });
      case 'purchaseApprove': {
        // A clerk approving a purchase order (head office's step) from a shop PC.
        const purchaseId = randomUUID();
        return base('purchase.approved', purchaseId, {
          orderId: purchaseId,
          number: `FORGED-${o.pick}`,
          final: true,
        });
      }
      case 'invoicePost': {
        // A supplier invoice "posted" at a branch, to push a variant's cost anywhere it likes.
        const invoiceId = randomUUID();
        return base('supplier_invoice.posted', invoiceId, {
          invoiceId,
          branchId: own,
          kind: 'invoice',
          supplierId: randomUUID(),
          number: `FORGED-${o.pick}`,
          date: '2026-12-01',
          currencyCode: 'ETB',
          rate: null,
          orderId: null,
          subtotal: 1,
          tax: 0,
          total: 1,
          totalCompany: 1,
          lines: [
            {
              variantId,
              supplierItemId: null,
              supplierCode: null,
              description: 'forged',
              quantity: 1,
              unitPrice: 1,
              amount: 1,
              priceBefore: null,
            },
          ],
          variantIds: [variantId],
        });
      }
      case 'invoiceOtherBranch': {
        // An invoice upload that claims another branch uploaded it.
        const invoiceId = randomUUID();
        return base('supplier_invoice.uploaded', invoiceId, {
          invoiceId,
          branchId: other,
          fileHash: '0'.repeat(64),
          mime: 'application/pdf',
          size: 1,
          originalName: 'forged.pdf',
        });
      }
      case 'customerTerms': {
        // A clerk lifting a customer's credit limit (head office's term) from a branch PC.
        const customerId = t.customers[o.pick % t.customers.length]!;
        return base('customer.terms_saved', customerId, {
          id: customerId,
          creditLimit: 999_999_999,
        });
      }
      case 'tripOtherBranch': {
        // A trip planned for another branch's orders and driver.
        const tripId = randomUUID();
        return base('trip.planned', tripId, {
          tripId,
          number: `FORGED-${o.pick}`,
          branchId: other,
          day: '2026-12-05',
          driverId: t.users['driver1'],
          vehicle: 'forged',
          stops: [{ orderId: randomUUID() }],
        });
      }
      case 'clerkProof': {
        // A clerk (not a driver) "proving" a delivery, to take goods off the books.
        const tripId = randomUUID();
        return base('delivery.proved', tripId, {
          proofId: randomUUID(),
          tripId,
          orderId: randomUUID(),
          driverId: clerk,
          repId: null,
          customerId: t.customers[0],
          lines: [{ lineNo: 1, delivered: 1, damaged: 0, short: 0, reason: null, photoFile: null }],
          returns: [],
          collected: null,
          signatureFile: '0'.repeat(64),
          signedBy: 'forged',
          note: null,
        });
      }
      case 'driverCameBack': {
        // The driver's own tablet saying a stop's goods came back (a manager's record) instead of
        // proving or failing it as the driver: on a stop of the branch's own trip when it has one.
        const stops = w.sites[o.site]!.core.db.orm.select({
          tripId: tripStops.tripId,
          orderId: tripStops.orderId,
        })
          .from(tripStops)
          .orderBy(asc(tripStops.tripId), asc(tripStops.seq))
          .all();
        const stop = stops[o.pick % Math.max(1, stops.length)];
        const tripId = stop?.tripId ?? randomUUID();
        return base(
          'stop.came_back',
          tripId,
          { tripId, orderId: stop?.orderId ?? randomUUID(), reason: 'forged' },
          t.users['driver1'],
        );
      }
      case 'badgeSettled':
        // A branch PC awarding the month's top badge (head office settles it after its grace).
        return base('badges.settled', randomUUID(), {
          ruleId: randomUUID(),
          period: '2026-11',
          winners: [{ personId: clerk, count: 99 }],
        });
      case 'hugeQuantity':
        // Its own shelf, as the clerk may, but 2^53 - 1 units: more than any command takes, and
        // past where the ledger's sums stay exact (decision 0039).
        return base('stock.adjusted', variantId, {
          branchId: own,
          variantId,
          quantity: Number.MAX_SAFE_INTEGER,
          reason: 'forged',
        });
      case 'otherBranchCount':
        return base('stock.count_posted', `stock-counts:${other}`, {
          countId: randomUUID(),
          branchId: other,
          counterName: 'forged',
          lines: [{ variantId, expected: 0, counted: 500 }],
        });
    }
  })();
  const forged = forgedIds.get(w) ?? new Set<string>();
  forged.add(event.id);
  forgedIds.set(w, forged);
  const answer = await http<{ refused?: { id: string; code: string }[]; code?: string }>(
    w.base(),
    'POST',
    '/sync/push',
    { events: [event] },
    site.token,
  );
  if (o.forgery === 'otherEnvelope') {
    expect(answer).toMatchObject({ status: 403, body: { code: 'FOREIGN_BRANCH' } });
    return;
  }
  if (o.forgery === 'hugeQuantity') {
    expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION' } });
    return;
  }
  expect({ forgery: o.forgery, status: answer.status }).toEqual({
    forgery: o.forgery,
    status: 200,
  });
  expect(answer.body.refused?.map((r) => r.id)).toEqual([event.id]);
}

/** After a run: no forged event is in the log, at head office, or at any PC. */
export function expectNoForgeryAnywhere(w: ModelWorld): void {
  const ids = [...(forgedIds.get(w) ?? [])];
  if (ids.length === 0) return;
  const marks = ids.map(() => '?').join(', ');
  const dbs = [...w.servers().map((s) => s.replica.core.db), ...w.sites.map((s) => s.core.db)];
  for (const db of dbs)
    expect(db.sqlite.prepare(`SELECT id FROM events WHERE id IN (${marks})`).all(...ids)).toEqual(
      [],
    );
}
