// The core benchmark at a small scale (1,000 past orders, 5,000 sale lines, 100 reorder rules),
// so it keeps working: the history is seeded, every measure runs through the real contract, its
// checks hold, and its last line is the JSON `npm run bench` prints. How fast is the full run's.
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

  it('times the dashboards and what their aggregates add, on aggregates equal to their recount', () => {
    // The seeded sales (5,000 lines here) are in the aggregates, under their company days.
    expect(json['sale_lines_seeded']).toBe(5_000);
    expect(json['aggregates_equal_recount']).toBe(true);
    expect(run.stdout).toMatch(
      /dashboards: aggregates = recount from the seeded rows\s+yes .*PASS/,
    );
    // The slowest kind's p95, in milliseconds: a real time, not a timeout's.
    const p95 = json['dashboard_query_p95_ms'];
    expect(p95).toBeGreaterThan(0);
    expect(p95).toBeLessThan(10_000);
    for (const kind of ['company', 'shop', 'factory', 'finance', 'rep', 'driver'])
      expect(run.stdout, kind).toMatch(
        new RegExp(`^  ${kind} \\(.*p50 [\\d.]+ ms, p95 [\\d.]+ ms`, 'm'),
      );
    // Medians with the triggers over medians without: near 1, never 0 or infinite.
    for (const key of ['aggregate_overhead_order_ratio', 'aggregate_overhead_sale_ratio']) {
      expect(json[key], key).toBeGreaterThan(0.2);
      expect(json[key], key).toBeLessThan(5);
    }
    // After the triggers were dropped and put back, they count new rows again.
    expect(run.stdout).toMatch(
      /storedAndRecounted\(sales_by_hour\) after, [\d,]+ rows\s+equal\s+PASS/,
    );
    expect(run.stdout).toMatch(
      /storedAndRecounted\(orders_by_day\) after, [\d,]+ rows\s+equal\s+PASS/,
    );
    expect(run.stdout).toMatch(/every aggregate = its recount after \(SQL EXCEPT\)\s+yes\s+PASS/);
  });
});
