// The method choice and the shape of every forecast: properties over arbitrary histories, and the
// series whose right answer is known (a constant, a clean week, a stopped product, a trend).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forecastDemand, weekdayAverages } from './forecast';
import { crostonSba } from './intermittent';
import { dampTrend } from './seasonal';

const repeat = (pattern: readonly number[], days: number) =>
  Array.from({ length: days }, (_, d) => pattern[d % pattern.length]!);
const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

describe('forecastDemand: properties', () => {
  const histories = fc.oneof(
    fc.array(fc.nat({ max: 60 }), { maxLength: 150 }),
    // Mostly zeros, as slow movers are.
    fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.nat({ max: 9 })), {
      maxLength: 150,
    }),
  );

  it('gives `horizon` finite quantities ≥ 0 that add up to the total, the same each time', () => {
    fc.assert(
      fc.property(histories, fc.integer({ min: 0, max: 35 }), (history, horizon) => {
        const first = forecastDemand(history, horizon);
        expect(first.daily).toHaveLength(horizon);
        for (const day of first.daily) expect(Number.isFinite(day) && day >= 0).toBe(true);
        expect(first.total).toBeCloseTo(sum(first.daily), 9);
        expect(forecastDemand(history, horizon)).toEqual(first);
      }),
      { numRuns: 150 },
    );
  });
});

describe('forecastDemand: method choice', () => {
  it('forecasts zeros for a product that never sold', () => {
    const forecast = forecastDemand(new Array<number>(100).fill(0), 7);
    expect(forecast).toMatchObject({ method: 'average', total: 0, shortHistory: false });
    expect(forecast.daily).toEqual(new Array<number>(7).fill(0));
  });

  it('averages a history shorter than four weeks since the first sale, and says so', () => {
    const forecast = forecastDemand([...new Array<number>(300).fill(0), 4, 6, 2, 0, 3], 3);
    expect(forecast).toMatchObject({ method: 'average', shortHistory: true });
    expect(forecast.daily).toEqual([3, 3, 3]);
  });

  it('averages the last four weeks between four and eight weeks since the first sale', () => {
    const history = [...new Array<number>(12).fill(1), ...new Array<number>(28).fill(3)];
    const forecast = forecastDemand(history, 2);
    expect(forecast).toMatchObject({ method: 'average', shortHistory: false, daily: [3, 3] });
  });

  it('does not count the days before the first sale: a new steady product is not a slow mover', () => {
    const forecast = forecastDemand(
      [...new Array<number>(400).fill(0), ...repeat([5, 6, 7], 120)],
      7,
    );
    expect(forecast.adi).toBe(1);
    expect(forecast.method).toBe('seasonal');
  });

  it('uses Croston–SBA on intermittent demand (ADI > 1.32), at its rate', () => {
    const history = repeat([0, 0, 3, 0, 1, 0, 0, 5, 0, 2], 200);
    const forecast = forecastDemand(history, 5);
    expect(forecast.adi).toBeGreaterThan(1.32);
    expect(forecast.method).toBe('croston-sba');
    const active = history.slice(history.findIndex((q) => q > 0));
    for (const day of forecast.daily) expect(day).toBeCloseTo(crostonSba(active).rate, 12);
  });

  it('reports the squared variation of sale sizes', () => {
    // Sizes 1 and 3: mean 2, variance 1, cv² = 1/4.
    expect(forecastDemand(repeat([1, 0, 3, 0], 80), 1).cv2).toBeCloseTo(0.25, 12);
  });
});

describe('forecastDemand: known answers', () => {
  it('forecasts a constant series as that constant', () => {
    const forecast = forecastDemand(new Array<number>(200).fill(5), 14);
    for (const day of forecast.daily) expect(day).toBeCloseTo(5, 2);
  });

  it('recovers a clean weekly pattern within 5 %', () => {
    const week = [10, 12, 14, 16, 18, 30, 40];
    const history = repeat(week, 364);
    const forecast = forecastDemand(history, 28);
    expect(forecast.method).toBe('seasonal');
    forecast.daily.forEach((day, h) => {
      const expected = week[(history.length + h) % 7]!;
      expect(Math.abs(day - expected)).toBeLessThan(0.05 * expected);
    });
  });

  it('forecasts near zero with TSB for a product that stopped selling three months ago', () => {
    const selling = repeat([0, 2, 0, 0, 3, 0, 1], 400);
    const forecast = forecastDemand([...selling, ...new Array<number>(90).fill(0)], 28);
    expect(forecast.method).toBe('tsb');
    expect(forecast.total).toBeLessThan(0.01);
  });

  it('does the same for a fast mover that stopped', () => {
    const forecast = forecastDemand(
      [...repeat([20, 25, 30], 300), ...new Array<number>(90).fill(0)],
      28,
    );
    expect(forecast.method).toBe('tsb');
    expect(forecast.total).toBeLessThan(0.1);
  });

  it('forecasts a rising series above its last month and below a doubled extrapolation', () => {
    const slope = 0.1;
    const week = [0.8, 0.9, 1, 1, 1.1, 1.3, 0.9];
    const history = Array.from({ length: 365 }, (_, d) =>
      Math.round((20 + slope * d) * week[d % 7]!),
    );
    const lastMonth = sum(history.slice(-28));
    const forecast = forecastDemand(history, 28);
    expect(forecast.total).toBeGreaterThan(lastMonth);
    expect(forecast.total).toBeLessThan(lastMonth + 2 * slope * 28 * 28);
  });

  it('forecasts a falling series below its last month and above a doubled extrapolation', () => {
    const slope = -0.05;
    const history = Array.from({ length: 365 }, (_, d) =>
      Math.round(40 + slope * d + (d % 7 === 5 ? 6 : 0)),
    );
    const lastMonth = sum(history.slice(-28));
    const forecast = forecastDemand(history, 28);
    expect(forecast.total).toBeLessThan(lastMonth);
    expect(forecast.total).toBeGreaterThan(lastMonth + 2 * slope * 28 * 28);
  });

  it('refuses a horizon that is not a whole number of days', () => {
    expect(() => forecastDemand([1, 2, 3], 2.5)).toThrow(/horizon/);
  });
});

describe("weekdayAverages (the seasonal model's stand-in)", () => {
  it('forecasts each weekday as its average over the last four weeks', () => {
    // Four weeks of 1..7 except the last week, which sells 5 more on each day.
    const history = [...repeat([1, 2, 3, 4, 5, 6, 7], 21), ...[6, 7, 8, 9, 10, 11, 12]];
    expect(weekdayAverages(history, 9)).toEqual([
      2.25, 3.25, 4.25, 5.25, 6.25, 7.25, 8.25, 2.25, 3.25,
    ]);
  });
});

describe('dampTrend', () => {
  it('replaces slope × (h + 1) by slope × (φ + … + φ^(h+1))', () => {
    // 10 + h: weeks average 13 and 20, slope 1; damped day h is 9 + φ(1 − φ^(h+1)) / (1 − φ).
    const line = Array.from({ length: 28 }, (_, h) => 10 + h);
    const damped = dampTrend(line, 0.5);
    expect(damped[0]).toBeCloseTo(9.5, 12);
    expect(damped[1]).toBeCloseTo(9.75, 12);
    expect(damped[27]).toBeCloseTo(10, 6);
    expect(dampTrend(line, 1)).toEqual(line);
  });
});
