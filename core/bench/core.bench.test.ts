// The core benchmark at a small scale (1,000 past orders, 100 reorder rules), so it keeps
// working: the history is seeded, every measure runs through the real contract, its checks hold,
// and its last line is the JSON `npm run bench` prints. How fast is the full run's.
import { beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchRun } from './smoke';

describe('npm run bench', () => {
  let run: BenchRun['run'];
  let json: BenchRun['json'];
  beforeAll(() => {
    ({ run, json } = runBench('core/bench/core.bench.ts', { BENCH_SCALE: '0.005' }, 240_000));
  }, 300_000);

  it('runs every measure at a small scale and ends with one JSON line of its figures', () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(json['scale']).toBe(0.005);
    expect(json['orders_seeded']).toBe(1_000);
    for (const key of [
      'order_place_median_ms',
      'order_place_p99_ms',
      'raw_place_median_ms',
      'order_list_p95_ms',
      'order_list_search_p95_ms',
      'sale_record_p99_ms',
      'raw_sale_median_ms',
      'customer_lookup_p95_ms',
      'points_balance_p95_ms',
      'z_report_ms',
      'stock_balance_p95_ms',
      'order_get_p95_ms',
      'stock_movements_p95_ms',
      'stock_list_p95_ms',
      'forecast_refit_s',
      'reorder_run_s',
      'reorder_run_peak_mb',
      'leaderboard_p95_ms',
      'badge_eval_s',
    ])
      expect(json[key], key).toBeGreaterThan(0);
    // Its correctness checks, which hold at any scale.
    expect(run.stdout).toMatch(/rows changed per order, core \/ raw\s+(\d+) \/ \1\s+PASS/);
    expect(run.stdout).toMatch(/balance = sum of ledger \(trigger\)\s+yes\s+PASS/);
    // The nightly reorder run (100 rules over 2 shops here) drafts something, and run again
    // drafts nothing.
    expect(json['reorder_rules']).toBe(100);
    expect(json['reorder_lines']).toBeGreaterThan(0);
    expect(json['reorder_second_run_lines']).toBe(0);
    expect(run.stdout).toMatch(/purchasing\.run again drafts nothing\s+0 lines.*PASS/);
  });
});
