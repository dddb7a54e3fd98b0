// Seeding the reorder benchmark (./reorder.ts measures): head office's size, 20,000 reorder rules
// over 10 branches with two years of daily demand.
//
// What people create one at a time goes through the contract: shop branches, suppliers, the
// catalog's products and the few open purchase orders. The bulk does not: supplier items, reorder
// rules and the demand history are written with prepared statements in large transactions (20,000
// rule saves and ten million sales through the contract would take hours), as history.ts does.
// Each day's sales of a branch hang off one synthetic event of type `bench.sales_day`, which no
// projection knows: the movements need an event (foreign key), and nothing here re-folds them.
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { generateHistories } from '../forecast/generate';
import { newId } from '../ids';
import { companyCurrency } from '../locale/money';
import { HISTORY_DAYS } from '../purchasing/run';
import type { DemoWorld } from '../testing/demo';
import { fmtInt, rng } from './stats';

const DAY = 86_400_000;
const SERIES_PER_TX = 400;
const PACKS = [1, 1, 1, 6, 12, 24, 50];

export interface ReorderPlan {
  branches: number;
  rules: number;
  suppliers: number;
  /** Open purchase orders already covering some needs, and their lines each. */
  openOrders: number;
  openOrderLines: number;
  now: number;
}

/** The plan at a BENCH_SCALE: 20,000 rules over 10 branches at 1; 100 rules over 2 at 0.005. */
export function reorderPlan(scale: number, now: number): ReorderPlan {
  const s = Math.min(1, scale);
  return {
    branches: Math.max(2, Math.min(10, Math.round(10 * Math.sqrt(s)))),
    rules: Math.max(100, Math.round(20_000 * s)),
    suppliers: Math.max(3, Math.round(20 * Math.sqrt(s))),
    openOrders: Math.max(2, Math.round(20 * s)),
    openOrderLines: Math.max(2, Math.round(50 * Math.sqrt(s))),
    now,
  };
}

export interface ReorderSeed {
  seconds: number;
  branches: number;
  variants: number;
  rules: number;
  suppliers: number;
  supplierItems: number;
  movements: number;
  openOrders: number;
  /** Rules whose stock (on hand + in transit − reserved) is below their minimum, before any run. */
  belowMin: number;
}

const idRow = z.object({ id: z.string() });
const countRow = z.object({ n: z.number().int() });
const count = (db: Db, sql: string): number =>
  parseRow(countRow, db.sqlite.prepare(sql).get())?.n ?? 0;

interface Series {
  branchId: string;
  variantId: string;
  /** Average demand a day over the last eight weeks. */
  recent: number;
  supplier: SupplierRef;
  below: boolean;
  min: number;
}

interface SupplierRef {
  id: string;
  leadTimeDays: number;
  foreign: boolean;
}

/** Shop branches and catalog variants through the contract, as the admin would add them. */
async function branchesAndVariants(world: DemoWorld, plan: ReorderPlan, variantsNeeded: number) {
  const admin = world.as('admin');
  const db = world.core.db;
  const branchIds = [world.branch.FAC, world.branch.SH01, world.branch.SH02];
  for (let n = 3; branchIds.length < plan.branches; n++) {
    const code = `SH${String(n).padStart(2, '0')}`;
    const known = parseRow(
      idRow,
      db.sqlite.prepare('SELECT id FROM branches WHERE code = ?').get(code),
    );
    branchIds.push(
      known?.id ?? (await admin('branches.create', { code, name: `Shop ${n}`, kind: 'shop' })).id,
    );
  }
  const branches = plan.branches <= 2 ? [world.branch.SH01, world.branch.SH02] : branchIds;
  const variantIds = () =>
    parseRows(
      idRow,
      db.sqlite.prepare('SELECT id FROM variants WHERE active = 1 ORDER BY sku').all(),
    ).map((r) => r.id);
  let variants = variantIds();
  for (let p = 0; variants.length < variantsNeeded; p++) {
    const n = Math.min(200, variantsNeeded - variants.length);
    await admin('catalog.createProduct', {
      name: `Reorder bench goods ${p + 1}`,
      category: 'Bench',
      unit: 'pcs',
      variants: Array.from({ length: n }, (_, i) => ({
        sku: `RO${String(p).padStart(2, '0')}-${String(i).padStart(3, '0')}`,
        attributes: { item: String(i) },
        price: 5_000 + ((p * 37 + i * 11) % 200) * 100,
        cost: 3_000 + ((p * 37 + i * 11) % 200) * 60,
        minStock: 0,
      })),
    });
    variants = variantIds();
  }
  return { branches, variants: variants.slice(0, variantsNeeded) };
}

async function saveSuppliers(world: DemoWorld, plan: ReorderPlan): Promise<SupplierRef[]> {
  const admin = world.as('admin');
  const company = companyCurrency(world.core.db).code;
  const out: SupplierRef[] = [];
  for (let i = 0; i < plan.suppliers; i++) {
    // Mostly the company's currency; every tenth supplier (from the third on) sells in dollars.
    const foreign = i % 10 === 2 && company !== 'USD';
    const leadTimeDays = (i * 7) % 31;
    const { id } = await admin('suppliers.save', {
      name: `Bench supplier ${i + 1}`,
      currencyCode: foreign ? 'USD' : company,
      leadTimeDays,
    });
    out.push({ id, leadTimeDays, foreign });
  }
  return out;
}

export async function seedReorder(
  world: DemoWorld,
  plan: ReorderPlan,
  log: (line: string) => void,
): Promise<ReorderSeed> {
  const started = performance.now();
  const db = world.core.db;
  const s = db.sqlite;
  const random = rng(20261214);
  const perBranch = Math.ceil(plan.rules / plan.branches);
  const { branches, variants } = await branchesAndVariants(world, plan, perBranch);
  const suppliers = await saveSuppliers(world, plan);
  log(
    `  reorder seed: ${branches.length} branches, ${fmtInt(variants.length)} variants, ${suppliers.length} suppliers (contract); ` +
      `writing items, rules and demand...`,
  );
  const me = await world.as('admin')('auth.me', {});
  const deviceId = world.core.context().device?.id ?? '';
  const hlc =
    parseRow(
      z.object({ hlc: z.string() }),
      s.prepare('SELECT hlc FROM events ORDER BY seq DESC LIMIT 1').get(),
    )?.hlc ?? '';
  const existing = new Map(
    parseRows(
      z.object({ branchId: z.string(), variantId: z.string(), onHand: z.number().int() }),
      s
        .prepare(
          'SELECT branch_id AS branchId, variant_id AS variantId, on_hand AS onHand FROM stock_balances',
        )
        .all(),
    ).map((b) => [`${b.branchId} ${b.variantId}`, b.onHand]),
  );

  const st = {
    item: s.prepare(
      `INSERT INTO supplier_items (id, supplier_id, variant_id, supplier_code, price, pack_size, min_order_qty)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    rule: s.prepare(
      `INSERT INTO reorder_rules (id, branch_id, variant_id, min, max, days_of_cover, supplier_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    event: s.prepare(
      `INSERT INTO events (id, type, schema_version, branch_id, device_id, user_id, hlc, created_at, payload)
       VALUES (?, 'bench.sales_day', 1, ?, ?, ?, ?, ?, ?)`,
    ),
    movement: s.prepare(
      `INSERT INTO stock_movements (event_id, branch_id, variant_id, kind, on_hand, reason, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
  };

  // Each ruled variant is sold by its primary supplier, a third of them by a second one too.
  const primaryOf = new Map<string, SupplierRef>();
  const secondOf = new Map<string, SupplierRef>();
  let supplierItems = 0;
  s.transaction(() => {
    variants.forEach((variantId, v) => {
      const primary = suppliers[v % suppliers.length]!;
      const second = v % 3 === 0 ? suppliers[(v + 1) % suppliers.length] : undefined;
      primaryOf.set(variantId, primary);
      if (second && second.id !== primary.id) secondOf.set(variantId, second);
      for (const sup of second && second.id !== primary.id ? [primary, second] : [primary]) {
        const pack = PACKS[Math.floor(random() * PACKS.length)]!;
        const price = sup.foreign
          ? 50 + Math.floor(random() * 2_000)
          : 2_000 + Math.floor(random() * 80_000);
        st.item.run(
          newId(plan.now),
          sup.id,
          variantId,
          `S-${v}`,
          price,
          pack,
          pack * (random() < 0.3 ? 2 : 1),
        );
        supplierItems++;
      }
    });
  })();

  // One event a branch a day for that day's sales, oldest first.
  const today = Math.floor(plan.now / DAY);
  const first = today - HISTORY_DAYS + 1;
  const at = (d: number) => Math.min((first + d) * DAY + 43_200_000, plan.now - 1);
  const dayEvents = new Map<string, string[]>();
  s.transaction(() => {
    for (const branchId of branches) {
      const ids = Array.from({ length: HISTORY_DAYS }, () => newId(plan.now));
      ids.forEach((id, d) =>
        st.event.run(
          id,
          branchId,
          deviceId,
          me.userId,
          hlc,
          at(d),
          '{"note":"a day of sales, seeded"}',
        ),
      );
      dayEvents.set(branchId, ids);
    }
  })();

  const pairs: [string, string][] = [];
  for (const variantId of variants)
    for (const branchId of branches)
      if (pairs.length < plan.rules) pairs.push([branchId, variantId]);
  const series: Series[] = [];
  let movements = 0;
  const appCache = Number(s.pragma('cache_size', { simple: true }));
  s.pragma('cache_size = -262144');
  const writeBatch = s.transaction((from: number) => {
    const histories = generateHistories(SERIES_PER_TX, 20261204 + from, HISTORY_DAYS);
    for (let i = 0; i < SERIES_PER_TX && from + i < pairs.length; i++) {
      const [branchId, variantId] = pairs[from + i]!;
      const history = histories[i]!.history;
      const events = dayEvents.get(branchId)!;
      let sold = 0;
      history.forEach((n, d) => {
        if (n <= 0) return;
        st.movement.run(events[d], branchId, variantId, 'sale', -n, null, at(d));
        sold += n;
      });
      movements += history.filter((n) => n > 0).length;
      const recent = history.slice(-56).reduce((a, b) => a + b, 0) / 56;
      const supplier = primaryOf.get(variantId)!;
      // A week of demand as the minimum; up to a month's more, or 14–60 days of cover.
      const min = Math.ceil(recent * 7) + 2;
      const daysOfCover = random() < 0.4 ? 14 + Math.floor(random() * 47) : null;
      const max = daysOfCover === null ? min + Math.ceil(recent * 30) + 5 : null;
      const preferred = random() < 0.25 ? (secondOf.get(variantId) ?? supplier) : null;
      st.rule.run(
        newId(plan.now),
        branchId,
        variantId,
        min,
        max,
        daysOfCover,
        preferred?.id ?? null,
      );
      // About a third end below their minimum; the rest above it with the lead time's demand.
      const below = random() < 0.3;
      const lead = recent * supplier.leadTimeDays;
      const target = below
        ? Math.floor(random() * min)
        : min + Math.ceil(lead * 1.5 + recent * 5) + 3 + Math.floor(random() * recent * 20);
      const opening = target + sold - (existing.get(`${branchId} ${variantId}`) ?? 0);
      st.movement.run(
        events[0],
        branchId,
        variantId,
        'adjustment',
        opening,
        'bench opening stock',
        at(0) - 3_600_000,
      );
      movements++;
      series.push({ branchId, variantId, recent, supplier, below, min });
    }
  });
  const tick = Math.max(
    SERIES_PER_TX,
    Math.round(pairs.length / 10 / SERIES_PER_TX) * SERIES_PER_TX,
  );
  try {
    for (let from = 0; from < pairs.length; from += SERIES_PER_TX) {
      writeBatch.immediate(from);
      const done = Math.min(pairs.length, from + SERIES_PER_TX);
      if (done % tick === 0 || done === pairs.length)
        log(
          `  reorder seed: ${fmtInt(done)} / ${fmtInt(pairs.length)} series, ${fmtInt(movements)} movements, ` +
            `${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
    }
  } finally {
    s.pragma(`cache_size = ${appCache}`);
  }
  s.pragma('wal_checkpoint(TRUNCATE)');
  const openOrders = await openPurchaseOrders(world, plan, series);
  return {
    seconds: (performance.now() - started) / 1000,
    branches: branches.length,
    variants: variants.length,
    rules: pairs.length,
    suppliers: suppliers.length,
    supplierItems,
    movements,
    openOrders,
    belowMin: count(
      db,
      `SELECT count(*) AS n FROM reorder_rules r LEFT JOIN stock_balances b
         ON b.branch_id = r.branch_id AND b.variant_id = r.variant_id
       WHERE coalesce(b.on_hand + b.in_transit - b.reserved, 0) < r.min`,
    ),
  };
}

/** A few approved orders through the contract, already covering some of the needs. */
async function openPurchaseOrders(world: DemoWorld, plan: ReorderPlan, series: Series[]) {
  const admin = world.as('admin');
  const groups = new Map<string, Series[]>();
  for (const x of series) {
    if (!x.below || x.supplier.foreign) continue;
    const k = `${x.supplier.id} ${x.branchId}`;
    groups.set(k, [...(groups.get(k) ?? []), x]);
  }
  let made = 0;
  for (const lines of groups.values()) {
    if (made >= plan.openOrders) break;
    const [head] = lines;
    if (!head) continue;
    const { id } = await admin('purchases.draft', {
      supplierId: head.supplier.id,
      branchId: head.branchId,
      lines: lines.slice(0, plan.openOrderLines).map((x) => ({
        variantId: x.variantId,
        quantity: x.min * 3 + Math.ceil(x.recent * (60 + x.supplier.leadTimeDays)) + 1,
      })),
    });
    const approved = await admin('purchases.approve', { id });
    if (approved.awaitingSecond) await world.as('finance')('purchases.approve', { id });
    made++;
  }
  return made;
}
