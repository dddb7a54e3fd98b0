// The forecast back-test (npm run bench:forecast): for each daily sales history, the last 28 days
// are held out and forecast from the rest by forecastDemand (core/forecast), by the seasonal-naive
// forecast (last week repeated) and by the 28-day moving average. Each is scored by MASE (mean
// absolute error over the held-out days over the in-sample error of yesterday's value as the
// forecast), averaged per kind of series and overall. Prints a table and, as the last line, one
// JSON object. A missed target is reported, never an exit code.
//
// Histories are generated (core/forecast/generate.ts) unless `--input <file>` gives them: CSV
// `series,day,quantity` (day 0..n per series, a header line allowed) or JSON
// `{ "series": [{ "id", "kind"?, "history": number[] }] }`.
// Environment: BENCH_SERIES (default 2000) generated series, BENCH_SEED (default the committed seed).
import { performance } from 'node:perf_hooks';
import { forecastDemand, type ForecastMethod } from '../forecast/forecast';
import { defaultSeed, generateHistories } from '../forecast/generate';
import { readHistories, type BenchSeries } from './forecast-input';
import { round, table, type Row } from './stats';

const horizon = 28;

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a whole number > 0, not ${raw}`);
  return value;
}

const inputFile = argument('--input');
const seed = positiveInteger('BENCH_SEED', defaultSeed);
const all: BenchSeries[] = inputFile
  ? readHistories(inputFile)
  : generateHistories(positiveInteger('BENCH_SERIES', 2000), seed);

const mae = (forecast: readonly number[], actual: readonly number[]) =>
  actual.reduce((s, y, i) => s + Math.abs(y - forecast[i]!), 0) / actual.length;

/** In-sample mean absolute error of the one-step naive forecast: MASE's denominator. */
function naiveScale(train: readonly number[]): number {
  let sum = 0;
  for (let i = 1; i < train.length; i++) sum += Math.abs(train[i]! - train[i - 1]!);
  return sum / (train.length - 1);
}

const seasonalNaive = (train: readonly number[]) =>
  Array.from({ length: horizon }, (_, h) => train[train.length - 7 + (h % 7)]!);

function movingAverage(train: readonly number[]): number[] {
  const last = train.slice(-horizon);
  return new Array<number>(horizon).fill(last.reduce((s, x) => s + x, 0) / last.length);
}

interface Scores {
  series: number;
  forecast: number;
  seasonalNaive: number;
  movingAverage: number;
}

const emptyScores = (): Scores => ({ series: 0, forecast: 0, seasonalNaive: 0, movingAverage: 0 });
const byKind = new Map<string, Scores>();
// Kept apart from the kinds, which an input file names as it likes ("overall" included).
const overallScores = emptyScores();
const methods: Record<ForecastMethod, number> = {
  seasonal: 0,
  'croston-sba': 0,
  tsb: 0,
  average: 0,
};
let tooShort = 0;
let zeroScale = 0;
let fitMs = 0;
let fitted = 0;
const started = performance.now();

for (const [index, { kind, history }] of all.entries()) {
  if (index > 0 && index % 250 === 0)
    process.stderr.write(`forecast bench: ${index} / ${all.length}\n`);
  // A week to repeat and two days to take a naive difference from, at the least.
  if (history.length < horizon + 8) {
    tooShort++;
    continue;
  }
  const train = history.slice(0, -horizon);
  const actual = history.slice(-horizon);
  const fitStart = performance.now();
  const forecast = forecastDemand(train, horizon);
  fitMs += performance.now() - fitStart;
  fitted++;
  methods[forecast.method]++;
  const scale = naiveScale(train);
  if (scale === 0) {
    zeroScale++;
    continue;
  }
  const kindScores = byKind.get(kind ?? 'unlabelled') ?? emptyScores();
  byKind.set(kind ?? 'unlabelled', kindScores);
  for (const scores of [kindScores, overallScores]) {
    scores.series++;
    scores.forecast += mae(forecast.daily, actual) / scale;
    scores.seasonalNaive += mae(seasonalNaive(train), actual) / scale;
    scores.movingAverage += mae(movingAverage(train), actual) / scale;
  }
}
const totalS = (performance.now() - started) / 1000;

const meanOf = (s: Scores) => ({
  forecast: s.forecast / s.series,
  seasonalNaive: s.seasonalNaive / s.series,
  movingAverage: s.movingAverage / s.series,
});
const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const kinds = [...byKind.keys()].sort();
const rows: Row[] = [];
const labelled: [string, Scores][] = [
  ...kinds.map((k): [string, Scores] => [k, byKind.get(k)!]),
  ['overall', overallScores],
];
for (const [key, s] of labelled) {
  const m = meanOf(s);
  rows.push({
    measure: `${key} (${s.series} series): MASE forecast / sNaive / MA28`,
    value: `${fixed(m.forecast)} / ${fixed(m.seasonalNaive)} / ${fixed(m.movingAverage)}`,
    target: 'forecast < sNaive',
    pass: m.forecast < m.seasonalNaive,
  });
}
rows.push(
  {
    measure: 'methods chosen',
    value: Object.entries(methods)
      .map(([k, n]) => `${k} ${n}`)
      .join(', '),
  },
  { measure: 'series skipped: in-sample naive error 0', value: String(zeroScale) },
  { measure: `series skipped: shorter than ${horizon + 8} days`, value: String(tooShort) },
  { measure: 'forecast time per series', value: `${(fitMs / Math.max(1, fitted)).toFixed(2)} ms` },
);

console.log(
  `Forecast back-test: ${all.length} series (${inputFile ? `from ${inputFile}` : `generated, seed ${seed}`}), last ${horizon} days held out`,
);
console.log(table(rows));
const overall = overallScores.series > 0 ? meanOf(overallScores) : undefined;
const perKind = Object.fromEntries(
  kinds.flatMap((k) => {
    const m = meanOf(byKind.get(k)!);
    return [
      [`${k}_forecast_mase`, round(m.forecast)],
      [`${k}_seasonal_naive_mase`, round(m.seasonalNaive)],
      [`${k}_moving_average_mase`, round(m.movingAverage)],
    ];
  }),
);
console.log(
  JSON.stringify({
    series: all.length,
    scored: overallScores.series,
    skipped_zero_scale: zeroScale,
    skipped_too_short: tooShort,
    forecast_mase: overall ? round(overall.forecast) : null,
    seasonal_naive_mase: overall ? round(overall.seasonalNaive) : null,
    moving_average_mase: overall ? round(overall.movingAverage) : null,
    ...perKind,
    fit_ms_per_series: round(fitMs / Math.max(1, fitted)),
    methods,
    seed: inputFile ? null : seed,
    total_s: round(totalS, 1),
  }),
);
