import { z } from 'zod';
import { documentNumber } from '../branches/numbers';
import { requireBranchOfKind, requireVariant } from '../catalog/lookup';
import { command, query } from '../contract/define';
import { id, money, page, quantity, text } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
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
    ctx.db.sqlite
      .prepare(
        `SELECT id, branch_id AS branchId, name, phone FROM customers
         WHERE (@q IS NULL OR name LIKE '%' || @q || '%' OR phone LIKE '%' || @q || '%') ORDER BY name LIMIT @limit OFFSET @offset`,
      )
      .all({ q: input.search ?? null, limit: input.limit, offset: input.offset }) as {
      id: string;
      branchId: string;
      name: string;
      phone: string | null;
    }[],
});

export const listSales = query({
  access: 'orders.read',
  input: z.object({ branchId: id, ...page }),
  handler: (ctx, input) => {
    assertBranchAccess(ctx, input.branchId, 'see sales');
    return ctx.db.sqlite
      .prepare(
        `SELECT s.id, s.number, s.total, s.sold_at AS soldAt, c.name AS customerName, u.display_name AS soldBy
         FROM sales s LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN users u ON u.id = s.user_id
         WHERE s.branch_id = ? ORDER BY s.sold_at DESC LIMIT ? OFFSET ?`,
      )
      .all(input.branchId, input.limit, input.offset) as {
      id: string;
      number: string;
      total: number;
      soldAt: number;
      customerName: string | null;
      soldBy: string | null;
    }[];
  },
});
