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
 * Net sales (sold less returned) per branch and variant over the days: whole months from the
 * monthly table, the days at either end from the daily one.
 */
export function salesByVariant(
  db: Db,
  from: string,
  to: string,
  branch: string | null,
): VariantSales[] {
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
  return parseRows(variantSales, cachedSql(db, sql).all(params));
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
  const out = new Map<
    string,
    { bucket: string; branchId: string; amount: number; tickets: number }
  >();
  for (const r of parseRows(
    trendRow,
    cachedSql(db, sql).all({ from, to, ...(branch && { branch }) }),
  )) {
    const b = bucketOf(bucket, r.day);
    const key = `${b} ${r.branchId}`;
    const sumOf = out.get(key) ?? { bucket: b, branchId: r.branchId, amount: 0, tickets: 0 };
    sumOf.amount += r.amount;
    sumOf.tickets += r.tickets;
    out.set(key, sumOf);
  }
  return [...out.values()];
}

const heatRow = z.object({ day: z.string(), hour: z.number(), amount: z.number() });
/** Net sales by weekday (Monday 0) and hour over the days: per day and hour in SQL, in the
 * table's key order (no sort), then by weekday here. */
export function salesHeat(
  db: Db,
  from: string,
  to: string,
  branch: string | null,
): { weekday: number; hour: number; amount: number }[] {
  const sql = `SELECT day, hour, sum(amount - returned_amount) AS amount
    FROM sales_by_hour WHERE day BETWEEN @from AND @to ${branchIs('branch_id', branch)}
    GROUP BY day, hour`;
  const cells = new Map<number, { weekday: number; hour: number; amount: number }>();
  for (const r of parseRows(
    heatRow,
    cachedSql(db, sql).all({ from, to, ...(branch && { branch }) }),
  )) {
    const weekday = (new Date(`${r.day}T00:00:00Z`).getUTCDay() + 6) % 7;
    const key = weekday * 24 + r.hour;
    const cell = cells.get(key) ?? { weekday, hour: r.hour, amount: 0 };
    cell.amount += r.amount;
    cells.set(key, cell);
  }
  return [...cells.values()];
}

const hourRow = z.object({
  day: z.string(),
  hour: z.number(),
  amount: z.number(),
  tickets: z.number(),
});
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
    FROM orders o INDEXED BY orders_status_placed JOIN order_lines l ON l.order_id = o.id
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
    FROM orders INDEXED BY orders_status_placed
    WHERE status IN ('placed', 'slip_attached', 'payment_verified', 'dispatched') ${where}
    GROUP BY 1`;
  return parseRows(countRow, cachedSql(db, sql).all(branch === null ? {} : { branch }));
}

const stockRow = z.object({
  branchId: z.string(),
  variantId: z.string(),
  category: z.string(),
  onHand: z.number(),
  cost: z.number(),
  min: z.number(),
});
/** Stock on hand per branch and variant, with its cost and the level below which it is low. */
export function stockLevels(db: Db, branch: string | null): z.infer<typeof stockRow>[] {
  const sql = `SELECT b.branch_id AS branchId, b.variant_id AS variantId, p.category,
      b.on_hand AS onHand, v.cost,
      max(v.min_stock, coalesce((SELECT max(r.min) FROM reorder_rules r WHERE r.branch_id = b.branch_id
        AND r.variant_id = b.variant_id AND r.active = 1), 0)) AS min
    FROM stock_balances b JOIN variants v ON v.id = b.variant_id JOIN products p ON p.id = v.product_id
    WHERE 1 = 1 ${branchIs('b.branch_id', branch)}`;
  return parseRows(stockRow, cachedSql(db, sql).all(branch === null ? {} : { branch }));
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
