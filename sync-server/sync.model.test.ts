// Model-based proof of the sync guarantees: random offline work at three branches and head
// office, with lost, repeated and replayed requests and server restarts. Once everything is
// delivered, every replica equals a fresh fold of the server's log for its branch, every
// acknowledged event is there exactly once, and every balance equals its ledger.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../core/db/open';
import { runAndCheck } from './testing/model-check';
import { op, skews } from './testing/model-ops';
import { buildTemplate, openWorld, type Template } from './testing/model-world';

// A failure prints its seed and path: SYNC_MODEL_SEED, SYNC_MODEL_PATH and SYNC_MODEL_RUNS=1 run
// that case again.
const replay = process.env['SYNC_MODEL_SEED']
  ? { seed: Number(process.env['SYNC_MODEL_SEED']), path: process.env['SYNC_MODEL_PATH'] }
  : {};
const RUNS = Number(process.env['SYNC_MODEL_RUNS'] ?? 200);
// A run takes one to two seconds: one that hangs fails this test, not the whole CI run; a soak
// of thousands of runs gets the time it needs.
const timeout = Math.max(600_000, RUNS * 5_000);

/** Sales whose payments do not add up to their total: every sale here is paid. */
const unpaidSales = (db: Db) =>
  db.sqlite
    .prepare(
      `SELECT s.number, s.total, coalesce(sum(p.amount), 0) AS paid FROM sales s
       LEFT JOIN sale_payments p ON p.sale_id = s.id GROUP BY s.id HAVING paid IS NOT s.total`,
    )
    .all();

let template: Template;
beforeAll(async () => {
  template = await buildTemplate();
}, 120_000);

describe('sync model', { timeout }, () => {
  it(`converges after random offline work, faults and restarts (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), skews, async (ops, skew) => {
        const w = await openWorld(template, template.databaseUrl, { skews: skew });
        try {
          await runAndCheck(w, template, ops);
          for (const core of [
            ...w.servers().map((s) => s.replica.core),
            ...w.sites.map((s) => s.core),
          ])
            expect(unpaidSales(core.db)).toEqual([]);
        } finally {
          await w.close();
        }
      }),
      { numRuns: RUNS, endOnFailure: true, ...replay },
    );
  });
});

afterAll(() => undefined);
