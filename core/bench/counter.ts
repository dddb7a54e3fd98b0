// The counter's history for `npm run bench`: customers, one regular customer with a long points
// ledger, and past counter sales over the shops (1 to 9 lines, 5 on average, paid by cash, card,
// mobile money or transfer, about 1% partly returned; written by core/bench/dashboards-seed.ts,
// which the dashboards' benchmark reads too), straight into the shop database with prepared
// statements in large transactions (the rows sale.recorded would have written), then the
// counter's measures through the real contract: a 5-line sale with payment and points (beside
// raw better-sqlite3 inserting the same rows with the same pragmas, so the fsync cost is
// visible), a customer found by phone, a points balance on the long ledger, and the day's Z
// report.
import { performance } from 'node:perf_hooks';
import type { Db } from '../db/open';
import type { DemoWorld } from '../testing/demo';
import { measureCalls } from './measures';
import { seedSales, type SaleVariant } from './dashboards-seed';
import { summarize, type Summary } from './stats';

const DAY = 86_400_000;

export interface CounterPlan {
  saleLines: number;
  customers: number;
  /** Movements on the regular customer's points ledger. */
  ledger: number;
  /** The shop the counter measures are taken at: the busiest of the seeded shops. */
  branchId: string;
  /** The other shops that sell (10 shops in all at full scale). */
  otherShopIds: readonly string[];
  deviceId: string;
  userId: string;
  /** What is sold, best sellers first. */
  variants: readonly SaleVariant[];
  now: number;
}

export interface CounterHistory {
  seconds: number;
  sales: number;
  saleLines: number;
  returns: number;
  /** The company days the sales span. */
  firstDay: string;
  lastDay: string;
  customers: number;
  regularId: string;
  regularPhone: string;
}

/** Phone numbers the bench's customers have: 0911 followed by six digits. */
const phoneOf = (i: number) => `0911${String(i).padStart(6, '0')}`;

export function seedCounter(
  db: Db,
  plan: CounterPlan,
  log?: (line: string) => void,
): CounterHistory {
  const started = performance.now();
  const s = db.sqlite;
  s.pragma('cache_size = -200000');
  const customer = s.prepare(
    `INSERT INTO customers (id, branch_id, name, phone, phone_key, clocks) VALUES (?, ?, ?, ?, ?, '{}')`,
  );
  const points = s.prepare(
    `INSERT INTO loyalty_movements (event_id, customer_id, kind, points, available_at, expires_at, sale_id, branch_id, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const regularId = 'bench-regular';
  s.transaction(() => {
    for (let i = 0; i < plan.customers; i++) {
      const id = i === 0 ? regularId : `bench-c${i}`;
      customer.run(id, plan.branchId, `Customer ${i}`, phoneOf(i), phoneOf(i).slice(-9));
    }
  })();
  // The sales themselves, over this shop and the others, with the company day and hour the
  // dashboards' aggregates count them on (core/bench/dashboards-seed.ts).
  const history = seedSales(
    db,
    {
      saleLines: plan.saleLines,
      branchIds: [plan.branchId, ...plan.otherShopIds.filter((id) => id !== plan.branchId)],
      variants: plan.variants,
      days: 730,
      deviceId: plan.deviceId,
      userId: plan.userId,
      now: plan.now,
      customer: (random) =>
        random() < 0.3 ? `bench-c${1 + Math.floor(random() * (plan.customers - 1))}` : null,
    },
    log,
  );
  const span = 730 * DAY;
  s.transaction(() => {
    for (let i = 0; i < plan.ledger; i++) {
      const at = plan.now - span + Math.floor((span * i) / plan.ledger);
      const earn = i % 3 !== 2;
      points.run(
        `bench-p${i}`,
        regularId,
        earn ? 'earn' : 'redeem',
        earn ? 20 : -15,
        earn ? at + 14 * DAY : at,
        earn ? at + 365 * DAY : null,
        null,
        plan.branchId,
        at,
      );
    }
  })();
  s.pragma('cache_size = -2000');
  s.pragma('optimize');
  return {
    seconds: (performance.now() - started) / 1000,
    sales: history.sales,
    saleLines: history.saleLines,
    returns: history.returns,
    firstDay: history.firstDay,
    lastDay: history.lastDay,
    customers: plan.customers,
    regularId,
    regularPhone: phoneOf(0),
  };
}

export interface CounterMeasures {
  sale: Summary;
  rawSale: Summary;
  lookup: Summary;
  balance: Summary;
  zReportMs: number;
  zSales: number;
}

/** The counter's measures through the contract, with the raw-SQL floor for a sale. */
export async function measureCounter(
  world: DemoWorld,
  history: CounterHistory,
  onShelf: readonly string[],
  rawDb: Db,
  n: number,
): Promise<CounterMeasures> {
  const clerk = world.as('shop1');
  const admin = world.as('admin');
  await admin('loyalty.saveProgram', {
    spendPerPoint: 100,
    pendingDays: 14,
    expiryDays: 365,
    pointValue: 1,
    tiers: [
      { name: 'Bronze', minSpend: 0, rateBp: 10_000 },
      { name: 'Gold', minSpend: 1_000_000, rateBp: 15_000 },
    ],
  });
  const sale = await measureCalls(n, () =>
    clerk('sales.record', {
      customerId: history.regularId,
      lines: onShelf.map((variantId) => ({ variantId, quantity: 1 })),
      payments: [{ method: 'card', amount: 100 }, { method: 'cash' }],
    }),
  );
  // The same rows a 5-line sale with two payments and points writes, by hand, one transaction
  // each, with the app's pragmas (WAL, synchronous=FULL): the floor the contract is measured on.
  const r = rawDb.sqlite;
  const insertSale = r.prepare(
    `INSERT INTO bench_sales (id, number, total, sold_at) VALUES (?, ?, ?, ?)`,
  );
  const insertLine = r.prepare(
    `INSERT INTO bench_sale_lines (sale_id, line_no, variant_id, quantity, unit_price) VALUES (?, ?, ?, 1, 100)`,
  );
  const insertPay = r.prepare(
    `INSERT INTO bench_sale_payments (sale_id, pay_no, amount) VALUES (?, ?, 100)`,
  );
  const insertPoints = r.prepare(
    `INSERT INTO bench_points (customer_id, points, at) VALUES (?, 5, ?)`,
  );
  const insertEvent = r.prepare(`INSERT INTO bench_events (id, payload) VALUES (?, ?)`);
  const rawTimes: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    r.transaction(() => {
      const id = `raw-${i}`;
      insertEvent.run(id, JSON.stringify({ id, lines: onShelf }));
      insertSale.run(id, id, 500, Date.now());
      onShelf.forEach((v, l) => insertLine.run(id, l + 1, v));
      insertPay.run(id, 1);
      insertPay.run(id, 2);
      insertPoints.run(history.regularId, Date.now());
    }).immediate();
    rawTimes.push(performance.now() - t);
  }
  const lookup = await measureCalls(n, () =>
    clerk('customers.find', { search: history.regularPhone }),
  );
  const balance = await measureCalls(n, () =>
    clerk('loyalty.points', { customerId: history.regularId }),
  );
  const day = new Date();
  const today = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  const t = performance.now();
  const z = await clerk('shifts.zReport', { day: today });
  const zReportMs = performance.now() - t;
  return {
    sale,
    rawSale: summarize(rawTimes),
    lookup,
    balance,
    zReportMs,
    zSales: z.sales.count,
  };
}

/** The raw floor's tables, in a database of its own opened with the app's pragmas. */
export const RAW_COUNTER_SCHEMA = `
  CREATE TABLE bench_events (id TEXT PRIMARY KEY, payload TEXT NOT NULL);
  CREATE TABLE bench_sales (id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, total INTEGER NOT NULL, sold_at INTEGER NOT NULL);
  CREATE TABLE bench_sale_lines (sale_id TEXT NOT NULL, line_no INTEGER NOT NULL, variant_id TEXT NOT NULL, quantity INTEGER NOT NULL, unit_price INTEGER NOT NULL, PRIMARY KEY (sale_id, line_no));
  CREATE TABLE bench_sale_payments (sale_id TEXT NOT NULL, pay_no INTEGER NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (sale_id, pay_no));
  CREATE TABLE bench_points (id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id TEXT NOT NULL, points INTEGER NOT NULL, at INTEGER NOT NULL);
`;
