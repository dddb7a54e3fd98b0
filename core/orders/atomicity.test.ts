// Nothing partial is ever written: a step that fails half-way leaves the database as it was.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ledgerMismatches, stateHash } from '../db/stateHash';
import { BranchCore } from '../runtime';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { ackedUntilKilled } from '../testing/killed-child';
let w: DemoWorld;
beforeEach(async () => {
  w = await openDemo();
});
afterEach(() => w.core.close());

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]).toString(
  'base64',
);
const counts = () =>
  w.core.db.sqlite
    .prepare(
      `SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM stock_movements) AS movements,
                     (SELECT value FROM sequences WHERE key = 'order:SH01') AS orderSeq`,
    )
    .get();

describe('a step that fails half-way', () => {
  it('dispatch: the third stock movement fails, and no line, movement, status or event remains', async () => {
    const shop = w.as('shop1');
    const placed = await shop('orders.place', {
      lines: ['TS-WHT-M', 'TS-WHT-L', 'CUP-SML'].map((sku) => ({
        variantId: w.variant[sku]!,
        quantity: 2,
      })),
    });
    await shop('orders.attachSlip', { orderId: placed.id, fileName: 'r.png', contentBase64: png });
    await w.as('finance')('orders.verifyPayment', { orderId: placed.id, amount: placed.total });

    // A disk or constraint failure on the third movement of this dispatch, simulated in SQLite itself.
    w.core.db.sqlite
      .exec(`CREATE TEMP TRIGGER fail_third_movement BEFORE INSERT ON main.stock_movements
      WHEN NEW.kind = 'dispatch' AND (SELECT count(*) FROM main.stock_movements WHERE kind = 'dispatch') >= 2
      BEGIN SELECT RAISE(ABORT, 'simulated failure half-way'); END`);
    const before = { hash: stateHash(w.core.db), counts: counts() };
    const e = await failure(
      w.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'AA 1' }),
    );
    expect(e.message).toContain('simulated failure half-way');
    expect(stateHash(w.core.db)).toBe(before.hash);
    expect(counts()).toEqual(before.counts);
    expect((await shop('orders.get', { orderId: placed.id })).status).toBe('payment_verified');

    // Once the fault is gone the same step succeeds: the failure left nothing in its way.
    w.core.db.sqlite.exec('DROP TRIGGER temp.fail_third_movement');
    await w.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'AA 1' });
    expect((await shop('orders.get', { orderId: placed.id })).status).toBe('dispatched');
  });

  it('placing: a failure after the order row is written leaves no order, no reservation, no event and no used number', async () => {
    w.core.db.sqlite.exec(`CREATE TEMP TRIGGER fail_timeline BEFORE INSERT ON main.order_timeline
      BEGIN SELECT RAISE(ABORT, 'simulated failure at the timeline'); END`);
    const before = { hash: stateHash(w.core.db), counts: counts() };
    const e = await failure(
      w.as('shop1')('orders.place', { lines: [{ variantId: w.variant['CUP-SML']!, quantity: 1 }] }),
    );
    expect(e.message).toContain('simulated failure');
    expect(stateHash(w.core.db)).toBe(before.hash);
    expect(counts()).toEqual(before.counts);
  });

  it('a process killed mid-work loses no acknowledged order and leaves the ledger whole', async () => {
    const variantId = w.variant['CUP-SML']!;
    w.core.close();
    const acked = await ackedUntilKilled(
      'place-orders-child.ts',
      [w.dir, w.tokens.shop1, variantId],
      25,
    );
    w.core = new BranchCore(w.dir);
    const found = w.core.db.sqlite
      .prepare(`SELECT id FROM orders WHERE id IN (${acked.map(() => '?').join(',')})`)
      .all(...acked);
    expect(acked.length).toBeGreaterThanOrEqual(25);
    expect(found).toHaveLength(acked.length);
    expect(ledgerMismatches(w.core.db)).toEqual([]);
    expect(w.core.db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
