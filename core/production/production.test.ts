import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRow } from '../db/rows';
import { productionBatches, users } from '../db/schema';
import { stateHash } from '../db/stateHash';
import { failure, openDemo, type DemoWorld } from '../testing/demo';

/** The stored row as SQL names its columns. */
const batchRow = (world: DemoWorld, id: string) =>
  parseRow(
    z.record(z.string(), z.unknown()),
    world.core.db.sqlite.prepare('SELECT * FROM production_batches WHERE id = ?').get(id),
  );

const onHand = async (world: DemoWorld, variantId: string) =>
  (await world.as('factory')('stock.balance', { branchId: world.branch.FAC, variantId })).onHand;

describe('recording production', () => {
  it('raises the factory’s stock by the quantity', async () => {
    const world = await openDemo();
    const variantId = world.variant['CUP-LRG'] ?? '';
    const before = await onHand(world, variantId);
    const result = await world.as('factory')('production.record', {
      variantId,
      quantity: 48,
      producedOn: '2026-11-21',
      shift: 'Night',
      notes: 'Kiln 2',
    });
    expect(result.balance.onHand).toBe(before + 48);
    expect(await onHand(world, variantId)).toBe(before + 48);
    const factoryUser = world.core.db.orm
      .select({ id: users.id })
      .from(users)
      .where(eq(users.username, 'factory'))
      .get()!.id;
    expect(batchRow(world, result.id)).toMatchObject({
      branch_id: world.branch.FAC,
      variant_id: variantId,
      quantity: 48,
      produced_on: '2026-11-21',
      shift: 'Night',
      notes: 'Kiln 2',
      user_id: factoryUser,
      reverses_id: null,
      reversed_by_id: null,
    });
    const [movement] = await world.as('factory')('stock.movements', {
      branchId: world.branch.FAC,
      variantId,
      limit: 1,
    });
    expect(movement).toMatchObject({ kind: 'production', onHand: 48 });
  });

  it('is refused for a shop branch', async () => {
    const world = await openDemo();
    const before = stateHash(world.core.db);
    const error = await failure(
      world.as('admin')('production.record', {
        branchId: world.branch.SH01,
        variantId: world.variant['CUP-LRG'] ?? '',
        quantity: 5,
        producedOn: '2026-11-21',
      }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.field).toBe('branchId');
    // A factory clerk cannot record for another branch at all.
    const clerk = await failure(
      world.as('factory')('production.record', {
        branchId: world.branch.SH01,
        variantId: world.variant['CUP-LRG'] ?? '',
        quantity: 5,
        producedOn: '2026-11-21',
      }),
    );
    expect(clerk.code).toBe('FORBIDDEN');
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('refuses a bad quantity, date or variant', async () => {
    const world = await openDemo();
    const base = {
      variantId: world.variant['CUP-LRG'] ?? '',
      quantity: 5,
      producedOn: '2026-11-21',
    };
    for (const [input, field] of [
      [{ ...base, quantity: 0 }, 'quantity'],
      [{ ...base, quantity: 2.5 }, 'quantity'],
      [{ ...base, producedOn: '21/11/2026' }, 'producedOn'],
      [{ ...base, variantId: 'no-such-variant' }, 'variantId'],
    ] as const) {
      const error = await failure(world.as('factory')('production.record', input));
      expect([error.code, error.field]).toEqual(['VALIDATION', field]);
    }
  });
});

describe('reversing production', () => {
  it('records a negative batch linked to the original and restores the balance', async () => {
    const world = await openDemo();
    const variantId = world.variant['TS-BLK-M'] ?? '';
    const before = await onHand(world, variantId);
    const batch = await world.as('factory')('production.record', {
      variantId,
      quantity: 25,
      producedOn: '2026-11-20',
      shift: 'Day',
    });
    const original = batchRow(world, batch.id);
    const reversal = await world.as('factory')('production.reverse', {
      batchId: batch.id,
      reason: 'Entered on the wrong variant',
    });
    expect(await onHand(world, variantId)).toBe(before);

    expect(batchRow(world, reversal.id)).toMatchObject({
      branch_id: world.branch.FAC,
      variant_id: variantId,
      quantity: -25,
      produced_on: '2026-11-20',
      notes: 'Entered on the wrong variant',
      reverses_id: batch.id,
      reversed_by_id: null,
    });
    // The original is never edited except for the link to its reversal.
    expect(batchRow(world, batch.id)).toEqual({ ...original, reversed_by_id: reversal.id });
    const [movement] = await world.as('factory')('stock.movements', {
      branchId: world.branch.FAC,
      variantId,
      limit: 1,
    });
    expect(movement).toMatchObject({
      kind: 'production',
      onHand: -25,
      reason: 'Entered on the wrong variant',
    });
  });

  it('refuses to reverse a batch twice, or to reverse a reversal, changing nothing', async () => {
    const world = await openDemo();
    const variantId = world.variant['TS-WHT-L'] ?? '';
    const batch = await world.as('factory')('production.record', {
      variantId,
      quantity: 10,
      producedOn: '2026-11-20',
    });
    const reversal = await world.as('factory')('production.reverse', {
      batchId: batch.id,
      reason: 'Typo',
    });
    const before = stateHash(world.core.db);
    const balanceBefore = await onHand(world, variantId);

    const twice = await failure(
      world.as('factory')('production.reverse', { batchId: batch.id, reason: 'Typo again' }),
    );
    expect(twice.code).toBe('INVALID_STATE');
    const ofReversal = await failure(
      world.as('factory')('production.reverse', { batchId: reversal.id, reason: 'Undo the undo' }),
    );
    expect(ofReversal.code).toBe('INVALID_STATE');

    expect(stateHash(world.core.db)).toBe(before);
    expect(await onHand(world, variantId)).toBe(balanceBefore);
  });

  it('says a batch was already reversed even when the stock it added is gone', async () => {
    const world = await openDemo();
    const variantId = world.variant['TR-NVY-32'] ?? '';
    // A batch larger than everything else the factory holds of this variant.
    const batch = await world.as('factory')('production.record', {
      variantId,
      quantity: 500,
      producedOn: '2026-11-20',
    });
    await world.as('factory')('production.reverse', {
      batchId: batch.id,
      reason: 'Wrong quantity',
    });
    expect(await onHand(world, variantId)).toBeLessThan(500);
    const before = stateHash(world.core.db);
    const error = await failure(
      world.as('factory')('production.reverse', { batchId: batch.id, reason: 'Wrong quantity' }),
    );
    expect(error.code).toBe('INVALID_STATE');
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('refuses when the batch’s stock is no longer available', async () => {
    const world = await openDemo();
    const variantId = world.variant['CUP-SML'] ?? '';
    const batch = await world.as('factory')('production.record', {
      variantId,
      quantity: 30,
      producedOn: '2026-11-20',
    });
    const available = (
      await world.as('factory')('stock.balance', { branchId: world.branch.FAC, variantId })
    ).available;
    await world.as('factory')('stock.transfer', {
      fromBranchId: world.branch.FAC,
      toBranchId: world.branch.SH01,
      variantId,
      quantity: available - 29,
    });
    const before = stateHash(world.core.db);
    const error = await failure(
      world.as('factory')('production.reverse', { batchId: batch.id, reason: 'Miscount' }),
    );
    expect(error.code).toBe('INSUFFICIENT_STOCK');
    expect(error.details['available']).toBe(29);
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('refuses an unknown batch and another branch’s clerk', async () => {
    const world = await openDemo();
    const missing = await failure(
      world.as('factory')('production.reverse', { batchId: 'no-such-batch', reason: 'x' }),
    );
    expect([missing.code, missing.field]).toEqual(['NOT_FOUND', 'batchId']);
    const batch = await world.as('factory')('production.record', {
      variantId: world.variant['CUP-SML'] ?? '',
      quantity: 3,
      producedOn: '2026-11-20',
    });
    const shopClerk = await failure(
      world.as('shop1')('production.reverse', { batchId: batch.id, reason: 'x' }),
    );
    expect(shopClerk.code).toBe('FORBIDDEN');
  });
});

describe('production.list', () => {
  it('shows the factory’s batches, with reversals linked both ways, filtered by date', async () => {
    const world = await openDemo();
    const variantId = world.variant['CUP-SML'] ?? '';
    const early = await world.as('factory')('production.record', {
      variantId,
      quantity: 7,
      producedOn: '2026-10-01',
    });
    const late = await world.as('factory')('production.record', {
      variantId,
      quantity: 9,
      producedOn: '2026-10-03',
      shift: 'Night',
    });
    const reversal = await world.as('factory')('production.reverse', {
      batchId: late.id,
      reason: 'Wrong day',
    });

    const stored = world.core.db.orm
      .select({ id: productionBatches.id })
      .from(productionBatches)
      .where(eq(productionBatches.branchId, world.branch.FAC))
      .all();
    const all = await world.as('factory')('production.list', {
      branchId: world.branch.FAC,
      limit: 500,
    });
    expect(all.map((b) => b.id).sort()).toEqual(stored.map((s) => s.id).sort());

    const october = await world.as('factory')('production.list', {
      branchId: world.branch.FAC,
      from: '2026-10-01',
      to: '2026-10-31',
    });
    expect(october.map((b) => b.id).sort()).toEqual([early.id, late.id, reversal.id].sort());
    expect(october.find((b) => b.id === late.id)).toMatchObject({
      quantity: 9,
      shift: 'Night',
      sku: 'CUP-SML',
      userName: 'Abebe Kebede',
      reversedById: reversal.id,
      reversesId: null,
    });
    expect(october.find((b) => b.id === reversal.id)).toMatchObject({
      quantity: -9,
      reversesId: late.id,
      reversedById: null,
    });
    expect(october.reduce((sum, b) => sum + b.quantity, 0)).toBe(7);
    // Newest production day first.
    expect(october[0]?.producedOn).toBe('2026-10-03');

    const shop = await world.as('admin')('production.list', { branchId: world.branch.SH01 });
    expect(shop).toEqual([]);
  });
});
