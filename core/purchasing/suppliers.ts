// Suppliers, what each sells (its code, price, pack and minimum), the branches' reorder rules and
// the purchasing settings: head office's master data for purchasing (decision 0032).
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { countedQuantity, id, money, optionalText, quantity, text } from '../contract/fields';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { purchasingSettingsId } from './events';
import { companyCurrency } from '../locale/money';
import { isCurrencyCode, parseRate } from './money';

const exists = (db: Db, table: string, rowId: string): boolean =>
  db.sqlite.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(rowId) !== undefined;

function known(ctx: Context, table: string, field: string, rowId: string, what: string): void {
  if (!exists(ctx.db, table, rowId))
    throw validationError([{ field, message: `is not a known ${what}` }]);
}

const supplierRow = z.object({
  id: z.string(),
  name: z.string(),
  taxId: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  currencyCode: z.string(),
  paymentTerms: z.string().nullable(),
  leadTimeDays: z.number().int(),
  active: z.number().transform((n) => n === 1),
  items: z.number().int(),
});
export type Supplier = z.infer<typeof supplierRow>;

const SUPPLIER_COLUMNS = `s.id, s.name, s.tax_id AS taxId, s.phone, s.email, s.currency_code AS currencyCode,
  s.payment_terms AS paymentTerms, s.lead_time_days AS leadTimeDays, s.active,
  (SELECT count(*) FROM supplier_items i WHERE i.supplier_id = s.id AND i.active = 1) AS items
  FROM suppliers s`;

export const supplierOf = (db: Db, supplierId: string): Supplier | undefined =>
  parseRow(
    supplierRow,
    db.sqlite.prepare(`SELECT ${SUPPLIER_COLUMNS} WHERE s.id = ?`).get(supplierId),
  );

export const listSuppliers = query({
  access: 'purchasing.read',
  input: z.object({ includeInactive: z.boolean().optional() }),
  handler: (ctx, input) =>
    parseRows(
      supplierRow,
      ctx.db.sqlite
        .prepare(
          `SELECT ${SUPPLIER_COLUMNS} ${input.includeInactive ? '' : 'WHERE s.active = 1'} ORDER BY s.name, s.id`,
        )
        .all(),
    ),
});

const nullable = (max: number) =>
  optionalText(max).transform((v) => (v === undefined || v === '' ? null : v));

export const saveSupplier = command({
  access: 'purchasing.manage',
  input: z.object({
    id: id.optional(),
    name: text(200),
    taxId: nullable(50),
    phone: nullable(40),
    email: nullable(200).refine(
      (v) => v === null || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
      'must be an email address like orders@supplier.com',
    ),
    currencyCode: z
      .string()
      .trim()
      .transform((c) => c.toUpperCase())
      .refine(isCurrencyCode, 'must be a currency code like ETB, USD or EUR'),
    paymentTerms: nullable(200),
    leadTimeDays: z
      .number({ error: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(0, 'must be 0 or more')
      .max(365, 'must be at most 365 days'),
    active: z.boolean().optional(),
  }),
  handler: (ctx, input) => {
    if (input.id && !exists(ctx.db, 'suppliers', input.id))
      throw new DomainError('NOT_FOUND', 'That supplier is not known here.');
    const supplierId = input.id ?? newId(ctx.now());
    emit(ctx, 'supplier.saved', supplierId, {
      id: supplierId,
      name: input.name,
      taxId: input.taxId,
      phone: input.phone,
      email: input.email,
      currencyCode: input.currencyCode,
      paymentTerms: input.paymentTerms,
      leadTimeDays: input.leadTimeDays,
      active: input.active ?? true,
    });
    return { id: supplierId };
  },
});

const itemRow = z.object({
  id: z.string(),
  supplierId: z.string(),
  supplierName: z.string(),
  currencyCode: z.string(),
  leadTimeDays: z.number().int(),
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  supplierCode: z.string().nullable(),
  price: z.number().int(),
  packSize: z.number().int(),
  minOrderQty: z.number().int(),
  active: z.number().transform((n) => n === 1),
});
export type SupplierItem = z.infer<typeof itemRow>;

const ITEM_COLUMNS = `i.id, i.supplier_id AS supplierId, s.name AS supplierName, s.currency_code AS currencyCode,
  s.lead_time_days AS leadTimeDays, i.variant_id AS variantId, v.sku, p.name, i.supplier_code AS supplierCode,
  i.price, i.pack_size AS packSize, i.min_order_qty AS minOrderQty, i.active
  FROM supplier_items i JOIN suppliers s ON s.id = i.supplier_id
  JOIN variants v ON v.id = i.variant_id JOIN products p ON p.id = v.product_id`;

export const supplierItemOf = (db: Db, itemId: string): SupplierItem | undefined =>
  parseRow(itemRow, db.sqlite.prepare(`SELECT ${ITEM_COLUMNS} WHERE i.id = ?`).get(itemId));

/** The active item of a supplier for a variant, if it sells it. */
export const itemFor = (db: Db, supplierId: string, variantId: string): SupplierItem | undefined =>
  parseRow(
    itemRow,
    db.sqlite
      .prepare(
        `SELECT ${ITEM_COLUMNS} WHERE i.supplier_id = ? AND i.variant_id = ? AND i.active = 1 ORDER BY i.id LIMIT 1`,
      )
      .get(supplierId, variantId),
  );

export const listSupplierItems = query({
  access: 'purchasing.read',
  input: z.object({ supplierId: id.optional(), variantId: id.optional() }),
  handler: (ctx, input) =>
    parseRows(
      itemRow,
      ctx.db.sqlite
        .prepare(
          `SELECT ${ITEM_COLUMNS} WHERE (@supplierId IS NULL OR i.supplier_id = @supplierId)
             AND (@variantId IS NULL OR i.variant_id = @variantId) ORDER BY s.name, v.sku, i.id`,
        )
        .all({ supplierId: input.supplierId ?? null, variantId: input.variantId ?? null }),
    ),
});

export const saveSupplierItem = command({
  access: 'purchasing.manage',
  input: z.object({
    id: id.optional(),
    supplierId: id,
    variantId: id,
    supplierCode: nullable(64),
    /** Per unit of the variant, minor units of the supplier's currency. */
    price: money.nullable().optional(),
    packSize: quantity.optional(),
    minOrderQty: quantity.optional(),
    active: z.boolean().optional(),
  }),
  handler: (ctx, input) => {
    known(ctx, 'suppliers', 'supplierId', input.supplierId, 'supplier');
    known(ctx, 'variants', 'variantId', input.variantId, 'product variant');
    if (input.price === undefined || input.price === null)
      throw new DomainError(
        'SUPPLIER_ITEM_UNPRICED',
        "price: is required: enter the supplier's price per unit (in its currency) before the item can be ordered.",
        { field: 'price' },
      );
    const packSize = input.packSize ?? 1;
    const minOrderQty = input.minOrderQty ?? packSize;
    if (input.id && !exists(ctx.db, 'supplier_items', input.id))
      throw new DomainError('NOT_FOUND', 'That supplier item is not known here.');
    const twin = itemFor(ctx.db, input.supplierId, input.variantId);
    if (twin && twin.id !== input.id)
      throw validationError([
        {
          field: 'variantId',
          message: `${twin.sku} is already on ${twin.supplierName}'s list: change that item instead`,
        },
      ]);
    const itemId = input.id ?? newId(ctx.now());
    emit(ctx, 'supplier_item.saved', itemId, {
      id: itemId,
      supplierId: input.supplierId,
      variantId: input.variantId,
      supplierCode: input.supplierCode,
      price: input.price,
      packSize,
      minOrderQty,
      active: input.active ?? true,
    });
    return { id: itemId };
  },
});

const priceRow = z.object({
  price: z.number().int(),
  changedAt: z.number().int(),
  changedBy: z.string().nullable(),
});

export const supplierItemPrices = query({
  access: 'purchasing.read',
  input: z.object({ itemId: id }),
  handler: (ctx, input) =>
    parseRows(
      priceRow,
      ctx.db.sqlite
        .prepare(
          `SELECT h.price, h.changed_at AS changedAt, u.display_name AS changedBy
           FROM supplier_item_prices h LEFT JOIN users u ON u.id = h.user_id
           WHERE h.item_id = ? ORDER BY h.hlc DESC, h.id DESC`,
        )
        .all(input.itemId),
    ),
});

const ruleRow = z.object({
  id: z.string(),
  branchId: z.string(),
  branchCode: z.string(),
  variantId: z.string(),
  sku: z.string(),
  name: z.string(),
  min: z.number().int(),
  max: z.number().int().nullable(),
  daysOfCover: z.number().int().nullable(),
  supplierId: z.string().nullable(),
  supplierName: z.string().nullable(),
  active: z.number().transform((n) => n === 1),
});
export type ReorderRule = z.infer<typeof ruleRow>;

const RULE_COLUMNS = `r.id, r.branch_id AS branchId, b.code AS branchCode, r.variant_id AS variantId, v.sku, p.name,
  r.min, r.max, r.days_of_cover AS daysOfCover, r.supplier_id AS supplierId, s.name AS supplierName, r.active
  FROM reorder_rules r JOIN branches b ON b.id = r.branch_id JOIN variants v ON v.id = r.variant_id
  JOIN products p ON p.id = v.product_id LEFT JOIN suppliers s ON s.id = r.supplier_id`;

export const listReorderRules = query({
  access: 'purchasing.read',
  input: z.object({
    branchId: id.optional(),
    variantId: id.optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    offset: z.number().int().min(0).optional(),
  }),
  handler: (ctx, input) =>
    parseRows(
      ruleRow,
      ctx.db.sqlite
        .prepare(
          `SELECT ${RULE_COLUMNS} WHERE (@branchId IS NULL OR r.branch_id = @branchId)
             AND (@variantId IS NULL OR r.variant_id = @variantId)
           ORDER BY b.code, v.sku, r.id LIMIT @limit OFFSET @offset`,
        )
        .all({
          branchId: input.branchId ?? null,
          variantId: input.variantId ?? null,
          limit: input.limit ?? 200,
          offset: input.offset ?? 0,
        }),
    ),
});

export const saveReorderRule = command({
  access: 'purchasing.manage',
  input: z
    .object({
      id: id.optional(),
      branchId: id,
      variantId: id,
      min: countedQuantity,
      max: countedQuantity.nullable().optional(),
      daysOfCover: z
        .number({ error: 'must be a whole number of days' })
        .int('must be a whole number of days')
        .min(1, 'must be at least 1 day')
        .max(365, 'must be at most 365 days')
        .nullable()
        .optional(),
      supplierId: id.nullable().optional(),
      active: z.boolean().optional(),
    })
    .superRefine((r, issues) => {
      const max = r.max ?? null;
      const days = r.daysOfCover ?? null;
      if ((max === null) === (days === null))
        issues.addIssue({
          code: 'custom',
          path: ['max'],
          message: 'give either a maximum or days of cover to order up to (one of them)',
        });
      if (max !== null && max < r.min)
        issues.addIssue({
          code: 'custom',
          path: ['max'],
          message: `must be at least the minimum (${r.min})`,
        });
    }),
  handler: (ctx, input) => {
    known(ctx, 'branches', 'branchId', input.branchId, 'branch');
    known(ctx, 'variants', 'variantId', input.variantId, 'product variant');
    if (input.supplierId) known(ctx, 'suppliers', 'supplierId', input.supplierId, 'supplier');
    if (input.id && !exists(ctx.db, 'reorder_rules', input.id))
      throw new DomainError('NOT_FOUND', 'That reorder rule is not known here.');
    const twin = parseRow(
      z.object({ id: z.string() }),
      ctx.db.sqlite
        .prepare(`SELECT id FROM reorder_rules WHERE branch_id = ? AND variant_id = ? AND id <> ?`)
        .get(input.branchId, input.variantId, input.id ?? ''),
    );
    if (twin)
      throw validationError([
        {
          field: 'variantId',
          message: 'already has a reorder rule at this branch: change that one',
        },
      ]);
    const ruleId = input.id ?? newId(ctx.now());
    emit(ctx, 'reorder_rule.saved', ruleId, {
      id: ruleId,
      branchId: input.branchId,
      variantId: input.variantId,
      min: input.min,
      max: input.max ?? null,
      daysOfCover: input.daysOfCover ?? null,
      supplierId: input.supplierId ?? null,
      active: input.active ?? true,
    });
    return { id: ruleId };
  },
});

const settingsRow = z.object({
  approvalLimit: z.number().int().nullable(),
  toleranceBp: z.number().int().nullable(),
  runSchedule: z.string().nullable(),
  refitSchedule: z.string().nullable(),
});

export const DEFAULT_RUN_SCHEDULE = '0 3 * * *';
export const DEFAULT_REFIT_SCHEDULE = '0 1 * * 0';

export interface PurchasingSettings {
  /** Null: one approval is enough whatever the total. */
  approvalLimit: number | null;
  toleranceBp: number;
  runSchedule: string;
  refitSchedule: string;
}

export function purchasingSettingsOf(db: Db): PurchasingSettings {
  const row = parseRow(
    settingsRow,
    db.sqlite
      .prepare(
        `SELECT approval_limit AS approvalLimit, tolerance_bp AS toleranceBp, run_schedule AS runSchedule,
           refit_schedule AS refitSchedule FROM purchasing_settings WHERE id = ?`,
      )
      .get(purchasingSettingsId),
  );
  return {
    approvalLimit: row?.approvalLimit ?? null,
    toleranceBp: row?.toleranceBp ?? 0,
    runSchedule: row?.runSchedule ?? DEFAULT_RUN_SCHEDULE,
    refitSchedule: row?.refitSchedule ?? DEFAULT_REFIT_SCHEDULE,
  };
}

export const purchasingSettings = query({
  access: 'purchasing.read',
  input: z.object({}),
  handler: (ctx) => purchasingSettingsOf(ctx.db),
});

const cronText = z
  .string()
  .trim()
  .regex(
    /^(\S+\s+){4}\S+$/,
    'must be a cron expression of five fields, like "0 3 * * *" for 3:00 AM daily',
  );

export const savePurchasingSettings = command({
  access: 'company.manage',
  input: z.object({
    /** Null: no limit, one approval always suffices. */
    approvalLimit: money.nullable().optional(),
    toleranceBp: z
      .number({ error: 'must be a whole number of basis points' })
      .int('must be a whole number of basis points')
      .min(0, 'must be 0 or more')
      .max(10_000, 'must be at most 10000 (100%)')
      .optional(),
    runSchedule: cronText.optional(),
    refitSchedule: cronText.optional(),
  }),
  handler: (ctx, input) => {
    emit(ctx, 'purchasing.settings_saved', purchasingSettingsId, {
      id: purchasingSettingsId,
      ...input,
    });
    return purchasingSettingsOf(ctx.db);
  },
});

const rateRow = z.object({ currencyCode: z.string(), rate: z.string() });

/** Head office's rate for a currency (company units per unit of it), if it keeps one. */
export const exchangeRateOf = (db: Db, currencyCode: string): string | null =>
  parseRow(
    rateRow,
    db.sqlite
      .prepare(`SELECT id AS currencyCode, rate FROM exchange_rates WHERE id = ?`)
      .get(currencyCode),
  )?.rate ?? null;

export const exchangeRates = query({
  access: 'purchasing.read',
  input: z.object({}),
  handler: (ctx) =>
    parseRows(
      rateRow,
      ctx.db.sqlite
        .prepare(`SELECT id AS currencyCode, rate FROM exchange_rates ORDER BY id`)
        .all(),
    ),
});

export const saveExchangeRate = command({
  access: 'purchasing.manage',
  input: z.object({
    currencyCode: z
      .string()
      .trim()
      .transform((c) => c.toUpperCase())
      .refine(isCurrencyCode, 'must be a currency code like USD or EUR'),
    rate: z
      .string()
      .trim()
      .refine((r) => parseRate(r) !== null, 'must be a positive decimal number like 56.25'),
  }),
  handler: (ctx, input) => {
    if (input.currencyCode === companyCurrency(ctx.db).code)
      throw validationError([
        { field: 'currencyCode', message: "is the company's own currency: its rate is 1" },
      ]);
    emit(ctx, 'exchange_rate.saved', input.currencyCode, {
      id: input.currencyCode,
      rate: input.rate,
    });
    return { currencyCode: input.currencyCode, rate: input.rate };
  },
});
