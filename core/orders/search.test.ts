// The order list's product search on a history long enough that both of its ways run: a product
// on few lines gathers those lines' orders through the variant index; one on many walks the
// newest orders. Either way the page holds exactly the newest orders with a matching line, as a
// plain scan of every line finds them.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seedHistory } from '../bench/history';
import { parseRow, parseRows } from '../db/rows';
import { openDemo, type DemoWorld } from '../testing/demo';

const rowId = z.object({ id: z.string() });
const countRow = z.object({ n: z.number() });

describe('the order list searched by product, on a long history', () => {
  let w: DemoWorld;
  beforeAll(async () => {
    w = await openDemo();
    // 2,200 orders of 5 lines: more orders and lines than the search gathers and sorts.
    seedHistory(
      w.core.db,
      { orders: 2_200, hotVariantId: w.variant['TS-WHT-M']!, now: Date.now() },
      () => undefined,
    );
  }, 120_000);
  afterAll(() => w.core.close());

  /** Every order with a line whose variant matches, newest first: a scan of every line. */
  const scanned = (text: string, limit: number, offset: number): string[] => {
    const like = `%${text}%`;
    return parseRows(
      rowId,
      w.core.db.sqlite
        .prepare(
          `SELECT o.id FROM orders o WHERE EXISTS (
             SELECT 1 FROM order_lines l JOIN variants v ON v.id = l.variant_id
             JOIN products p ON p.id = v.product_id
             WHERE l.order_id = o.id AND (v.sku LIKE ? OR v.barcode LIKE ? OR p.name LIKE ?
               OR EXISTS (SELECT 1 FROM json_each(v.attributes) a WHERE a.value LIKE ?)))
           ORDER BY o.placed_at DESC, o.id DESC LIMIT ? OFFSET ?`,
        )
        .all(like, like, like, like, limit, offset),
    ).map((r) => r.id);
  };

  it('finds exactly the newest orders with a matching line, on few lines and on many', async () => {
    const lines = (text: string) =>
      parseRow(
        countRow,
        w.core.db.sqlite
          .prepare(
            `SELECT count(*) AS n FROM order_lines l JOIN variants v ON v.id = l.variant_id
             JOIN products p ON p.id = v.product_id WHERE v.sku LIKE ? OR p.name LIKE ?`,
          )
          .get(`%${text}%`, `%${text}%`),
      )?.n ?? 0;
    // Both ways are tried: 'TS-' is on many lines and not on every one; 'CUP-SML' and 'TR' on few.
    expect(lines('TS-')).toBeGreaterThan(2_000);
    expect(lines('TS-')).toBeLessThan(lines('-'));
    expect(lines('CUP-SML')).toBeLessThan(2_000);
    expect(lines('TR')).toBeLessThan(2_000);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'TS-WHT-M',
          'CUP-SML',
          'cup',
          'T-shirt',
          '-',
          'White',
          '4006381333931',
          'nothing',
        ),
        fc.constantFrom(10, 50, 200),
        fc.constantFrom(0, 7, 120),
        async (product, limit, offset) => {
          const got = await w.as('admin')('orders.list', { product, limit, offset });
          expect(got.map((o) => o.id)).toEqual(scanned(product, limit, offset));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('finds exactly the newest orders totalling within a range, narrow or wide', async () => {
    const totals = parseRows(
      z.object({ total: z.number() }),
      w.core.db.sqlite.prepare('SELECT total FROM orders ORDER BY total').all(),
    ).map((r) => r.total);
    const at = (share: number) => totals[Math.floor(share * (totals.length - 1))]!;
    // More orders than the search gathers and sorts: a wide range is walked.
    expect(totals.length).toBeGreaterThan(2_000);
    await fc.assert(
      fc.asyncProperty(
        // Ends picked from the orders' own totals, so a range holds one order, some, or all.
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        fc.constantFrom(10, 50),
        async (low, high, limit) => {
          const minTotal = low === undefined ? undefined : at(low);
          const maxTotal = high === undefined ? undefined : at(high);
          if (minTotal !== undefined && maxTotal !== undefined && minTotal > maxTotal) return;
          const got = await w.as('admin')('orders.list', { minTotal, maxTotal, limit });
          const want = parseRows(
            rowId,
            w.core.db.sqlite
              .prepare(
                `SELECT id FROM orders WHERE total >= ? AND total <= ?
                 ORDER BY placed_at DESC, id DESC LIMIT ?`,
              )
              .all(minTotal ?? 0, maxTotal ?? Number.MAX_SAFE_INTEGER, limit),
          ).map((r) => r.id);
          expect(got.map((o) => o.id)).toEqual(want);
        },
      ),
      // A narrow range (few orders: gathered) and a wide one (many: walked) always run.
      {
        numRuns: 40,
        examples: [
          [0.5, 0.5, 50],
          [0, 1, 50],
        ],
      },
    );
  });
});
