import type { Context } from '../contract/context';
import { DomainError } from '../errors';

export interface VariantInfo {
  id: string;
  sku: string;
  name: string;
  price: number;
  cost: number;
  minStock: number;
  active: number;
}

/** "Shirt (M, Blue)": a variant's name for people, from its product aliased p and itself aliased v. */
export const variantNameSql = `p.name || CASE WHEN v.attributes = '{}' THEN '' ELSE ' (' ||
    (SELECT group_concat(value, ', ') FROM json_each(v.attributes)) || ')' END`;

const variantSql = `SELECT v.id, v.sku, ${variantNameSql} AS name,
  v.price, v.cost, v.min_stock AS minStock, v.active AND p.active AS active
  FROM variants v JOIN products p ON p.id = v.product_id`;

/** The variant a line refers to, or an error naming the field that refers to it. */
export function requireVariant(ctx: Context, variantId: string, field = 'variantId'): VariantInfo {
  const row = ctx.db.sqlite.prepare(`${variantSql} WHERE v.id = ?`).get(variantId) as
    VariantInfo | undefined;
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
    (ctx.db.sqlite.prepare(`${variantSql} WHERE v.barcode = ? OR v.sku = upper(?)`).get(c, c) as
      VariantInfo | undefined) ?? null
  );
}

export interface BranchInfo {
  id: string;
  code: string;
  name: string;
  kind: 'factory' | 'shop' | 'head_office';
}

export function requireBranchOfKind(
  ctx: Context,
  branchId: string,
  kinds: BranchInfo['kind'][],
  field = 'branchId',
): BranchInfo {
  const row = ctx.db.sqlite
    .prepare('SELECT id, code, name, kind FROM branches WHERE id = ?')
    .get(branchId) as BranchInfo | undefined;
  if (!row || !kinds.includes(row.kind))
    throw new DomainError(
      'VALIDATION',
      `${field}: ${row ? `is a ${row.kind}, not a ${kinds.join(' or ')}` : 'no such branch'}`,
      {
        field,
        issues: [{ field, message: row ? `must be a ${kinds.join(' or ')}` : 'no such branch' }],
      },
    );
  return row;
}
