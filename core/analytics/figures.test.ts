// The dashboards' figures that are worked out in SQL without reading every row (decision 0035)
// give what reading every row gives: stock running low, and stock totals, over random stock,
// minimums, reorder rules and sales, for every branch and for each one.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRows } from '../db/rows';
import { openDemo, type DemoWorld } from '../testing/demo';
import { addDays } from './range';
import {
  COVER_PACE_DAYS,
  LOW_COVER_DAYS,
  lowStock,
  stockTotals,
  type LowStockRow,
} from './figures';

let w: DemoWorld;
beforeAll(async () => {
  w = await openDemo();
});
afterAll(() => w.core.close());

const TO = '2026-06-30';
const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const cell = z.object({
  branchId: z.string(),
  variantId: z.string(),
  onHand: z.number(),
  category: z.string(),
  cost: z.number(),
});

interface Stock {
  onHand: number;
  minStock: number;
  rules: { min: number; active: boolean }[];
  /** Net quantity sold on each of a few days, some inside the pace window, some before it. */
  sales: { daysBack: number; qty: number; returned: number }[];
}
const stockArb = fc.record({
  onHand: fc.integer({ min: -5, max: 60 }),
  minStock: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 })),
  rules: fc.array(fc.record({ min: fc.integer({ min: 0, max: 40 }), active: fc.boolean() }), {
    maxLength: 2,
  }),
  sales: fc.array(
    fc.record({
      daysBack: fc.integer({ min: 0, max: COVER_PACE_DAYS + 5 }),
      qty: fc.integer({ min: 0, max: 120 }),
      returned: fc.integer({ min: 0, max: 10 }),
    }),
    { maxLength: 3 },
  ),
});

/** Writes the stock picture straight into the tables the figures read, replacing what was there. */
function write(cells: { branchId: string; variantId: string; stock: Stock }[]) {
  const db = w.core.db.sqlite;
  db.exec(`DELETE FROM stock_balances; DELETE FROM reorder_rules; DELETE FROM sales_by_day;
    UPDATE variants SET min_stock = 0`);
  const balance = db.prepare(
    `INSERT INTO stock_balances (branch_id, variant_id, on_hand) VALUES (?, ?, ?)`,
  );
  const rule = db.prepare(
    `INSERT INTO reorder_rules (id, branch_id, variant_id, min, active) VALUES (?, ?, ?, ?, ?)`,
  );
  const sold = db.prepare(
    `INSERT INTO sales_by_day (day, branch_id, variant_id, qty, amount, lines, returned_qty)
     VALUES (?, ?, ?, ?, ?, 1, ?)
     ON CONFLICT DO UPDATE SET qty = qty + excluded.qty, returned_qty = returned_qty + excluded.returned_qty`,
  );
  const minStock = db.prepare(`UPDATE variants SET min_stock = max(min_stock, ?) WHERE id = ?`);
  let n = 0;
  for (const { branchId, variantId, stock } of cells) {
    balance.run(branchId, variantId, stock.onHand);
    minStock.run(stock.minStock, variantId);
    for (const r of stock.rules)
      rule.run(`rule-${n++}`, branchId, variantId, r.min, r.active ? 1 : 0);
    for (const s of stock.sales)
      sold.run(addDays(TO, -s.daysBack), branchId, variantId, s.qty, s.qty * 100, s.returned);
  }
}

/** What reading every balance gives: the list as the first dashboards worked it out, in JS. */
function everyRow(branch: string | null, limit: number): LowStockRow[] {
  const db = w.core.db.sqlite;
  const from = addDays(TO, -(COVER_PACE_DAYS - 1));
  const rows = z
    .object({
      branchId: z.string(),
      variantId: z.string(),
      onHand: z.number(),
      minStock: z.number(),
    })
    .array()
    .parse(
      db
        .prepare(
          `SELECT b.branch_id AS branchId, b.variant_id AS variantId, b.on_hand AS onHand,
             v.min_stock AS minStock FROM stock_balances b JOIN variants v ON v.id = b.variant_id`,
        )
        .all(),
    );
  const rules = z
    .object({ branchId: z.string(), variantId: z.string(), min: z.number(), active: z.number() })
    .array()
    .parse(
      db
        .prepare(
          `SELECT branch_id AS branchId, variant_id AS variantId, min, active FROM reorder_rules`,
        )
        .all(),
    );
  const sales = z
    .object({ branchId: z.string(), variantId: z.string(), day: z.string(), net: z.number() })
    .array()
    .parse(
      db
        .prepare(
          `SELECT branch_id AS branchId, variant_id AS variantId, day, qty - returned_qty AS net
           FROM sales_by_day`,
        )
        .all(),
    );
  return rows
    .filter((r) => branch === null || r.branchId === branch)
    .map((r) => {
      const same = (x: { branchId: string; variantId: string }) =>
        x.branchId === r.branchId && x.variantId === r.variantId;
      const ruleMin = Math.max(
        0,
        ...rules.filter((x) => same(x) && x.active === 1).map((x) => x.min),
      );
      const sold = sales
        .filter((s) => same(s) && s.day >= from && s.day <= TO)
        .reduce((a, s) => a + s.net, 0);
      const cover = sold > 0 ? Math.floor((r.onHand * COVER_PACE_DAYS) / sold) : null;
      return { ...r, min: Math.max(r.minStock, ruleMin), cover };
    })
    .filter((r) => r.onHand <= r.min || (r.cover !== null && r.cover < LOW_COVER_DAYS))
    .sort(
      (a, b) =>
        (a.cover ?? Infinity) - (b.cover ?? Infinity) ||
        a.onHand - b.onHand ||
        byCode(a.branchId, b.branchId) ||
        byCode(a.variantId, b.variantId),
    )
    .slice(0, limit)
    .map((r) => ({
      branchId: r.branchId,
      variantId: r.variantId,
      onHand: r.onHand,
      min: r.min,
      cover: r.cover,
    }));
}

describe('the dashboards’ stock figures', () => {
  it('list stock running low as reading every balance does, for all branches and for each', () => {
    const branches = Object.values(w.branch);
    const variants = Object.values(w.variant);
    const cells = branches.flatMap((branchId) =>
      variants.map((variantId) => ({ branchId, variantId })),
    );
    fc.assert(
      fc.property(
        fc.array(fc.option(stockArb, { freq: 3 }), {
          minLength: cells.length,
          maxLength: cells.length,
        }),
        fc.integer({ min: 1, max: 12 }),
        (stocks, limit) => {
          write(cells.flatMap((c, i) => (stocks[i] ? [{ ...c, stock: stocks[i]! }] : [])));
          // The dashboard's short list, and every low row (where each boundary shows).
          for (const branch of [null, ...branches])
            for (const n of [limit, 10_000])
              expect(lowStock(w.core.db, TO, branch, n)).toEqual(everyRow(branch, n));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('total stock per branch and category as the balances add up', () => {
    const branches = Object.values(w.branch);
    const variants = Object.values(w.variant);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -10, max: 100 }), {
          minLength: branches.length * variants.length,
          maxLength: branches.length * variants.length,
        }),
        (onHands) => {
          const db = w.core.db.sqlite;
          db.exec('DELETE FROM stock_balances');
          const put = db.prepare(
            'INSERT INTO stock_balances (branch_id, variant_id, on_hand) VALUES (?, ?, ?)',
          );
          branches.forEach((b, i) =>
            variants.forEach((v, j) => put.run(b, v, onHands[i * variants.length + j]!)),
          );
          const rows = parseRows(
            cell,
            db
              .prepare(
                `SELECT b.branch_id AS branchId, b.variant_id AS variantId, b.on_hand AS onHand,
                   p.category, v.cost FROM stock_balances b JOIN variants v ON v.id = b.variant_id
                   JOIN products p ON p.id = v.product_id`,
              )
              .all(),
          );
          for (const branch of [null, branches[0]!])
            for (const byCategory of [true, false]) {
              const mine = rows.filter((r) => branch === null || r.branchId === branch);
              const keys = [
                ...new Set(mine.map((r) => `${r.branchId}|${byCategory ? r.category : ''}`)),
              ].sort();
              const expected = keys.map((k) => {
                const [branchId, category] = k.split('|') as [string, string];
                const of = mine.filter(
                  (r) => r.branchId === branchId && (!byCategory || r.category === category),
                );
                const present = (r: (typeof of)[number]) => Math.max(0, r.onHand);
                return {
                  branchId,
                  category,
                  onHand: of.reduce((a, r) => a + r.onHand, 0),
                  present: of.reduce((a, r) => a + present(r), 0),
                  value: of.reduce((a, r) => a + present(r) * r.cost, 0),
                };
              });
              const got = stockTotals(w.core.db, branch, byCategory).sort((a, b) =>
                `${a.branchId}|${a.category}`.localeCompare(`${b.branchId}|${b.category}`),
              );
              expect(got).toEqual(expected);
            }
        },
      ),
      { numRuns: 30 },
    );
  });
});
