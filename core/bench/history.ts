// Two years of order history written straight into the branch database with prepared
// statements in large transactions: the rows the projections would have written (see
// lifecycle.ts), without going through the contract, so a million order lines take minutes
// instead of hours. The connection keeps the app's pragmas (WAL, synchronous=FULL, foreign keys);
// only its page cache is enlarged while seeding (with the default 2 MB cache, big transactions
// spill pages to the WAL again and again) and put back before anything is measured.
// It writes the events those rows stand for too, and history.test.ts folds them through the real
// projections (fold.ts) and holds the seeded rows to what that fold writes.
import { performance } from 'node:perf_hooks';
import { variantNameSql } from '../catalog/lookup';
import type { Db } from '../db/open';
import { companyDay } from '../locale/day';
import { castOf, LINES_PER_ORDER, orderStory, type VariantRow } from './lifecycle';
import { fmtInt, rng } from './stats';

const DAY = 86_400_000;

export interface HistoryPlan {
  orders: number;
  /** The variant every order carries (and the factory produces to order): the long ledger. */
  hotVariantId: string;
  now: number;
  transactionOrders?: number;
}

export interface HistoryResult {
  seconds: number;
  rows: Record<string, number>;
  totalRows: number;
  /** A delivered order with the longest history (its payment was rejected once), for the PDF. */
  deliveredOrderId: string;
}

const insert = (table: string, columns: string, values?: string) =>
  `INSERT INTO ${table} (${columns}) VALUES (${
    values ??
    columns
      .split(',')
      .map(() => '?')
      .join(', ')
  })`;

export function seedHistory(db: Db, plan: HistoryPlan, log: (line: string) => void): HistoryResult {
  const started = performance.now();
  const s = db.sqlite;
  const cast = s.transaction(() => castOf(db))();
  const variants = s
    .prepare(
      `SELECT v.id, v.sku, ${variantNameSql} AS name, v.price
       FROM variants v JOIN products p ON p.id = v.product_id ORDER BY v.sku`,
    )
    .all() as VariantRow[];
  const hot = variants.find((v) => v.id === plan.hotVariantId)!;
  const others = variants.filter((v) => v.id !== plan.hotVariantId);

  const st = {
    events: s.prepare(
      insert(
        'events',
        'id, type, branch_id, device_id, user_id, hlc, created_at, aggregate_id, payload, schema_version, server_seq, received_hlc',
        '?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?',
      ),
    ),
    order: s.prepare(
      insert(
        'orders',
        'id, number, shop_id, factory_id, status, total, line_count, placed_at, placed_by, slip_hash, rejection_reason, ' +
          'cancel_reason, vehicle, driver_name, driver_user_id, planned_dispatch_on, dispatched_at, delivered_at, updated_at, ' +
          'day, paid_at',
      ),
    ),
    lines: s.prepare(
      insert(
        'order_lines',
        'order_id, line_no, variant_id, sku, name, quantity, unit_price, line_total, dispatched_qty, received_qty, confirmed_qty',
      ),
    ),
    batch: s.prepare(
      insert(
        'production_batches',
        'id, branch_id, variant_id, quantity, produced_on, user_id, recorded_at, event_id, shift',
        "?, ?, ?, ?, ?, ?, ?, ?, 'Day'",
      ),
    ),
    movements: s.prepare(
      insert(
        'stock_movements',
        'event_id, branch_id, variant_id, kind, on_hand, reserved, in_transit, order_id, created_at',
      ),
    ),
    timeline: s.prepare(
      insert(
        'order_timeline',
        'order_id, event_id, step, status_after, at, user_id, device_id, note',
      ),
    ),
    files: s.prepare(insert('files', 'hash, mime, size, created_at')),
    slips: s.prepare(
      insert(
        'payment_slips',
        'order_id, file_hash, original_name, attached_at, attached_by, status, reason, event_id',
      ),
    ),
    discrepancies: s.prepare(
      insert(
        'order_discrepancies',
        'order_id, line_no, variant_id, dispatched, received, shortage, note, event_id',
      ),
    ),
  };
  const tables = {
    events: 'events',
    order: 'orders',
    lines: 'order_lines',
    batch: 'production_batches',
    movements: 'stock_movements',
    timeline: 'order_timeline',
    files: 'files',
    slips: 'payment_slips',
    discrepancies: 'order_discrepancies',
  } as const;
  const rows: Record<string, number> = Object.fromEntries(Object.values(tables).map((t) => [t, 0]));
  const totalRows = () => Object.values(rows).reduce((a, b) => a + b, 0);

  const random = rng(20261122);
  // Two years up to an hour ago, so the newest orders are still on their way through the steps.
  const span = 730 * DAY;
  const start = plan.now - span - 3_600_000;
  const counters = { SH01: 0, SH02: 0 };
  let serverSeq = 0;
  let deliveredOrderId = '';

  const writeOrder = (i: number) => {
    const shop = random() < 0.55 ? ('SH01' as const) : ('SH02' as const);
    const placedAt = Math.floor(start + ((i + random()) * span) / plan.orders);
    const number = `${shop}-2-${String(++counters[shop]).padStart(6, '0')}`;
    const story = orderStory(cast, hot, others, placedAt, number, shop, random, plan.now);
    // Parents before children, as the foreign keys require: events, then the order, and so on.
    // Numbered and stamped as head office would have received them, at their own clock stamp.
    for (const e of story.events) st.events.run(...e, ++serverSeq, e[5]);
    // The company day of placement and when the payment was verified, as order.placed and
    // order.payment_verified write them: the dashboards' aggregates key on both (decision 0035).
    const verified = story.events.find((e) => e[1] === 'order.payment_verified');
    st.order.run([...story.order, companyDay(db, placedAt), verified ? verified[6]! : null]);
    st.batch.run(story.batch);
    rows['orders']! += 1;
    rows['production_batches']! += 1;
    for (const key of [
      'lines',
      'movements',
      'timeline',
      'files',
      'slips',
      'discrepancies',
    ] as const) {
      for (const r of story[key]) st[key].run(r);
      rows[tables[key]]! += story[key].length;
    }
    rows['events']! += story.events.length;
    if (story.status === 'delivered' && (story.rejectedOnce || !deliveredOrderId))
      deliveredOrderId = story.order[0] as string;
  };

  const tick = Math.max(1, Math.round(plan.orders / 10));
  const perTx = plan.transactionOrders ?? Math.min(5_000, tick);
  const writeRange = s.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) writeOrder(i);
  });
  let nextReport = tick;
  const appCache = Number(s.pragma('cache_size', { simple: true }));
  s.pragma('cache_size = -262144');
  try {
    for (let from = 0; from < plan.orders; from += perTx) {
      const to = Math.min(plan.orders, from + perTx);
      writeRange.immediate(from, to);
      if (to >= nextReport || to === plan.orders) {
        const secs = (performance.now() - started) / 1000;
        log(
          `  seed: ${fmtInt(to)} / ${fmtInt(plan.orders)} orders (${Math.round((to / plan.orders) * 100)}%), ` +
            `${fmtInt(rows['order_lines']!)} / ${fmtInt(plan.orders * LINES_PER_ORDER)} order lines, ` +
            `${fmtInt(totalRows())} rows, ${secs.toFixed(1)} s`,
        );
        while (nextReport <= to) nextReport += tick;
      }
    }
  } finally {
    s.pragma(`cache_size = ${appCache}`);
  }
  s.pragma('wal_checkpoint(TRUNCATE)');
  return {
    seconds: (performance.now() - started) / 1000,
    rows,
    totalRows: totalRows(),
    deliveredOrderId,
  };
}
