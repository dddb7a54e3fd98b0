// Weekly-seasonal forecasts with trend for products that sell most days: MSTL (the week's
// pattern taken out by STL, the rest forecast by AutoETS) from @bsull/augurs, whose WASM is read
// from the package's own files the first time it is needed, so nothing is fetched at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initSync, MSTL } from '@bsull/augurs/mstl';

let wasmLoaded = false;

function loadWasm(): void {
  if (wasmLoaded) return;
  const packageDir = dirname(createRequire(import.meta.url).resolve('@bsull/augurs/mstl'));
  initSync({ module: readFileSync(join(packageDir, 'mstl_bg.wasm')) });
  wasmLoaded = true;
}

const week = 7;

/**
 * Point forecasts for `horizon` days after `history`, which should hold at least a few weeks, the
 * trend damped by `damping` a day (1: not damped). Negative values are left to the caller.
 */
export function mstlForecast(history: readonly number[], horizon: number, damping = 1): number[] {
  loadWasm();
  const model = MSTL.ets([week]);
  try {
    model.fit(Float64Array.from(history));
    // Two weeks at least, so the slope can be read whatever the horizon.
    const point = model.predict(Math.max(horizon, 2 * week)).point;
    return dampTrend(point, damping).slice(0, horizon);
  } finally {
    model.free();
  }
}

/**
 * AutoETS may pick a straight-line trend, which a month ahead can take a falling product below
 * what it still sells (or a rising one past what a shop can sell). The slope is read as the change
 * between the first two forecast weeks (their seasonal parts cancel); day h then gets
 * slope × (φ + … + φ^(h+1)) instead of slope × (h + 1), as in a damped-trend model.
 */
export function dampTrend(forecast: readonly number[], damping: number): number[] {
  if (damping >= 1 || forecast.length < 2 * week) return [...forecast];
  const weekMean = (k: number) =>
    forecast.slice(k * week, (k + 1) * week).reduce((s, x) => s + x, 0) / week;
  const slope = (weekMean(1) - weekMean(0)) / week;
  return forecast.map((y, h) => {
    const damped = (damping * (1 - damping ** (h + 1))) / (1 - damping);
    return y + slope * (damped - (h + 1));
  });
}
