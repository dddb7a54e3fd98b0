// The dashboards' benchmark (issue 17), on the core bench's database once its history is seeded:
// 1. every dashboard through the contract (dashboard.get), each as the role it is for, over
//    random ranges (7, 30, 90, 365 or 730 days ending on a random day of the two years), and head
//    office's with a random branch filter (all, or one), timed per kind;
// 2. what the aggregate triggers add to placing an order and recording a sale: the same calls
//    with the triggers and with them dropped, in alternating blocks in one run so the machine's
//    noise hits both, then the triggers put back, the aggregates the dropped blocks missed counted
//    again from their sources, and the triggers checked to count new rows again.
// Before anything is measured the aggregates are held to a recount from their sources: the
// seeders write the rows the projections would, or the dashboards draw numbers no sale made.
import {
  aggregateDefs,
  recountAll,
  storedAndRecounted,
  tablesWrittenBy,
  type AggregateDef,
} from '../analytics/aggregates';
import { addDays } from '../analytics/range';
import type { DashboardKind } from '../analytics/shape';
import type { Db } from '../db/open';
import type { DemoUser, DemoWorld } from '../testing/demo';
import { fmtInt, fmtMs, rng, summarize, timed, type Row, type Summary } from './stats';

const RANGES = [7, 30, 90, 365, 730];
export const TARGET = { queryP95: 100, overhead: 1.2 };

/** Who opens which dashboard: each kind as its own role, and head office on the others too. */
const openers: { kind: DashboardKind; user: DemoUser; branches: boolean; label: string }[] = [
  { kind: 'company', user: 'admin', branches: true, label: 'company (head office, any branch)' },
  { kind: 'shop', user: 'shop1', branches: false, label: 'shop (shop clerk)' },
  { kind: 'factory', user: 'factory', branches: false, label: 'factory (factory clerk)' },
  { kind: 'finance', user: 'finance', branches: false, label: 'finance (finance)' },
  { kind: 'rep', user: 'sales', branches: false, label: 'rep (sales rep)' },
  { kind: 'driver', user: 'driver', branches: false, label: 'driver (driver)' },
  { kind: 'shop', user: 'admin', branches: true, label: 'shop (head office, any branch)' },
  { kind: 'factory', user: 'admin', branches: true, label: 'factory (head office, any branch)' },
  { kind: 'finance', user: 'admin', branches: true, label: 'finance (head office, any branch)' },
];

export interface QueryResult {
  byOpener: { label: string; summary: Summary }[];
  worstP95: number;
  worst: string;
}

/** `calls` timed dashboard.get calls per opener, after 5 untimed ones. */
export async function measureDashboardQueries(
  world: DemoWorld,
  firstDay: string,
  lastDay: string,
  calls: number,
): Promise<QueryResult> {
  const random = rng(1717);
  const span = Math.round((Date.parse(lastDay) - Date.parse(firstDay)) / 86_400_000);
  const shops = (
    world.core.db.sqlite
      .prepare(`SELECT id FROM branches WHERE kind <> 'head_office' ORDER BY code`)
      .all() as { id: string }[]
  ).map((b) => b.id);
  const byOpener: QueryResult['byOpener'] = [];
  for (const o of openers) {
    const call = world.as(o.user);
    const ms: number[] = [];
    for (let i = -5; i < calls; i++) {
      const to = addDays(firstDay, Math.floor(random() * (span + 1)));
      const from = addDays(to, -(RANGES[Math.floor(random() * RANGES.length)]! - 1));
      const branchId =
        o.branches && random() < 0.5 ? shops[Math.floor(random() * shops.length)]! : null;
      const t = await timed(() =>
        call('dashboard.get', { kind: o.kind, from, to, ...(o.branches && { branchId }) }),
      );
      if (t.value.kind !== o.kind || t.value.charts.length === 0)
        throw new Error(`dashboard.get for ${o.label} answered ${t.value.kind} with no charts`);
      if (i >= 0) ms.push(t.ms);
    }
    byOpener.push({ label: o.label, summary: summarize(ms) });
  }
  const worst = byOpener.reduce((a, b) => (b.summary.p95 > a.summary.p95 ? b : a));
  return { byOpener, worstP95: worst.summary.p95, worst: worst.label };
}

export const queryRows = (q: QueryResult, calls: number): Row[] => [
  {
    measure: `dashboard.get p95, worst of the kinds (${calls} random ranges each)`,
    value: fmtMs(q.worstP95),
    target: `< ${TARGET.queryP95} ms`,
    pass: q.worstP95 < TARGET.queryP95,
  },
  ...q.byOpener.map((o) => ({
    measure: `  ${o.label}${o.label === q.worst ? ' (slowest)' : ''}`,
    value: `p50 ${fmtMs(o.summary.median)}, p95 ${fmtMs(o.summary.p95)}`,
  })),
];

// Never .pluck() or .raw(): the connection shares one compiled statement per SQL text
// (core/db/open.ts cacheStatements), and a mode set here would follow it into the core.
const countOf = (db: Db, sql: string): number => (db.sqlite.prepare(sql).get() as { n: number }).n;

/** Where an aggregate and a recount of it from its sources differ, counted in SQLite. */
export function recountDifferences(db: Db, def: AggregateDef): number {
  const cols = [...def.keys, ...def.sums].join(', ');
  const stored = `SELECT ${cols} FROM ${def.table}`;
  const recount = `SELECT ${cols} FROM (${def.recount})`;
  const n = (sql: string) => countOf(db, `SELECT count(*) AS n FROM (${sql})`);
  return n(`${stored} EXCEPT ${recount}`) + n(`${recount} EXCEPT ${stored}`);
}

/** Every aggregate against its recount: the tables that differ, none when they all agree. */
export function aggregatesAgree(db: Db): { differing: string[]; rows: number; ms: number } {
  const t0 = performance.now();
  const differing = aggregateDefs
    .filter((def) => recountDifferences(db, def) > 0)
    .map((def) => def.table);
  const rows = aggregateDefs.reduce(
    (sum, def) => sum + countOf(db, `SELECT count(*) AS n FROM ${def.table}`),
    0,
  );
  return { differing, rows, ms: performance.now() - t0 };
}

/** Rows with the empty day a seeder that forgot the company day would leave. */
export const undatedAggregateRows = (db: Db): number =>
  aggregateDefs.reduce(
    (sum, def) =>
      sum + countOf(db, `SELECT count(*) AS n FROM ${def.table} WHERE ${def.keys[0]} IN ('', '-')`),
    0,
  );

/** The analytics triggers: every trigger that writes one of the aggregates. */
export function analyticsTriggers(db: Db): { name: string; sql: string }[] {
  const aggregates = new Set(aggregateDefs.map((d) => d.table));
  const triggers = (
    db.sqlite
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`)
      .all() as { name: string; sql: string }[]
  ).filter((t) => tablesWrittenBy(t.sql).some((table) => aggregates.has(table)));
  // At least one that adds to each aggregate and one that takes back from it.
  if (triggers.length < 2 * aggregateDefs.length)
    throw new Error(
      `analytics triggers: the database has ${triggers.length}, fewer than two per aggregate; ` +
        'run the bench on a database migrated to the latest schema',
    );
  return triggers;
}

export interface Overhead {
  with: Summary;
  without: Summary;
  /** Median wall time with / without. */
  ratio: number;
  /** CPU time per call with / without. */
  cpuRatio: number;
  cpuMs: { with: number; without: number };
}

export interface OverheadResult {
  order: Overhead;
  sale: Overhead;
  triggers: number;
  blocks: number;
  restoreMs: number;
  /** storedAndRecounted on two aggregates after the triggers came back: equal or not. */
  recounted: { table: string; rows: number; equal: boolean }[];
  /** Every aggregate against its recount in SQL after the triggers came back. */
  differing: string[];
}

/**
 * orders.place and sales.record with the aggregate triggers and without, `perSide` timed calls
 * of each on each side, in blocks of `block`, the side that goes first alternating.
 */
export async function measureAggregateOverhead(
  world: DemoWorld,
  orderVariants: readonly string[],
  saleVariants: readonly string[],
  perSide: number,
  block: number,
): Promise<OverheadResult> {
  const db = world.core.db;
  const s = db.sqlite;
  const triggers = analyticsTriggers(db);
  const shop1 = world.as('shop1');
  const random = rng(99);
  // The shelf again: the reorder bench's seed rewrites these shops' stock before this runs.
  for (const variantId of saleVariants)
    await shop1('stock.adjust', { variantId, quantity: 100_000, reason: 'bench shelf' });
  const order = () => {
    const picked = new Set<string>();
    while (picked.size < 5) picked.add(orderVariants[Math.floor(random() * orderVariants.length)]!);
    return shop1('orders.place', {
      shopId: world.branch.SH01,
      lines: [...picked].map((variantId) => ({
        variantId,
        quantity: 1 + Math.floor(random() * 30),
      })),
    });
  };
  const sale = () =>
    shop1('sales.record', {
      lines: saleVariants.map((variantId) => ({ variantId, quantity: 1 })),
      payments: [{ method: 'card', amount: 100 }, { method: 'cash' }],
    });
  const drop = () =>
    s.transaction(() => triggers.forEach((t) => s.exec(`DROP TRIGGER ${t.name}`)))();
  const create = () => s.transaction(() => triggers.forEach((t) => s.exec(t.sql)))();
  // Wall time (what people wait, fsync included) and CPU time (the work itself, steadier on a
  // busy machine) per call, by side.
  const times = {
    order: { with: [] as number[], without: [] as number[] },
    sale: { with: [] as number[], without: [] as number[] },
  };
  const cpu = { order: { with: 0, without: 0 }, sale: { with: 0, without: 0 } };
  const timedCpu = async (fn: () => Promise<unknown>) => {
    const c = process.cpuUsage();
    const t = await timed(fn);
    const d = process.cpuUsage(c);
    return { ms: t.ms, cpuMs: (d.user + d.system) / 1000 };
  };
  const run = async (side: 'with' | 'without') => {
    // The first call of a block prepares again after the schema change: not timed.
    for (let i = -1; i < block; i++) {
      const o = await timedCpu(order);
      const sl = await timedCpu(sale);
      if (i < 0) continue;
      times.order[side].push(o.ms);
      times.sale[side].push(sl.ms);
      cpu.order[side] += o.cpuMs;
      cpu.sale[side] += sl.cpuMs;
    }
  };
  let blocks = 0;
  for (let done = 0; done < perSide; done += block, blocks++) {
    const sides: ('with' | 'without')[] =
      blocks % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
    for (const side of sides) {
      if (side === 'without') drop();
      try {
        await run(side);
      } finally {
        if (side === 'without') create();
      }
    }
  }
  // What the dropped blocks wrote is missing from the aggregates: counted again from the
  // sources, as fillAggregates does for a database written before them.
  const t0 = performance.now();
  s.transaction(() => recountAll(db))();
  const restoreMs = performance.now() - t0;
  // Then the triggers, put back, must count new rows again: one more of each, then the recount.
  await order();
  await sale();
  const recounted = ['sales_by_hour', 'orders_by_day'].map((table) => {
    const def = aggregateDefs.find((d) => d.table === table)!;
    const { stored, recounted: again } = storedAndRecounted(db, def);
    return { table, rows: stored.length, equal: JSON.stringify(stored) === JSON.stringify(again) };
  });
  const summary = (op: 'order' | 'sale') => {
    const w = summarize(times[op].with);
    const wo = summarize(times[op].without);
    return {
      with: w,
      without: wo,
      ratio: w.median / wo.median,
      cpuRatio: cpu[op].with / w.n / (cpu[op].without / wo.n),
      cpuMs: { with: cpu[op].with / w.n, without: cpu[op].without / wo.n },
    };
  };
  return {
    order: summary('order'),
    sale: summary('sale'),
    triggers: triggers.length,
    blocks,
    restoreMs,
    recounted,
    differing: aggregatesAgree(db).differing,
  };
}

export const overheadRows = (o: OverheadResult): Row[] => [
  {
    measure: 'aggregate overhead, orders.place (median with / without)',
    value: `${o.order.ratio.toFixed(3)} (${fmtMs(o.order.with.median)} / ${fmtMs(o.order.without.median)})`,
    target: `< ${TARGET.overhead}`,
    pass: o.order.ratio < TARGET.overhead,
  },
  {
    measure: 'aggregate overhead, sales.record (median with / without)',
    value: `${o.sale.ratio.toFixed(3)} (${fmtMs(o.sale.with.median)} / ${fmtMs(o.sale.without.median)})`,
    target: `< ${TARGET.overhead}`,
    pass: o.sale.ratio < TARGET.overhead,
  },
  {
    measure: '  CPU per call with / without, orders.place',
    value: `${o.order.cpuRatio.toFixed(3)} (${fmtMs(o.order.cpuMs.with)} / ${fmtMs(o.order.cpuMs.without)})`,
  },
  {
    measure: '  CPU per call with / without, sales.record',
    value: `${o.sale.cpuRatio.toFixed(3)} (${fmtMs(o.sale.cpuMs.with)} / ${fmtMs(o.sale.cpuMs.without)})`,
  },
  {
    measure: `  ${o.triggers} triggers dropped and put back, ${o.blocks} x 2 blocks, ${fmtInt(o.order.with.n)} calls a side`,
    value: `recount after: ${(o.restoreMs / 1000).toFixed(1)} s`,
  },
  ...o.recounted.map((r) => ({
    measure: `  storedAndRecounted(${r.table}) after, ${fmtInt(r.rows)} rows`,
    value: r.equal ? 'equal' : 'DIFFERENT',
    pass: r.equal,
  })),
  {
    measure: '  every aggregate = its recount after (SQL EXCEPT)',
    value: o.differing.length === 0 ? 'yes' : `NO: ${o.differing.join(', ')}`,
    pass: o.differing.length === 0,
  },
];
