import { z } from 'zod';
import * as num from '../events/numbers';
import { defineEvent, mergeStamp, rowWrite } from '../events/define';
import { mergeRow } from '../events/lww';
import { scaleEmbeds } from './scale';

export const productSaved = defineEvent({
  type: 'product.saved',
  merged: true,
  authority: { permission: 'catalog.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [rowWrite('products')],
  payload: z.object({
    id: z.string(),
    name: z.string().optional(),
    category: z.string().optional(),
    unit: z.string().optional(),
    active: z.boolean().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'products', id, mergeStamp(e), fields);
  },
});

export const variantSaved = defineEvent({
  type: 'variant.saved',
  merged: true,
  authority: { permission: 'catalog.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [rowWrite('variants'), { table: 'price_history', column: 'event_id', key: (e) => e.id }],
  payload: z.object({
    id: z.string(),
    productId: z.string().optional(),
    sku: z.string().optional(),
    barcode: z.string().nullable().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    price: num.minor.optional(),
    cost: num.minor.optional(),
    minStock: num.units.optional(),
    /**
     * A tax rate of its own (null: the category's) and the scale label settings, set together or
     * cleared together (core/catalog/scale.ts). Optional like the rest: an older app sets the
     * event aside until its update, and the schema version stays.
     */
    taxRateBp: num.basisPoints.nullable().optional(),
    scalePrefix: z.number().int().min(0).max(99).nullable().optional(),
    scaleItem: z.string().nullable().optional(),
    scaleEmbeds: z.enum(scaleEmbeds).nullable().optional(),
    active: z.boolean().optional(),
    /**
     * Who confirmed a price at or below cost (the event's user; core/catalog/rules.ts). Optional,
     * so events without it stay valid and the schema version stays; an older app drops it.
     */
    belowCostConfirmedBy: z.string().optional(),
  }),
  apply: (db, e) => {
    const { id, attributes, belowCostConfirmedBy: _, ...fields } = e.payload;
    mergeRow(db, 'variants', id, mergeStamp(e), {
      ...fields,
      ...(attributes !== undefined && { attributes: JSON.stringify(attributes) }),
    });
    // History keeps every price or cost edit, including ones a later edit outranks.
    if (fields.price !== undefined || fields.cost !== undefined)
      db.sqlite
        .prepare(
          'INSERT INTO price_history (variant_id, event_id, price, cost, hlc, changed_at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(id, e.id, fields.price ?? null, fields.cost ?? null, e.hlc, e.createdAt, e.userId);
  },
});
