// Counter sales and factory production for the dashboards' benchmarks (issue 17), shared by the
// core bench (core/bench/core.bench.ts) and the UI bench (renderer/bench/ui.bench.ts): two years of
// sales over the shops, on a weekday pattern and in opening hours (8–20), paid by cash, card,
// mobile money or transfer, about 1% of them partly returned and refunded, and a few production
// batches a day at the factory. Written straight into the database with prepared statements in
// large transactions, the aggregate triggers active, with the rows sale.recorded, sale.returned
// and production.recorded would have written: the company day and hour of every sale and return
// (core/locale/day.ts), the sold line's variant on a return line, the total on the sale's row
// before its lines (sales_by_hour counts the total when the sale row is inserted).
import { performance } from 'node:perf_hooks';
import type { Db } from '../db/open';
import { companyDay, companyDayAndHour, companyTimeZone, dayAndHour } from '../locale/day';
import { fmtInt, rng } from './stats';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Monday first: Saturday is the busiest day, Sunday the quietest. */
const WEEKDAY_WEIGHT = [0.9, 0.85, 0.9, 0.95, 1.15, 1.4, 0.65];
/** Opening hours 8–20, busiest at lunch and after work. */
const HOUR_WEIGHT: [number, number][] = [
  [8, 0.4],
  [9, 0.7],
  [10, 0.9],
  [11, 1.1],
  [12, 1.5],
  [13, 1.4],
  [14, 1],
  [15, 0.9],
  [16, 1.1],
  [17, 1.5],
  [18, 1.4],
  [19, 0.9],
  [20, 0.5],
];
const METHODS: [string, number][] = [
  ['cash', 0.6],
  ['card', 0.15],
  ['mobile_money', 0.15],
  ['bank_transfer', 0.1],
];

export interface SaleVariant {
  id: string;
  price: number;
}

export interface SalesPlan {
  /** Sale lines to write in all (1 to 9 a sale, 5 on average). */
  saleLines: number;
  /** The shops that sell; the first is the busiest. */
  branchIds: readonly string[];
  variants: readonly SaleVariant[];
  /** Days of history up to today, today included. */
  days: number;
  deviceId: string | null;
  userId: string;
  now: number;
  /** A customer for about 30% of sales, or none. */
  customer?: (random: () => number) => string | null;
  seed?: number;
}

export interface SalesHistory {
  seconds: number;
  sales: number;
  saleLines: number;
  returns: number;
  payments: number;
  firstDay: string;
  lastDay: string;
}

const pick = <T>(weighted: readonly [T, number][], random: () => number): T => {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [v, w] of weighted) if ((r -= w) < 0) return v;
  return weighted[weighted.length - 1]![0];
};

const utcDay = (day: string) => Date.parse(`${day}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The moment a company day starts: the zone's offset at its noon, taken from its own clock. */
function midnightOf(day: string, zone: string): number {
  const noon = utcDay(day) + 12 * HOUR;
  const local = dayAndHour(noon, zone);
  const offset = Math.round((utcDay(local.day) + local.hour * HOUR - noon) / HOUR) * HOUR;
  return utcDay(day) - offset;
}

/** Two years (plan.days) of counter sales, returns and refunds; see the file's comment. */
export function seedSales(db: Db, plan: SalesPlan, log?: (line: string) => void): SalesHistory {
  const started = performance.now();
  const s = db.sqlite;
  const random = rng(plan.seed ?? 20261205);
  const zone = companyTimeZone(db);
  const st = {
    sale: s.prepare(
      `INSERT INTO sales (id, number, branch_id, customer_id, total, device_id, points_earned, sold_at, day, hour, user_id, event_id)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
    ),
    line: s.prepare(
      `INSERT INTO sale_lines (sale_id, line_no, variant_id, quantity, unit_price, line_total) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    pay: s.prepare(
      `INSERT INTO sale_payments (sale_id, pay_no, method, amount, tendered, reference) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    ret: s.prepare(
      `INSERT INTO sale_returns (id, sale_id, number, branch_id, device_id, amount, reason, returned_at, day, hour, user_id, event_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    retLine: s.prepare(
      `INSERT INTO sale_return_lines (return_id, line_no, variant_id, quantity, amount) VALUES (?, ?, ?, ?, ?)`,
    ),
    refund: s.prepare(
      `INSERT INTO sale_refunds (return_id, pay_no, method, amount, reference) VALUES (?, 1, ?, ?, ?)`,
    ),
  };
  const branchWeight: [string, number][] = plan.branchIds.map((id, i) => [
    id,
    i === 0 ? 1.6 : 0.7 + ((i * 37) % 10) / 20,
  ]);
  // A few best sellers and a long tail, as a shop's sales are.
  const variantWeight: [SaleVariant, number][] = plan.variants.map((v, i) => [v, 1 / (1 + i / 8)]);

  const today = companyDay(db, plan.now);
  const firstDay = isoDay(utcDay(today) - (plan.days - 1) * DAY);
  // Each day's share of the lines: its weekday's weight, and a third more by the end than at the start.
  const weights = Array.from({ length: plan.days }, (_, d) => {
    const weekday = (new Date(utcDay(firstDay) + d * DAY).getUTCDay() + 6) % 7;
    return WEEKDAY_WEIGHT[weekday]! * (1 + d / plan.days / 3);
  });
  const totalWeight = weights.reduce((a, b) => a + b, 0);

  let sales = 0;
  let lines = 0;
  let returns = 0;
  let payments = 0;
  let cumulative = 0;
  const writeDay = (d: number) => {
    cumulative += weights[d]!;
    const quota = Math.round((plan.saleLines * cumulative) / totalWeight) - lines;
    const day = isoDay(utcDay(firstDay) + d * DAY);
    const midnight = midnightOf(day, zone);
    const todays: { at: number; n: number }[] = [];
    for (let left = quota; left > 0;) {
      const n = Math.min(left, 1 + Math.floor(random() * 9), plan.variants.length);
      let at = midnight + pick(HOUR_WEIGHT, random) * HOUR + Math.floor(random() * HOUR);
      // Today's sales so far only: none in the future.
      if (at >= plan.now) at = midnight + Math.floor(random() * Math.max(1, plan.now - midnight));
      todays.push({ at, n });
      left -= n;
    }
    todays.sort((a, b) => a.at - b.at);
    for (const { at, n } of todays) {
      const id = `bench-s${sales}`;
      const branchId = pick(branchWeight, random);
      const when = companyDayAndHour(db, at);
      const sold = new Set<SaleVariant>();
      while (sold.size < n) sold.add(pick(variantWeight, random));
      const saleLines = [...sold].map((v, k) => {
        const quantity = random() < 0.8 ? 1 : 2 + Math.floor(random() * 3);
        return { lineNo: k + 1, variantId: v.id, quantity, unitPrice: v.price };
      });
      const total = saleLines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
      const customer = plan.customer?.(random) ?? null;
      st.sale.run(
        id,
        `B-S-${sales}`,
        branchId,
        customer,
        total,
        plan.deviceId,
        at,
        when.day,
        when.hour,
        plan.userId,
        id,
      );
      for (const l of saleLines)
        st.line.run(id, l.lineNo, l.variantId, l.quantity, l.unitPrice, l.quantity * l.unitPrice);
      const method = pick(METHODS, random);
      // One sale in twenty is split: part by card, the rest in cash.
      const split = total > 200 && random() < 0.05;
      const parts: [string, number][] = split
        ? [
            ['card', Math.floor(total / 2)],
            ['cash', total - Math.floor(total / 2)],
          ]
        : [[method, total]];
      parts.forEach(([m, amount], k) => {
        const tendered = m === 'cash' ? Math.ceil(amount / 10_000) * 10_000 : null;
        const reference =
          m === 'mobile_money' || m === 'bank_transfer' ? `TX${sales}-${k + 1}` : null;
        st.pay.run(id, k + 1, m, amount, tendered, reference);
        payments++;
      });
      // About 1% come back within a week: the first line, refunded the way it was paid.
      if (random() < 0.01) {
        const l = saleLines[0]!;
        const returnedAt = Math.max(
          at,
          Math.min(plan.now - 1, at + Math.floor(random() * 7 * DAY)),
        );
        const rWhen = companyDayAndHour(db, returnedAt);
        const rid = `bench-r${returns}`;
        const amount = l.quantity * l.unitPrice;
        st.ret.run(
          rid,
          id,
          `B-R-${returns}`,
          branchId,
          plan.deviceId,
          amount,
          'Wrong size',
          returnedAt,
          rWhen.day,
          rWhen.hour,
          plan.userId,
          rid,
        );
        st.retLine.run(rid, l.lineNo, l.variantId, l.quantity, amount);
        const refundBy = parts[0]![0];
        st.refund.run(
          rid,
          refundBy,
          amount,
          refundBy === 'mobile_money' || refundBy === 'bank_transfer' ? `RF${returns}` : null,
        );
        returns++;
      }
      sales++;
      lines += saleLines.length;
    }
  };

  const appCache = Number(s.pragma('cache_size', { simple: true }));
  s.pragma('cache_size = -262144');
  const writeDays = s.transaction((from: number, to: number) => {
    for (let d = from; d < to; d++) writeDay(d);
  });
  try {
    // About 5,000 sales a transaction at full scale.
    const perTx = Math.max(1, Math.round((25_000 * plan.days) / Math.max(1, plan.saleLines)));
    const tick = Math.ceil(plan.days / 4);
    for (let from = 0; from < plan.days; from += perTx) {
      const to = Math.min(plan.days, from + perTx);
      writeDays.immediate(from, to);
      if (log && Math.floor(to / tick) !== Math.floor(from / tick))
        log(
          `  sales: ${fmtInt(lines)} / ${fmtInt(plan.saleLines)} lines, ${fmtInt(sales)} sales, ` +
            `${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
    }
  } finally {
    s.pragma(`cache_size = ${appCache}`);
  }
  s.pragma('wal_checkpoint(TRUNCATE)');
  return {
    seconds: (performance.now() - started) / 1000,
    sales,
    saleLines: lines,
    returns,
    payments,
    firstDay,
    lastDay: today,
  };
}

export interface ProductionPlan {
  factoryId: string;
  variantIds: readonly string[];
  days: number;
  perDay: number;
  userId: string;
  now: number;
  seed?: number;
}

/**
 * A few batches a working day at the factory (none on Sundays), of varied goods, dated on the
 * company day they were made, as production.recorded writes them.
 */
export function seedProduction(db: Db, plan: ProductionPlan): number {
  const s = db.sqlite;
  const random = rng(plan.seed ?? 4242);
  const batch = s.prepare(
    `INSERT INTO production_batches (id, branch_id, variant_id, quantity, produced_on, user_id, recorded_at, event_id, shift)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Day')`,
  );
  const today = companyDay(db, plan.now);
  let n = 0;
  s.transaction(() => {
    for (let d = plan.days - 1; d >= 1; d--) {
      const day = isoDay(utcDay(today) - d * DAY);
      if (new Date(utcDay(day)).getUTCDay() === 0) continue;
      for (let b = 0; b < plan.perDay; b++) {
        const id = `bench-pb${n}`;
        const variantId = plan.variantIds[Math.floor(random() * plan.variantIds.length)]!;
        const recordedAt = utcDay(day) + (14 + b) * HOUR;
        batch.run(
          id,
          plan.factoryId,
          variantId,
          10 + Math.floor(random() * 200),
          day,
          plan.userId,
          recordedAt,
          id,
        );
        n++;
      }
    }
  }).immediate();
  return n;
}

/** Shop codes SH01…SH{count}: the demo's two, and the rest through the contract as an admin. */
export async function ensureShops(
  db: Db,
  count: number,
  create: (code: string, name: string) => Promise<{ id: string }>,
): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 1; n <= count; n++) {
    const code = `SH${String(n).padStart(2, '0')}`;
    // No .pluck(): the connection shares compiled statements by SQL text (core/db/open.ts).
    const known = db.sqlite.prepare('SELECT id FROM branches WHERE code = ?').get(code) as
      { id: string } | undefined;
    ids.push(known?.id ?? (await create(code, `Shop ${n}`)).id);
  }
  return ids;
}
