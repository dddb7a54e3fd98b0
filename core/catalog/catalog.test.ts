import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRows } from '../db/rows';
import { variants } from '../db/schema';
import { stateHash } from '../db/stateHash';
import type { EventEnvelope } from '../events/define';
import { applyEvent } from '../events/emit';
import { formatHlc } from '../hlc';
import { newId } from '../ids';
import type { InputOf } from '../contract/api';
import { BranchCore } from '../runtime';
import { failure, openDemo, type DemoWorld } from '../testing/demo';

const socks = (variants: InputOf<'catalog.createProduct'>['variants']) => ({
  name: 'Wool socks',
  category: 'Apparel',
  unit: 'pairs',
  variants,
});

const catalogRow = async (world: DemoWorld, variantId: string) => {
  const rows = await world.as('admin')('catalog.list', { includeInactive: true, limit: 500 });
  const row = rows.find((r) => r.variantId === variantId);
  if (!row) throw new Error(`variant ${variantId} is not in the catalog`);
  return row;
};

const variantCount = (world: DemoWorld) =>
  world.core.db.orm.select({ n: count() }).from(variants).get()?.n;

describe('creating products', () => {
  it('creates a product with its variants', async () => {
    const world = await openDemo();
    const created = await world.as('admin')(
      'catalog.createProduct',
      socks([
        {
          sku: 'sock-s',
          barcode: '2000000000015',
          attributes: { size: 'S' },
          price: 9000,
          cost: 4000,
          minStock: 10,
        },
        { sku: 'SOCK-L', attributes: { size: 'L' }, price: 9500, cost: 4100 },
      ]),
    );
    expect(created.variantIds).toHaveLength(2);
    const [small, large] = await Promise.all(created.variantIds.map((id) => catalogRow(world, id)));
    expect(small).toMatchObject({
      productId: created.id,
      productName: 'Wool socks',
      name: 'Wool socks (S)',
      unit: 'pairs',
      sku: 'SOCK-S',
      barcode: '2000000000015',
      attributes: { size: 'S' },
      price: 9000,
      cost: 4000,
      minStock: 10,
      active: true,
    });
    expect(large).toMatchObject({ sku: 'SOCK-L', barcode: null, minStock: 0, price: 9500 });
  });

  it('refuses a SKU another variant has, naming the field', async () => {
    const world = await openDemo();
    const before = variantCount(world);
    const error = await failure(
      world.as('admin')(
        'catalog.createProduct',
        socks([
          { sku: 'SOCK-S', price: 2, cost: 1 },
          { sku: 'ts-wht-m', price: 2, cost: 1 },
        ]),
      ),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.field).toBe('variants.1.sku');
    expect(variantCount(world)).toBe(before);
  });

  it('refuses the same SKU twice within one request', async () => {
    const world = await openDemo();
    const before = stateHash(world.core.db);
    const error = await failure(
      world.as('admin')(
        'catalog.createProduct',
        socks([
          { sku: 'SOCK-S', price: 2, cost: 1 },
          { sku: 'sock-s', price: 2, cost: 1 },
        ]),
      ),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.field).toBe('variants.1.sku');
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('refuses a barcode that is already used, by another product or in the same request', async () => {
    const world = await openDemo();
    const before = stateHash(world.core.db);
    const existing = await failure(
      world.as('admin')(
        'catalog.createProduct',
        socks([{ sku: 'SOCK-S', barcode: '4006381333931', price: 2, cost: 1 }]),
      ),
    );
    expect(existing.code).toBe('CONFLICT');
    expect(existing.field).toBe('variants.0.barcode');
    const twice = await failure(
      world.as('admin')(
        'catalog.createProduct',
        socks([
          { sku: 'SOCK-S', barcode: '2000000000015', price: 2, cost: 1 },
          { sku: 'SOCK-L', barcode: '2000000000015', price: 2, cost: 1 },
        ]),
      ),
    );
    expect(twice.code).toBe('CONFLICT');
    expect(twice.field).toBe('variants.1.barcode');
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('refuses a taken SKU or barcode when adding or editing a variant', async () => {
    const world = await openDemo();
    const productId =
      world.core.db.orm
        .select({ id: variants.productId })
        .from(variants)
        .where(eq(variants.id, world.variant['CUP-SML']!))
        .get()?.id ?? '';
    const add = await failure(
      world.as('admin')('catalog.addVariant', { productId, sku: 'CUP-LRG', price: 2, cost: 1 }),
    );
    expect([add.code, add.field]).toEqual(['CONFLICT', 'sku']);
    const edit = await failure(
      world.as('admin')('catalog.updateVariant', {
        id: world.variant['CUP-SML'] ?? '',
        barcode: '5901234123464',
      }),
    );
    expect([edit.code, edit.field]).toEqual(['CONFLICT', 'barcode']);
    // A variant keeping its own SKU and barcode is no conflict.
    await world.as('admin')('catalog.updateVariant', {
      id: world.variant['CUP-SML'] ?? '',
      sku: 'cup-sml',
      barcode: '5901234123457',
      price: 12500,
    });
    expect((await catalogRow(world, world.variant['CUP-SML'] ?? '')).price).toBe(12500);
  });
});

describe('margins', () => {
  it('are derived from price and cost for every variant', async () => {
    const world = await openDemo();
    await world.as('admin')(
      'catalog.createProduct',
      socks([
        { sku: 'FREE-1', price: 0, cost: 300, confirmBelowCost: true },
        { sku: 'LOSS-1', price: 1000, cost: 1333, confirmBelowCost: true },
      ]),
    );
    const rows = await world.as('admin')('catalog.list', { limit: 500 });
    const stored = world.core.db.orm
      .select({ id: variants.id, price: variants.price, cost: variants.cost })
      .from(variants)
      .all();
    expect(rows).toHaveLength(stored.length);
    for (const s of stored) {
      const row = rows.find((r) => r.variantId === s.id);
      expect(row?.margin).toBe(s.price - s.cost);
      expect(row?.marginBasisPoints).toBe(
        s.price === 0 ? null : Math.round(((s.price - s.cost) / s.price) * 10_000),
      );
    }
    // 45000 − 28000 = 17000, which is 37.78 % of the price.
    expect(rows.find((r) => r.sku === 'TS-WHT-M')).toMatchObject({
      margin: 17000,
      marginBasisPoints: 3778,
    });
    expect(rows.find((r) => r.sku === 'LOSS-1')).toMatchObject({
      margin: -333,
      marginBasisPoints: -3330,
    });
  });

  it('follow a price change and are not stored', async () => {
    const world = await openDemo();
    const id = world.variant['TR-NVY-32'] ?? '';
    await world.as('admin')('catalog.updateVariant', { id, price: 100000, cost: 75000 });
    expect(await world.as('shop1')('catalog.findByCode', { code: 'TR-NVY-32' })).toMatchObject({
      margin: 25000,
      marginBasisPoints: 2500,
    });
    const columns = parseRows(
      z.object({ name: z.string() }),
      world.core.db.sqlite.prepare('SELECT name FROM pragma_table_info(?)').all('variants'),
    ).map((c) => c.name);
    expect(columns).toContain('price');
    expect(columns.filter((c) => /margin/i.test(c))).toEqual([]);
  });
});

describe('price history', () => {
  it('records every price and cost change in order', async () => {
    const world = await openDemo();
    const id = world.variant['TS-BLK-M'] ?? '';
    await world.as('admin')('catalog.updateVariant', { id, price: 50000 });
    await world.as('admin')('catalog.updateVariant', { id, cost: 30000 });
    await world.as('admin')('catalog.updateVariant', { id, minStock: 5 }); // not a price change
    await world.as('admin')('catalog.updateVariant', { id, price: 52000, cost: 31000 });
    const history = await world.as('finance')('catalog.priceHistory', { variantId: id });
    expect(history.map(({ price, cost }) => ({ price, cost }))).toEqual([
      { price: 48000, cost: 29000 },
      { price: 50000, cost: null },
      { price: null, cost: 30000 },
      { price: 52000, cost: 31000 },
    ]);
    expect(history.slice(1).every((h) => h.userName === 'Admin')).toBe(true);
    const times = history.map((h) => h.changedAt);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe('finding by code', () => {
  it('finds by barcode and by SKU in any case, and says NOT_FOUND otherwise', async () => {
    const world = await openDemo();
    const byBarcode = await world.as('shop1')('catalog.findByCode', { code: '5901234123464' });
    expect(byBarcode.variantId).toBe(world.variant['CUP-LRG']);
    for (const code of ['CUP-LRG', 'cup-lrg', '  Cup-Lrg ']) {
      expect((await world.as('shop1')('catalog.findByCode', { code })).variantId, code).toBe(
        world.variant['CUP-LRG'],
      );
    }
    const missing = await failure(
      world.as('shop1')('catalog.findByCode', { code: '0000000000000' }),
    );
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.field).toBe('code');
  });
});

/** A fresh, empty database that only folds the events a test hands it, as a replica does. */
function freshReplica() {
  const core = new BranchCore(mkdtempSync(join(tmpdir(), 'fse-replica-')));
  const apply = (event: EventEnvelope) =>
    core.db.sqlite.transaction(() => applyEvent(core.db, event))();
  return { core, apply };
}

const WALL = Date.UTC(2026, 11, 1);
const stamp = (minutes: number, node = 'pc-a') =>
  formatHlc({ wall: WALL + minutes * 60_000, counter: 0, node });

function envelope(type: string, hlc: string, payload: Record<string, unknown>): EventEnvelope {
  return {
    id: newId(WALL),
    type,
    schemaVersion: 1,
    branchId: 'branch-hq',
    deviceId: 'device-1',
    userId: 'user-1',
    hlc,
    createdAt: WALL,
    aggregateId: null,
    payload,
  };
}

describe('per-field last writer wins', () => {
  const productId = 'product-1';
  const variantId = 'variant-1';
  const created = [
    envelope('product.saved', stamp(0), {
      id: productId,
      name: 'Mug',
      category: 'Ceramics',
      unit: 'pcs',
      active: true,
    }),
    envelope('variant.saved', stamp(0), {
      id: variantId,
      productId,
      sku: 'MUG-1',
      barcode: null,
      attributes: {},
      price: 1000,
      cost: 500,
      minStock: 3,
      active: true,
    }),
  ];
  // A: a price edit at T2. B: an older edit of price and cost at T1 < T2, arriving late.
  const editA = envelope('variant.saved', stamp(20, 'pc-a'), { id: variantId, price: 1500 });
  const editB = envelope('variant.saved', stamp(10, 'pc-b'), {
    id: variantId,
    price: 1200,
    cost: 700,
  });
  // C: older than the creation for minStock, newer for nothing: changes no field.
  const editC = envelope('variant.saved', formatHlc({ wall: WALL - 1, counter: 0, node: 'pc-c' }), {
    id: variantId,
    minStock: 99,
  });

  const variantRow = (core: BranchCore) =>
    core.db.orm
      .select({
        price: variants.price,
        cost: variants.cost,
        minStock: variants.minStock,
        clocks: variants.clocks,
      })
      .from(variants)
      .where(eq(variants.id, variantId))
      .get()!;

  it('keeps the newer value of a field against an older edit, and takes the older edit’s other fields', () => {
    const { core, apply } = freshReplica();
    for (const e of [...created, editA, editB, editC]) apply(e);
    const row = variantRow(core);
    expect(row).toMatchObject({ price: 1500, cost: 700, minStock: 3 });
    const clocks = JSON.parse(row.clocks) as Record<string, string>;
    expect(clocks['price']).toBe(editA.hlc);
    expect(clocks['cost']).toBe(editB.hlc);
    expect(clocks['minStock']).toBe(stamp(0));
    core.close();
  });

  it('ends in the same state whatever order the edits arrive in', () => {
    const orders = [
      [editA, editB, editC],
      [editA, editC, editB],
      [editB, editA, editC],
      [editB, editC, editA],
      [editC, editA, editB],
      [editC, editB, editA],
    ];
    const hashes = orders.map((edits) => {
      const { core, apply } = freshReplica();
      for (const e of [...created, ...edits]) apply(e);
      expect(variantRow(core)).toMatchObject({ price: 1500, cost: 700, minStock: 3 });
      const hash = stateHash(core.db);
      core.close();
      return hash;
    });
    expect(new Set(hashes).size).toBe(1);
    // The hash does see the variant: a replica that missed B differs.
    const { core, apply } = freshReplica();
    for (const e of [...created, editA]) apply(e);
    expect(stateHash(core.db)).not.toBe(hashes[0]);
    core.close();
  });
});
