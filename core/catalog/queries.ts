import { z } from 'zod';
import { query } from '../contract/define';
import { id, page } from '../contract/fields';
import { DomainError } from '../errors';
import { findVariantByCode, variantNameSql } from './lookup';

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
  cost: number;
  /** Derived, never stored: price minus cost, in minor units. */
  margin: number;
  /** Margin as a share of price, in basis points (1% = 100). */
  marginBasisPoints: number | null;
  minStock: number;
  active: boolean;
}

interface RawRow extends Omit<
  CatalogRow,
  'attributes' | 'margin' | 'marginBasisPoints' | 'active'
> {
  attributes: string;
  active: number;
}

export const withMargin = (r: RawRow): CatalogRow => ({
  ...r,
  attributes: JSON.parse(r.attributes) as Record<string, string>,
  active: r.active === 1,
  margin: r.price - r.cost,
  marginBasisPoints: r.price > 0 ? Math.round(((r.price - r.cost) * 10_000) / r.price) : null,
});

const columns = `v.id AS variantId, p.id AS productId, p.name AS productName, ${variantNameSql} AS name, p.category, p.unit,
  v.sku, v.barcode, v.attributes, v.price, v.cost, v.min_stock AS minStock, (v.active AND p.active) AS active`;

export const listCatalog = query({
  access: 'catalog.read',
  input: z.object({
    search: z.string().trim().max(100).optional(),
    category: z.string().trim().max(80).optional(),
    includeInactive: z.boolean().default(false),
    ...page,
  }),
  handler: (ctx, input) => {
    const like = input.search ? `%${input.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%` : null;
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
      }) as RawRow[];
    return rows.map(withMargin);
  },
});

/** A barcode scanner types the code like a keyboard; this finds the variant it names. */
export const findByCode = query({
  access: 'catalog.read',
  input: z.object({ code: z.string().trim().min(1, 'is empty').max(64) }),
  handler: (ctx, input) => {
    const v = findVariantByCode(ctx, input.code);
    if (!v)
      throw new DomainError(
        'NOT_FOUND',
        `code: nothing in the catalog has the barcode or SKU "${input.code}"`,
        { field: 'code' },
      );
    const row = ctx.db.sqlite
      .prepare(
        `SELECT ${columns} FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = ?`,
      )
      .get(v.id) as RawRow;
    return withMargin(row);
  },
});

export const priceHistory = query({
  access: 'catalog.read',
  input: z.object({ variantId: id }),
  handler: (ctx, input) =>
    ctx.db.sqlite
      .prepare(
        `SELECT h.price, h.cost, h.changed_at AS changedAt, h.user_id AS userId, u.display_name AS userName
         FROM price_history h LEFT JOIN users u ON u.id = h.user_id WHERE h.variant_id = ? ORDER BY h.hlc`,
      )
      .all(input.variantId) as {
      price: number | null;
      cost: number | null;
      changedAt: number;
      userId: string;
      userName: string | null;
    }[],
});
