// The dashboards' aggregates (decision 0035). Triggers keep them from the rows the projections
// write (resources/migrations/*_analytics_triggers.sql); this file says what each one is, as a
// recount from those rows: the definition the tests hold the triggers to, and what fills them
// for a database written before they existed.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { settleAwards } from '../badges/awards';
import { companyDayAndHour } from '../locale/day';

export interface AggregateDef {
  table: string;
  /** The key columns, then the summed ones, as stored. */
  keys: readonly string[];
  sums: readonly string[];
  /** A SELECT of keys and sums, from the source rows alone. */
  recount: string;
}

const salesSums = ['qty', 'amount', 'lines', 'returned_qty', 'returned_amount', 'returned_lines'];
const salesRecount = (period: string) => `
  SELECT ${period}, branch_id, variant_id, sum(qty) AS qty, sum(amount) AS amount,
    sum(lines) AS lines, sum(rq) AS returned_qty, sum(ra) AS returned_amount, sum(rl) AS returned_lines
  FROM (
    SELECT s.day, s.branch_id, l.variant_id, l.quantity AS qty, l.line_total AS amount,
      1 AS lines, 0 AS rq, 0 AS ra, 0 AS rl
    FROM sale_lines l JOIN sales s ON s.id = l.sale_id
    UNION ALL
    SELECT r.day, r.branch_id, rl.variant_id, 0, 0, 0, rl.quantity, rl.amount, 1
    FROM sale_return_lines rl JOIN sale_returns r ON r.id = rl.return_id)
  GROUP BY 1, 2, 3`;

const orderSteps = (o: string) => `
  ${o}.paid_at IS NOT NULL AS paid,
  CASE WHEN ${o}.paid_at IS NOT NULL THEN max(0, ${o}.paid_at - ${o}.placed_at) ELSE 0 END AS paid_ms,
  ${o}.paid_at IS NOT NULL AND ${o}.dispatched_at IS NOT NULL AS dispatched,
  CASE WHEN ${o}.paid_at IS NOT NULL AND ${o}.dispatched_at IS NOT NULL
    THEN max(0, ${o}.dispatched_at - ${o}.paid_at) ELSE 0 END AS dispatched_ms,
  ${o}.dispatched_at IS NOT NULL AND ${o}.delivered_at IS NOT NULL AS delivered,
  CASE WHEN ${o}.dispatched_at IS NOT NULL AND ${o}.delivered_at IS NOT NULL
    THEN max(0, ${o}.delivered_at - ${o}.dispatched_at) ELSE 0 END AS delivered_ms`;

export const aggregateDefs: readonly AggregateDef[] = [
  {
    table: 'sales_by_day',
    keys: ['day', 'branch_id', 'variant_id'],
    sums: salesSums,
    recount: salesRecount('day'),
  },
  {
    table: 'sales_by_month',
    keys: ['month', 'branch_id', 'variant_id'],
    sums: salesSums,
    recount: salesRecount('substr(day, 1, 7) AS month'),
  },
  {
    table: 'sales_by_hour',
    keys: ['day', 'hour', 'branch_id'],
    sums: ['tickets', 'amount', 'returns', 'returned_amount'],
    recount: `
      SELECT day, hour, branch_id, sum(t) AS tickets, sum(a) AS amount, sum(r) AS returns,
        sum(ra) AS returned_amount
      FROM (SELECT day, hour, branch_id, 1 AS t, total AS a, 0 AS r, 0 AS ra FROM sales
            UNION ALL
            SELECT day, hour, branch_id, 0, 0, 1, amount FROM sale_returns)
      GROUP BY 1, 2, 3`,
  },
  {
    table: 'received_by_day',
    keys: ['day', 'branch_id', 'source'],
    sums: ['amount', 'payments'],
    recount: `
      SELECT day, branch_id, source, sum(amount) AS amount, count(*) AS payments FROM (
        SELECT s.day, s.branch_id, 'sale:' || p.method AS source, p.amount
        FROM sale_payments p JOIN sales s ON s.id = p.sale_id
        UNION ALL
        SELECT r.day, r.branch_id, 'refund:' || f.method, -f.amount
        FROM sale_refunds f JOIN sale_returns r ON r.id = f.return_id
        UNION ALL
        SELECT CASE WHEN p.received_on <> '' THEN p.received_on ELSE o.day END, o.shop_id,
          'order', p.amount
        FROM order_payments p JOIN orders o ON o.id = p.order_id
        UNION ALL
        SELECT day, branch_id, 'account:' || coalesce(method, 'other'), -amount
        FROM customer_account WHERE kind IN ('collection', 'payment'))
      GROUP BY 1, 2, 3`,
  },
  {
    table: 'orders_by_day',
    keys: ['day', 'shop_id', 'factory_id', 'status'],
    sums: [
      'orders',
      'amount',
      'lines',
      'paid',
      'paid_ms',
      'dispatched',
      'dispatched_ms',
      'delivered',
      'delivered_ms',
    ],
    recount: `
      SELECT day, shop_id, factory_id, status, count(*) AS orders, sum(total) AS amount,
        sum(line_count) AS lines, sum(paid) AS paid, sum(paid_ms) AS paid_ms,
        sum(dispatched) AS dispatched, sum(dispatched_ms) AS dispatched_ms,
        sum(delivered) AS delivered, sum(delivered_ms) AS delivered_ms
      FROM (SELECT o.day, o.shop_id, o.factory_id, o.status, o.total, o.line_count,
              ${orderSteps('o')} FROM orders o)
      GROUP BY 1, 2, 3, 4`,
  },
  {
    table: 'production_by_day',
    keys: ['day', 'branch_id', 'variant_id'],
    sums: ['qty', 'batches'],
    recount: `
      SELECT produced_on AS day, branch_id, variant_id, sum(quantity) AS qty, count(*) AS batches
      FROM production_batches GROUP BY 1, 2, 3`,
  },
];

const anyRow = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));

/** An aggregate as stored, and as a recount from its sources gives it, in key order. */
export function storedAndRecounted(
  db: Db,
  def: AggregateDef,
): { stored: Record<string, unknown>[]; recounted: Record<string, unknown>[] } {
  const cols = [...def.keys, ...def.sums].join(', ');
  const order = def.keys.map((_, i) => i + 1).join(', ');
  return {
    stored: parseRows(
      anyRow,
      db.sqlite.prepare(`SELECT ${cols} FROM ${def.table} ORDER BY ${order}`).all(),
    ),
    recounted: parseRows(
      anyRow,
      db.sqlite.prepare(`SELECT ${cols} FROM (${def.recount}) ORDER BY ${order}`).all(),
    ),
  };
}

const paidRow = z.object({ id: z.string(), at: z.number().nullable() });

/** Every aggregate emptied and summed again from its sources. */
function recountAll(db: Db): void {
  for (const def of aggregateDefs) {
    const cols = [...def.keys, ...def.sums].join(', ');
    db.sqlite.prepare(`DELETE FROM ${def.table}`).run();
    db.sqlite
      .prepare(`INSERT INTO ${def.table} (${cols}) SELECT ${cols} FROM (${def.recount})`)
      .run();
  }
}

/** The company day (and hour) of every row of a table from its moment column. */
function redayTable(
  db: Db,
  table: 'sales' | 'sale_returns' | 'orders' | 'customer_account' | 'work_credits',
  at: string,
  key: string,
  only: string,
): void {
  const s = db.sqlite;
  const hasHour = table === 'sales' || table === 'sale_returns';
  const set = s.prepare(
    `UPDATE ${table} SET day = @day${hasHour ? ', hour = @hour' : ''} WHERE ${key} = @key`,
  );
  const rows = parseRows(
    z.object({ key: z.union([z.string(), z.number()]), at: z.number() }),
    s.prepare(`SELECT ${key} AS key, ${at} AS at FROM ${table} ${only}`).all(),
  );
  for (const row of rows) {
    const { day, hour } = companyDayAndHour(db, row.at);
    set.run({ key: row.key, day, ...(hasHour && { hour }) });
  }
}

/**
 * After the company's time zone changed: every sale, return, order and piece of verified work
 * belongs to its day in the new zone, and the aggregates and badges follow. Every replica does
 * this when it folds the change, so all end with every row in the zone last set, whatever
 * order they folded the change and the rows in.
 */
export function redayAll(db: Db, keys: readonly string[] = ['zone']): void {
  // A re-fold of settings that never set the zone moves nothing.
  if (keys.length === 0) return;
  redayTable(db, 'sales', 'sold_at', 'id', '');
  redayTable(db, 'sale_returns', 'returned_at', 'id', '');
  redayTable(db, 'orders', 'placed_at', 'id', '');
  redayTable(db, 'customer_account', 'at', 'id', '');
  redayTable(db, 'work_credits', 'at', 'id', '');
  recountAll(db);
  settleAwards(db, ['*']);
}

/** What the fill below has done to a database: each step once, in order. */
const FILLED = 2;
const filledRow = z.object({ value: z.string() });

/**
 * Fills what a database written before the aggregates lacks: the company day (and hour) of its
 * sales, returns and orders, when orders were paid (1), and of its customers' account rows (2),
 * then every aggregate from its sources. Once per database and step; the caller holds the
 * transaction.
 */
export function fillAggregates(db: Db): void {
  const s = db.sqlite;
  const row = parseRow(
    filledRow,
    s.prepare(`SELECT value FROM meta WHERE key = 'analytics.filled'`).get(),
  );
  const done = row ? Number(row.value) : 0;
  if (done >= FILLED) return;
  if (done < 1) fillDays(db);
  if (done < 2) redayTable(db, 'customer_account', 'at', 'id', `WHERE day = ''`);
  recountAll(db);
  s.prepare(
    `INSERT INTO meta (key, value) VALUES ('analytics.filled', @v)
     ON CONFLICT (key) DO UPDATE SET value = @v`,
  ).run({ v: String(FILLED) });
}

/** Step 1: the days of sales, returns and orders, and when orders were paid. */
function fillDays(db: Db): void {
  const s = db.sqlite;
  redayTable(db, 'sales', 'sold_at', 'id', `WHERE day = ''`);
  redayTable(db, 'sale_returns', 'returned_at', 'id', `WHERE day = ''`);
  redayTable(db, 'orders', 'placed_at', 'id', `WHERE day = ''`);
  // When finance verified an order's payment in full: its timeline says.
  const setPaid = s.prepare('UPDATE orders SET paid_at = ? WHERE id = ?');
  for (const row of parseRows(
    paidRow,
    s
      .prepare(
        `SELECT o.id, (SELECT max(t.at) FROM order_timeline t WHERE t.order_id = o.id
           AND t.status_after = 'payment_verified') AS at
         FROM orders o WHERE o.paid_at IS NULL`,
      )
      .all(),
  ))
    if (row.at !== null) setPaid.run(row.at, row.id);
}
