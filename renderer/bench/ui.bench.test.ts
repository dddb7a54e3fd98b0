// The UI benchmark with 2,000 orders instead of 100,000 and 10,000 sale lines instead of a
// million, so it keeps working: the history is seeded, Chromium opens the sign-in screen, signs in
// to head office's dashboard, filters the order list by every status and pages back, and the last
// line is the JSON `npm run bench:ui` prints. How fast is the full run's.
import { beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchRun } from '../../core/bench/smoke';

describe('npm run bench:ui', () => {
  let run: BenchRun['run'];
  let json: BenchRun['json'];
  beforeAll(() => {
    ({ run, json } = runBench(
      'renderer/bench/ui.bench.ts',
      { BENCH_ORDERS: '2000', BENCH_SALE_LINES: '10000' },
      240_000,
    ));
  }, 300_000);

  it('seeds the history, drives every step in Chromium and ends with its JSON line', () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    // The demo company's few orders and the seeded ones.
    expect(json['orders']).toBeGreaterThanOrEqual(2_000);
    expect(json['first_screen_ms']).toBeGreaterThan(0);
    expect(json['filter_100k_ms']).toBeGreaterThan(0);
    expect(json['sale_lines']).toBe(10_000);
    // Head office's dashboard drew after sign-in, in a time, not a timeout's (null: not drawn).
    expect(run.stdout).not.toMatch(/dashboard first paint\s+not measured/);
    expect(json['dashboard_first_paint_ms']).toBeGreaterThan(0);
    expect(json['dashboard_first_paint_ms']).toBeLessThan(20_000);
    expect(run.stdout).toMatch(/next page \(Older\), median of 3/);
  });

  it('refuses a history size it cannot seed, saying which', () => {
    const { run: bad } = runBench('renderer/bench/ui.bench.ts', { BENCH_ORDERS: 'many' }, 60_000);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/BENCH_ORDERS must be a whole number/);
    const { run: badSales } = runBench(
      'renderer/bench/ui.bench.ts',
      { BENCH_SALE_LINES: 'lots' },
      60_000,
    );
    expect(badSales.status).not.toBe(0);
    expect(badSales.stderr).toMatch(/BENCH_SALE_LINES must be a whole number/);
  });
});
