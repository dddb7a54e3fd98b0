import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { requireBranchOfKind, requireVariant, variantNameSql } from '../catalog/lookup';
import { command, query } from '../contract/define';
import { id, page, quantity, signedQuantity, text } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import { prepared } from '../db/prepared';
import { parseRows } from '../db/rows';
import { events, stockMovements } from '../db/schema';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { balanceOf } from './ledger';

const branchOrOwn = (ctx: Parameters<typeof requireActor>[0], branchId: string | undefined) =>
  branchId ?? requireActor(ctx).branchId;

export const adjustStock = command({
  access: 'stock.adjust',
  input: z.object({
    branchId: id.optional(),
    variantId: id,
    quantity: signedQuantity,
    reason: text(300),
  }),
  handler: (ctx, input) => {
    const branchId = branchOrOwn(ctx, input.branchId);
    assertBranchAccess(ctx, branchId, 'adjust stock');
    requireBranchOfKind(ctx, branchId, ['factory', 'shop']);
    requireVariant(ctx, input.variantId);
    const before = balanceOf(ctx.db, branchId, input.variantId);
    if (before.onHand + input.quantity < 0)
      throw new DomainError(
        'INSUFFICIENT_STOCK',
        `quantity: only ${before.onHand} on hand, so at most ${before.onHand} can be taken off`,
        { field: 'quantity', onHand: before.onHand },
      );
    emit(ctx, 'stock.adjusted', input.variantId, { ...input, branchId });
    return balanceOf(ctx.db, branchId, input.variantId);
  },
});

export const transferStock = command({
  access: 'stock.transfer',
  input: z.object({
    fromBranchId: id,
    toBranchId: id,
    variantId: id,
    quantity,
    reason: text(300).nullable().default(null),
  }),
  handler: (ctx, input) => {
    if (input.fromBranchId === input.toBranchId)
      throw new DomainError('VALIDATION', 'toBranchId: must differ from fromBranchId', {
        field: 'toBranchId',
      });
    assertBranchAccess(ctx, input.fromBranchId, 'transfer stock');
    requireBranchOfKind(ctx, input.fromBranchId, ['factory', 'shop'], 'fromBranchId');
    requireBranchOfKind(ctx, input.toBranchId, ['factory', 'shop'], 'toBranchId');
    requireVariant(ctx, input.variantId);
    const from = balanceOf(ctx.db, input.fromBranchId, input.variantId);
    if (from.available < input.quantity)
      throw new DomainError(
        'INSUFFICIENT_STOCK',
        `quantity: only ${from.available} available to transfer`,
        {
          field: 'quantity',
          available: from.available,
        },
      );
    emit(ctx, 'stock.transferred', input.variantId, input);
    return balanceOf(ctx.db, input.fromBranchId, input.variantId);
  },
});

export const stockBalance = query({
  access: 'stock.read',
  input: z.object({ branchId: id, variantId: id }),
  handler: (ctx, input) => balanceOf(ctx.db, input.branchId, input.variantId),
});

const stockRow = z.object({
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  unit: z.string(),
  minStock: z.number(),
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
  inTransit: z.number(),
  low: z.union([z.literal(0), z.literal(1)]),
});
export type StockRow = z.infer<typeof stockRow>;

export const listStock = query({
  access: 'stock.read',
  input: z.object({
    branchId: id,
    search: z.string().trim().max(100).optional(),
    lowOnly: z.boolean().default(false),
    negativeOnly: z.boolean().default(false),
    ...page,
  }),
  handler: (ctx, input) => {
    const like = input.search ? `%${input.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%` : null;
    // Raw SQL: the name is built with json_each, which drizzle has no word for; rows are parsed.
    const rows = ctx.db.sqlite
      .prepare(
        `SELECT v.id AS variantId, v.sku, ${variantNameSql} AS name,
                p.unit, v.min_stock AS minStock,
                coalesce(b.on_hand, 0) AS onHand, coalesce(b.reserved, 0) AS reserved,
                coalesce(b.on_hand, 0) - coalesce(b.reserved, 0) AS available, coalesce(b.in_transit, 0) AS inTransit,
                (coalesce(b.on_hand, 0) - coalesce(b.reserved, 0)) < v.min_stock AS low
         FROM variants v JOIN products p ON p.id = v.product_id
         LEFT JOIN stock_balances b ON b.variant_id = v.id AND b.branch_id = @branchId
         WHERE v.active AND p.active
           AND (@like IS NULL OR p.name LIKE @like ESCAPE '\\' OR v.sku LIKE @like ESCAPE '\\' OR v.barcode = @search)
           AND (NOT @lowOnly OR (coalesce(b.on_hand, 0) - coalesce(b.reserved, 0)) < v.min_stock)
           AND (NOT @negativeOnly OR coalesce(b.on_hand, 0) < 0 OR coalesce(b.on_hand, 0) - coalesce(b.reserved, 0) < 0)
         ORDER BY low DESC, p.name, v.sku LIMIT @limit OFFSET @offset`,
      )
      .all({
        branchId: input.branchId,
        like,
        search: input.search ?? null,
        lowOnly: input.lowOnly ? 1 : 0,
        negativeOnly: input.negativeOnly ? 1 : 0,
        limit: input.limit,
        offset: input.offset,
      });
    return parseRows(stockRow, rows);
  },
});

export const listMovements = query({
  access: 'stock.read',
  input: z.object({ branchId: id, variantId: id, ...page }),
  handler: (ctx, input) =>
    movementList(ctx.db).all({
      branchId: input.branchId,
      variantId: input.variantId,
      limit: input.limit,
      offset: input.offset,
    }),
});

const movementList = prepared((orm) =>
  orm
    .select({
      kind: stockMovements.kind,
      onHand: stockMovements.onHand,
      reserved: stockMovements.reserved,
      inTransit: stockMovements.inTransit,
      orderId: stockMovements.orderId,
      reason: stockMovements.reason,
      createdAt: stockMovements.createdAt,
      userId: events.userId,
    })
    .from(stockMovements)
    .innerJoin(events, eq(events.id, stockMovements.eventId))
    .where(
      and(
        eq(stockMovements.branchId, sql.placeholder('branchId')),
        eq(stockMovements.variantId, sql.placeholder('variantId')),
      ),
    )
    .orderBy(desc(stockMovements.id))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare(),
);
