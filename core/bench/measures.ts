// The measurements themselves, each through the real contract (core.call with a session token)
// and, for placing orders, side by side with the raw-SQL floor on a copy of the same database.
import { performance } from 'node:perf_hooks';
import { orderDetail } from '../orders/queries';
import { orderStatuses, type OrderStatus } from '../orders/status';
import type { DemoWorld } from '../testing/demo';
import type { RenderOrderSheet } from './pdf';
import { readPlacedRows, type RawOrderWriter } from './raw';
import { rng, summarize, timed, type Summary } from './stats';

const palette = ['White', 'Black', 'Navy', 'Red', 'Green'];
const sizes = ['XS', 'S', 'M', 'L'];
const productNames = [
  'Polo shirt',
  'Work jacket',
  'Overalls',
  'የሸክላ ድስት (Clay pot)',
  'Safety vest',
  'Рабочие перчатки (Work gloves)',
  'Canvas apron',
  'Tote bag',
  'Cotton cap',
  'Bed sheet',
];

/** Adds `products` x 20 variants through the contract, as an admin would. */
export async function addCatalog(world: DemoWorld, products = 10): Promise<string[]> {
  const ids: string[] = [];
  for (let p = 0; p < products; p++) {
    const variants = palette.flatMap((colour, c) =>
      sizes.map((size, z) => ({
        sku: `B${String(p).padStart(2, '0')}-${colour.slice(0, 3).toUpperCase()}-${size}`,
        attributes: { size, colour },
        price: 20_000 + p * 5_000 + c * 1_000 + z * 500,
        cost: 12_000 + p * 3_000,
        minStock: 10,
      })),
    );
    const name = productNames[p % productNames.length]!;
    const created = await world.as('admin')('catalog.createProduct', {
      name: p < productNames.length ? name : `${name} ${p}`,
      category: 'Bench',
      unit: 'pcs',
      variants,
    });
    ids.push(...(created.variantIds ?? []));
  }
  return ids;
}

export interface PlaceResult {
  core: Summary;
  raw: Summary;
  coreOrdersPerS: number;
  rawOrdersPerS: number;
  coreCpuMsPerOrder: number;
  rawCpuMsPerOrder: number;
  shortages: number;
  /** Rows changed per order (SQLite total_changes(), triggers included), core vs raw. */
  changes: { core: number; raw: number; mismatches: number };
}

const totalChanges = (db: DemoWorld['core']['db']) =>
  (db.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

/**
 * Places orders through orders.place as a shop clerk, and after each one writes the very rows it
 * wrote into the raw copy; the two alternate so drift in the disk's fsync time hits both alike.
 */
export async function measurePlace(
  world: DemoWorld,
  raw: RawOrderWriter,
  variantIds: readonly string[],
  warmup: number,
  n: number,
): Promise<PlaceResult> {
  const random = rng(7);
  const shopId = world.branch.SH01;
  const input = () => {
    const picked = new Set<string>();
    while (picked.size < 5) picked.add(variantIds[Math.floor(random() * variantIds.length)]!);
    return {
      shopId,
      lines: [...picked].map((variantId) => ({
        variantId,
        quantity: 1 + Math.floor(random() * 30),
      })),
    };
  };
  const coreMs: number[] = [];
  const rawMs: number[] = [];
  let coreCpu = 0;
  let rawCpu = 0;
  let shortages = 0;
  const changes = { core: 0, raw: 0, mismatches: 0 };
  for (let i = 0; i < warmup + n; i++) {
    const order = input();
    const before = [totalChanges(world.core.db), totalChanges(raw.db)];
    const cpu0 = process.cpuUsage();
    const placed = await timed(() => world.core.call('orders.place', order, world.tokens.shop1));
    const coreCpuNow = cpuMs(cpu0);
    const rows = readPlacedRows(world.core.db, placed.value.id);
    if (i === 0) raw.prepare(rows);
    const cpu1 = process.cpuUsage();
    const t0 = performance.now();
    raw.place(rows);
    const rawElapsed = performance.now() - t0;
    const rawCpuNow = cpuMs(cpu1);
    changes.core = totalChanges(world.core.db) - before[0]!;
    changes.raw = totalChanges(raw.db) - before[1]!;
    if (changes.core !== changes.raw) changes.mismatches++;
    if (i < warmup) continue;
    coreMs.push(placed.ms);
    rawMs.push(rawElapsed);
    coreCpu += coreCpuNow;
    rawCpu += rawCpuNow;
    shortages += placed.value.shortages.length;
  }
  const core = summarize(coreMs);
  const rawSummary = summarize(rawMs);
  return {
    core,
    raw: rawSummary,
    coreOrdersPerS: 1000 / core.mean,
    rawOrdersPerS: 1000 / rawSummary.mean,
    coreCpuMsPerOrder: coreCpu / n,
    rawCpuMsPerOrder: rawCpu / n,
    shortages,
    changes,
  };
}

/**
 * Where the core's CPU goes beyond the writes: better-sqlite3 compiles a statement on every
 * prepare() and the core prepares each statement anew on every call. Counted on a separate run
 * (the wrapper itself costs a little), by wrapping this connection's prepare.
 */
export async function profilePrepare(world: DemoWorld, variantIds: readonly string[], n: number) {
  const sqlite = world.core.db.sqlite;
  const original = sqlite.prepare;
  let calls = 0;
  let ms = 0;
  sqlite.prepare = function (this: typeof sqlite, source: string) {
    const start = performance.now();
    try {
      return original.call(this, source);
    } finally {
      ms += performance.now() - start;
      calls++;
    }
  } as typeof sqlite.prepare;
  const random = rng(11);
  const cpu0 = process.cpuUsage();
  try {
    for (let i = 0; i < n; i++) {
      const picked = new Set<string>();
      while (picked.size < 5) picked.add(variantIds[Math.floor(random() * variantIds.length)]!);
      const lines = [...picked].map((variantId) => ({
        variantId,
        quantity: 1 + Math.floor(random() * 30),
      }));
      await world.core.call(
        'orders.place',
        { shopId: world.branch.SH01, lines },
        world.tokens.shop1,
      );
    }
  } finally {
    sqlite.prepare = original;
  }
  return { preparesPerOrder: calls / n, prepareMsPerOrder: ms / n, cpuMsPerOrder: cpuMs(cpu0) / n };
}

export interface ListResult {
  overall: Summary;
  byStatus: Record<string, Summary>;
  rowsSeen: number;
}

/** Lists one page of 50 newest orders in one status, cycling statuses (and shops for head office). */
export async function measureList(
  world: DemoWorld,
  user: 'admin' | 'shop1' | 'factory',
  calls: number,
): Promise<ListResult> {
  const shops = [world.branch.SH01, world.branch.SH02];
  const all: number[] = [];
  const byStatus: Record<string, number[]> = {};
  let rowsSeen = 0;
  for (let i = -20; i < calls; i++) {
    const k = Math.abs(i);
    const status: OrderStatus = orderStatuses[k % orderStatuses.length]!;
    const input =
      user === 'factory'
        ? { status, limit: 50 }
        : { shopId: shops[Math.floor(k / orderStatuses.length) % 2]!, status, limit: 50 };
    const { ms, value } = await timed(() =>
      world.core.call('orders.list', input, world.tokens[user]),
    );
    if (value.some((o, j) => o.status !== status || (j > 0 && o.placedAt > value[j - 1]!.placedAt)))
      throw new Error(`orders.list returned rows out of status or order for ${status}`);
    if (i < 0) continue;
    all.push(ms);
    (byStatus[status] ??= []).push(ms);
    rowsSeen += value.length;
  }
  return {
    overall: summarize(all),
    byStatus: Object.fromEntries(Object.entries(byStatus).map(([s, v]) => [s, summarize(v)])),
    rowsSeen,
  };
}

/** Any other read through the contract: `calls` timed calls after 20 untimed ones. */
export async function measureCalls(
  calls: number,
  call: (i: number) => Promise<unknown>,
): Promise<Summary> {
  const ms: number[] = [];
  for (let i = -20; i < calls; i++) {
    const t = await timed(() => call(Math.abs(i)));
    if (i >= 0) ms.push(t.ms);
  }
  return summarize(ms);
}

export async function measureBalance(
  world: DemoWorld,
  branchId: string,
  variantId: string,
  calls: number,
): Promise<Summary> {
  const ms: number[] = [];
  for (let i = -50; i < calls; i++) {
    const t = await timed(() =>
      world.core.call('stock.balance', { branchId, variantId }, world.tokens.factory),
    );
    if (i >= 0) ms.push(t.ms);
  }
  return summarize(ms);
}

/** How many movements a variant's ledger at a branch holds (from the index alone). */
export const ledgerLength = (world: DemoWorld, branchId: string, variantId: string): number =>
  (
    world.core.db.sqlite
      .prepare('SELECT count(*) AS n FROM stock_movements WHERE branch_id = ? AND variant_id = ?')
      .get(branchId, variantId) as { n: number }
  ).n;

/** What a balance would cost if it were summed from the ledger each time, and whether it agrees. */
export function ledgerSum(world: DemoWorld, branchId: string, variantId: string) {
  const s = world.core.db.sqlite;
  const start = performance.now();
  const sum = s
    .prepare(
      `SELECT count(*) AS movements, coalesce(sum(on_hand), 0) AS onHand, coalesce(sum(reserved), 0) AS reserved,
              coalesce(sum(in_transit), 0) AS inTransit FROM stock_movements WHERE branch_id = ? AND variant_id = ?`,
    )
    .get(branchId, variantId) as {
    movements: number;
    onHand: number;
    reserved: number;
    inTransit: number;
  };
  const ms = performance.now() - start;
  const bal = (s
    .prepare(
      'SELECT on_hand AS onHand, reserved, in_transit AS inTransit FROM stock_balances WHERE branch_id = ? AND variant_id = ?',
    )
    .get(branchId, variantId) ?? { onHand: 0, reserved: 0, inTransit: 0 }) as {
    onHand: number;
    reserved: number;
    inTransit: number;
  };
  const agrees =
    bal.onHand === sum.onHand && bal.reserved === sum.reserved && bal.inTransit === sum.inTransit;
  return { movements: sum.movements, ms, agrees };
}

export interface PdfResult {
  summary: Summary;
  perSecond: number;
  bytes: number;
  pages: number;
}

export async function measurePdf(
  world: DemoWorld,
  render: RenderOrderSheet,
  orderId: string,
  n: number,
): Promise<PdfResult> {
  const order = orderDetail(world.core.db, orderId);
  const opts = { company: 'Akaki Textiles & Ceramics PLC', currency: 'ETB' };
  let last: Buffer = Buffer.alloc(0);
  for (let i = 0; i < 3; i++) last = await render(order, opts);
  if (last.subarray(0, 5).toString('latin1') !== '%PDF-')
    throw new Error('renderOrderSheet did not return a PDF');
  const ms: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t = await timed(() => render(order, opts));
    ms.push(t.ms);
    last = t.value;
  }
  const wall = performance.now() - start;
  const pages = (last.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  return { summary: summarize(ms), perSecond: (n * 1000) / wall, bytes: last.length, pages };
}
