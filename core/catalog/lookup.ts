import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Context } from '../contract/context';
import { prepared } from '../db/prepared';
import { parseRow } from '../db/rows';
import { branches } from '../db/schema';
import { DomainError } from '../errors';

const variantInfo = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  price: z.number(),
  cost: z.number(),
  minStock: z.number(),
  /** 1 when both the variant and its product are active, else 0. */
  active: z.number(),
});
export type VariantInfo = z.infer<typeof variantInfo>;

/** "Shirt (M, Blue)": a variant's name for people, from its product aliased p and itself aliased v. */
export const variantNameSql = `p.name || CASE WHEN v.attributes = '{}' THEN '' ELSE ' (' ||
    (SELECT group_concat(value, ', ') FROM json_each(v.attributes)) || ')' END`;

const variantSql = `SELECT v.id, v.sku, ${variantNameSql} AS name,
  v.price, v.cost, v.min_stock AS minStock, v.active AND p.active AS active
  FROM variants v JOIN products p ON p.id = v.product_id`;

/** The variant a line refers to, or an error naming the field that refers to it. */
export function requireVariant(ctx: Context, variantId: string, field = 'variantId'): VariantInfo {
  // Raw SQL: drizzle has no word for the name's json_each; the row is parsed instead.
  const row = parseRow(
    variantInfo,
    ctx.db.sqlite.prepare(`${variantSql} WHERE v.id = ?`).get(variantId),
  );
  if (!row)
    throw new DomainError('VALIDATION', `${field}: unknown product variant`, {
      field,
      issues: [{ field, message: 'unknown product variant' }],
    });
  return row;
}

export function findVariantByCode(ctx: Context, code: string): VariantInfo | null {
  const c = code.trim();
  return (
    parseRow(
      variantInfo,
      ctx.db.sqlite.prepare(`${variantSql} WHERE v.barcode = ? OR v.sku = upper(?)`).get(c, c),
    ) ?? null
  );
}

/** The variant a scale label names by its prefix and item code. */
export function findVariantByScale(ctx: Context, prefix: number, item: string): VariantInfo | null {
  return (
    parseRow(
      variantInfo,
      ctx.db.sqlite
        .prepare(`${variantSql} WHERE v.scale_prefix = ? AND v.scale_item = ?`)
        .get(prefix, item),
    ) ?? null
  );
}

const branchById = prepared((orm) =>
  orm
    .select({ id: branches.id, code: branches.code, name: branches.name, kind: branches.kind })
    .from(branches)
    .where(eq(branches.id, sql.placeholder('id')))
    .prepare(),
);

export interface BranchInfo {
  id: string;
  code: string;
  name: string;
  kind: (typeof branches.kind.enumValues)[number];
}

export function requireBranchOfKind(
  ctx: Context,
  branchId: string,
  kinds: BranchInfo['kind'][],
  field = 'branchId',
): BranchInfo {
  const row: BranchInfo | undefined = branchById(ctx.db).get({ id: branchId });
  if (!row || !kinds.includes(row.kind)) {
    const wanted = kinds.map((k) => k.replace('_', ' ')).join(' or ');
    const message = row
      ? `is ${row.name}, a ${row.kind.replace('_', ' ')}, not a ${wanted}; choose a ${wanted}`
      : `there is no such branch; choose a ${wanted}`;
    throw new DomainError('VALIDATION', `${field}: ${message}`, {
      field,
      issues: [{ field, message }],
    });
  }
  return row;
}
