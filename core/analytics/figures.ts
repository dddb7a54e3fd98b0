// The dashboards' figures, read from the aggregates the triggers keep (decision 0035) and, for
// what is open now (orders waiting, stock), from the few live rows there are. Every query takes
// the company days of a range and, optionally, one branch.
import { z } from 'zod';
import type { Db } from '../db/open';
import { cachedSql } from '../db/prepared';
import { parseRows } from '../db/rows';
import { addDays, bucketOf, bucketSql, monthsAndDays } from './range';
import type { Bucket } from './shape';

/** `AND <column> = @branch` when one branch is asked for. */
const branchIs = (column: string, branch: string | null) =>
  branch === null ? '' : `AND ${column} = @branch`;

const variantSales = z.object({
  branchId: z.string(),
  variantId: z.string(),
  qty: z.number(),
  amount: z.number(),
});
export type VariantSales = z.infer<typeof variantSales>;

/**
 * Net sales (sold less returned) per branch and variant over the days, as SQL: whole months from
 * the monthly table, the days at either end from the daily one.
 */
function salesByVariantSql(
  from: string,
  to: string,
  branch: string | null,
): { sql: string; params: Record<string, string> } {
  const { months, days } = monthsAndDays(from, to);
  const parts: string[] = [];
  const params: Record<string, string> = {};
  if (branch !== null) params['branch'] = branch;
  const net = 'qty - returned_qty AS qty, amount - returned_amount AS amount';
  if (months) {
    parts.push(
      // Summed per branch and variant off the covering index, in its order: no sort.
      `SELECT branch_id, variant_id, sum(qty) AS qty, sum(amount) AS amount FROM (
         SELECT branch_id, variant_id, ${net} FROM sales_by_month INDEXED BY sales_by_month_branch
         WHERE month BETWEEN @mfrom AND @mto ${branchIs('branch_id', branch)})
       GROUP BY branch_id, variant_id`,
    );
    params['mfrom'] = months.from;
    params['mto'] = months.to;
  }
  days.forEach((d, i) => {
    parts.push(
      `SELECT branch_id, variant_id, ${net} FROM sales_by_day
       WHERE day BETWEEN @dfrom${i} AND @dto${i} ${branchIs('branch_id', branch)}`,
    );
    params[`dfrom${i}`] = d.from;
    params[`dto${i}`] = d.to;
  });
  const sql = `SELECT branch_id AS branchId, variant_id AS variantId, sum(qty) AS qty,
      sum(amount) AS amount FROM (${parts.join(' UNION ALL ')}) GROUP BY 1, 2`;
  return { sql, params };
}

/** Net sales (sold less returned) per branch and variant over the days. */
export function salesByVariant(
  db: Db,
  from: string,
  to: string,
  branch: string | null,
): VariantSales[] {
  const { sql, params } = salesByVariantSql(from, to, branch);
  return parseRows(variantSales, cachedSql(db, sql).all(params));
}

/** The days of sales a low-stock cover is counted at, and the cover under which stock is low. */
export const COVER_PACE_DAYS = 28;
export const LOW_COVER_DAYS = 7;
const lowRow = z.object({
  branchId: z.string(),
  variantId: z.string(),
  onHand: z.number(),
  min: z.number(),
  cover: z.number().nullable(),
});
export type LowStockRow = z.infer<typeof lowRow>;
/**
 * Stock running low at a branch (or all): at or under its minimum (the variant's, or an active
 * reorder rule's if higher), or under LOW_COVER_DAYS of cover at the pace of the net sales of the
 * COVER_PACE_DAYS ending `to`. Fewest days of cover first, then least on hand; stock with no
 * pace (nothing sold) after all that has one.
 *
 * In SQL, in two parts so that the whole stock is never read: what sold (a few rows a day) is
 * looked up one by one; what did not is walked least stocked first (stock_balances_on_hand) and
 * the walk stops at the limit. The two parts' rows are then put in the list's order.
 */
export function lowStock(db: Db, to: string, branch: string | null, limit: number): LowStockRow[] {
  const sold = salesByVariantSql(addDays(to, -(COVER_PACE_DAYS - 1)), to, branch);
  const n = Math.floor(limit);
  const min = `max(v.min_stock, coalesce((SELECT max(r.min) FROM reorder_rules r
    WHERE r.branch_id = b.branch_id AND r.variant_id = b.variant_id AND r.active = 1), 0))`;
  const sql = `WITH sold AS MATERIALIZED (${sold.sql})
    SELECT * FROM (SELECT * FROM (SELECT * FROM (
      SELECT b.branch_id AS branchId, b.variant_id AS variantId, b.on_hand AS onHand, ${min} AS min,
        CAST(floor(b.on_hand * ${COVER_PACE_DAYS}.0 / s.qty) AS INTEGER) AS cover
      FROM sold s JOIN stock_balances b ON b.branch_id = s.branchId AND b.variant_id = s.variantId
      JOIN variants v ON v.id = b.variant_id WHERE s.qty > 0)
      WHERE cover < ${LOW_COVER_DAYS} OR onHand <= min
      ORDER BY cover, onHand, branchId, variantId LIMIT ${n})
    UNION ALL SELECT * FROM (SELECT * FROM (
      SELECT b.branch_id AS branchId, b.variant_id AS variantId, b.on_hand AS onHand, ${min} AS min,
        NULL AS cover
      FROM stock_balances b INDEXED BY stock_balances_on_hand JOIN variants v ON v.id = b.variant_id
      WHERE NOT EXISTS (SELECT 1 FROM sold s
        WHERE s.branchId = b.branch_id AND s.variantId = b.variant_id AND s.qty > 0)
        ${branchIs('b.branch_id', branch)})
      WHERE onHand <= min ORDER BY onHand, branchId, variantId LIMIT ${n}))
    ORDER BY cover IS NULL, cover, onHand, branchId, variantId LIMIT ${n}`;
  return parseRows(lowRow, cachedSql(db, sql).all(sold.params));
}

const costRow = z.object({ id: z.string(), cost: z.number(), name: z.string(), sku: z.string() });
export interface VariantInfo {
  cost: number;
  name: string;
  sku: string;
}
/** Every variant's standard cost and its name (product and attributes' SKU). */
export function variantsInfo(db: Db): Map<string, VariantInfo> {
  const rows = parseRows(
    costRow,
    cachedSql(
      db,
      `SELECT v.id, v.cost, p.name, v.sku FROM variants v JOIN products p ON p.id = v.product_id`,
    ).all(),
  );
  return new Map(rows.map((r) => [r.id, { cost: r.cost, name: r.name, sku: r.sku }]));
}

const trendRow = z.object({
  day: z.string(),
  branchId: z.string(),
  amount: z.number(),
  tickets: z.number(),
});
/**
 * Net sales and tickets per bucket (and branch) from the hourly table: summed per branch and day
 * off its covering index, in its order (no sort), then into weeks or months here.
 */
export function salesTrend(
  db: Db,
  from: string,
  to: string,
  bucket: Bucket,
  branch: string | null,
): { bucket: string; branchId: string; amount: number; tickets: number }[] {
  const sql = `SELECT branch_id AS branchId, day, sum(amount - returned_amount) AS amount,
      sum(tickets) AS tickets
    FROM sales_by_hour INDEXED BY sales_by_hour_branch
    WHERE day BETWEEN @from AND @to ${branchIs('branch_id', branch)}
    GROUP BY branch_id, day`;
  return trendOf(
    parseRows(trendRow, cachedSql(db, sql).all({ from, to, ...(branch && { branch }) })),
    bucket,
  );
}

const hourRow = z.object({
  day: z.string(),
  hour: z.number(),
  amount: z.number(),
  tickets: z.number(),
});
/**
 * Net sales and tickets per day and hour over the days (every branch's together, or one's), in
 * the table's key order (no sort): what the heat map and, when no branch is drawn apart, the
 * trend are both made of.
 */
export function salesByDayHour(
  db: Db,
  from: string,
  to: string,
  branch: string | null,
): z.infer<typeof hourRow>[] {
  const sql = `SELECT day, hour, sum(amount - returned_amount) AS amount, sum(tickets) AS tickets
    FROM sales_by_hour WHERE day BETWEEN @from AND @to ${branchIs('branch_id', branch)}
    GROUP BY day, hour`;
  return parseRows(hourRow, cachedSql(db, sql).all({ from, to, ...(branch && { branch }) }));
}

/** A function of a day, worked out once per day however many rows fall on it. */
function perDay<T>(f: (day: string) => T): (day: string) => T {
  const seen = new Map<string, T>();
  return (day) => {
    let v = seen.get(day);
    if (v === undefined) {
      v = f(day);
      seen.set(day, v);
    }
    return v;
  };
}

/** Rows per day and hour summed by weekday (Monday 0) and hour. */
export function heatOf(
  rows: readonly { day: string; hour: number; amount: number }[],
): { weekday: number; hour: number; amount: number }[] {
  const weekdayOf = perDay((day) => (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7);
  const cells = new Map<number, { weekday: number; hour: number; amount: number }>();
  for (const r of rows) {
    const weekday = weekdayOf(r.day);
    const key = weekday * 24 + r.hour;
    const cell = cells.get(key) ?? { weekday, hour: r.hour, amount: 0 };
    cell.amount += r.amount;
    cells.set(key, cell);
  }
  return [...cells.values()];
}

/** Rows per day (and branch) summed per bucket (and branch). */
export function trendOf(
  rows: readonly { day: string; branchId?: string; amount: number; tickets: number }[],
  bucket: Bucket,
): { bucket: string; branchId: string; amount: number; tickets: number }[] {
  const bucketOfDay = perDay((day) => bucketOf(bucket, day));
  const out = new Map<
    string,
    { bucket: string; branchId: string; amount: number; tickets: number }
  >();
  for (const r of rows) {
    const b = bucketOfDay(r.day);
    const branchId = r.branchId ?? '';
    const key = `${b} ${branchId}`;
    const sumOf = out.get(key) ?? { bucket: b, branchId, amount: 0, tickets: 0 };
    sumOf.amount += r.amount;
    sumOf.tickets += r.tickets;
    out.set(key, sumOf);
  }
  return [...out.values()];
}

/** Net sales by hour of a day and of the same weekday in the weeks before it. */
export function sameWeekdays(
  db: Db,
  day: string,
  weeks: number,
  branch: string | null,
): z.infer<typeof hourRow>[] {
  const days = Array.from({ length: weeks + 1 }, (_, i) => addDays(day, -7 * i));
  const sql = `SELECT day, hour, sum(amount - returned_amount) AS amount, sum(tickets) AS tickets
    FROM sales_by_hour WHERE day IN (${days.map((_, i) => `@d${i}`).join(', ')})
    ${branchIs('branch_id', branch)} GROUP BY 1, 2`;
  const params = Object.fromEntries(days.map((d, i) => [`d${i}`, d]));
  return parseRows(hourRow, cachedSql(db, sql).all({ ...params, ...(branch && { branch }) }));
}

const stageRow = z.object({
  shopId: z.string(),
  factoryId: z.string(),
  status: z.string(),
  orders: z.number(),
  amount: z.number(),
  paid: z.number(),
  paidMs: z.number(),
  dispatched: z.number(),
  dispatchedMs: z.number(),
  delivered: z.number(),
  deliveredMs: z.number(),
});
export type StageRow = z.infer<typeof stageRow>;
/** Orders placed in the days per shop, factory and current status, with their steps' times. */
export function ordersByStage(db: Db, from: string, to: string, branch: string | null): StageRow[] {
  const where = branch === null ? '' : 'AND (shop_id = @branch OR factory_id = @branch)';
  const sql = `SELECT shop_id AS shopId, factory_id AS factoryId, status, sum(orders) AS orders,
      sum(amount) AS amount, sum(paid) AS paid, sum(paid_ms) AS paidMs,
      sum(dispatched) AS dispatched, sum(dispatched_ms) AS dispatchedMs,
      sum(delivered) AS delivered, sum(delivered_ms) AS deliveredMs
    FROM orders_by_day WHERE day BETWEEN @from AND @to ${where} GROUP BY 1, 2, 3`;
  return parseRows(stageRow, cachedSql(db, sql).all({ from, to, ...(branch && { branch }) }));
}

const placedRow = z.object({ bucket: z.string(), orders: z.number(), amount: z.number() });
/** Orders placed per bucket (to or from a branch). */
export function ordersTrend(
  db: Db,
  from: string,
  to: string,
  bucket: Bucket,
  branch: string | null,
): z.infer<typeof placedRow>[] {
  const where = branch === null ? '' : 'AND (shop_id = @branch OR factory_id = @branch)';
  const sql = `SELECT ${bucketSql(bucket, 'day')} AS bucket, sum(orders) AS orders,
      sum(amount) AS amount
    FROM orders_by_day WHERE day BETWEEN @from AND @to ${where} GROUP BY 1`;
  return parseRows(placedRow, cachedSql(db, sql).all({ from, to, ...(branch && { branch }) }));
}

const producedRow = z.object({ bucket: z.string(), variantId: z.string(), qty: z.number() });
/** Production per bucket and variant at a branch (or all). */
export function production(
  db: Db,
  from: string,
  to: string,
  bucket: Bucket,
  branch: string | null,
): z.infer<typeof producedRow>[] {
  const sql = `SELECT ${bucketSql(bucket, 'day')} AS bucket, variant_id AS variantId, sum(qty) AS qty
    FROM production_by_day WHERE day BETWEEN @from AND @to ${branchIs('branch_id', branch)}
    GROUP BY 1, 2`;
  return parseRows(producedRow, cachedSql(db, sql).all({ from, to, ...(branch && { branch }) }));
}

const receivedRow = z.object({
  bucket: z.string(),
  source: z.string(),
  amount: z.number(),
  payments: z.number(),
});
/** Money received per bucket and source. */
export function received(
  db: Db,
  from: string,
  to: string,
  bucket: Bucket,
  branch: string | null,
): z.infer<typeof receivedRow>[] {
  const sql = `SELECT ${bucketSql(bucket, 'day')} AS bucket, source, sum(amount) AS amount,
      sum(payments) AS payments
    FROM received_by_day WHERE day BETWEEN @from AND @to ${branchIs('branch_id', branch)}
    GROUP BY 1, 2`;
  return parseRows(receivedRow, cachedSql(db, sql).all({ from, to, ...(branch && { branch }) }));
}

const openLine = z.object({ variantId: z.string(), qty: z.number() });
/** What open orders to a factory (or all) still owe, per variant: paid or not, not yet sent. */
export function openOrderQty(db: Db, factory: string | null): z.infer<typeof openLine>[] {
  const where = factory === null ? '' : 'AND o.factory_id = @branch';
  const sql = `SELECT l.variant_id AS variantId,
      sum(l.quantity - l.dispatched_qty - l.cancelled_qty) AS qty
    FROM orders o INDEXED BY orders_open JOIN order_lines l INDEXED BY order_lines_open
      ON l.order_id = o.id
    WHERE o.status IN ('placed', 'slip_attached', 'payment_verified') ${where}
    GROUP BY 1 HAVING qty > 0`;
  return parseRows(openLine, cachedSql(db, sql).all(factory === null ? {} : { branch: factory }));
}

const waitingRow = z.object({
  id: z.string(),
  number: z.string(),
  shop: z.string(),
  status: z.string(),
  total: z.number(),
  paid: z.number(),
  placedAt: z.number(),
  since: z.number(),
});
/** Open orders in some statuses, oldest first, with when they reached it. */
export function ordersIn(
  db: Db,
  statuses: readonly string[],
  branch: string | null,
  limit: number,
): z.infer<typeof waitingRow>[] {
  const where = branch === null ? '' : 'AND (o.shop_id = @branch OR o.factory_id = @branch)';
  const sql = `SELECT o.id, o.number, b.code AS shop, o.status, o.total, o.paid,
      o.placed_at AS placedAt, o.updated_at AS since
    FROM orders o INDEXED BY orders_status_placed JOIN branches b ON b.id = o.shop_id
    WHERE o.status IN (${statuses.map((_, i) => `@s${i}`).join(', ')}) ${where}
    ORDER BY o.updated_at LIMIT ${Math.floor(limit)}`;
  const params = Object.fromEntries(statuses.map((s, i) => [`s${i}`, s]));
  return parseRows(waitingRow, cachedSql(db, sql).all({ ...params, ...(branch && { branch }) }));
}

const countRow = z.object({
  status: z.string(),
  orders: z.number(),
  amount: z.number(),
  oldest: z.number().nullable(),
});
/** Open orders now per status (of a branch or all), with the oldest's time in it. */
export function openByStatus(db: Db, branch: string | null): z.infer<typeof countRow>[] {
  const where = branch === null ? '' : 'AND (shop_id = @branch OR factory_id = @branch)';
  const sql = `SELECT status, count(*) AS orders, sum(total - paid) AS amount, min(updated_at) AS oldest
    FROM orders INDEXED BY orders_open
    WHERE status IN ('placed', 'slip_attached', 'payment_verified', 'dispatched') ${where}
    GROUP BY 1`;
  return parseRows(countRow, cachedSql(db, sql).all(branch === null ? {} : { branch }));
}

const stockTotal = z.object({
  branchId: z.string(),
  category: z.string(),
  onHand: z.number(),
  /** On hand counting only what is there: a negative balance counts as none. */
  present: z.number(),
  /** What is present at its standard cost. */
  value: z.number(),
});
/**
 * Stock on hand per branch and category (or per branch alone: category ''), and its value at
 * standard cost.
 */
export function stockTotals(
  db: Db,
  branch: string | null,
  byCategory: boolean,
): z.infer<typeof stockTotal>[] {
  const sql = `SELECT b.branch_id AS branchId, ${byCategory ? 'p.category' : "''"} AS category,
      sum(b.on_hand) AS onHand, sum(max(0, b.on_hand)) AS present,
      sum(max(0, b.on_hand) * v.cost) AS value
    FROM stock_balances b JOIN variants v ON v.id = b.variant_id
    ${byCategory ? 'JOIN products p ON p.id = v.product_id' : ''}
    WHERE 1 = 1 ${branchIs('b.branch_id', branch)} GROUP BY 1, 2`;
  return parseRows(stockTotal, cachedSql(db, sql).all(branch === null ? {} : { branch }));
}

const creditRow = z.object({
  bucket: z.string(),
  kind: z.string(),
  n: z.number(),
  amount: z.number(),
});
/** A person's verified work per bucket and kind (what still counts: credits less returns). */
export function workTrend(
  db: Db,
  person: string,
  from: string,
  to: string,
  bucket: Bucket,
): z.infer<typeof creditRow>[] {
  const sql = `SELECT ${bucketSql(bucket, 'day')} AS bucket, kind,
      sum(CASE WHEN voids THEN -value ELSE value END) AS n,
      sum(CASE WHEN voids THEN -amount ELSE amount END) AS amount
    FROM work_credits INDEXED BY work_credits_person
    WHERE person_id = @person AND day BETWEEN @from AND @to GROUP BY 1, 2`;
  return parseRows(creditRow, cachedSql(db, sql).all({ person, from, to }));
}
