import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command } from '../contract/define';
import { id, money, text } from '../contract/fields';
import { prepared } from '../db/prepared';
import { variants } from '../db/schema';
import { DomainError } from '../errors';
import { emit, refuseIfNotHere } from '../events/emit';
import { newId } from '../ids';
import { assertBarcode, confirmedBelowCost } from './rules';
import {
  assertScaleFree,
  assertScaleSettings,
  scaleEmbedsField,
  scaleItem,
  scalePrefix,
  scaleTaken,
  taxRateBp,
} from './scale';

export const sku = z
  .string()
  .trim()
  .toUpperCase()
  .regex(
    /^[A-Z0-9][A-Z0-9._/-]{0,39}$/,
    'must be 1 to 40 letters, digits, dots, dashes or slashes',
  );
export const barcode = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z-]{4,64}$/, 'must be 4 to 64 letters or digits');
const attributes = z.record(text(40), text(80)).default({});
/** Sent once the person confirmed a price at or below cost (PRICE_AT_OR_BELOW_COST). */
const confirmBelowCost = z.boolean().optional();
const minStock = z
  .number()
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(10_000_000);

export const variantFields = z.object({
  sku,
  barcode: barcode.optional(),
  attributes,
  price: money,
  cost: money,
  minStock: minStock.default(0),
  taxRateBp: taxRateBp.optional(),
  scalePrefix: scalePrefix.optional(),
  scaleItem: scaleItem.optional(),
  scaleEmbeds: scaleEmbedsField.optional(),
  confirmBelowCost,
});

const taken = (field: string, value: string, path = field) =>
  new DomainError('CONFLICT', `${path}: ${value} is already used by another variant`, {
    field: path,
    issues: [{ field: path, message: `${value} is already used by another variant` }],
  });

function assertUnique(
  ctx: Context,
  v: { sku?: string; barcode?: string | null },
  exceptId: string | null,
  prefix = '',
) {
  const db = ctx.db.sqlite;
  if (
    v.sku &&
    db.prepare('SELECT 1 FROM variants WHERE sku = ? AND id IS NOT ?').get(v.sku, exceptId)
  )
    throw taken('sku', v.sku, `${prefix}sku`);
  if (
    v.barcode &&
    db.prepare('SELECT 1 FROM variants WHERE barcode = ? AND id IS NOT ?').get(v.barcode, exceptId)
  )
    throw taken('barcode', v.barcode, `${prefix}barcode`);
}

export const createProduct = command({
  access: 'catalog.manage',
  input: z.object({
    name: text(120),
    category: text(80),
    unit: text(20).default('pcs'),
    variants: z.array(variantFields).min(1, 'a product needs at least one variant').max(200),
  }),
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'variant.saved');
    const skus = new Set<string>();
    const barcodes = new Set<string>();
    const scaleCodes = new Set<string>();
    const confirmedBy = input.variants.map((v, i) => {
      assertBarcode(v.barcode, `variants.${i}.barcode`);
      assertScaleSettings(v, `variants.${i}.`, true);
      if (v.scalePrefix && v.scaleItem) {
        const key = `${v.scalePrefix}${v.scaleItem}`;
        if (scaleCodes.has(key))
          throw scaleTaken(v.scalePrefix, v.scaleItem, `variants.${i}.scaleItem`);
        scaleCodes.add(key);
      }
      assertScaleFree(ctx, v, null, `variants.${i}.`);
      if (skus.has(v.sku)) throw taken('sku', v.sku, `variants.${i}.sku`);
      skus.add(v.sku);
      if (v.barcode && barcodes.has(v.barcode))
        throw taken('barcode', v.barcode, `variants.${i}.barcode`);
      if (v.barcode) barcodes.add(v.barcode);
      assertUnique(ctx, v, null, `variants.${i}.`);
      return confirmedBelowCost(ctx, v, `variants.${i}.price`);
    });
    const productId = newId(ctx.now());
    emit(ctx, 'product.saved', productId, {
      id: productId,
      name: input.name,
      category: input.category,
      unit: input.unit,
      active: true,
    });
    const variantIds = input.variants.map(({ confirmBelowCost: _, ...v }, i) => {
      const variantId = newId(ctx.now());
      const by = confirmedBy[i];
      emit(ctx, 'variant.saved', productId, {
        id: variantId,
        productId,
        ...v,
        barcode: v.barcode ?? null,
        active: true,
        ...(by !== undefined && { belowCostConfirmedBy: by }),
      });
      return variantId;
    });
    return { id: productId, variantIds };
  },
});

export const updateProduct = command({
  access: 'catalog.manage',
  input: z.object({
    id,
    name: text(120).optional(),
    category: text(80).optional(),
    unit: text(20).optional(),
    active: z.boolean().optional(),
  }),
  handler: (ctx, input) => {
    if (!ctx.db.sqlite.prepare('SELECT 1 FROM products WHERE id = ?').get(input.id))
      throw new DomainError('NOT_FOUND', 'That product does not exist.', { field: 'id' });
    emit(ctx, 'product.saved', input.id, input);
    return { id: input.id };
  },
});

export const addVariant = command({
  access: 'catalog.manage',
  input: variantFields.extend({ productId: id }),
  handler: (ctx, input) => {
    if (!ctx.db.sqlite.prepare('SELECT 1 FROM products WHERE id = ?').get(input.productId))
      throw new DomainError('NOT_FOUND', 'productId: that product does not exist', {
        field: 'productId',
      });
    refuseIfNotHere(ctx, 'variant.saved');
    assertBarcode(input.barcode, 'barcode');
    assertUnique(ctx, input, null);
    assertScaleSettings(input, '', true);
    assertScaleFree(ctx, input, null);
    const by = confirmedBelowCost(ctx, input, 'price');
    const { confirmBelowCost: _, ...fields } = input;
    const variantId = newId(ctx.now());
    emit(ctx, 'variant.saved', input.productId, {
      id: variantId,
      ...fields,
      barcode: fields.barcode ?? null,
      active: true,
      ...(by !== undefined && { belowCostConfirmedBy: by }),
    });
    return { id: variantId };
  },
});

const productOfVariant = prepared((orm) =>
  orm
    .select({ productId: variants.productId, price: variants.price, cost: variants.cost })
    .from(variants)
    .where(eq(variants.id, sql.placeholder('id')))
    .prepare(),
);

export const updateVariant = command({
  access: 'catalog.manage',
  input: z.object({
    id,
    sku: sku.optional(),
    barcode: barcode.nullable().optional(),
    attributes: z.record(text(40), text(80)).optional(),
    price: money.optional(),
    cost: money.optional(),
    minStock: minStock.optional(),
    taxRateBp: taxRateBp.optional(),
    /** Set all three, or clear all three with null. */
    scalePrefix: scalePrefix.optional(),
    scaleItem: scaleItem.optional(),
    scaleEmbeds: scaleEmbedsField.optional(),
    active: z.boolean().optional(),
    confirmBelowCost,
  }),
  handler: (ctx, input) => {
    const row = productOfVariant(ctx.db).get({ id: input.id });
    if (!row) throw new DomainError('NOT_FOUND', 'That variant does not exist.', { field: 'id' });
    refuseIfNotHere(ctx, 'variant.saved');
    assertBarcode(input.barcode, 'barcode');
    assertUnique(ctx, input, input.id);
    assertScaleSettings(input);
    assertScaleFree(ctx, input, input.id);
    const { confirmBelowCost: confirmed, ...fields } = input;
    // Checked against what the variant has for the side not changed; the field named is the one
    // the person changed (the price when both).
    const changed = input.price !== undefined ? 'price' : 'cost';
    const by =
      input.price === undefined && input.cost === undefined
        ? undefined
        : confirmedBelowCost(
            ctx,
            {
              price: input.price ?? row.price,
              cost: input.cost ?? row.cost,
              confirmBelowCost: confirmed,
            },
            changed,
            changed,
          );
    emit(ctx, 'variant.saved', row.productId, {
      ...fields,
      ...(by !== undefined && { belowCostConfirmedBy: by }),
    });
    return { id: input.id };
  },
});
