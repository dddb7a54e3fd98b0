// A counter PC that loses power mid-sale: a child process records sales (lines, two payments,
// points earned and redeemed) and is killed with SIGKILL at a random moment. Every sale it
// acknowledged is there, whole; no sale is there in part; every balance equals its ledger.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRows } from '../db/rows';
import { ledgerMismatches, pointsMismatches } from '../db/stateHash';
import { BranchCore } from '../runtime';
import { openDemo } from '../testing/demo';
import { ackedUntilKilled } from '../testing/killed-child';

describe('a counter PC killed mid-sale', () => {
  it('keeps every acknowledged sale whole and no sale in part', async () => {
    const w = await openDemo();
    const variants = [w.variant['TS-WHT-M']!, w.variant['CUP-SML']!];
    for (const variantId of variants)
      await w.as('shop1')('stock.adjust', { variantId, quantity: 5_000, reason: 'count' });
    await w.as('admin')('loyalty.saveProgram', {
      spendPerPoint: 100,
      pendingDays: 0,
      expiryDays: 0,
      pointValue: 1,
    });
    const customer = await w.as('shop1')('customers.create', { name: 'Mulu' });
    await w.as('admin')('loyalty.adjust', { customerId: customer.id, points: 50, reason: 'start' });
    w.core.close();

    const killAfter = 20 + Math.floor(Math.random() * 20);
    const acked = await ackedUntilKilled(
      'record-sales-child.ts',
      [w.dir, w.tokens.shop1, customer.id, ...variants],
      killAfter,
    );

    const core = new BranchCore(w.dir);
    try {
      const sales = parseRows(
        z.object({
          id: z.string(),
          total: z.number(),
          lines: z.number(),
          paid: z.number(),
          earned: z.number(),
          pointsEarned: z.number(),
          events: z.number(),
        }),
        core.db.sqlite
          .prepare(
            `SELECT s.id, s.total, s.points_earned AS pointsEarned,
                    (SELECT count(*) FROM sale_lines l WHERE l.sale_id = s.id) AS lines,
                    (SELECT coalesce(sum(amount), 0) FROM sale_payments p WHERE p.sale_id = s.id) AS paid,
                    (SELECT coalesce(sum(points), 0) FROM loyalty_movements m WHERE m.sale_id = s.id AND m.kind = 'earn') AS earned,
                    (SELECT count(*) FROM events e WHERE e.id = s.event_id) AS events
             FROM sales s`,
          )
          .all(),
      );
      const ids = new Set(sales.map((s) => s.id));
      expect(acked.length).toBeGreaterThanOrEqual(killAfter);
      expect(acked.filter((id) => !ids.has(id))).toEqual([]);
      // Each sale whole: both lines, paid in full, its points and its event.
      expect(
        sales.filter(
          (s) =>
            s.lines !== variants.length ||
            s.paid !== s.total ||
            s.earned !== s.pointsEarned ||
            s.events !== 1,
        ),
      ).toEqual([]);
      expect(sales.every((s) => s.pointsEarned > 0)).toBe(true);
      expect(ledgerMismatches(core.db)).toEqual([]);
      expect(pointsMismatches(core.db)).toEqual([]);
      expect(core.db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      core.close();
    }
  }, 120_000);
});
