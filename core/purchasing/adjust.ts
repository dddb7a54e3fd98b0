// An AI adjustment of a demand forecast (issue 14). A person describes what will change demand
// ("Timkat next week: double sales for 3 days"); head office's AI model is asked for the stored
// forecast's days again with that in mind; its answer goes through boundAdjustment, so a missing,
// slow or absurd one leaves the statistical forecast as it was, and one that overshoots is
// clipped. Every try is kept in forecast_adjustments with its note. The nightly run reads the
// latest adjustment made at or after the forecast's fit (adjustedDailySql) until the next refit.
import { z } from 'zod';
import type { AiAnswer, AiFailure } from '../ai/service';
import type { Context } from '../contract/context';
import { action, query } from '../contract/define';
import { id } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError } from '../errors';
import { refuseIfNotHere } from '../events/emit';
import { boundAdjustment } from '../forecast/bound';

const DAY_MS = 86_400_000;
/** Weeks of recent demand the model is shown, by weekday. */
const RECENT_WEEKS = 8;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/**
 * The daily forecast (JSON) of the latest adjustment made at or after the fit of forecast row
 * `f`; null when there is none or the latest was ignored (the statistical forecast stands).
 */
export const adjustedDailySql = (f: string) =>
  `(SELECT a.daily FROM forecast_adjustments a WHERE a.branch_id = ${f}.branch_id
     AND a.variant_id = ${f}.variant_id AND a.at >= ${f}.fitted_at ORDER BY a.at DESC, a.id DESC LIMIT 1)`;

const forecastRow = z.object({
  fittedAt: z.number().int(),
  method: z.string(),
  shortHistory: z.number(),
  daily: z.string(),
});
const daily = z.array(z.number());

function storedForecast(db: Db, branchId: string, variantId: string) {
  const row = parseRow(
    forecastRow,
    db.sqlite
      .prepare(
        `SELECT fitted_at AS fittedAt, method, short_history AS shortHistory, daily
         FROM forecasts WHERE branch_id = ? AND variant_id = ?`,
      )
      .get(branchId, variantId),
  );
  return (
    row && {
      fittedAt: row.fittedAt,
      method: row.method,
      shortHistory: row.shortHistory === 1,
      daily: daily.parse(JSON.parse(row.daily)),
    }
  );
}

const demandSql = `SELECT created_at / ${DAY_MS} AS day, -sum(on_hand) AS n FROM stock_movements
  WHERE branch_id = ? AND variant_id = ? AND kind IN ('sale', 'dispatch', 'return') GROUP BY day`;

/**
 * One series' demand as run.ts counts it (what left the shelf less returns, by UTC day): the
 * last RECENT_WEEKS' days, oldest first, and the most that ever left in one day.
 */
function seriesDemand(db: Db, branchId: string, variantId: string, now: number) {
  const days = RECENT_WEEKS * 7;
  const first = Math.floor(now / DAY_MS) - days + 1;
  const recent = new Array<number>(days).fill(0);
  let most = 0;
  for (const r of parseRows(
    z.object({ day: z.number().int(), n: z.number().int() }),
    db.sqlite.prepare(demandSql).all(branchId, variantId),
  )) {
    most = Math.max(most, r.n);
    const at = r.day - first;
    if (at >= 0 && at < days) recent[at] = Math.max(r.n, 0);
  }
  return { recent, most };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const weekday = (ms: number) => WEEKDAYS[new Date(ms).getUTCDay()] ?? '';
const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;

/** The last weeks' demand by weekday and week, in lines a model reads. */
function recentSummary(recent: readonly number[], most: number, now: number): string {
  const days = RECENT_WEEKS * 7;
  const firstDay = (Math.floor(now / DAY_MS) - days + 1) * DAY_MS;
  const byWeekday = new Map<string, number[]>();
  recent.forEach((n, i) => {
    const w = weekday(firstDay + i * DAY_MS);
    byWeekday.set(w, [...(byWeekday.get(w) ?? []), n]);
  });
  const weeks = Array.from({ length: RECENT_WEEKS }, (_, w) =>
    recent.slice(w * 7, w * 7 + 7).reduce((s, n) => s + n, 0),
  );
  const averages = [...byWeekday]
    .map(([w, ns]) => `${w} ${round(ns.reduce((s, n) => s + n, 0) / ns.length)}`)
    .join(', ');
  return [
    `Average units a day by weekday over the last ${RECENT_WEEKS} weeks: ${averages}.`,
    `Units a week, oldest first (the last ends today, ${isoDay(now)}): ${weeks.join(', ')}.`,
    `The most that ever left in one day: ${most}.`,
  ].join('\n');
}

const answerSchema = z.object({ daily: z.array(z.number()), reason: z.string() });

const failureWords: Record<AiFailure, string> = {
  not_set_up: 'no AI model is set up',
  timeout: 'timeout',
  unreachable: 'the AI server is unreachable',
  wrong_key: 'the API key was refused',
  unknown_model: 'unknown model',
  rate_limited: 'rate limited',
  refused: 'refused',
  unparsable: 'unparsable answer',
  schema_mismatch: 'the answer does not match the schema',
};

const describeSeries = (db: Db, branchId: string, variantId: string) =>
  parseRow(
    z.object({ sku: z.string(), product: z.string(), unit: z.string(), branch: z.string() }),
    db.sqlite
      .prepare(
        `SELECT v.sku, p.name AS product, p.unit, b.name AS branch FROM variants v
         JOIN products p ON p.id = v.product_id, branches b WHERE v.id = ? AND b.id = ?`,
      )
      .get(variantId, branchId),
  );

export interface AdjustmentResult {
  id: number;
  at: number;
  /** True when the model's answer (as it came, or clipped) is what the nightly run will use. */
  adjusted: boolean;
  /** What the nightly run will use from now until the next refit. */
  daily: number[];
  statistical: number[];
  /** `used …`, `clipped: …` or `ignored: …`. */
  note: string;
  model: string | null;
  /** The model's own words for what it changed, when it answered. */
  reason: string | null;
}

export const adjustForecast = action({
  access: 'purchasing.manage',
  input: z.object({
    branchId: id,
    variantId: id,
    description: z
      .string()
      .trim()
      .min(3, 'must be at least 3 characters')
      .max(1000, 'must be at most 1000 characters'),
  }),
  handler: async (ctx: Context, input): Promise<AdjustmentResult> => {
    // The forecasts and the model are head office's.
    refuseIfNotHere(ctx, 'purchase.drafted');
    const actor = requireActor(ctx);
    const { branchId, variantId, description } = input;
    const series = describeSeries(ctx.db, branchId, variantId);
    if (!series)
      throw new DomainError('NOT_FOUND', 'There is no such product at such a branch.', {
        field: 'variantId',
      });
    const forecast = storedForecast(ctx.db, branchId, variantId);
    if (!forecast)
      throw new DomainError(
        'INVALID_STATE',
        `There is no forecast for ${series.sku} at ${series.branch} yet: give it a reorder rule and refit the forecasts first, then adjust.`,
        { field: 'variantId' },
      );
    const now = ctx.now();
    const demand = seriesDemand(ctx.db, branchId, variantId, now);
    const n = forecast.daily.length;
    const days = forecast.daily
      .map((d, i) => {
        const at = forecast.fittedAt + i * DAY_MS;
        return `${isoDay(at)} ${weekday(at)}: ${round(d, 2)}`;
      })
      .join('\n');
    const answer: AiAnswer<z.infer<typeof answerSchema>> = ctx.services?.ai
      ? await ctx.services.ai.ask({
          name: 'forecast_adjustment',
          system:
            "You adjust a shop's statistical demand forecast for events a person describes (holidays, promotions, closures, weather). Change only the days the events affect, by as much as they would plausibly change demand; keep every other day as it is. Figures are units a day, never negative.",
          user: [
            `Product: ${series.product} (${series.sku}), sold in ${series.unit}, at ${series.branch}.`,
            recentSummary(demand.recent, demand.most, now),
            `The statistical forecast (${forecast.method}), ${n} days, one line a day:`,
            days,
            `What the person says will happen: "${description}"`,
            `Answer with "daily": exactly ${n} figures, the adjusted forecast for the days above in the same order, and "reason": one sentence on what you changed and why.`,
          ].join('\n\n'),
          schema: answerSchema,
          jsonSchema: {
            type: 'object',
            properties: {
              daily: {
                type: 'array',
                items: { type: 'number', minimum: 0 },
                minItems: n,
                maxItems: n,
              },
              reason: { type: 'string' },
            },
            required: ['daily', 'reason'],
            additionalProperties: false,
          },
        })
      : { ok: false, reason: 'not_set_up', message: 'no AI model is set up', model: null };

    let used: number[] | null = null;
    let note: string;
    let reason: string | null = null;
    if (!answer.ok)
      note =
        answer.reason === 'not_set_up'
          ? `ignored: ${failureWords.not_set_up}`
          : `ignored: ${failureWords[answer.reason]} (${answer.message})`;
    else {
      reason = answer.value.reason.trim().slice(0, 500) || null;
      const bounded = boundAdjustment(forecast.daily, answer.value.daily, [
        ...demand.recent,
        demand.most,
      ]);
      if (bounded.source !== 'statistical')
        used = bounded.daily.map((d) => Math.round(d * 1000) / 1000);
      note = bounded.source === 'proposed' ? 'used' : bounded.note;
      if (used && reason) note += ` — ${reason}`;
    }
    const model = answer.model;
    const row = parseRow(
      z.object({ id: z.number().int() }),
      ctx.db.sqlite
        .prepare(
          `INSERT INTO forecast_adjustments (branch_id, variant_id, at, user_id, description, daily, note, model)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(
          branchId,
          variantId,
          now,
          actor.userId,
          description,
          used && JSON.stringify(used),
          note,
          model,
        ),
    );
    return {
      id: row?.id ?? 0,
      at: now,
      adjusted: used !== null,
      daily: used ?? forecast.daily,
      statistical: forecast.daily,
      note,
      model,
      reason,
    };
  },
});

const adjustmentRow = z.object({
  id: z.number().int(),
  at: z.number().int(),
  userId: z.string(),
  description: z.string(),
  daily: z.string().nullable(),
  note: z.string(),
  model: z.string().nullable(),
});

/** A series' stored forecast with its latest adjustment, and what the nightly run uses of them. */
export const seriesForecast = query({
  access: 'purchasing.read',
  input: z.object({ branchId: id, variantId: id }),
  handler: (ctx, { branchId, variantId }) => {
    assertBranchAccess(ctx, branchId, 'see the forecast');
    const forecast = storedForecast(ctx.db, branchId, variantId) ?? null;
    const latest = parseRow(
      adjustmentRow,
      ctx.db.sqlite
        .prepare(
          `SELECT id, at, user_id AS userId, description, daily, note, model FROM forecast_adjustments
           WHERE branch_id = ? AND variant_id = ? ORDER BY at DESC, id DESC LIMIT 1`,
        )
        .get(branchId, variantId),
    );
    const adjustment = latest
      ? {
          ...latest,
          daily: latest.daily === null ? null : daily.parse(JSON.parse(latest.daily)),
          /** Made at or after the forecast's fit: the nightly run reads it until the next refit. */
          inForce: forecast !== null && latest.at >= forecast.fittedAt,
        }
      : null;
    return {
      forecast,
      adjustment,
      /** What the nightly run uses: the adjustment's days when it is in force and was not ignored. */
      used:
        adjustment?.inForce && adjustment.daily
          ? { source: 'adjusted' as const, daily: adjustment.daily }
          : forecast
            ? { source: 'statistical' as const, daily: forecast.daily }
            : null,
    };
  },
});
