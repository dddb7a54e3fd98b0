import { z } from 'zod';
import * as num from '../events/numbers';
import { DomainError } from '../errors';
import { defineEvent, ledgerWrite, mergeStamp, rowWrite } from '../events/define';
import { pricedLine } from '../events/lines';
import { mergeRow } from '../events/lww';
import { pointsMove } from '../loyalty/ledger';
import { pointsWrite } from '../loyalty/events';
import { companyDayAndHour } from '../locale/day';
import { move } from '../stock/ledger';
import { resolvedPayment } from './payments';
import { discountForLimit, lineTotalOf, overLimit } from './pricing';

/** A phone number's key: its digits, the last 9 (so +251 911… and 0911… are the same). */
export const phoneKeyOf = (phone: string | null | undefined): string | null => {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits ? digits.slice(-9) : null;
};

export const customerSaved = defineEvent({
  type: 'customer.saved',
  merged: true,
  authority: {
    permission: 'customers.manage',
    from: ['shop'],
    acts: (p) => p.branchId ?? null,
    // A tier and a merge are head office's: a shop PC's say on them is dropped.
    decide: ({ tier: _tier, mergedInto: _merged, ...p }) => p,
  },
  // Customers are known at every shop: found, credited and redeemed anywhere.
  visibility: { everywhere: true },
  writes: [rowWrite('customers')],
  payload: z.object({
    id: z.string(),
    branchId: z.string().optional(),
    name: z.string().optional(),
    phone: z.string().nullable().optional(),
    card: z.string().nullable().optional(),
    tier: z.string().nullable().optional(),
    mergedInto: z.string().nullable().optional(),
    /** Where goods are delivered, and its coordinates in millionths of a degree (decision 0034). */
    address: z.string().nullable().optional(),
    latE6: z.number().int().min(-90_000_000).max(90_000_000).nullable().optional(),
    lngE6: z.number().int().min(-180_000_000).max(180_000_000).nullable().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'customers', id, mergeStamp(e), {
      ...fields,
      ...(fields.phone !== undefined && { phoneKey: phoneKeyOf(fields.phone) }),
    });
  },
});

/** A sale's line as the event carries it: discounts (its own and its shares) and tax. */
export const saleLine = pricedLine.extend({
  discount: num.minor.optional(),
  taxRateBp: num.basisPoints.optional(),
  tax: num.minor.optional(),
});

/** What a sale did to the customer's points, as the counter worked it out (decision 0029). */
export const saleLoyalty = z.object({
  /** The tier the PC last heard of for the customer. */
  tier: z.string().nullable(),
  earned: num.points,
  availableAt: num.moment,
  expiresAt: num.moment.nullable(),
  redeemed: num.points,
  rewardId: z.string().nullable(),
});

export const saleRecorded = defineEvent({
  type: 'sale.recorded',
  authority: {
    permission: 'sales.record',
    from: ['shop'],
    acts: (p) => p.branchId,
    // A supervisor named as allowing a discount was, when the sale was made, an admin or a
    // person of the sale's shop, and active; and head office accepts a
    // discount no greater than anyone at the shop could give then (decision 0030).
    decide: (p, then) => {
      if (p.approvedBy) {
        const approver = then.person(p.approvedBy);
        if (
          !approver?.role ||
          approver.disabled ||
          (approver.role !== 'admin' && approver.branchId !== p.branchId)
        )
          return {
            refuse: `the discount's approver ${p.approvedBy} was no supervisor of this shop then`,
          };
      }
      // A unit price below the catalog's counts as a discount of the difference, as at the
      // counter (discountForLimit); the catalog's is the lowest the PC may have known then.
      const given = p.discount ?? 0;
      const judged = discountForLimit(
        p.lines.map((l) => ({
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          catalogPrice: then.lowestPrice(l.variantId) ?? l.unitPrice,
        })),
        { discount: given, gross: p.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0) },
      );
      if (judged.discount === 0) return p;
      const ceiling = then.discountCeiling(p.branchId);
      const below =
        judged.belowCatalog > 0
          ? ` (${judged.belowCatalog} of it as prices below the catalog's)`
          : '';
      return overLimit(judged, ceiling)
        ? {
            refuse: `a discount of ${judged.discount}${below} on ${judged.gross} is more than anyone at the shop may give (${ceiling / 100}%)`,
          }
        : p;
    },
  },
  // Every shop sees a sale: its customer's points are spent anywhere, and it is returned anywhere.
  visibility: { everywhere: true },
  writes: [
    { table: 'sales', column: 'id', key: (e) => e.payload.saleId },
    { table: 'sale_lines', column: 'sale_id', key: (e) => e.payload.saleId },
    { table: 'sale_payments', column: 'sale_id', key: (e) => e.payload.saleId },
    ledgerWrite,
    pointsWrite,
  ],
  payload: z.object({
    saleId: z.string(),
    number: z.string(),
    branchId: z.string(),
    customerId: z.string().nullable(),
    lines: z.array(saleLine).min(1),
    /** Resolved amounts (no "rest" left to compute); absent on sales recorded before payments. */
    payments: z.array(resolvedPayment).optional(),
    /** Whether the prices included tax (absent on older sales: they did, with no tax). */
    pricesIncludeTax: z.boolean().optional(),
    /** Line discounts and the whole sale's (a reward's amount not included). */
    discount: num.minor.optional(),
    rewardAmount: num.minor.optional(),
    /** The supervisor who signed in at the counter to allow the discount. */
    approvedBy: z.string().nullable().optional(),
    shiftId: z.string().nullable().optional(),
    loyalty: saleLoyalty.nullable().optional(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const included = p.pricesIncludeTax ?? true;
    const discount = p.discount ?? 0;
    const reward = p.rewardAmount ?? 0;
    const lineDiscounts = p.lines.reduce((s, l) => s + (l.discount ?? 0), 0);
    if (
      lineDiscounts !== discount + reward ||
      p.lines.some((l) => (l.discount ?? 0) > l.quantity * l.unitPrice)
    )
      throw new DomainError(
        'VALIDATION',
        `Sale ${p.number}: its lines' discounts do not add up to the sale's discount and reward. The PC that recorded it needs an update; tell whoever supports the app.`,
      );
    const total = p.lines.reduce((s, l) => s + lineTotalOf(l, included), 0);
    const tax = p.lines.reduce((s, l) => s + (l.tax ?? 0), 0);
    const loyalty = p.customerId ? p.loyalty : null;
    // The company's day and hour of the sale, what the dashboards count it on (decision 0035).
    const when = companyDayAndHour(db, e.createdAt);
    if (loyalty && loyalty.earned > total)
      throw new DomainError(
        'VALIDATION',
        `Sale ${p.number} claims ${loyalty.earned} points on ${total} minor units: more than one point per unit spent.`,
      );
    db.sqlite
      .prepare(
        `INSERT INTO sales (id, number, branch_id, customer_id, total, discount, reward_amount, tax, approved_by, shift_id,
           device_id, points_earned, points_redeemed, tier, sold_at, day, hour, user_id, event_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        p.saleId,
        p.number,
        p.branchId,
        p.customerId,
        total,
        discount,
        reward,
        tax,
        p.approvedBy ?? null,
        p.shiftId ?? null,
        e.deviceId,
        loyalty?.earned ?? 0,
        loyalty?.redeemed ?? 0,
        loyalty?.tier ?? null,
        e.createdAt,
        when.day,
        when.hour,
        e.userId,
        e.id,
      );
    const line = db.sqlite.prepare(
      `INSERT INTO sale_lines (sale_id, line_no, variant_id, quantity, unit_price, discount, tax_rate_bp, tax, line_total)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const l of p.lines) {
      line.run(
        p.saleId,
        l.lineNo,
        l.variantId,
        l.quantity,
        l.unitPrice,
        l.discount ?? 0,
        l.taxRateBp ?? 0,
        l.tax ?? 0,
        lineTotalOf(l, included),
      );
      move(db, e, {
        branchId: p.branchId,
        variantId: l.variantId,
        kind: 'sale',
        onHand: -l.quantity,
      });
    }
    const pay = db.sqlite.prepare(
      'INSERT INTO sale_payments (sale_id, pay_no, method, amount, tendered, reference) VALUES (?, ?, ?, ?, ?, ?)',
    );
    (p.payments ?? []).forEach((m, i) =>
      pay.run(p.saleId, i + 1, m.method, m.amount, m.tendered, m.reference),
    );
    if (p.customerId && loyalty) {
      pointsMove(db, e, {
        customerId: p.customerId,
        kind: 'earn',
        points: loyalty.earned,
        availableAt: loyalty.availableAt,
        expiresAt: loyalty.expiresAt,
        saleId: p.saleId,
        branchId: p.branchId,
      });
      pointsMove(db, e, {
        customerId: p.customerId,
        kind: 'redeem',
        points: -loyalty.redeemed,
        saleId: p.saleId,
        branchId: p.branchId,
      });
    }
  },
});
