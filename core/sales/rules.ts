// The counter's rules, set by an admin at head office with the company's settings: whether
// prices include tax, each product category's tax rate, and the largest discount each role may
// give without a supervisor (decision 0030). Read here; changed by ./settings.ts.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { companyId } from '../locale/events';
import { roles, type Role } from '../vocabulary';
import { FULL } from './pricing';

export interface SalesSettings {
  pricesIncludeTax: boolean;
  /** Basis points by product category. */
  categoryTaxRates: Record<string, number>;
  /** Basis points of the sale's amount before discounts, by role. */
  discountLimits: Record<Role, number>;
}

export const defaultDiscountLimits: Record<Role, number> = {
  admin: FULL,
  factory_clerk: 0,
  shop_clerk: 1_000,
  finance: 0,
  sales_rep: 500,
  driver: 0,
  customer: 0,
};

const basisPoints = z
  .number()
  .int('must be a whole number of basis points (1500 = 15%)')
  .min(0, 'must be 0 or more')
  .max(FULL, 'must be at most 10000 (100%)');
export const categoryRates = z.record(z.string().trim().min(1).max(60), basisPoints);
export const roleLimits = z.partialRecord(z.enum(roles), basisPoints);

const parsed = <T>(schema: z.ZodType<T>, json: string | null | undefined, fallback: T): T => {
  if (!json) return fallback;
  try {
    const r = schema.safeParse(JSON.parse(json));
    return r.success ? r.data : fallback;
  } catch {
    return fallback;
  }
};

const settingsRow = z.object({
  inc: z.number().int().nullable(),
  rates: z.string().nullable(),
  limits: z.string().nullable(),
});

export function salesSettingsOf(db: Db): SalesSettings {
  const row = parseRow(
    settingsRow,
    db.sqlite
      .prepare(
        `SELECT prices_include_tax AS inc, category_tax_rates AS rates, discount_limits AS limits FROM company_settings WHERE id = ?`,
      )
      .get(companyId),
  );
  return {
    pricesIncludeTax: row?.inc === null || row?.inc === undefined ? true : row.inc === 1,
    categoryTaxRates: parsed(categoryRates, row?.rates, {}),
    discountLimits: { ...defaultDiscountLimits, ...parsed(roleLimits, row?.limits, {}) },
  };
}

const taxRow = z.object({ own: z.number().int().nullable(), category: z.string().nullable() });

/** A variant's tax rate: its own, else its product category's, else none. */
export function taxRateOf(db: Db, variantId: string, settings: SalesSettings): number {
  const row = parseRow(
    taxRow,
    db.sqlite
      .prepare(
        `SELECT v.tax_rate_bp AS own, p.category AS category FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = ?`,
      )
      .get(variantId),
  );
  return row?.own ?? settings.categoryTaxRates[row?.category ?? ''] ?? 0;
}

/** What a discount ceiling needs to know of a user (as the branch or head office knows them). */
export interface StaffFacts {
  branchId?: string | null;
  role?: Role | null;
  disabled?: boolean;
}

/**
 * The largest discount anyone working at the branch may give (basis points): the highest limit
 * (the defaults, as `limits` change them) of a role held by an active person there. What head
 * office accepts on a sale from there, supervisor or not; 0 with nobody there.
 */
export function discountCeiling(
  staff: Iterable<StaffFacts>,
  branchId: string,
  limits: Partial<Record<Role, number>>,
): number {
  const merged = { ...defaultDiscountLimits, ...limits };
  let ceiling = 0;
  for (const u of staff)
    if (u.role && !u.disabled && u.branchId === branchId)
      ceiling = Math.max(ceiling, merged[u.role] ?? 0);
  return ceiling;
}

/** discountCeiling of the branch's users as this PC knows them, under its company's settings. */
export function branchDiscountCeiling(db: Db, branchId: string, settings: SalesSettings): number {
  const held = parseRows(
    z.object({ branchId: z.string(), role: z.enum(roles) }),
    db.sqlite
      .prepare(
        `SELECT DISTINCT branch_id AS branchId, role FROM users WHERE branch_id = ? AND disabled = 0`,
      )
      .all(branchId),
  );
  return discountCeiling(held, branchId, settings.discountLimits);
}
