// Croston–SBA and TSB against values worked by hand from the textbook updates (R tsintermittent's
// crost and tsb with init "mean" and fixed smoothing constants).
import { describe, expect, it } from 'vitest';
import { crostonSba, salesOf, tsb } from './intermittent';

// Sales of 3, 2 and 4 on days 2, 5 and 7: intervals 2, 3, 2; mean size 3, mean interval 7/3.
const sales = [0, 3, 0, 0, 2, 0, 4];

describe('salesOf', () => {
  it('pairs each sale with the days since the one before (the first counted from the start)', () => {
    expect(salesOf(sales)).toEqual([
      { size: 3, interval: 2 },
      { size: 2, interval: 3 },
      { size: 4, interval: 2 },
    ]);
  });
});

describe('crostonSba', () => {
  it('smooths sizes and intervals at each sale and corrects the ratio by 1 − α/2 (α = 0.1)', () => {
    // size 3 → 3 → 2.9 → 3.01; interval 2.3333 → 2.3 → 2.37 → 2.333; 0.95 × 3.01 / 2.333.
    const fit = crostonSba(sales, 0.1);
    expect(fit.size).toBeCloseTo(3.01, 10);
    expect(fit.interval).toBeCloseTo(2.333, 10);
    expect(fit.rate).toBeCloseTo(1.225675096, 8);
  });

  it('gives the same hand value at α = 0.5', () => {
    // size 3 → 3 → 2.5 → 3.25; interval 2.3333 → 2.16667 → 2.58333 → 2.291667; 0.75 × ratio.
    const fit = crostonSba(sales, 0.5);
    expect(fit.size).toBeCloseTo(3.25, 10);
    expect(fit.interval).toBeCloseTo(2.2916667, 6);
    expect(fit.rate).toBeCloseTo(1.0636364, 6);
  });

  it('forecasts nothing for a product that never sold', () => {
    expect(crostonSba([0, 0, 0]).rate).toBe(0);
  });
});

describe('tsb', () => {
  it('moves the chance of a sale every day and the size only on days with a sale (α = β = 0.5)', () => {
    // p from 3/7: .2142857, .6071429, .3035714, .1517857, .5758929, .2879464, .6439732;
    // size 3 → 3 → 2.5 → 3.25.
    const fit = tsb(sales, 0.5, 0.5);
    expect(fit.size).toBeCloseTo(3.25, 10);
    expect(1 / fit.interval).toBeCloseTo(0.6439732, 6);
    expect(fit.rate).toBeCloseTo(2.0929129, 6);
  });

  it('decays towards zero once sales stop, where Croston does not', () => {
    const stopped = [
      ...Array.from({ length: 200 }, (_, d) => (d % 3 === 0 ? 2 : 0)),
      ...new Array<number>(90).fill(0),
    ];
    expect(tsb(stopped).rate).toBeLessThan(0.001);
    expect(crostonSba(stopped).rate).toBeGreaterThan(0.5);
  });
});
