// The road through the sync model's own operations, on a path that must get somewhere (the
// random model may wander past it): a rep's offline orders, one refused for another rep's
// customer; the clerk approves and plans a trip; the driver proves one stop on a tablet whose
// clock runs two days behind, saving it twice, and the other tablet, not yet synced, proves the
// same stop (a conflict, never a second signature) and then continues the trip after a sync;
// a duplicated push; the trip closed with a cash difference; goods back; a payment; badges.
// Afterwards everything the model checks holds, and every replica holds the same awards once.
// Then a stop the clerk records as come back while the driver's offline tablet proves it: the
// first to reach head office stands, the other is a conflict everywhere, and the trip closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRows } from '../core/db/rows';
import { runAndCheck } from './testing/model-check';
import type { Op } from './testing/model-ops';
import { buildTemplate, openWorld, type ModelWorld, type Template } from './testing/model-world';

let template: Template;
let w: ModelWorld;
beforeAll(async () => {
  template = await buildTemplate();
  w = await openWorld(template, template.databaseUrl, {
    skews: [0, 0, 0, 0, -2 * 86_400_000],
  });
}, 120_000);
afterAll(() => w.close());

/** The driver proves the first pending stop on a tablet: everything delivered, unless `over`. */
const prove = (tablet: 1 | 4, over: Partial<Extract<Op, { kind: 'prove' }>> = {}): Op =>
  ({
    kind: 'prove',
    tablet,
    pick: 0,
    damaged: false,
    short: false,
    collect: 'none',
    crates: 0,
    twice: false,
    ...over,
  }) as Op;

const counted = z.object({ type: z.string(), status: z.string(), n: z.number() });
const awardRow = z.object({
  personId: z.string(),
  ruleId: z.string(),
  period: z.string(),
  status: z.string(),
});

describe('the road in the sync model', () => {
  it('delivers with proof from two offline tablets, once, and every replica agrees on the awards', async () => {
    // A badge the first delivery earns, so awards exist to agree on.
    await w.hq(
      'badges.saveRule',
      {
        name: 'First delivery',
        role: 'driver',
        rule: 'count',
        kind: 'delivery',
        threshold: 1,
        period: 'ever',
        points: 5,
        announce: false,
        active: true,
      },
      template.adminToken,
    );
    const ops: Op[] = [
      { kind: 'fieldOrder', rep: 'rep1', customer: 0, variant: 0, qty: 2 },
      // Bole Restaurant is rep2's: refused, nothing written.
      { kind: 'fieldOrder', rep: 'rep1', customer: 2, variant: 0, qty: 1 },
      { kind: 'fieldOrder', rep: 'shop1', customer: 1, variant: 1, qty: 1 },
      { kind: 'fieldOrder', rep: 'rep1', customer: 3, variant: 2, qty: 1 },
      { kind: 'approveField', pick: 0, restock: true },
      { kind: 'approveField', pick: 0, restock: true },
      { kind: 'approveField', pick: 0, restock: true },
      { kind: 'planTrip', stops: 3, suggest: true },
      { kind: 'sync', site: 1, fault: 'none' },
      { kind: 'sync', site: 4, fault: 'none' },
      prove(4, { damaged: true, short: true, collect: 'cash', crates: 1, twice: true }),
      prove(1, { collect: 'transfer' }),
      { kind: 'sync', site: 4, fault: 'duplicate' },
      { kind: 'sync', site: 1, fault: 'dropResponse' },
      { kind: 'sync', site: 1, fault: 'none' },
      { kind: 'sync', site: 4, fault: 'none' },
      // The second tablet continues: the next stop, then the last one not delivered.
      prove(1),
      { kind: 'sync', site: 1, fault: 'none' },
      { kind: 'sync', site: 4, fault: 'none' },
      { kind: 'failStop', tablet: 4, pick: 0 },
      { kind: 'sync', site: 4, fault: 'none' },
      { kind: 'sync', site: 1, fault: 'none' },
      { kind: 'closeTrip', pick: 0, off: 1 },
      { kind: 'returnField', pick: 0, whole: true },
      { kind: 'fieldPayment', customer: 0, amount: 300 },
      { kind: 'settleBadges' },
    ] as Op[];
    await runAndCheck(w, template, ops);

    const db = w.server().replica.core.db.sqlite;
    const events = parseRows(
      counted,
      db
        .prepare(
          `SELECT type, apply_status AS status, count(*) AS n FROM events
            WHERE type IN ('customer_order.placed', 'delivery.proved', 'stop.failed', 'trip.closed', 'customer_order.returned', 'customer.payment_recorded')
            GROUP BY type, apply_status ORDER BY type, apply_status`,
        )
        .all(),
    );
    expect(events).toEqual([
      { type: 'customer.payment_recorded', status: 'applied', n: 1 },
      { type: 'customer_order.placed', status: 'applied', n: 3 },
      { type: 'customer_order.returned', status: 'applied', n: 1 },
      // The tablet that had not heard of the first proof proved the same stop: a conflict.
      { type: 'delivery.proved', status: 'applied', n: 2 },
      { type: 'delivery.proved', status: 'conflict', n: 1 },
      { type: 'stop.failed', status: 'applied', n: 1 },
      { type: 'trip.closed', status: 'applied', n: 1 },
    ]);
    // One proof per stop; the back-dated tablet's proof is dated no earlier than the trip.
    const proofs = parseRows(
      z.object({ orderId: z.string(), deliveredAt: z.number(), plannedAt: z.number() }),
      db
        .prepare(
          `SELECT p.order_id AS orderId, p.delivered_at AS deliveredAt, t.planned_at AS plannedAt
             FROM delivery_proofs p JOIN trips t ON t.id = p.trip_id`,
        )
        .all(),
    );
    expect(new Set(proofs.map((p) => p.orderId)).size).toBe(2);
    for (const p of proofs) expect(p.deliveredAt).toBeGreaterThanOrEqual(p.plannedAt);
    // The same awards everywhere, each once.
    const awards = (core: ModelWorld['sites'][number]['core']) =>
      parseRows(
        awardRow,
        core.db.sqlite
          .prepare(
            'SELECT person_id AS personId, rule_id AS ruleId, period, status FROM badge_awards ORDER BY 1, 2, 3',
          )
          .all(),
      );
    const atHeadOffice = awards(w.server().replica.core);
    expect(atHeadOffice.some((a) => a.status === 'held')).toBe(true);
    for (const s of [w.sites[1]!, w.sites[4]!]) expect(awards(s.core)).toEqual(atHeadOffice);
  }, 300_000);

  it("keeps one record of a stop the clerk says came back while the driver's offline tablet proves it", async () => {
    // The clerk's PC three hours fast, the tablet two days slow: head office's order decides.
    const fresh = await openWorld(template, template.databaseUrl, {
      skews: [0, 3 * 3_600_000, 0, 0, -2 * 86_400_000],
    });
    try {
      const ops: Op[] = [
        { kind: 'fieldOrder', rep: 'shop1', customer: 0, variant: 0, qty: 1 },
        { kind: 'fieldOrder', rep: 'shop1', customer: 1, variant: 1, qty: 1 },
        { kind: 'approveField', pick: 0, restock: true },
        { kind: 'approveField', pick: 0, restock: true },
        { kind: 'planTrip', stops: 2, suggest: false },
        { kind: 'sync', site: 1, fault: 'none' },
        { kind: 'sync', site: 4, fault: 'none' },
        // Offline, the tablet proves the first stop; the clerk, not knowing, records it came back
        // and the second one too. The clerk's PC syncs first.
        prove(4),
        { kind: 'cameBack', pick: 0 },
        { kind: 'cameBack', pick: 0 },
        // The tablet's device token cannot say so for the driver: refused, applied nowhere.
        { kind: 'forge', site: 4, forgery: 'driverCameBack', pick: 1 },
        { kind: 'sync', site: 1, fault: 'none' },
        { kind: 'sync', site: 4, fault: 'none' },
        { kind: 'sync', site: 1, fault: 'none' },
        { kind: 'closeTrip', pick: 0, off: 0 },
      ] as Op[];
      await runAndCheck(fresh, template, ops);
      const db = fresh.server().replica.core.db.sqlite;
      expect(
        parseRows(
          counted,
          db
            .prepare(
              `SELECT type, apply_status AS status, count(*) AS n FROM events
                WHERE type IN ('delivery.proved', 'stop.came_back', 'trip.closed')
                GROUP BY type, apply_status ORDER BY type, apply_status`,
            )
            .all(),
        ),
      ).toEqual([
        { type: 'delivery.proved', status: 'conflict', n: 1 },
        { type: 'stop.came_back', status: 'applied', n: 2 },
        { type: 'trip.closed', status: 'applied', n: 1 },
      ]);
      // Both orders open again, on no trip: at head office, the clerk's PC and the tablet.
      for (const core of [fresh.server().replica.core, fresh.sites[1]!.core, fresh.sites[4]!.core])
        expect(
          core.db.sqlite
            .prepare(`SELECT status, count(*) AS n FROM trip_stops GROUP BY status`)
            .all(),
        ).toEqual([{ status: 'failed', n: 2 }]);
    } finally {
      await fresh.close();
    }
  }, 300_000);
});
