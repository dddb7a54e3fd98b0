// Croston-family forecasts for slow movers, after R's tsintermittent (crost, tsb) with fixed
// smoothing constants and its "mean" initialisation. Plain exponential smoothing on a series that
// is mostly zeros forecasts too much right after a sale and too little after a gap; these methods
// smooth the size of a sale and how often one happens separately instead.

/** A flat daily rate: what these methods forecast for every future day. */
export interface IntermittentFit {
  /** Expected quantity per day. */
  rate: number;
  /** Smoothed size of a day with a sale. */
  size: number;
  /** Croston: smoothed days between sales. TSB: 1 / smoothed chance of a sale on a day. */
  interval: number;
}

export interface Sale {
  size: number;
  /** Days from this sale back to the one before (from the start, for the first). */
  interval: number;
}

export function salesOf(history: readonly number[]): Sale[] {
  const sales: Sale[] = [];
  let sinceLast = 0;
  for (const quantity of history) {
    sinceLast += 1;
    if (quantity > 0) {
      sales.push({ size: quantity, interval: sinceLast });
      sinceLast = 0;
    }
  }
  return sales;
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Croston's method with the Syntetos–Boylan approximation: sizes and intervals smoothed with
 * `alpha` at each sale, from their means; the rate size / interval is multiplied by 1 − alpha/2
 * because Croston's ratio of two smoothed values overestimates the rate.
 */
export function crostonSba(history: readonly number[], alpha = 0.1): IntermittentFit {
  const sales = salesOf(history);
  if (sales.length === 0) return { rate: 0, size: 0, interval: Number.POSITIVE_INFINITY };
  let size = mean(sales.map((s) => s.size));
  let interval = mean(sales.map((s) => s.interval));
  for (const sale of sales) {
    size += alpha * (sale.size - size);
    interval += alpha * (sale.interval - interval);
  }
  return { rate: (1 - alpha / 2) * (size / interval), size, interval };
}

/**
 * Teunter–Syntetos–Babai: the chance of a sale is smoothed every day (towards 1 on a day with a
 * sale, towards 0 on one without), so a product that stopped selling sees its forecast decay,
 * where Croston keeps forecasting the rate of its last sales forever.
 */
export function tsb(history: readonly number[], alpha = 0.1, beta = 0.1): IntermittentFit {
  const sales = salesOf(history);
  if (sales.length === 0) return { rate: 0, size: 0, interval: Number.POSITIVE_INFINITY };
  let size = mean(sales.map((s) => s.size));
  let probability = sales.length / history.length;
  for (const quantity of history) {
    if (quantity > 0) {
      probability += beta * (1 - probability);
      size += alpha * (quantity - size);
    } else {
      probability -= beta * probability;
    }
  }
  return { rate: probability * size, size, interval: 1 / probability };
}
