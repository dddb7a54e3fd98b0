// Head office's nightly reorder run and the refit of the demand forecasts it reads (decision
// 0032). The run reads every active rule with its branch's stock, what is on order and the stored
// forecast, asks ./plan.ts what each needs, and drafts one purchase order per supplier and
// receiving branch, all in one transaction: a run that fails leaves nothing drafted, and is kept
// in purchase_runs with its error for the admin. A rule whose need is already on an open order
// (drafts included) is not ordered again, so running twice, or every night until someone acts,
// orders the need once.
import { z } from 'zod';
import { action, query } from '../contract/define';
import type { Context } from '../contract/context';
import type { Db } from '../db/open';
import { parseRows } from '../db/rows';
import { emit, refuseIfNotHere } from '../events/emit';
import { forecastDemand } from '../forecast/forecast';
import { newId } from '../ids';
import { companyCurrency } from '../locale/money';
import { adjustedDailySql } from './adjust';
import type { PurchaseLine } from './events';
import { minorUnitsOf, toCompanyMinor } from './money';
import { planLine, type StoredForecast, type SupplierTerms } from './plan';

const OPEN = `('draft', 'awaiting_second', 'approved', 'partly_received')`;
/** Lines per drafted order at most (the event's limit); more make further orders. */
const LINES_PER_ORDER = 500;
const DAY_MS = 86_400_000;
/** Days of history a forecast is fitted on, and days ahead it is stored for. */
export const HISTORY_DAYS = 730;
export const FORECAST_DAYS = 120;

const ruleRow = z.object({
  id: z.string(),
  branchId: z.string(),
  variantId: z.string(),
  min: z.number().int(),
  max: z.number().int().nullable(),
  daysOfCover: z.number().int().nullable(),
  supplierId: z.string().nullable(),
});

const itemRow = z.object({
  supplierItemId: z.string(),
  supplierId: z.string(),
  variantId: z.string(),
  supplierCode: z.string().nullable(),
  price: z.number().int(),
  packSize: z.number().int(),
  minOrderQty: z.number().int(),
  leadTimeDays: z.number().int(),
  currencyCode: z.string(),
});
type Item = z.infer<typeof itemRow>;

const figuresRow = z.object({
  branchId: z.string(),
  variantId: z.string(),
  onHand: z.number().int(),
  reserved: z.number().int(),
  inTransit: z.number().int(),
});
const onOrderRow = z.object({ branchId: z.string(), variantId: z.string(), n: z.number().int() });
const forecastRow = z.object({
  branchId: z.string(),
  variantId: z.string(),
  fittedAt: z.number().int(),
  method: z.string(),
  shortHistory: z.number(),
  daily: z.string(),
  /** The latest AI adjustment made at or after the fit; null: none, or it was ignored. */
  adjusted: z.string().nullable(),
});
const rateRow = z.object({ currencyCode: z.string(), rate: z.string() });

const key = (branchId: string, variantId: string) => `${branchId}\u0000${variantId}`;

/** Everything the run reads, in a few whole-table reads (20,000 rules: no query per rule). */
function gather(db: Db) {
  const rules = parseRows(
    ruleRow,
    db.sqlite
      .prepare(
        `SELECT r.id, r.branch_id AS branchId, r.variant_id AS variantId, r.min, r.max, r.days_of_cover AS daysOfCover,
           r.supplier_id AS supplierId FROM reorder_rules r JOIN variants v ON v.id = r.variant_id
         WHERE r.active = 1 AND v.active = 1 ORDER BY r.id`,
      )
      .all(),
  );
  const items = new Map<string, Item[]>();
  for (const item of parseRows(
    itemRow,
    db.sqlite
      .prepare(
        `SELECT i.id AS supplierItemId, i.supplier_id AS supplierId, i.variant_id AS variantId,
           i.supplier_code AS supplierCode, i.price, i.pack_size AS packSize, i.min_order_qty AS minOrderQty,
           s.lead_time_days AS leadTimeDays, s.currency_code AS currencyCode
         FROM supplier_items i JOIN suppliers s ON s.id = i.supplier_id
         WHERE i.active = 1 AND s.active = 1 ORDER BY i.price, i.id`,
      )
      .all(),
  )) {
    const list = items.get(item.variantId) ?? [];
    list.push(item);
    items.set(item.variantId, list);
  }
  const figures = new Map(
    parseRows(
      figuresRow,
      db.sqlite
        .prepare(
          `SELECT branch_id AS branchId, variant_id AS variantId, on_hand AS onHand, reserved, in_transit AS inTransit
           FROM stock_balances`,
        )
        .all(),
    ).map((f) => [key(f.branchId, f.variantId), f]),
  );
  const onOrder = new Map(
    parseRows(
      onOrderRow,
      db.sqlite
        .prepare(
          `SELECT o.branch_id AS branchId, l.variant_id AS variantId, sum(max(l.quantity - l.received, 0)) AS n
           FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.order_id
           WHERE o.status IN ${OPEN} GROUP BY o.branch_id, l.variant_id`,
        )
        .all(),
    ).map((r) => [key(r.branchId, r.variantId), r.n]),
  );
  const ruleOnOrder = new Set(
    parseRows(
      z.object({ ruleId: z.string() }),
      db.sqlite
        .prepare(
          `SELECT DISTINCT l.rule_id AS ruleId FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.order_id
           WHERE o.status IN ${OPEN} AND l.rule_id IS NOT NULL`,
        )
        .all(),
    ).map((r) => r.ruleId),
  );
  const forecasts = new Map<string, StoredForecast>(
    parseRows(
      forecastRow,
      db.sqlite
        .prepare(
          `SELECT f.branch_id AS branchId, f.variant_id AS variantId, f.fitted_at AS fittedAt, f.method,
             f.short_history AS shortHistory, f.daily, ${adjustedDailySql('f')} AS adjusted FROM forecasts f`,
        )
        .all(),
    ).map((f) => [
      key(f.branchId, f.variantId),
      {
        daily: z.array(z.number()).parse(JSON.parse(f.adjusted ?? f.daily)),
        method: f.adjusted === null ? f.method : `${f.method}+ai`,
        shortHistory: f.shortHistory === 1,
        fittedAt: f.fittedAt,
      },
    ]),
  );
  // A supplier in another currency: head office's rate for it, else the rate of its currency's
  // latest approved order, for a person to check before approving.
  const rates = new Map<string, string>(
    parseRows(
      rateRow,
      db.sqlite.prepare(`SELECT id AS currencyCode, rate FROM exchange_rates`).all(),
    ).map((r) => [r.currencyCode, r.rate]),
  );
  for (const r of parseRows(
    rateRow,
    db.sqlite
      .prepare(
        `SELECT currency_code AS currencyCode, rate FROM purchase_orders
         WHERE rate IS NOT NULL AND approved_at IS NOT NULL ORDER BY approved_at DESC, id`,
      )
      .all(),
  ))
    if (!rates.has(r.currencyCode)) rates.set(r.currencyCode, r.rate);
  return { rules, items, figures, onOrder, ruleOnOrder, forecasts, rates };
}

export interface RunResult {
  runId: string;
  rules: number;
  lines: number;
  orders: number;
  /** Rules with no active supplier item for their variant: nothing can be ordered. */
  noSupplier: number;
  /** Rules whose need is already on an open order. */
  alreadyOrdered: number;
}

/** The run itself, in the caller's transaction. */
export function draftReorders(ctx: Context, runId: string): RunResult {
  const now = ctx.now();
  const data = gather(ctx.db);
  const company = companyCurrency(ctx.db);
  const groups = new Map<string, { supplierId: string; branchId: string; lines: PurchaseLine[] }>();
  let noSupplier = 0;
  let alreadyOrdered = 0;
  let lines = 0;
  for (const rule of data.rules) {
    if (data.ruleOnOrder.has(rule.id)) {
      alreadyOrdered++;
      continue;
    }
    const offers = data.items.get(rule.variantId) ?? [];
    const item =
      (rule.supplierId && offers.find((o) => o.supplierId === rule.supplierId)) || offers[0];
    if (!item) {
      noSupplier++;
      continue;
    }
    const k = key(rule.branchId, rule.variantId);
    const f = data.figures.get(k);
    const stock = {
      onHand: f?.onHand ?? 0,
      inTransit: f?.inTransit ?? 0,
      onOrder: data.onOrder.get(k) ?? 0,
      reserved: f?.reserved ?? 0,
    };
    const terms: SupplierTerms = item;
    const line = planLine(rule, stock, terms, data.forecasts.get(k) ?? null, now);
    if (!line) continue;
    const groupKey = key(item.supplierId, rule.branchId);
    const group = groups.get(groupKey) ?? {
      supplierId: item.supplierId,
      branchId: rule.branchId,
      lines: [],
    };
    group.lines.push({
      variantId: rule.variantId,
      supplierItemId: item.supplierItemId,
      supplierCode: item.supplierCode,
      quantity: line.quantity,
      price: item.price,
      ruleId: rule.id,
      why: JSON.stringify(line.why),
    });
    groups.set(groupKey, group);
    lines++;
  }
  let orders = 0;
  const currencyOf = new Map(
    [...data.items.values()].flat().map((i) => [i.supplierId, i.currencyCode]),
  );
  for (const group of groups.values()) {
    const currencyCode = currencyOf.get(group.supplierId) ?? company.code;
    const rate = currencyCode === company.code ? null : (data.rates.get(currencyCode) ?? null);
    for (let i = 0; i < group.lines.length; i += LINES_PER_ORDER) {
      const part = group.lines.slice(i, i + LINES_PER_ORDER);
      const total = part.reduce((s, l) => s + l.quantity * l.price, 0);
      const orderId = newId(now);
      emit(ctx, 'purchase.drafted', orderId, {
        orderId,
        branchId: group.branchId,
        source: 'nightly',
        runId,
        supplierId: group.supplierId,
        currencyCode,
        rate,
        // With no rate yet the company's total is unknown (0) until a person enters one.
        totalCompany:
          currencyCode !== company.code && rate === null
            ? 0
            : toCompanyMinor(total, rate, minorUnitsOf(currencyCode), company.minorUnits),
        lines: part,
        note: null,
      });
      orders++;
    }
  }
  return { runId, rules: data.rules.length, lines, orders, noSupplier, alreadyOrdered };
}

export const runReorder = action({
  access: 'purchasing.manage',
  input: z.object({}),
  handler: (ctx): RunResult => {
    refuseIfNotHere(ctx, 'purchase.drafted');
    const runId = newId(ctx.now());
    const db = ctx.db.sqlite;
    db.prepare(`INSERT INTO purchase_runs (id, started_at, status) VALUES (?, ?, 'running')`).run(
      runId,
      ctx.now(),
    );
    try {
      const result = db.transaction(() => draftReorders(ctx, runId)).immediate();
      db.prepare(
        `UPDATE purchase_runs SET status = 'done', finished_at = ?, rules = ?, lines = ?, orders = ? WHERE id = ?`,
      ).run(ctx.now(), result.rules, result.lines, result.orders, runId);
      return result;
    } catch (e) {
      db.prepare(
        `UPDATE purchase_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ?`,
      ).run(ctx.now(), e instanceof Error ? e.message : String(e), runId);
      throw e;
    }
  },
});

const runRow = z.object({
  id: z.string(),
  startedAt: z.number().int(),
  finishedAt: z.number().int().nullable(),
  status: z.enum(['running', 'done', 'failed']),
  rules: z.number().int(),
  lines: z.number().int(),
  orders: z.number().int(),
  error: z.string().nullable(),
});

export const listRuns = query({
  access: 'purchasing.read',
  input: z.object({}),
  handler: (ctx) =>
    parseRows(
      runRow,
      ctx.db.sqlite
        .prepare(
          `SELECT id, started_at AS startedAt, finished_at AS finishedAt, status, rules, lines, orders, error
           FROM purchase_runs ORDER BY started_at DESC, id LIMIT 30`,
        )
        .all(),
    ),
});

const demandRow = z.object({
  branchId: z.string(),
  variantId: z.string(),
  day: z.number().int(),
  n: z.number().int(),
});

/**
 * Daily demand per rule's branch and variant over the last `HISTORY_DAYS`: what left the shelf
 * (counter sales, dispatches to shops), less counter returns, by UTC day; oldest first.
 */
export function demandHistories(db: Db, now: number): Map<string, number[]> {
  const today = Math.floor(now / DAY_MS);
  const first = today - HISTORY_DAYS + 1;
  const histories = new Map<string, number[]>();
  for (const r of parseRows(
    z.object({ branchId: z.string(), variantId: z.string() }),
    db.sqlite
      .prepare(
        `SELECT DISTINCT branch_id AS branchId, variant_id AS variantId FROM reorder_rules WHERE active = 1`,
      )
      .all(),
  ))
    histories.set(key(r.branchId, r.variantId), new Array<number>(HISTORY_DAYS).fill(0));
  const rows = db.sqlite
    .prepare(
      `SELECT m.branch_id AS branchId, m.variant_id AS variantId, m.created_at / ${DAY_MS} AS day, -sum(m.on_hand) AS n
       FROM stock_movements m
       WHERE m.kind IN ('sale', 'dispatch', 'return') AND m.created_at >= ?
         AND EXISTS (SELECT 1 FROM reorder_rules r WHERE r.branch_id = m.branch_id AND r.variant_id = m.variant_id AND r.active = 1)
       GROUP BY m.branch_id, m.variant_id, day`,
    )
    .iterate(first * DAY_MS);
  for (const raw of rows) {
    const r = demandRow.parse(raw);
    const history = histories.get(key(r.branchId, r.variantId));
    const at = r.day - first;
    if (history && at >= 0 && at < HISTORY_DAYS) history[at] = Math.max(r.n, 0);
  }
  return histories;
}

/** Fits every rule's series again and keeps the forecasts for the nightly run. */
export function refitForecasts(
  db: Db,
  now: number,
  progress?: (done: number, of: number) => void,
): { series: number } {
  const histories = demandHistories(db, now);
  const save = db.sqlite.prepare(
    `INSERT INTO forecasts (branch_id, variant_id, fitted_at, method, short_history, daily)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (branch_id, variant_id) DO UPDATE SET fitted_at = excluded.fitted_at,
       method = excluded.method, short_history = excluded.short_history, daily = excluded.daily`,
  );
  // The fits are the slow part; they are saved in batches so a reader never waits long.
  const fitted: [string, string, ReturnType<typeof forecastDemand>][] = [];
  let done = 0;
  const flush = db.sqlite.transaction(() => {
    for (const [branchId, variantId, f] of fitted)
      save.run(
        branchId,
        variantId,
        now,
        f.method,
        f.shortHistory ? 1 : 0,
        JSON.stringify(f.daily.map((d) => Math.round(d * 1000) / 1000)),
      );
    fitted.length = 0;
  });
  for (const [k, history] of histories) {
    const [branchId = '', variantId = ''] = k.split('\u0000');
    fitted.push([branchId, variantId, forecastDemand(history, FORECAST_DAYS)]);
    done++;
    if (fitted.length >= 500) {
      flush();
      progress?.(done, histories.size);
    }
  }
  flush();
  progress?.(done, histories.size);
  return { series: histories.size };
}

export const refit = action({
  access: 'purchasing.manage',
  input: z.object({}),
  handler: (ctx) => {
    refuseIfNotHere(ctx, 'purchase.drafted');
    return refitForecasts(ctx.db, ctx.now());
  },
});
