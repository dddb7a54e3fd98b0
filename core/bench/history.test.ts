// The benchmark's seeder writes rows straight, for speed; this holds it to what the projections
// write. A small history is seeded, then the events it wrote are folded through the real
// projections into a copy of the database from before the seeding, and every table must agree.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/open';
import { openDemo, type DemoWorld } from '../testing/demo';
import { orderStatuses } from '../vocabulary';
import { foldSeededEvents, seededDifferences } from './fold';
import { seedHistory, type HistoryResult } from './history';

const ORDERS = 400;

describe('the benchmark seeder (core/bench/history.ts)', () => {
  let world: DemoWorld;
  let dir: string;
  let fold: Db;
  let seeded: HistoryResult;

  beforeAll(async () => {
    world = await openDemo();
    dir = mkdtempSync(join(tmpdir(), 'fse-seed-fold-'));
    world.core.db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(world.core.db.file, join(dir, 'before.sqlite'));
    seeded = seedHistory(
      world.core.db,
      { orders: ORDERS, hotVariantId: world.variant['TS-WHT-M']!, now: Date.now() },
      () => undefined,
    );
    fold = openDatabase(join(dir, 'before.sqlite'));
  }, 120_000);

  afterAll(() => {
    fold?.close();
    world?.core.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(world.dir, { recursive: true, force: true });
  });

  it('seeds a history that takes every path of the lifecycle', () => {
    const statuses = world.core.db.sqlite
      .prepare('SELECT DISTINCT status FROM orders')
      .pluck()
      .all();
    expect(statuses).toEqual(
      // Every status but dispatched: two years back, every dispatched order has been delivered.
      expect.arrayContaining(orderStatuses.filter((status) => status !== 'dispatched')),
    );
    expect(seeded.rows['orders']).toBe(ORDERS);
    expect(seeded.rows['order_discrepancies']).toBeGreaterThan(0);
    const rejected = world.core.db.sqlite
      .prepare(`SELECT count(*) FROM payment_slips WHERE status = 'rejected'`)
      .pluck()
      .get();
    expect(rejected).toBeGreaterThan(0);
  });

  it('writes the rows a fresh fold of the same events through the projections writes', () => {
    const tally = foldSeededEvents(world.core.db, fold);
    expect(tally).toEqual({
      applied: seeded.rows['events'],
      conflicts: 0,
      deferred: 0,
      duplicates: 0,
      refolded: 0,
    });
    expect(seededDifferences(world.core.db, fold)).toEqual([]);
  });
});
