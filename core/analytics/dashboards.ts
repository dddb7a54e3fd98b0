// Each role's dashboard (issue 17, decision 0035), built from the figures (./figures.ts) into the
// one shape every screen draws (./shape.ts). A chart's series hold exactly what is drawn.
import { z } from 'zod';
import { board, periodRange } from '../badges/boards';
import type { Db } from '../db/open';
import { parseRows } from '../db/rows';
import { companyDayAndHour } from '../locale/day';
import { orderStatuses, paymentMethods } from '../vocabulary';
import {
  lowStock,
  heatOf,
  openByStatus,
  openOrderQty,
  ordersByStage,
  ordersIn,
  ordersTrend,
  production,
  received,
  salesByVariant,
  salesByDayHour,
  salesTrend,
  sameWeekdays,
  stockTotals,
  trendOf,
  variantsInfo,
  workTrend,
  type StageRow,
  type VariantInfo,
} from './figures';
import { bucketsOf, daysBetween, weekdayKeys } from './range';
import type { Bucket, Card, Chart, Dashboard, DashboardKind, ListTable } from './shape';

export interface DashboardQuery {
  kind: DashboardKind;
  from: string;
  to: string;
  bucket: Bucket;
  /** null: every branch the database covers. */
  branchId: string | null;
  costs: boolean;
  /** The person (a rep's or driver's own figures). */
  userId: string;
  now: number;
}

const HOURS = Array.from({ length: 24 }, (_, h) => String(h));
const DAY_MS = 86_400_000;
/** Open order statuses in the order they are passed through. */
const stages: string[] = [...orderStatuses];

/** Values in the buckets' order, zero where nothing happened. */
function along<T>(
  buckets: readonly string[],
  rows: readonly T[],
  bucketOf: (r: T) => string,
  value: (r: T) => number,
): number[] {
  const at = new Map(buckets.map((b, i) => [b, i]));
  const out = buckets.map(() => 0);
  for (const r of rows) {
    const i = at.get(bucketOf(r));
    if (i !== undefined) out[i] = (out[i] ?? 0) + value(r);
  }
  return out;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const label = (info: Map<string, VariantInfo>, id: string) => {
  const v = info.get(id);
  return v ? `${v.name} (${v.sku})` : id;
};

const branchRow = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  kind: z.string(),
});
export const branchesOf = (db: Db) =>
  parseRows(
    branchRow,
    db.sqlite.prepare('SELECT id, code, name, kind FROM branches ORDER BY code').all(),
  );

/** Today's sales in each hour against the average of the same weekday's last four weeks. */
function today(db: Db, q: DashboardQuery): { cards: Card[]; chart: Chart } {
  const { day, hour } = companyDayAndHour(db, q.now);
  const weeks = 4;
  const rows = sameWeekdays(db, day, weeks, q.branchId);
  const todays = rows.filter((r) => r.day === day);
  const before = rows.filter((r) => r.day !== day);
  const perHour = (rs: typeof rows) =>
    HOURS.map((_, h) => sum(rs.filter((r) => r.hour === h).map((r) => r.amount)));
  const now = perHour(todays);
  const usual = perHour(before).map((v) => Math.round(v / weeks));
  // The usual day up to the end of this hour: what today is measured against so far.
  const usualByNow = Math.round(sum(perHour(before).slice(0, hour + 1)) / weeks);
  return {
    cards: [
      {
        id: 'salesToday',
        unit: 'money',
        value: sum(todays.map((r) => r.amount)),
        compare: { id: 'usualByNow', value: usualByNow },
      },
      { id: 'ticketsToday', unit: 'count', value: sum(todays.map((r) => r.tickets)) },
    ],
    chart: {
      id: 'todayByHour',
      kind: 'bar',
      unit: 'money',
      labelKind: 'hour',
      labels: HOURS,
      series: [
        { key: 'today', values: now },
        { key: 'usual', values: usual },
      ],
    },
  };
}

/**
 * The sales charts and cards of a range. `perBranch`: the trend keeps each branch apart (head
 * office's comparison); otherwise it is summed from the same day-and-hour rows as the heat map.
 */
function salesCharts(
  db: Db,
  q: DashboardQuery,
  info: Map<string, VariantInfo>,
  perBranch: boolean,
) {
  const buckets = bucketsOf(q.from, q.to, q.bucket);
  const byDayHour = salesByDayHour(db, q.from, q.to, q.branchId);
  const trend = perBranch
    ? salesTrend(db, q.from, q.to, q.bucket, q.branchId)
    : trendOf(byDayHour, q.bucket);
  const byVariant = salesByVariant(db, q.from, q.to, q.branchId);
  const perVariant = new Map<string, { qty: number; amount: number }>();
  for (const r of byVariant) {
    const v = perVariant.get(r.variantId) ?? { qty: 0, amount: 0 };
    v.qty += r.qty;
    v.amount += r.amount;
    perVariant.set(r.variantId, v);
  }
  const top = [...perVariant]
    .filter(([, v]) => v.amount > 0)
    .sort((a, b) => b[1].amount - a[1].amount || a[0].localeCompare(b[0]))
    .slice(0, 10);
  const net = sum(byVariant.map((r) => r.amount));
  const margin = sum(byVariant.map((r) => r.amount - r.qty * (info.get(r.variantId)?.cost ?? 0)));
  const heat = heatOf(byDayHour);
  const charts: Chart[] = [
    {
      id: 'salesOverTime',
      kind: 'bar',
      unit: 'money',
      labelKind: q.bucket,
      labels: buckets,
      series: [
        {
          key: 'netSales',
          values: along(
            buckets,
            trend,
            (r) => r.bucket,
            (r) => r.amount,
          ),
        },
      ],
    },
    {
      id: 'topProducts',
      kind: 'bar',
      unit: 'money',
      labelKind: 'name',
      labels: top.map(([id]) => label(info, id)),
      series: [
        { key: 'netSales', values: top.map(([, v]) => v.amount) },
        ...(q.costs
          ? [
              {
                key: 'margin',
                values: top.map(([id, v]) => v.amount - v.qty * (info.get(id)?.cost ?? 0)),
              },
            ]
          : []),
      ],
    },
    {
      id: 'salesHeat',
      kind: 'heat',
      unit: 'money',
      labelKind: 'hour',
      labels: HOURS,
      series: weekdayKeys.map((key, w) => ({
        key,
        values: HOURS.map((_, h) =>
          sum(heat.filter((r) => r.weekday === w && r.hour === h).map((r) => r.amount)),
        ),
      })),
    },
  ];
  const cards: Card[] = [
    { id: 'netSales', unit: 'money', value: net },
    { id: 'tickets', unit: 'count', value: sum(trend.map((r) => r.tickets)) },
    ...(q.costs ? [{ id: 'margin', unit: 'money' as const, value: margin }] : []),
  ];
  return { charts, cards, byVariant, trend, buckets };
}

/** Orders by their current stage: a bar per stage (or stacked per shop). */
function stageChart(rows: readonly StageRow[], id: string): Chart {
  return {
    id,
    kind: 'bar',
    unit: 'count',
    labelKind: 'name',
    labels: stages,
    series: [
      {
        key: 'orders',
        values: stages.map((s) => sum(rows.filter((r) => r.status === s).map((r) => r.orders))),
      },
    ],
  };
}

const hours = (ms: number, n: number) => (n === 0 ? 0 : Math.round((ms / n / 3_600_000) * 10) / 10);

/**
 * Stock running low now, at the pace of the last 28 days to today (whatever range the charts
 * show: the stock is today's). Opened for every branch, the list says which branch each row is at.
 */
function lowStockList(db: Db, q: DashboardQuery, info: Map<string, VariantInfo>): ListTable {
  const rows = lowStock(db, companyDayAndHour(db, q.now).day, q.branchId, 10);
  const every = q.branchId === null;
  const codes = new Map(every ? branchesOf(db).map((b) => [b.id, b.code]) : []);
  return {
    id: 'lowStock',
    columns: [
      ...(every ? [{ key: 'branch', unit: 'text' as const }] : []),
      { key: 'product', unit: 'text' },
      { key: 'onHand', unit: 'qty' },
      { key: 'min', unit: 'qty' },
      { key: 'daysOfCover', unit: 'count' },
    ],
    rows: rows.map((r) => ({
      ...(every && { branch: codes.get(r.branchId) ?? r.branchId }),
      product: label(info, r.variantId),
      onHand: r.onHand,
      min: r.min,
      daysOfCover: r.cover,
    })),
  };
}

function shop(db: Db, q: DashboardQuery, info: Map<string, VariantInfo>): Partial<Dashboard> {
  const t = today(db, q);
  const s = salesCharts(db, q, info, false);
  const stageRows = ordersByStage(db, q.from, q.to, q.branchId);
  return {
    cards: [...t.cards, ...s.cards],
    charts: [t.chart, ...s.charts, stageChart(stageRows, 'ordersByStage')],
    lists: [lowStockList(db, q, info)],
  };
}

function stockByCategory(db: Db, q: DashboardQuery): Chart {
  const totals = stockTotals(db, q.branchId, true);
  const categories = [...new Set(totals.map((l) => l.category))].sort();
  const of = (c: string, f: (l: (typeof totals)[number]) => number) =>
    sum(totals.filter((l) => l.category === c).map(f));
  return {
    id: 'stockByCategory',
    kind: 'bar',
    unit: q.costs ? 'money' : 'qty',
    labelKind: 'name',
    labels: categories,
    series: [
      q.costs
        ? {
            key: 'stockValue',
            values: categories.map((c) => of(c, (l) => l.value)),
          }
        : { key: 'onHand', values: categories.map((c) => of(c, (l) => l.onHand)) },
    ],
  };
}

function waitingList(
  db: Db,
  q: DashboardQuery,
  id: string,
  statuses: readonly string[],
): ListTable {
  const rows = ordersIn(db, statuses, q.branchId, 10);
  return {
    id,
    columns: [
      { key: 'order', unit: 'text' },
      { key: 'shop', unit: 'text' },
      { key: 'status', unit: 'text' },
      { key: 'amount', unit: 'money' },
      { key: 'waiting', unit: 'age' },
    ],
    rows: rows.map((r) => ({
      order: r.number,
      shop: r.shop,
      status: r.status,
      amount: r.total - r.paid,
      waiting: Math.max(0, q.now - r.since),
    })),
  };
}

function factory(db: Db, q: DashboardQuery, info: Map<string, VariantInfo>): Partial<Dashboard> {
  const buckets = bucketsOf(q.from, q.to, q.bucket);
  const made = production(db, q.from, q.to, q.bucket, q.branchId);
  const open = openOrderQty(db, q.branchId);
  const producedBy = new Map<string, number>();
  for (const r of made) producedBy.set(r.variantId, (producedBy.get(r.variantId) ?? 0) + r.qty);
  const variants = [
    ...new Set([
      ...open.sort((a, b) => b.qty - a.qty).map((o) => o.variantId),
      ...producedBy.keys(),
    ]),
  ].slice(0, 10);
  const openBy = new Map(open.map((o) => [o.variantId, o.qty]));
  const now = openByStatus(db, q.branchId);
  const count = (s: string) => now.find((r) => r.status === s)?.orders ?? 0;
  const stageRows = ordersByStage(db, q.from, q.to, q.branchId);
  return {
    cards: [
      {
        id: 'openOrders',
        unit: 'count',
        value: count('placed') + count('slip_attached') + count('payment_verified'),
      },
      { id: 'toDispatch', unit: 'count', value: count('payment_verified') },
      { id: 'produced', unit: 'qty', value: sum(made.map((m) => m.qty)) },
    ],
    charts: [
      {
        id: 'productionVsOrders',
        kind: 'bar',
        unit: 'qty',
        labelKind: 'name',
        labels: variants.map((v) => label(info, v)),
        series: [
          { key: 'produced', values: variants.map((v) => producedBy.get(v) ?? 0) },
          { key: 'stillOrdered', values: variants.map((v) => openBy.get(v) ?? 0) },
        ],
      },
      {
        id: 'productionOverTime',
        kind: 'bar',
        unit: 'qty',
        labelKind: q.bucket,
        labels: buckets,
        series: [
          {
            key: 'produced',
            values: along(
              buckets,
              made,
              (r) => r.bucket,
              (r) => r.qty,
            ),
          },
        ],
      },
      stageChart(stageRows, 'ordersByStage'),
      stockByCategory(db, q),
    ],
    lists: [waitingList(db, q, 'toDispatch', ['payment_verified'])],
  };
}

const sourceGroups: readonly string[] = [
  'order',
  'account',
  ...paymentMethods.map((m) => `sale:${m}`),
  'refund',
];
const groupOf = (source: string) =>
  source.startsWith('refund:')
    ? 'refund'
    : source.startsWith('account:')
      ? 'account'
      : sourceGroups.includes(source)
        ? source
        : source.startsWith('sale:')
          ? 'sale:other'
          : source;

function finance(db: Db, q: DashboardQuery): Partial<Dashboard> {
  const buckets = bucketsOf(q.from, q.to, q.bucket);
  const money = received(db, q.from, q.to, q.bucket, q.branchId);
  const groups = [...new Set(money.map((m) => groupOf(m.source)))].sort(
    (a, b) => sourceGroupRank(a) - sourceGroupRank(b),
  );
  const waiting = ordersIn(db, ['slip_attached'], q.branchId, 1000);
  const ageDays = (r: (typeof waiting)[number]) => (q.now - r.since) / DAY_MS;
  const ages = [
    { key: 'upTo1', test: (d: number) => d <= 1 },
    { key: 'upTo3', test: (d: number) => d > 1 && d <= 3 },
    { key: 'upTo7', test: (d: number) => d > 3 && d <= 7 },
    { key: 'over7', test: (d: number) => d > 7 },
  ];
  return {
    cards: [
      { id: 'paymentsWaiting', unit: 'count', value: waiting.length },
      { id: 'amountWaiting', unit: 'money', value: sum(waiting.map((w) => w.total - w.paid)) },
      {
        id: 'oldestWaitingDays',
        unit: 'count',
        value: waiting.length === 0 ? 0 : Math.floor(Math.max(...waiting.map(ageDays))),
      },
      { id: 'received', unit: 'money', value: sum(money.map((m) => m.amount)) },
    ],
    charts: [
      {
        id: 'receivedOverTime',
        kind: 'stacked',
        unit: 'money',
        labelKind: q.bucket,
        labels: buckets,
        series: groups.map((g) => ({
          key: g,
          values: along(
            buckets,
            money.filter((m) => groupOf(m.source) === g),
            (r) => r.bucket,
            (r) => r.amount,
          ),
        })),
      },
      {
        id: 'waitingByAge',
        kind: 'bar',
        unit: 'count',
        labelKind: 'name',
        labels: ages.map((a) => a.key),
        series: [
          {
            key: 'payments',
            values: ages.map((a) => waiting.filter((w) => a.test(ageDays(w))).length),
          },
        ],
      },
    ],
    lists: [waitingList(db, q, 'paymentsWaiting', ['slip_attached'])],
  };
}
const sourceGroupRank = (g: string) => {
  const i = sourceGroups.indexOf(g);
  return i < 0 ? 99 : i;
};

function company(db: Db, q: DashboardQuery, info: Map<string, VariantInfo>): Partial<Dashboard> {
  const branches = branchesOf(db).filter((b) => q.branchId === null || b.id === q.branchId);
  const s = salesCharts(db, q, info, true);
  // Shops, and any other branch that sold something in the days (head office's own counter).
  const shops = branches.filter(
    (b) => b.kind === 'shop' || s.byVariant.some((r) => r.branchId === b.id),
  );
  const by = (branchId: string) => s.byVariant.filter((r) => r.branchId === branchId);
  const netOf = (id: string) => sum(by(id).map((r) => r.amount));
  const marginOf = (id: string) =>
    sum(by(id).map((r) => r.amount - r.qty * (info.get(r.variantId)?.cost ?? 0)));
  const stock = stockTotals(db, q.branchId, false);
  const stockOf = (id: string) =>
    sum(stock.filter((l) => l.branchId === id).map((l) => (q.costs ? l.value : l.present)));
  const stageRows = ordersByStage(db, q.from, q.to, q.branchId);
  const orderShops = branches.filter((b) => stageRows.some((r) => r.shopId === b.id));
  const ofShop = (id: string) => stageRows.filter((r) => r.shopId === id);
  const placed = ordersTrend(db, q.from, q.to, q.bucket, q.branchId);
  return {
    cards: [
      ...s.cards,
      {
        id: q.costs ? 'stockValue' : 'stockOnHand',
        unit: q.costs ? 'money' : 'qty',
        value: sum(branches.map((b) => stockOf(b.id))),
      },
      { id: 'ordersPlaced', unit: 'count', value: sum(placed.map((p) => p.orders)) },
    ],
    charts: [
      {
        id: 'branchSales',
        kind: 'bar',
        unit: 'money',
        labelKind: 'name',
        labels: shops.map((b) => b.code),
        series: [
          { key: 'netSales', values: shops.map((b) => netOf(b.id)) },
          ...(q.costs ? [{ key: 'margin', values: shops.map((b) => marginOf(b.id)) }] : []),
        ],
      },
      {
        id: 'salesByBranchOverTime',
        kind: 'line',
        unit: 'money',
        labelKind: q.bucket,
        labels: s.buckets,
        series: shops.map((b) => ({
          key: b.id,
          name: b.code,
          values: along(
            s.buckets,
            s.trend.filter((r) => r.branchId === b.id),
            (r) => r.bucket,
            (r) => r.amount,
          ),
        })),
      },
      {
        id: 'ordersByStageByShop',
        kind: 'stacked',
        unit: 'count',
        labelKind: 'name',
        labels: orderShops.map((b) => b.code),
        series: stages.map((st) => ({
          key: st,
          values: orderShops.map((b) =>
            sum(
              ofShop(b.id)
                .filter((r) => r.status === st)
                .map((r) => r.orders),
            ),
          ),
        })),
      },
      {
        id: 'stageHours',
        kind: 'bar',
        unit: 'hours',
        labelKind: 'name',
        labels: orderShops.map((b) => b.code),
        series: (
          [
            ['placedToPaid', 'paid', 'paidMs'],
            ['paidToDispatched', 'dispatched', 'dispatchedMs'],
            ['dispatchedToDelivered', 'delivered', 'deliveredMs'],
          ] as const
        ).map(([key, n, ms]) => ({
          key,
          values: orderShops.map((b) =>
            hours(sum(ofShop(b.id).map((r) => r[ms])), sum(ofShop(b.id).map((r) => r[n]))),
          ),
        })),
      },
      {
        id: q.costs ? 'stockValueByBranch' : 'stockByBranch',
        kind: 'bar',
        unit: q.costs ? 'money' : 'qty',
        labelKind: 'name',
        labels: branches.map((b) => b.code),
        series: [
          { key: q.costs ? 'stockValue' : 'onHand', values: branches.map((b) => stockOf(b.id)) },
        ],
      },
      s.charts[2] as Chart,
    ],
    lists: [],
  };
}

/** A rep's or driver's own work over the range, and where they stand on this week's board. */
function road(db: Db, q: DashboardQuery, role: 'sales_rep' | 'driver'): Partial<Dashboard> {
  const buckets = bucketsOf(q.from, q.to, q.bucket);
  const work = workTrend(db, q.userId, q.from, q.to, q.bucket);
  const kinds =
    role === 'driver' ? ['delivery', 'on_time_trip'] : ['order_delivered', 'new_customer'];
  const { day } = companyDayAndHour(db, q.now);
  const week = periodRange('week', day);
  const rows = board(db, role, week);
  const me = rows.find((r) => r.personId === q.userId);
  const total = (kind: string, f: (r: (typeof work)[number]) => number) =>
    sum(work.filter((w) => w.kind === kind).map(f));
  return {
    cards: [
      ...kinds.map((k) => ({ id: k, unit: 'count' as const, value: total(k, (r) => r.n) })),
      ...(role === 'sales_rep'
        ? [
            {
              id: 'deliveredAmount',
              unit: 'money' as const,
              value: total('order_delivered', (r) => r.amount),
            },
          ]
        : []),
      { id: 'pointsThisWeek', unit: 'count', value: me?.points ?? 0 },
      { id: 'rankThisWeek', unit: 'count', value: me?.rank ?? 0 },
    ],
    charts: [
      {
        id: 'myWork',
        kind: 'stacked',
        unit: 'count',
        labelKind: q.bucket,
        labels: buckets,
        series: kinds.map((k) => ({
          key: k,
          values: along(
            buckets,
            work.filter((w) => w.kind === k),
            (r) => r.bucket,
            (r) => r.n,
          ),
        })),
      },
    ],
    lists: [
      {
        id: 'leaderboard',
        columns: [
          { key: 'rank', unit: 'count' },
          { key: 'name', unit: 'text' },
          { key: 'points', unit: 'count' },
        ],
        rows: rows.slice(0, 10).map((r) => ({ rank: r.rank, name: r.name, points: r.points })),
      },
    ],
  };
}

/** One dashboard, whole. */
export function dashboard(db: Db, q: DashboardQuery): Omit<Dashboard, 'branches' | 'kinds'> {
  const info = variantsInfo(db);
  const parts =
    q.kind === 'shop'
      ? shop(db, q, info)
      : q.kind === 'factory'
        ? factory(db, q, info)
        : q.kind === 'finance'
          ? finance(db, q)
          : q.kind === 'company'
            ? company(db, q, info)
            : road(db, q, q.kind === 'rep' ? 'sales_rep' : 'driver');
  return {
    kind: q.kind,
    range: { from: q.from, to: q.to, bucket: q.bucket },
    branchId: q.branchId,
    costs: q.costs,
    cards: parts.cards ?? [],
    charts: parts.charts ?? [],
    lists: parts.lists ?? [],
  };
}

export { daysBetween };
