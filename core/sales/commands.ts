import { desc, eq, isNull, like, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { documentNumber } from '../branches/numbers';
import { requireBranchOfKind, requireVariant } from '../catalog/lookup';
import { command, query } from '../contract/define';
import { id, money, page, quantity, text } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import { prepared } from '../db/prepared';
import { customers, sales, users } from '../db/schema';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { linesTotal } from '../events/lines';
import { newId } from '../ids';
import { balanceOf } from '../stock/ledger';

export const recordSale = command({
  access: 'sales.record',
  input: z.object({
    branchId: id.optional(),
    customerId: id.optional(),
    lines: z
      .array(z.object({ variantId: id, quantity, unitPrice: money.optional() }))
      .min(1, 'a sale needs at least one line')
      .max(200),
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
    const number = documentNumber(ctx, shop, 'sale');
    const saleId = newId(ctx.now());
    emit(ctx, 'sale.recorded', saleId, {
      saleId,
      number,
      branchId,
      customerId: input.customerId ?? null,
      lines,
    });
    return { id: saleId, number, total: linesTotal(lines) };
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

export const listSales = query({
  access: 'orders.read',
  input: z.object({ branchId: id, ...page }),
  handler: (ctx, input) => {
    assertBranchAccess(ctx, input.branchId, 'see sales');
    return saleList(ctx.db).all({
      branchId: input.branchId,
      limit: input.limit,
      offset: input.offset,
    });
  },
});
