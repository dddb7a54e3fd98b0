import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { requireBranchOfKind, requireVariant } from '../catalog/lookup';
import { documentNumber } from '../branches/numbers';
import type { Context } from '../contract/context';
import { command } from '../contract/define';
import { id, optionalText, quantity } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import { prepared } from '../db/prepared';
import { branches } from '../db/schema';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { linesTotal } from '../events/lines';
import { newId } from '../ids';
import { balanceOf } from '../stock/ledger';

const MAX_ORDER_TOTAL = 1e14;

export const placeOrderInput = z.object({
  shopId: id.optional(),
  factoryId: id.optional(),
  note: optionalText(500),
  lines: z
    .array(z.object({ variantId: id, quantity }))
    .min(1, 'an order needs at least one line')
    .max(200, 'an order can have at most 200 lines'),
});

const activeFactories = prepared((orm) =>
  orm
    .select({ id: branches.id })
    .from(branches)
    .where(and(eq(branches.kind, 'factory'), eq(branches.active, true)))
    .prepare(),
);

function defaultFactory(ctx: Context): string {
  const factories = activeFactories(ctx.db).all();
  const [only, ...others] = factories;
  if (only && others.length === 0) return only.id;
  throw new DomainError(
    'VALIDATION',
    factories.length === 0
      ? 'factoryId: no factory is set up yet; an admin must add one'
      : 'factoryId: choose which factory the order goes to',
    { field: 'factoryId', issues: [{ field: 'factoryId', message: 'is required' }] },
  );
}

export const placeOrder = command({
  access: 'orders.place',
  input: placeOrderInput,
  handler: (ctx, input) => {
    const shopId = input.shopId ?? requireActor(ctx).branchId;
    assertBranchAccess(ctx, shopId, 'place orders');
    const shop = requireBranchOfKind(ctx, shopId, ['shop'], 'shopId');
    const factoryId = input.factoryId ?? defaultFactory(ctx);
    requireBranchOfKind(ctx, factoryId, ['factory'], 'factoryId');
    const seen = new Map<string, number>();
    const lines = input.lines.map((line, i) => {
      const previous = seen.get(line.variantId);
      if (previous !== undefined)
        throw validationError([
          {
            field: `lines.${i}.variantId`,
            message: `is already on line ${previous + 1}; change that line's quantity instead`,
          },
        ]);
      seen.set(line.variantId, i);
      const v = requireVariant(ctx, line.variantId, `lines.${i}.variantId`);
      if (!v.active)
        throw validationError([
          { field: `lines.${i}.variantId`, message: `${v.sku} is no longer sold` },
        ]);
      return {
        lineNo: i + 1,
        variantId: v.id,
        sku: v.sku,
        name: v.name,
        quantity: line.quantity,
        unitPrice: v.price,
      };
    });
    const total = linesTotal(lines);
    if (total > MAX_ORDER_TOTAL)
      throw validationError([
        { field: 'lines', message: 'the order total is too large; split the order' },
      ]);
    // Shops order what they need; stock the factory lacks is shown, and produced to order.
    const shortages = lines.flatMap((l) => {
      const b = balanceOf(ctx.db, factoryId, l.variantId);
      return b.available < l.quantity
        ? [{ lineNo: l.lineNo, sku: l.sku, requested: l.quantity, available: b.available }]
        : [];
    });
    const orderId = newId(ctx.now());
    const number = documentNumber(ctx, shop, 'order');
    emit(ctx, 'order.placed', orderId, {
      orderId,
      number,
      shopId,
      factoryId,
      note: input.note ?? null,
      lines,
    });
    return { id: orderId, number, total, shortages };
  },
});
