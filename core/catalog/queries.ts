import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { query } from '../contract/define';
import { id, page } from '../contract/fields';
import { prepared } from '../db/prepared';
import { parseRow, parseRows } from '../db/rows';
import { events, priceHistory as history, users } from '../db/schema';
import { DomainError, invariant } from '../errors';
import type { Context } from '../contract/context';
import { findVariantByCode, findVariantByScale, variantNameSql } from './lookup';
import { assertBarcode } from './rules';
import {
  readScaleLabel,
  scaleCodeName,
  scaleEmbeds,
  scaleQuantity,
  type ScaleEmbeds,
  type ScaleLabel,
} from './scale';
import { likeContaining } from '../db/like';

export interface CatalogRow {
  variantId: string;
  productId: string;
  productName: string;
  name: string;
  category: string;
  unit: string;
  sku: string;
  barcode: string | null;
  attributes: Record<string, string>;
  price: number;
  /** The cost the admin set on the variant. */
  cost: number;
  /**
   * What it cost as received from suppliers lately (decision 0032); null until a first receipt.
   * Where set, the margin is worked out from it.
   */
  receivedCost: number | null;
  /** Derived, never stored: price minus the cost (received, else set), in minor units. */
  margin: number;
  /** Margin as a share of price, in basis points (1% = 100). */
  marginBasisPoints: number | null;
  minStock: number;
  /** Its own tax rate in basis points; null: the category's. */
  taxRateBp: number | null;
  /** Its scale label settings (core/catalog/scale.ts), all three or all null. */
  scalePrefix: number | null;
  scaleItem: string | null;
  scaleEmbeds: ScaleEmbeds | null;
  active: boolean;
}

// Raw SQL (the name is built with json_each, which drizzle has no word for), parsed here.
const rawRow = z.object({
  variantId: z.string(),
  productId: z.string(),
  productName: z.string(),
  name: z.string(),
  category: z.string(),
  unit: z.string(),
  sku: z.string(),
  barcode: z.string().nullable(),
  attributes: z.string(),
  price: z.number(),
  cost: z.number(),
  receivedCost: z.number().nullable(),
  minStock: z.number(),
  taxRateBp: z.number().nullable(),
  scalePrefix: z.number().nullable(),
  scaleItem: z.string().nullable(),
  scaleEmbeds: z.enum(scaleEmbeds).nullable(),
  active: z.number(),
});
type RawRow = z.infer<typeof rawRow>;
const attributes = z.record(z.string(), z.string());

export function withMargin(r: RawRow): CatalogRow {
  const cost = r.receivedCost ?? r.cost;
  return {
    ...r,
    attributes: attributes.parse(JSON.parse(r.attributes)),
    active: r.active === 1,
    margin: r.price - cost,
    marginBasisPoints: r.price > 0 ? Math.round(((r.price - cost) * 10_000) / r.price) : null,
  };
}

const columns = `v.id AS variantId, p.id AS productId, p.name AS productName, ${variantNameSql} AS name, p.category, p.unit,
  v.sku, v.barcode, v.attributes, v.price, v.cost,
  (SELECT c.cost FROM variant_costs c WHERE c.variant_id = v.id) AS receivedCost, v.min_stock AS minStock,
  v.tax_rate_bp AS taxRateBp, v.scale_prefix AS scalePrefix, v.scale_item AS scaleItem, v.scale_embeds AS scaleEmbeds,
  (v.active AND p.active) AS active`;

export const listCatalog = query({
  access: 'catalog.read',
  input: z.object({
    search: z.string().trim().max(100).optional(),
    category: z.string().trim().max(80).optional(),
    includeInactive: z.boolean().default(false),
    ...page,
  }),
  handler: (ctx, input) => {
    const like = input.search ? likeContaining(input.search) : null;
    const rows = ctx.db.sqlite
      .prepare(
        `SELECT ${columns} FROM variants v JOIN products p ON p.id = v.product_id
         WHERE (@all OR (v.active AND p.active)) AND (@category IS NULL OR p.category = @category)
           AND (@like IS NULL OR p.name LIKE @like ESCAPE '\\' OR v.sku LIKE @like ESCAPE '\\' OR v.barcode = @search)
         ORDER BY p.name, v.sku LIMIT @limit OFFSET @offset`,
      )
      .all({
        all: input.includeInactive ? 1 : 0,
        category: input.category ?? null,
        like,
        search: input.search ?? null,
        limit: input.limit,
        offset: input.offset,
      });
    return parseRows(rawRow, rows).map(withMargin);
  },
});

/**
 * What a scan found: the variant, and for a scale label the quantity it stands for (in the
 * product's unit) and, when the label embeds a price, that price in minor units.
 */
export interface ScannedRow extends CatalogRow {
  quantity?: number;
  embeddedPrice?: number;
}

/** A barcode scanner types the code like a keyboard; this finds the variant it names. */
export const findByCode = query({
  access: 'catalog.read',
  input: z.object({ code: z.string().trim().min(1, 'is empty').max(64) }),
  handler: (ctx, input): ScannedRow => {
    const v = findVariantByCode(ctx, input.code);
    // A code stored as a variant's own barcode is that variant, even in the scale range.
    const label = v ? null : readScaleLabel(input.code);
    if (label) return scanned(ctx, input.code, label);
    if (!v)
      throw new DomainError(
        'NOT_FOUND',
        `code: nothing in the catalog has the barcode or SKU "${input.code}"`,
        { field: 'code' },
      );
    return rowOf(ctx, v);
  },
});

/** The catalog row of a variant found by a code, refused when it is archived. */
function rowOf(ctx: Context, v: { id: string; sku: string; name: string; active: number }) {
  // Archived variants stay in history but are no longer sold or ordered.
  if (!v.active)
    throw new DomainError(
      'NOT_FOUND',
      `code: ${v.sku} (${v.name}) is archived and no longer sold; an admin can restore it in Products`,
      { field: 'code', archived: true },
    );
  const row = parseRow(
    rawRow,
    ctx.db.sqlite
      .prepare(
        `SELECT ${columns} FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = ?`,
      )
      .get(v.id),
  );
  invariant(row, `variant ${v.id} was found by its code but not by its id`);
  return withMargin(row);
}

/** A scale label: its variant by prefix and item code, with the quantity the label stands for. */
function scanned(ctx: Context, code: string, label: ScaleLabel): ScannedRow {
  // A misread label would sell the wrong weight: refused as any wrong check digit is.
  if (!label.checkDigitRight) assertBarcode(code, 'code');
  const v = findVariantByScale(ctx, label.prefix, label.item);
  if (!v)
    throw new DomainError(
      'NOT_FOUND',
      `code: "${code}" is a scale label (${scaleCodeName(label.prefix, label.item)}) that no variant has; an admin sets a variant's scale code in Products`,
      { field: 'code' },
    );
  const row = rowOf(ctx, v);
  invariant(row.scaleEmbeds, `variant ${v.id} has a scale code but no embedded kind`);
  const quantity = scaleQuantity(row.scaleEmbeds, label.value, row.price);
  if (quantity === null)
    throw new DomainError(
      'VALIDATION',
      row.scaleEmbeds === 'weight'
        ? `code: the label of ${row.sku} shows no weight (0 ${row.unit}); weigh the item again`
        : `code: the label of ${row.sku} embeds a price, but ${row.sku} has no price to divide it by; an admin sets its price in Products`,
      { field: 'code' },
    );
  return {
    ...row,
    quantity,
    ...(row.scaleEmbeds === 'price' && { embeddedPrice: label.value }),
  };
}

const confirmation = z.object({ belowCostConfirmedBy: z.string().optional() });

/** Who confirmed a price at or below cost: the event that made the change records it. */
const confirmerOf = (payload: string | null): string | null =>
  payload === null
    ? null
    : (confirmation.safeParse(JSON.parse(payload)).data?.belowCostConfirmedBy ?? null);

const historyOf = prepared((orm) =>
  orm
    .select({
      price: history.price,
      cost: history.cost,
      changedAt: history.changedAt,
      userId: history.userId,
      userName: users.displayName,
      payload: events.payload,
    })
    .from(history)
    .leftJoin(users, eq(users.id, history.userId))
    .leftJoin(events, eq(events.id, history.eventId))
    .where(eq(history.variantId, sql.placeholder('variantId')))
    .orderBy(asc(history.hlc))
    .prepare(),
);

export const priceHistory = query({
  access: 'catalog.read',
  input: z.object({ variantId: id }),
  handler: (ctx, input) =>
    historyOf(ctx.db)
      .all({ variantId: input.variantId })
      .map(({ payload, ...row }) => ({ ...row, belowCostConfirmedBy: confirmerOf(payload) })),
});
