// The UI benchmark with 2,000 orders instead of 100,000, so it keeps working: the history is
// seeded, Chromium opens the sign-in screen, filters the order list by every status and pages
// back, and the last line is the JSON `npm run bench:ui` prints. How fast is the full run's.
import { beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchRun } from '../../core/bench/smoke';

describe('npm run bench:ui', () => {
  let run: BenchRun['run'];
  let json: BenchRun['json'];
  beforeAll(() => {
    ({ run, json } = runBench('renderer/bench/ui.bench.ts', { BENCH_ORDERS: '2000' }, 240_000));
  }, 300_000);

  it('seeds the history, drives every step in Chromium and ends with its JSON line', () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    // The demo company's few orders and the seeded ones.
    expect(json['orders']).toBeGreaterThanOrEqual(2_000);
    expect(json['first_screen_ms']).toBeGreaterThan(0);
    expect(json['filter_100k_ms']).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/next page \(Older\), median of 3/);
  });

  it('refuses a history size it cannot seed, saying which', () => {
    const { run: bad } = runBench('renderer/bench/ui.bench.ts', { BENCH_ORDERS: 'many' }, 60_000);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/BENCH_ORDERS must be a whole number/);
  });
});
