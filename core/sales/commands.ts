import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { documentNumber } from '../branches/numbers';
import { requireBranchOfKind, requireVariant } from '../catalog/lookup';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { id, money, page, quantity } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import type { Db } from '../db/open';
import { prepared } from '../db/prepared';
import { customers, salePayments, sales, users } from '../db/schema';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { companyMoney } from '../locale/money';
import { pointsBalance, rootCustomer } from '../loyalty/ledger';
import { DAY, pointsEarned, programOf, rateOf } from '../loyalty/program';
import { balanceOf } from '../stock/ledger';
import { spendApproval } from './approval';
import { changeOf, MAX_PAYMENTS, paymentInput, resolvePayments } from './payments';
import { discountForLimit, overLimit, priceSale, refuseTooLarge } from './pricing';
import { branchDiscountCeiling, salesSettingsOf, taxRateOf } from './rules';
import { openShiftOf } from './shifts';

/** A cart as the counter sends it, before payment: what `sales.quote` and `sales.record` price. */
const cartInput = {
  branchId: id.optional(),
  customerId: id.optional(),
  lines: z
    .array(
      z.object({
        variantId: id,
        quantity,
        unitPrice: money.optional(),
        /** The line's discount, in minor units. */
        discount: money.optional(),
      }),
    )
    .min(1, 'a sale needs at least one line')
    .max(200),
  /** A discount on the whole sale, in minor units, spread over the lines. */
  discount: money.optional(),
  /** Points redeemed: an amount off at the program's point value, or a reward's free product. */
  redeem: z
    .object({
      points: z.number().int('must be a whole number').positive('must be more than 0'),
      rewardId: z.string().trim().min(1).max(40).optional(),
    })
    .optional(),
};
type CartInput = z.output<z.ZodObject<typeof cartInput>>;

/**
 * Prices a cart as a sale would record it: the lines as sold (stock checked), the customer, the
 * points redeemed and the figures (core/sales/pricing.ts). Reads only: the quote and the sale
 * share it, so what the counter shows before payment is what the sale records.
 */
function priceCart(ctx: Context, input: CartInput) {
  const actor = requireActor(ctx);
  const branchId = input.branchId ?? actor.branchId;
  assertBranchAccess(ctx, branchId, 'sell');
  const shop = requireBranchOfKind(ctx, branchId, ['shop']);
  const customerId = input.customerId ? rootCustomer(ctx.db, input.customerId) : null;
  const customer = customerId
    ? ctx.db.orm
        .select({ id: customers.id, tier: customers.tier })
        .from(customers)
        .where(eq(customers.id, customerId))
        .get()
    : undefined;
  if (input.customerId && !customer)
    throw validationError([{ field: 'customerId', message: 'no such customer' }]);
  const settings = salesSettingsOf(ctx.db);
  const wanted = new Map<string, number>();
  const lines = input.lines.map((l, i) => {
    const v = requireVariant(ctx, l.variantId, `lines.${i}.variantId`);
    if (!v.active)
      throw validationError([
        {
          field: `lines.${i}.variantId`,
          message: `${v.sku} is archived and no longer sold; an admin can restore it on the Products screen`,
        },
      ]);
    const total = (wanted.get(v.id) ?? 0) + l.quantity;
    wanted.set(v.id, total);
    const onHand = balanceOf(ctx.db, branchId, v.id).onHand;
    if (total > onHand)
      throw new DomainError(
        'INSUFFICIENT_STOCK',
        `lines.${i}.quantity: the books show only ${onHand} of ${v.sku} in this shop. If there are more on the shelf, count them and adjust stock first.`,
        { field: `lines.${i}.quantity`, onHand },
      );
    return {
      lineNo: i + 1,
      variantId: v.id,
      quantity: l.quantity,
      unitPrice: l.unitPrice ?? v.price,
      catalogPrice: v.price,
      discount: l.discount ?? 0,
      taxRateBp: taxRateOf(ctx.db, v.id, settings),
    };
  });
  // The company's currency is read only when a refusal has amounts to name, not for every sale.
  let inCurrency: ((minor: number) => string) | undefined;
  const currency = (minor: number) => (inCurrency ??= companyMoney(ctx.db))(minor);
  refuseTooLarge(lines, currency);

  const program = customer ? programOf(ctx.db) : null;
  let redeemed = 0;
  let rewardAmount = 0;
  let rewardId: string | null = null;
  if (input.redeem) {
    if (!customer || !program)
      throw validationError([
        {
          field: 'redeem',
          message: customer
            ? 'head office has set no loyalty program, so there are no points to redeem'
            : 'choose the customer whose points are redeemed',
        },
      ]);
    const reward = input.redeem.rewardId
      ? program.rewards.find((r) => r.id === input.redeem?.rewardId)
      : undefined;
    if (input.redeem.rewardId && !reward)
      throw validationError([{ field: 'redeem.rewardId', message: 'no such reward' }]);
    redeemed = reward ? reward.points : input.redeem.points;
    if (reward) {
      const line = lines.find((l) => l.variantId === reward.variantId);
      if (!line)
        throw validationError([
          {
            field: 'redeem.rewardId',
            message: `scan ${reward.name} into the sale first: the reward is one of it, free`,
          },
        ]);
      rewardAmount = line.unitPrice;
      rewardId = reward.id;
    } else rewardAmount = redeemed * program.pointValue;
    const { available } = pointsBalance(ctx.db, customer.id, ctx.now());
    if (redeemed > available)
      throw new DomainError(
        'POINTS_NOT_AVAILABLE',
        `redeem.points: the customer may spend ${Math.max(0, available)} points now (points earned lately stay pending for ${program.pendingDays} days); redeem at most that.`,
        { field: 'redeem.points', available: Math.max(0, available) },
      );
  }
  let price;
  try {
    price = priceSale(lines, input.discount ?? 0, rewardAmount, settings.pricesIncludeTax);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const field = e.message;
    throw validationError([
      {
        field: field === 'redeem' ? 'redeem.points' : field,
        rule: 'other',
        message:
          field === 'redeem'
            ? 'is worth more than what is left to pay; redeem fewer points'
            : 'is more than the amount it comes off; lower it',
      },
    ]);
  }
  // The customer's points at the tier this PC last heard of, and the clerk's own discount limit.
  const tier = customer && program ? (customer.tier ?? program.tiers[0]?.name ?? null) : null;
  const earned =
    customer && program ? pointsEarned(program, price.total, rateOf(program, tier)) : null;
  const ownLimit = settings.discountLimits[actor.role] ?? 0;
  return {
    /** The discount as the limits judge it, prices typed below the catalog's included. */
    forLimit: discountForLimit(lines, price),
    branchId,
    shop,
    customerId: customer?.id ?? null,
    program,
    settings,
    lines,
    price,
    redeemed,
    rewardId,
    currency,
    tier,
    earned,
    ownLimit,
  };
}

/** What the cart comes to before payment, and whether its discount needs a supervisor. */
export const quoteSale = query({
  access: 'sales.record',
  input: z.object(cartInput),
  handler: (ctx, input) => {
    const { settings, price, redeemed, earned, ownLimit, forLimit } = priceCart(ctx, input);
    return {
      gross: price.gross,
      discount: price.discount,
      rewardAmount: price.rewardAmount,
      tax: price.tax,
      total: price.total,
      pricesIncludeTax: settings.pricesIncludeTax,
      needsApproval: overLimit(forLimit, ownLimit),
      points: earned === null ? null : { earned, redeemed },
    };
  },
});

export const recordSale = command({
  access: 'sales.record',
  input: z.object({
    ...cartInput,
    /** A supervisor's approval (sales.approveDiscount) for a discount beyond the clerk's limit. */
    approvalId: z.string().trim().min(1).max(60).optional(),
    /** How it was paid; only the last payment may leave out its amount (the rest). */
    payments: z
      .array(paymentInput)
      .max(MAX_PAYMENTS, `a sale takes at most ${MAX_PAYMENTS} payments`),
  }),
  handler: (ctx, input) => {
    const {
      branchId,
      shop,
      customerId,
      program,
      settings,
      lines,
      price,
      redeemed,
      rewardId,
      currency,
      tier,
      earned,
      ownLimit: own,
      forLimit,
    } = priceCart(ctx, input);
    // Decision 0028: a sale of nothing to pay is a giveaway, which stock adjustments record. A
    // reward's points paying for the whole sale (decision 0030) are a payment of their own.
    if (price.total === 0 && price.rewardAmount === 0)
      throw validationError([
        {
          field: 'lines',
          rule: 'other',
          message:
            'the sale comes to 0, so there is nothing to pay; charge a price for what is sold, or record goods given away as a stock adjustment',
        },
      ]);
    // A discount beyond the clerk's limit needs a supervisor's sign-in at the counter.
    let approvedBy: string | null = null;
    if (forLimit.discount > 0) {
      const over = (limit: number) => overLimit(forLimit, limit);
      if (over(own)) {
        const approval = input.approvalId ? spendApproval(ctx, input.approvalId) : null;
        // Head office accepts no more than the branch's highest role limit (sale.recorded), so an
        // admin's approval beyond it is refused here, where the clerk can still lower it.
        if (approval)
          approval.limitBp = Math.min(
            approval.limitBp,
            branchDiscountCeiling(ctx.db, branchId, settings),
          );
        if (!approval || over(approval.limitBp))
          throw new DomainError(
            'DISCOUNT_OVER_LIMIT',
            `discount: ${currency(forLimit.discount)}${
              forLimit.belowCatalog > 0
                ? ` (${currency(forLimit.belowCatalog)} of it prices below the catalog's)`
                : ''
            } is ${((forLimit.discount * 100) / forLimit.gross).toFixed(2)}% of the sale; you may give up to ${own / 100}%${
              approval ? ` and ${approval.name} up to ${approval.limitBp / 100}%` : ''
            }. Lower it, or ask a supervisor to sign in to allow it.`,
            { field: 'discount', limitBp: approval?.limitBp ?? own },
          );
        approvedBy = approval.userId;
      }
    }
    if (price.total > 0 && input.payments.length === 0)
      throw validationError([
        {
          field: 'payments',
          rule: 'min_items',
          limit: 1,
          message:
            'say how the sale was paid: at least one payment (cash, card, mobile money or transfer)',
        },
      ]);
    const payments = price.total > 0 ? resolvePayments(price.total, input.payments, currency) : [];
    let loyalty = null;
    if (program && earned !== null) {
      const now = ctx.now();
      loyalty = {
        tier,
        earned,
        availableAt: now + program.pendingDays * DAY,
        expiresAt: program.expiryDays ? now + program.expiryDays * DAY : null,
        redeemed,
        rewardId,
      };
    }
    const number = documentNumber(ctx, shop, 'sale');
    const saleId = newId(ctx.now());
    emit(ctx, 'sale.recorded', saleId, {
      saleId,
      number,
      branchId,
      customerId,
      lines: lines.map((l, i) => ({
        lineNo: l.lineNo,
        variantId: l.variantId,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        discount: price.lines[i]?.discount ?? 0,
        taxRateBp: l.taxRateBp,
        tax: price.lines[i]?.tax ?? 0,
      })),
      payments,
      pricesIncludeTax: settings.pricesIncludeTax,
      discount: price.discount,
      rewardAmount: price.rewardAmount,
      approvedBy,
      shiftId: openShiftOf(ctx)?.id ?? null,
      loyalty,
    });
    return {
      id: saleId,
      number,
      total: price.total,
      discount: price.discount,
      rewardAmount: price.rewardAmount,
      tax: price.tax,
      payments,
      change: changeOf(payments),
      points: loyalty ? { earned: loyalty.earned, redeemed } : null,
    };
  },
});

const saleList = prepared((orm) =>
  orm
    .select({
      id: sales.id,
      number: sales.number,
      total: sales.total,
      soldAt: sales.soldAt,
      customerName: customers.name,
      soldBy: users.displayName,
    })
    .from(sales)
    .leftJoin(customers, eq(customers.id, sales.customerId))
    .leftJoin(users, eq(users.id, sales.userId))
    .where(eq(sales.branchId, sql.placeholder('branchId')))
    .orderBy(desc(sales.soldAt))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare(),
);

/**
 * Each sale's payments in the order they were taken, by sale id. A sale recorded before payments
 * were taken has none (and no change). The sales list and a receipt read them here.
 */
export function salePaymentsOf(db: Db, saleIds: readonly string[]) {
  const rows = saleIds.length
    ? db.orm
        .select({
          saleId: salePayments.saleId,
          payNo: salePayments.payNo,
          method: salePayments.method,
          amount: salePayments.amount,
          tendered: salePayments.tendered,
          reference: salePayments.reference,
        })
        .from(salePayments)
        .where(inArray(salePayments.saleId, [...saleIds]))
        .orderBy(asc(salePayments.saleId), asc(salePayments.payNo))
        .all()
    : [];
  const bySale = new Map<string, Omit<(typeof rows)[number], 'saleId'>[]>();
  for (const { saleId, ...payment } of rows) {
    const taken = bySale.get(saleId);
    if (taken) taken.push(payment);
    else bySale.set(saleId, [payment]);
  }
  return bySale;
}

export const listSales = query({
  access: 'orders.read',
  input: z.object({ branchId: id, ...page }),
  handler: (ctx, input) => {
    assertBranchAccess(ctx, input.branchId, 'see sales');
    const rows = saleList(ctx.db).all({
      branchId: input.branchId,
      limit: input.limit,
      offset: input.offset,
    });
    const paid = salePaymentsOf(
      ctx.db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => {
      const payments = paid.get(r.id) ?? [];
      return { ...r, payments, change: changeOf(payments) };
    });
  },
});
