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
  /** What is summed: one part per source table, each a row per source row. */
  parts: readonly AggregatePart[];
  /** A SELECT of keys and sums, from the source rows alone. */
  recount: string;
}

export interface AggregatePart {
  /** The table whose rows this part sums (a key of `followers` in the registry). */
  source: string;
  /** A SELECT of the keys and each row's share of the sums, for the source rows `where` keeps. */
  rows: (where: string) => string;
}

/** The SELECT that sums `parts` (their rows that `where` keeps) into keys and sums. */
function summed(
  keys: readonly string[],
  sums: readonly string[],
  parts: readonly AggregatePart[],
  where = 'true',
): string {
  return `SELECT ${keys.join(', ')}, ${sums.map((c) => `sum(${c}) AS ${c}`).join(', ')}
  FROM (${parts.map((p) => p.rows(where)).join('\n    UNION ALL ')})
  WHERE true GROUP BY ${keys.map((_, i) => i + 1).join(', ')}`;
}

function aggregate(
  table: string,
  keys: readonly string[],
  sums: readonly string[],
  parts: readonly AggregatePart[],
): AggregateDef {
  return { table, keys, sums, parts, recount: summed(keys, sums, parts) };
}

const salesSums = ['qty', 'amount', 'lines', 'returned_qty', 'returned_amount', 'returned_lines'];
/** A sale's and a return's lines, by the period (of their header's day) `period` names. */
const salesParts = (period: (day: string) => string): AggregatePart[] => [
  {
    source: 'sale_lines',
    rows: (where) => `
    SELECT ${period('s.day')}, s.branch_id, l.variant_id, l.quantity AS qty, l.line_total AS amount,
      1 AS lines, 0 AS returned_qty, 0 AS returned_amount, 0 AS returned_lines
    FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE ${where.replaceAll('@row', 'l')}`,
  },
  {
    source: 'sale_return_lines',
    rows: (where) => `
    SELECT ${period('r.day')}, r.branch_id, rl.variant_id, 0 AS qty, 0 AS amount, 0 AS lines,
      rl.quantity AS returned_qty, rl.amount AS returned_amount, 1 AS returned_lines
    FROM sale_return_lines rl JOIN sale_returns r ON r.id = rl.return_id
    WHERE ${where.replaceAll('@row', 'rl')}`,
  },
];

const orderSteps = (o: string) => `
  ${o}.paid_at IS NOT NULL AS paid,
  CASE WHEN ${o}.paid_at IS NOT NULL THEN max(0, ${o}.paid_at - ${o}.placed_at) ELSE 0 END AS paid_ms,
  ${o}.paid_at IS NOT NULL AND ${o}.dispatched_at IS NOT NULL AS dispatched,
  CASE WHEN ${o}.paid_at IS NOT NULL AND ${o}.dispatched_at IS NOT NULL
    THEN max(0, ${o}.dispatched_at - ${o}.paid_at) ELSE 0 END AS dispatched_ms,
  ${o}.dispatched_at IS NOT NULL AND ${o}.delivered_at IS NOT NULL AS delivered,
  CASE WHEN ${o}.dispatched_at IS NOT NULL AND ${o}.delivered_at IS NOT NULL
    THEN max(0, ${o}.delivered_at - ${o}.dispatched_at) ELSE 0 END AS delivered_ms`;

// Each part names every column it gives, as the aggregate does (a part may be summed alone), and
// calls its source row `@row` in `where` (a rowid bound, at the end of a bulk page).
export const aggregateDefs: readonly AggregateDef[] = [
  aggregate(
    'sales_by_day',
    ['day', 'branch_id', 'variant_id'],
    salesSums,
    salesParts((day) => `${day} AS day`),
  ),
  aggregate(
    'sales_by_month',
    ['month', 'branch_id', 'variant_id'],
    salesSums,
    salesParts((day) => `substr(${day}, 1, 7) AS month`),
  ),
  aggregate(
    'sales_by_hour',
    ['day', 'hour', 'branch_id'],
    ['tickets', 'amount', 'returns', 'returned_amount'],
    [
      {
        source: 'sales',
        rows: (where) => `
    SELECT day, hour, branch_id, 1 AS tickets, total AS amount, 0 AS returns, 0 AS returned_amount
    FROM sales WHERE ${where.replaceAll('@row', 'sales')}`,
      },
      {
        source: 'sale_returns',
        rows: (where) => `
    SELECT day, hour, branch_id, 0 AS tickets, 0 AS amount, 1 AS returns, amount AS returned_amount
    FROM sale_returns
    WHERE ${where.replaceAll('@row', 'sale_returns')}`,
      },
    ],
  ),
  aggregate(
    'received_by_day',
    ['day', 'branch_id', 'source'],
    ['amount', 'payments'],
    [
      {
        source: 'sale_payments',
        rows: (where) => `
    SELECT s.day, s.branch_id, 'sale:' || p.method AS source, p.amount, 1 AS payments
    FROM sale_payments p JOIN sales s ON s.id = p.sale_id WHERE ${where.replaceAll('@row', 'p')}`,
      },
      {
        source: 'sale_refunds',
        rows: (where) => `
    SELECT r.day, r.branch_id, 'refund:' || f.method AS source, -f.amount AS amount, 1 AS payments
    FROM sale_refunds f JOIN sale_returns r ON r.id = f.return_id
    WHERE ${where.replaceAll('@row', 'f')}`,
      },
      {
        source: 'order_payments',
        rows: (where) => `
    SELECT CASE WHEN p.received_on <> '' THEN p.received_on ELSE o.day END AS day,
      o.shop_id AS branch_id, 'order' AS source, p.amount, 1 AS payments
    FROM order_payments p JOIN orders o ON o.id = p.order_id WHERE ${where.replaceAll('@row', 'p')}`,
      },
      {
        source: 'customer_account',
        rows: (where) => `
    SELECT day, branch_id, 'account:' || coalesce(method, 'other') AS source, -amount AS amount,
      1 AS payments
    FROM customer_account WHERE kind IN ('collection', 'payment')
      AND ${where.replaceAll('@row', 'customer_account')}`,
      },
    ],
  ),
  aggregate(
    'orders_by_day',
    ['day', 'shop_id', 'factory_id', 'status'],
    [
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
    [
      {
        source: 'orders',
        rows: (where) => `
    SELECT o.day, o.shop_id, o.factory_id, o.status, 1 AS orders, o.total AS amount,
      o.line_count AS lines, ${orderSteps('o')}
    FROM orders o WHERE ${where.replaceAll('@row', 'o')}`,
      },
    ],
  ),
  aggregate(
    'production_by_day',
    ['day', 'branch_id', 'variant_id'],
    ['qty', 'batches'],
    [
      {
        source: 'production_batches',
        rows: (where) => `
    SELECT produced_on AS day, branch_id, variant_id, quantity AS qty, 1 AS batches
    FROM production_batches WHERE ${where.replaceAll('@row', 'production_batches')}`,
      },
    ],
  ),
];

/**
 * The stock ledger's balances, kept by trigger from the movements (core/stock/ledger.ts): summed
 * like an aggregate at the end of a page applied in bulk. Projections write movements and never
 * read a balance (commands do, and no command runs inside a page), so a page may leave them to
 * its end.
 */
const ledgerBalances: AggregateDef = aggregate(
  'stock_balances',
  ['branch_id', 'variant_id'],
  ['on_hand', 'reserved', 'in_transit'],
  [
    {
      source: 'stock_movements',
      rows: (where) => `
    SELECT branch_id, variant_id, on_hand, reserved, in_transit
    FROM stock_movements WHERE ${where.replaceAll('@row', 'stock_movements')}`,
    },
  ],
);

/** Every table a page applied in bulk sums at its end: the ledger's balances and the aggregates. */
export const summedDefs: readonly AggregateDef[] = [ledgerBalances, ...aggregateDefs];

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

/** The tables summed at a page's end, each with what it adds to which table. */
const partsBySource = new Map<string, { def: AggregateDef; part: AggregatePart }[]>();
for (const def of summedDefs)
  for (const part of def.parts)
    partsBySource.set(part.source, [...(partsBySource.get(part.source) ?? []), { def, part }]);

/** Adds to an aggregate what `part`'s source rows above the rowid `@mark` sum to. */
function addAbove(def: AggregateDef, part: AggregatePart): string {
  const cols = [...def.keys, ...def.sums];
  return `INSERT INTO ${def.table} (${cols.join(', ')})
  ${summed(def.keys, def.sums, [part], '@row.rowid > @mark')}
  ON CONFLICT (${def.keys.join(', ')}) DO UPDATE SET
    ${def.sums.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`;
}

const markRow = z.object({ source: z.string(), mark: z.number() });

/** The tables a trigger's SQL writes (inserts into, updates, deletes from), in order. */
export function tablesWrittenBy(sql: string): string[] {
  return [...sql.matchAll(/\b(?:INSERT\s+INTO|(?<!DO\s+)UPDATE|DELETE\s+FROM)\s+(\w+)/gi)].flatMap(
    (m) => (m[1] === undefined ? [] : [m[1]]),
  );
}

const triggerRow = z.object({ name: z.string(), sql: z.string() });

/**
 * The triggers that add a new source row to the aggregates or the stock balances (`AFTER INSERT`
 * on a source table): what a page summing at its end goes without. They write nothing but those
 * tables (a test holds them to it), so going without them loses nothing the end does not add.
 */
export function summingTriggers(db: Db): { name: string; sql: string }[] {
  const sources = [...partsBySource.keys()];
  return parseRows(
    triggerRow,
    db.sqlite
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
         AND tbl_name IN (${sources.map(() => '?').join(', ')}) ORDER BY name`,
      )
      .all(...sources),
  ).filter((t) => /\bAFTER\s+INSERT\s+ON\b/i.test(t.sql));
}

/** Marks each source table's highest rowid: every row up to it is counted, none above. */
function markAll(db: Db): void {
  const s = db.sqlite;
  const mark = s.prepare(
    `INSERT INTO aggregate_marks (source, mark) VALUES (?, ?)
     ON CONFLICT (source) DO UPDATE SET mark = excluded.mark`,
  );
  for (const source of partsBySource.keys())
    mark.run(
      source,
      z.number().parse(s.prepare(`SELECT coalesce(max(rowid), 0) FROM ${source}`).pluck().get()),
    );
}

/**
 * Whether a page summing at its end is being applied: its marks are set, and the aggregates and
 * the stock balances lack the rows above them until its end.
 */
export const summing = (db: Db): boolean =>
  db.sqlite.prepare('SELECT 1 FROM aggregate_marks LIMIT 1').get() !== undefined;

/**
 * Runs `apply` (inside the caller's transaction) with the aggregates and the stock balances
 * (`summedDefs`) summed once at its end instead of row by row. Each source table's highest rowid is
 * marked and the insert triggers are dropped until the end; the triggers that take a row back
 * (deleted, or an order moved) do so only for rows at or below the mark, and lower the mark when
 * its row goes, so SQLite never gives a counted rowid to a new row. The end adds the rows above the
 * marks as they then are, one statement per table and aggregate, and puts the triggers back: the
 * sums are what the triggers would have left. A page of a catch-up writes a few hundred aggregate
 * rows instead of an upsert or two per source row, and its rows no longer start a trigger each:
 * about a third of writing them. A throw still sums and restores: whatever the caller then commits
 * is counted.
 */
export function summingAtEnd<T>(db: Db, apply: () => T): T {
  const s = db.sqlite;
  // Outside a transaction nothing would hold the marks to the rows; nested, the outer one sums.
  if (!s.inTransaction || summing(db)) return apply();
  markAll(db);
  const triggers = summingTriggers(db);
  for (const t of triggers) s.exec(`DROP TRIGGER "${t.name}"`);
  try {
    return apply();
  } finally {
    // A transaction SQLite has rolled back took the marks and the drops with it.
    if (s.inTransaction) {
      sumAboveMarks(db);
      for (const t of triggers) s.exec(t.sql);
    }
  }
}

/** Adds every source row above its table's mark to the aggregates, and drops the marks. */
function sumAboveMarks(db: Db): void {
  const s = db.sqlite;
  const marks = parseRows(markRow, s.prepare('SELECT source, mark FROM aggregate_marks').all());
  for (const { source, mark: above } of marks)
    for (const { def, part } of partsBySource.get(source) ?? [])
      s.prepare(addAbove(def, part)).run({ mark: above });
  s.prepare('DELETE FROM aggregate_marks').run();
}

/**
 * Every aggregate, and the stock balances, emptied and summed again from their sources. The
 * caller holds the transaction.
 */
export function recountAll(db: Db): void {
  for (const def of summedDefs) {
    const cols = [...def.keys, ...def.sums].join(', ');
    db.sqlite.prepare(`DELETE FROM ${def.table}`).run();
    db.sqlite
      .prepare(`INSERT INTO ${def.table} (${cols}) SELECT ${cols} FROM (${def.recount})`)
      .run();
  }
  // Every row is counted now: in a page summing at its end, only rows after this are left.
  if (summing(db)) markAll(db);
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
