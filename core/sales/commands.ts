import { asc, desc, eq, inArray, isNull, like, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { documentNumber } from '../branches/numbers';
import { requireBranchOfKind, requireVariant } from '../catalog/lookup';
import { command, query } from '../contract/define';
import { id, money, page, quantity, text } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import type { Db } from '../db/open';
import { prepared } from '../db/prepared';
import { customers, salePayments, sales, users } from '../db/schema';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { linesTotal } from '../events/lines';
import { newId } from '../ids';
import { companyMoney } from '../locale/money';
import { balanceOf } from '../stock/ledger';
import { changeOf, paymentsInput, resolvePayments } from './payments';

export const recordSale = command({
  access: 'sales.record',
  input: z.object({
    branchId: id.optional(),
    customerId: id.optional(),
    lines: z
      .array(z.object({ variantId: id, quantity, unitPrice: money.optional() }))
      .min(1, 'a sale needs at least one line')
      .max(200),
    /** How it was paid; only the last payment may leave out its amount (the rest). */
    payments: paymentsInput,
  }),
  handler: (ctx, input) => {
    const branchId = input.branchId ?? requireActor(ctx).branchId;
    assertBranchAccess(ctx, branchId, 'sell');
    const shop = requireBranchOfKind(ctx, branchId, ['shop']);
    if (
      input.customerId &&
      !ctx.db.sqlite.prepare('SELECT 1 FROM customers WHERE id = ?').get(input.customerId)
    )
      throw validationError([{ field: 'customerId', message: 'no such customer' }]);
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
      };
    });
    const total = linesTotal(lines);
    // The company's currency is read only when a refusal has amounts to name, not for every sale.
    let inCurrency: ((minor: number) => string) | undefined;
    const payments = resolvePayments(total, input.payments, (minor) =>
      (inCurrency ??= companyMoney(ctx.db))(minor),
    );
    const number = documentNumber(ctx, shop, 'sale');
    const saleId = newId(ctx.now());
    emit(ctx, 'sale.recorded', saleId, {
      saleId,
      number,
      branchId,
      customerId: input.customerId ?? null,
      lines,
      payments,
    });
    return { id: saleId, number, total, payments, change: changeOf(payments) };
  },
});

export const createCustomer = command({
  access: 'customers.manage',
  input: z.object({
    branchId: id.optional(),
    name: text(120),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number')
      .optional(),
  }),
  handler: (ctx, input) => {
    const branchId = input.branchId ?? requireActor(ctx).branchId;
    assertBranchAccess(ctx, branchId, 'add customers');
    const customerId = newId(ctx.now());
    emit(ctx, 'customer.saved', customerId, {
      id: customerId,
      branchId,
      name: input.name,
      phone: input.phone ?? null,
    });
    return { id: customerId };
  },
});

export const listCustomers = query({
  access: 'customers.manage',
  input: z.object({ search: z.string().trim().max(100).optional(), ...page }),
  handler: (ctx, input) =>
    customerList(ctx.db).all({ q: input.search ?? null, limit: input.limit, offset: input.offset }),
});

const q = sql.placeholder('q');
const customerList = prepared((orm) =>
  orm
    .select({
      id: customers.id,
      branchId: customers.branchId,
      name: customers.name,
      phone: customers.phone,
    })
    .from(customers)
    .where(
      or(
        isNull(q),
        like(customers.name, sql`'%' || ${q} || '%'`),
        like(customers.phone, sql`'%' || ${q} || '%'`),
      ),
    )
    .orderBy(customers.name)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare(),
);

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
