import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { requireBranchOfKind, requireVariant, variantNameSql } from '../catalog/lookup';
import { assertNotFuture } from '../contract/dates';
import { command, query } from '../contract/define';
import { id, isoDate, optionalText, page, quantity, text } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import { prepared } from '../db/prepared';
import { parseRows } from '../db/rows';
import { productionBatches } from '../db/schema';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { balanceOf } from '../stock/ledger';
import { assertReversible } from './events';

export const recordProduction = command({
  access: 'production.record',
  input: z.object({
    branchId: id.optional(),
    variantId: id,
    quantity,
    producedOn: isoDate,
    shift: optionalText(40),
    notes: optionalText(500),
  }),
  handler: (ctx, input) => {
    const branchId = input.branchId ?? requireActor(ctx).branchId;
    assertBranchAccess(ctx, branchId, 'record production');
    requireBranchOfKind(ctx, branchId, ['factory']);
    requireVariant(ctx, input.variantId);
    assertNotFuture(ctx, 'producedOn', input.producedOn);
    const batchId = newId(ctx.now());
    emit(ctx, 'production.recorded', batchId, {
      batchId,
      branchId,
      variantId: input.variantId,
      quantity: input.quantity,
      producedOn: input.producedOn,
      shift: input.shift ?? null,
      notes: input.notes ?? null,
    });
    return { id: batchId, balance: balanceOf(ctx.db, branchId, input.variantId) };
  },
});

const batchById = prepared((orm) =>
  orm
    .select({
      branchId: productionBatches.branchId,
      variantId: productionBatches.variantId,
      quantity: productionBatches.quantity,
      reversesId: productionBatches.reversesId,
      reversedById: productionBatches.reversedById,
    })
    .from(productionBatches)
    .where(eq(productionBatches.id, sql.placeholder('id')))
    .prepare(),
);

export const reverseProduction = command({
  access: 'production.record',
  input: z.object({ batchId: id, reason: text(300) }),
  handler: (ctx, input) => {
    const batch = batchById(ctx.db).get({ id: input.batchId });
    if (!batch)
      throw new DomainError('NOT_FOUND', 'batchId: that production batch does not exist', {
        field: 'batchId',
      });
    assertBranchAccess(ctx, batch.branchId, 'correct production');
    // Before the stock check: for a batch already reversed, "adjust stock instead" would take it off twice.
    assertReversible(batch);
    const balance = balanceOf(ctx.db, batch.branchId, batch.variantId);
    if (balance.available < batch.quantity)
      throw new DomainError(
        'INSUFFICIENT_STOCK',
        `Only ${balance.available} of this batch's ${batch.quantity} are still available (the rest is reserved or gone). Adjust stock with a reason instead.`,
        { available: balance.available },
      );
    const reversalId = newId(ctx.now());
    emit(ctx, 'production.reversed', input.batchId, {
      batchId: reversalId,
      reversesId: input.batchId,
      reason: input.reason,
    });
    return { id: reversalId };
  },
});

const productionRow = z.object({
  id: z.string(),
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  quantity: z.number(),
  producedOn: z.string(),
  shift: z.string().nullable(),
  notes: z.string().nullable(),
  userId: z.string(),
  userName: z.string().nullable(),
  recordedAt: z.number(),
  reversesId: z.string().nullable(),
  reversedById: z.string().nullable(),
});

export const listProduction = query({
  access: 'stock.read',
  input: z.object({ branchId: id, from: isoDate.optional(), to: isoDate.optional(), ...page }),
  // Raw SQL: the name is built with json_each, which drizzle has no word for; rows are parsed.
  handler: (ctx, input) =>
    parseRows(
      productionRow,
      ctx.db.sqlite
        .prepare(
          `SELECT b.id, b.variant_id AS variantId, v.sku, ${variantNameSql} AS name, b.quantity,
                b.produced_on AS producedOn, b.shift, b.notes, b.user_id AS userId, u.display_name AS userName,
                b.recorded_at AS recordedAt, b.reverses_id AS reversesId, b.reversed_by_id AS reversedById
         FROM production_batches b JOIN variants v ON v.id = b.variant_id JOIN products p ON p.id = v.product_id
         LEFT JOIN users u ON u.id = b.user_id
         WHERE b.branch_id = @branchId AND (@from IS NULL OR b.produced_on >= @from) AND (@to IS NULL OR b.produced_on <= @to)
         ORDER BY b.produced_on DESC, b.recorded_at DESC LIMIT @limit OFFSET @offset`,
        )
        .all({
          branchId: input.branchId,
          from: input.from ?? null,
          to: input.to ?? null,
          limit: input.limit,
          offset: input.offset,
        }),
    ),
});
