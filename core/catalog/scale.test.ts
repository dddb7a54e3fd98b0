// Weighed and measured goods on a real database: a variant's scale code and own tax rate, set
// and refused by the catalog commands, carried by its event, and scale labels found by the
// counter's scan with the quantity they stand for.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRow } from '../db/rows';
import type { EventEnvelope } from '../events/define';
import { applyEvent } from '../events/emit';
import { formatHlc } from '../hlc';
import { newId } from '../ids';
import { BranchCore } from '../runtime';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { gs1CheckDigit } from './barcode';
import { readScaleLabel, scaleLabel } from './scale';

/** A label with a wrong last digit: the right one plus 1 to 9. */
const misprinted = (code: string, off: number) =>
  `${code.slice(0, 12)}${(Number(code[12]) + off) % 10}`;

const scaleRow = (world: DemoWorld, id: string) =>
  parseRow(
    z.object({
      taxRateBp: z.number().nullable(),
      scalePrefix: z.number().nullable(),
      scaleItem: z.string().nullable(),
      scaleEmbeds: z.string().nullable(),
    }),
    world.core.db.sqlite
      .prepare(
        'SELECT tax_rate_bp AS taxRateBp, scale_prefix AS scalePrefix, scale_item AS scaleItem, scale_embeds AS scaleEmbeds FROM variants WHERE id = ?',
      )
      .get(id),
  );

describe('scale labels', () => {
  it('are read digit by digit, with the GS1 check digit', () => {
    const code = scaleLabel(21, '01234', 1250);
    expect(code.slice(0, 12)).toBe('210123401250');
    expect(Number(code[12])).toBe(gs1CheckDigit('210123401250'));
    expect(readScaleLabel(code)).toEqual({
      prefix: 21,
      item: '01234',
      value: 1250,
      checkDigitRight: true,
    });
    expect(readScaleLabel(misprinted(code, 3))?.checkDigitRight).toBe(false);
    for (const other of ['4006381333931', '210123401250', 'TS-WHT-M', '1901234012502'])
      expect(readScaleLabel(other), other).toBeNull();
  });
});

describe('a variant’s scale code and tax rate', () => {
  it('are set on a new product, a new variant and an edit, and cleared together', async () => {
    const world = await openDemo();
    const admin = world.as('admin');
    const created = await admin('catalog.createProduct', {
      name: 'Cheese',
      category: 'Deli',
      unit: 'g',
      variants: [
        {
          sku: 'CHEESE-G',
          price: 3,
          cost: 2,
          taxRateBp: 500,
          scalePrefix: 21,
          scaleItem: '00042',
          scaleEmbeds: 'weight',
        },
      ],
    });
    const id = created.variantIds[0]!;
    expect(scaleRow(world, id)).toEqual({
      taxRateBp: 500,
      scalePrefix: 21,
      scaleItem: '00042',
      scaleEmbeds: 'weight',
    });
    const added = await admin('catalog.addVariant', {
      productId: created.id,
      sku: 'CHEESE-SLICED',
      price: 4,
      cost: 2,
      scalePrefix: 22,
      scaleItem: '00042',
      scaleEmbeds: 'price',
    });
    expect(scaleRow(world, added.id)).toMatchObject({ taxRateBp: null, scalePrefix: 22 });
    // The catalog lists them, for the editor to show.
    const rows = await admin('catalog.list', { search: 'CHEESE' });
    expect(rows.find((r) => r.variantId === id)).toMatchObject({
      unit: 'g',
      taxRateBp: 500,
      scalePrefix: 21,
      scaleItem: '00042',
      scaleEmbeds: 'weight',
    });

    await admin('catalog.updateVariant', { id, taxRateBp: null });
    await admin('catalog.updateVariant', {
      id: added.id,
      taxRateBp: 0,
      scalePrefix: 23,
      scaleItem: '10000',
      scaleEmbeds: 'weight',
    });
    expect(scaleRow(world, id)).toMatchObject({ taxRateBp: null, scalePrefix: 21 });
    expect(scaleRow(world, added.id)).toEqual({
      taxRateBp: 0,
      scalePrefix: 23,
      scaleItem: '10000',
      scaleEmbeds: 'weight',
    });
    await admin('catalog.updateVariant', {
      id,
      scalePrefix: null,
      scaleItem: null,
      scaleEmbeds: null,
    });
    expect(scaleRow(world, id)).toEqual({
      taxRateBp: null,
      scalePrefix: null,
      scaleItem: null,
      scaleEmbeds: null,
    });
  });

  it('a variant’s own tax rate is the one a sale charges', async () => {
    const world = await openDemo();
    const id = world.variant['TS-WHT-M']!;
    await world.as('admin')('catalog.updateVariant', { id, taxRateBp: 1_500 });
    await world.as('shop1')('stock.adjust', { variantId: id, quantity: 10, reason: 'count' });
    const sale = await world.as('shop1')('sales.record', {
      lines: [{ variantId: id, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    const line = parseRow(
      z.object({ rate: z.number() }),
      world.core.db.sqlite
        .prepare('SELECT tax_rate_bp AS rate FROM sale_lines WHERE sale_id = ?')
        .get(sale.id),
    );
    expect(line?.rate).toBe(1_500);
  });

  it('refuses settings out of range, naming the field', async () => {
    const world = await openDemo();
    const id = world.variant['TS-WHT-M']!;
    const edit = (input: Record<string, unknown>) =>
      failure(world.as('admin')('catalog.updateVariant', { id, ...input }));
    const cases: [Record<string, unknown>, string][] = [
      [{ taxRateBp: 10_001 }, 'taxRateBp'],
      [{ taxRateBp: -1 }, 'taxRateBp'],
      [{ taxRateBp: 15.5 }, 'taxRateBp'],
      [{ scalePrefix: 19, scaleItem: '00001', scaleEmbeds: 'weight' }, 'scalePrefix'],
      [{ scalePrefix: 30, scaleItem: '00001', scaleEmbeds: 'weight' }, 'scalePrefix'],
      [{ scalePrefix: 21, scaleItem: '1234', scaleEmbeds: 'weight' }, 'scaleItem'],
      [{ scalePrefix: 21, scaleItem: '12a45', scaleEmbeds: 'weight' }, 'scaleItem'],
      [{ scalePrefix: 21, scaleItem: '12345', scaleEmbeds: 'volume' }, 'scaleEmbeds'],
    ];
    for (const [input, field] of cases) {
      const error = await edit(input);
      expect(error.code, JSON.stringify(input)).toBe('VALIDATION');
      expect(error.field, JSON.stringify(input)).toBe(field);
    }
  });

  it('refuses some scale settings without the others, naming each one missing', async () => {
    const world = await openDemo();
    const id = world.variant['TS-WHT-M']!;
    const partial = await failure(
      world.as('admin')('catalog.updateVariant', { id, scalePrefix: 21, scaleItem: '00001' }),
    );
    expect(partial).toMatchObject({ code: 'VALIDATION', field: 'scaleEmbeds' });
    const clearedAlone = await failure(
      world.as('admin')('catalog.updateVariant', { id, scaleItem: null }),
    );
    expect(clearedAlone.code).toBe('VALIDATION');
    expect(clearedAlone.details['issues']).toHaveLength(2);
    const created = await failure(
      world.as('admin')('catalog.createProduct', {
        name: 'Rope',
        category: 'Hardware',
        unit: 'cm',
        variants: [
          { sku: 'ROPE-1', price: 5, cost: 1 },
          { sku: 'ROPE-2', price: 5, cost: 1, scaleEmbeds: 'weight' },
        ],
      }),
    );
    expect(created).toMatchObject({ code: 'VALIDATION', field: 'variants.1.scalePrefix' });
    expect(created.message).toContain('variants.1.scaleItem');
    expect(scaleRow(world, id)?.scalePrefix).toBeNull();
  });

  it('refuses a scale code another variant has, naming the item code', async () => {
    const world = await openDemo();
    const admin = world.as('admin');
    const scale = { scalePrefix: 24, scaleItem: '55555', scaleEmbeds: 'weight' } as const;
    await admin('catalog.updateVariant', { id: world.variant['TS-WHT-M']!, ...scale });
    const edit = await failure(
      admin('catalog.updateVariant', { id: world.variant['CUP-SML']!, ...scale }),
    );
    expect(edit).toMatchObject({ code: 'CONFLICT', field: 'scaleItem' });
    expect(edit.message).toContain('TS-WHT-M');
    // Its own code again is no conflict; the same item under another prefix is another code.
    await admin('catalog.updateVariant', { id: world.variant['TS-WHT-M']!, ...scale });
    await admin('catalog.updateVariant', {
      id: world.variant['CUP-SML']!,
      ...scale,
      scalePrefix: 25,
    });
    const added = await failure(
      admin('catalog.addVariant', {
        productId: (await admin('catalog.findByCode', { code: 'CUP-LRG' })).productId,
        sku: 'CUP-XL',
        price: 5,
        cost: 1,
        ...scale,
      }),
    );
    expect(added).toMatchObject({ code: 'CONFLICT', field: 'scaleItem' });
    const twice = await failure(
      admin('catalog.createProduct', {
        name: 'Olives',
        category: 'Deli',
        unit: 'g',
        variants: [
          { sku: 'OLIVE-G', price: 5, cost: 1, ...scale, scaleItem: '77777' },
          { sku: 'OLIVE-B', price: 5, cost: 1, ...scale, scaleItem: '77777' },
        ],
      }),
    );
    expect(twice).toMatchObject({ code: 'CONFLICT', field: 'variants.1.scaleItem' });
  });

  it('travel in the variant’s event and merge per field like its other fields', () => {
    const core = new BranchCore(mkdtempSync(join(tmpdir(), 'fse-scale-')));
    const wall = Date.UTC(2026, 11, 1);
    const event = (minutes: number, payload: Record<string, unknown>): EventEnvelope => ({
      id: newId(wall),
      type: minutes < 0 ? 'product.saved' : 'variant.saved',
      schemaVersion: 1,
      branchId: 'branch-hq',
      deviceId: 'device-1',
      userId: 'user-1',
      hlc: formatHlc({ wall: wall + Math.abs(minutes) * 60_000, counter: 0, node: 'pc' }),
      createdAt: wall,
      aggregateId: null,
      payload,
    });
    const apply = (e: EventEnvelope) => core.db.sqlite.transaction(() => applyEvent(core.db, e))();
    apply(event(-1, { id: 'p', name: 'Ham', category: 'Deli', unit: 'g', active: true }));
    apply(
      event(1, {
        id: 'v',
        productId: 'p',
        sku: 'HAM',
        barcode: null,
        attributes: {},
        price: 2,
        cost: 1,
        minStock: 0,
        active: true,
      }),
    );
    // A later scale code, then an older tax rate and an older price arriving late.
    apply(event(30, { id: 'v', scalePrefix: 26, scaleItem: '00007', scaleEmbeds: 'price' }));
    apply(event(20, { id: 'v', taxRateBp: 700, price: 3, scalePrefix: null }));
    const row = parseRow(
      z.object({ tax: z.number(), prefix: z.number(), item: z.string(), price: z.number() }),
      core.db.sqlite
        .prepare(
          'SELECT tax_rate_bp AS tax, scale_prefix AS prefix, scale_item AS item, price FROM variants WHERE id = ?',
        )
        .get('v'),
    );
    expect(row).toEqual({ tax: 700, prefix: 26, item: '00007', price: 3 });
    core.close();
  });
});

describe('finding a scale label by its code', () => {
  let world: DemoWorld;
  beforeAll(async () => {
    world = await openDemo();
  });
  const used = new Set<string>();
  let n = 0;

  /** A product sold by weight or length, with one variant whose labels carry the given value. */
  const variant = fc.record({
    prefix: fc.integer({ min: 20, max: 29 }),
    item: fc.integer({ min: 0, max: 99_999 }).map((i) => String(i).padStart(5, '0')),
    embeds: fc.constantFrom('weight' as const, 'price' as const),
    unit: fc.constantFrom('g', 'cm', 'pcs'),
    price: fc.integer({ min: 1, max: 20_000 }),
    value: fc.integer({ min: 1, max: 99_999 }),
  });

  it('finds the variant a label names, with the quantity it stands for', async () => {
    await fc.assert(
      fc.asyncProperty(variant, async (v) => {
        // The codes the tests below set on this world's own variants stay theirs.
        fc.pre(
          !used.has(`${v.prefix}${v.item}`) &&
            !['2999999', '2712345'].includes(`${v.prefix}${v.item}`),
        );
        used.add(`${v.prefix}${v.item}`);
        n++;
        const admin = world.as('admin');
        const created = await admin('catalog.createProduct', {
          name: `Weighed ${n}`,
          category: 'Deli',
          unit: v.unit,
          variants: [
            {
              sku: `W-${n}`,
              price: v.price,
              cost: 0,
              scalePrefix: v.prefix,
              scaleItem: v.item,
              scaleEmbeds: v.embeds,
            },
          ],
        });
        const found = await world.as('shop1')('catalog.findByCode', {
          code: scaleLabel(v.prefix, v.item, v.value),
        });
        expect(found.variantId).toBe(created.variantIds[0]);
        expect(found.unit).toBe(v.unit);
        if (v.embeds === 'weight') {
          expect(found.quantity).toBe(v.value);
          expect(found.embeddedPrice).toBeUndefined();
        } else {
          expect(found.embeddedPrice).toBe(v.value);
          const q = found.quantity!;
          // The nearest whole quantity at the unit price, never none.
          expect(Number.isInteger(q) && q >= 1).toBe(true);
          if (q > 1) expect(Math.abs(q * v.price - v.value) * 2).toBeLessThanOrEqual(v.price);
          else expect(v.value * 2).toBeLessThan(3 * v.price);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a label whose check digit is wrong, saying the right one', async () => {
    await world.as('admin')('catalog.updateVariant', {
      id: world.variant['CUP-SML']!,
      scalePrefix: 29,
      scaleItem: '99999',
      scaleEmbeds: 'weight',
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 99_999 }),
        fc.integer({ min: 1, max: 9 }),
        async (value, off) => {
          const right = scaleLabel(29, '99999', value);
          const error = await failure(
            world.as('shop1')('catalog.findByCode', { code: misprinted(right, off) }),
          );
          expect(error).toMatchObject({ code: 'BARCODE_CHECK_DIGIT', field: 'code' });
          expect(error.details['expectedCheckDigit']).toBe(Number(right[12]));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('still finds plain barcodes and SKUs, a stored in-store barcode before any scale code', async () => {
    const admin = world.as('admin');
    const inStore = scaleLabel(27, '12345', 0);
    await admin('catalog.updateVariant', {
      id: world.variant['TS-WHT-M']!,
      barcode: inStore,
      scalePrefix: null,
      scaleItem: null,
      scaleEmbeds: null,
    });
    await admin('catalog.updateVariant', {
      id: world.variant['TS-BLK-M']!,
      scalePrefix: 27,
      scaleItem: '12345',
      scaleEmbeds: 'weight',
    });
    const shop = world.as('shop1');
    const plain = await shop('catalog.findByCode', { code: inStore });
    expect(plain.variantId).toBe(world.variant['TS-WHT-M']);
    expect(plain.quantity).toBeUndefined();
    expect((await shop('catalog.findByCode', { code: '5901234123464' })).variantId).toBe(
      world.variant['CUP-LRG'],
    );
    expect((await shop('catalog.findByCode', { code: 'cup-lrg' })).quantity).toBeUndefined();
    expect((await shop('catalog.findByCode', { code: scaleLabel(27, '12345', 5) })).quantity).toBe(
      5,
    );
  });

  it('says what is wrong with a label that sells nothing', async () => {
    // A world of its own: the property above may have given any code to a variant here.
    const world = await openDemo();
    const shop = world.as('shop1');
    const unknown = await failure(shop('catalog.findByCode', { code: scaleLabel(20, '00000', 1) }));
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', field: 'code' });
    expect(unknown.message).toContain('scale label');
    await world.as('admin')('catalog.updateVariant', {
      id: world.variant['CUP-LRG']!,
      scalePrefix: 28,
      scaleItem: '00001',
      scaleEmbeds: 'weight',
    });
    const empty = await failure(shop('catalog.findByCode', { code: scaleLabel(28, '00001', 0) }));
    expect(empty).toMatchObject({ code: 'VALIDATION', field: 'code' });
    await world.as('admin')('catalog.updateVariant', {
      id: world.variant['CUP-LRG']!,
      active: false,
    });
    const archived = await failure(
      shop('catalog.findByCode', { code: scaleLabel(28, '00001', 10) }),
    );
    expect(archived).toMatchObject({ code: 'NOT_FOUND', details: { archived: true } });
  });
});

describe('a weighed sale', () => {
  it('records the quantities the labels stand for, one line per label', async () => {
    const world = await openDemo();
    const id = world.variant['CUP-SML']!;
    await world.as('admin')('catalog.updateVariant', {
      id,
      price: 4,
      cost: 1,
      scalePrefix: 21,
      scaleItem: '00300',
      scaleEmbeds: 'price',
    });
    await world.as('shop1')('stock.adjust', { variantId: id, quantity: 10_000, reason: 'count' });
    const shop = world.as('shop1');
    const a = await shop('catalog.findByCode', { code: scaleLabel(21, '00300', 5_000) });
    const b = await shop('catalog.findByCode', { code: scaleLabel(21, '00300', 1_998) });
    expect([a.quantity, b.quantity]).toEqual([1_250, 500]);
    const sale = await shop('sales.record', {
      lines: [a, b].map((r) => ({ variantId: r.variantId, quantity: r.quantity! })),
      payments: [{ method: 'cash' }],
    });
    expect(sale.total).toBe(7_000);
  });
});
