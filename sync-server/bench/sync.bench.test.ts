// The sync benchmark at a small scale, so it keeps working: its server processes start and stop,
// every phase runs, its checks hold, and its last line is the JSON the issue asks for. One run
// serves both tests; the PostgreSQL one is skipped only where PostgreSQL is not installed.
import { beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchRun } from '../../core/bench/smoke';
import { findPostgresBin } from '../store/testing/postgres';

const havePostgres = findPostgresBin() !== null;

describe('npm run bench:sync', () => {
  let run: BenchRun['run'];
  let json: BenchRun['json'];
  beforeAll(() => {
    ({ run, json } = runBench('sync-server/bench/sync.bench.ts', { BENCH_SCALE: '0.02' }, 360_000));
  }, 400_000);

  it('runs every phase at a small scale and ends with one JSON line of its figures', () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    for (const key of [
      'push_events_per_s',
      'push_server_cpu_s',
      'apply_events_per_s',
      'apply_ratio_vs_raw',
      'converge_all_s',
      'change_to_pc_median_s',
      'catchup_50k_s',
    ])
      expect(json[key], key).toEqual(expect.any(Number));
    expect(json['events']).toBe(1_000);
    expect(json['push_server_cpu_s']).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/CPU of the server process meanwhile\s+\S+ s, [\d,]+ µs\/event/);
    expect(json['catchup_events']).toBeGreaterThanOrEqual(1_000);
    expect(json['fresh_folds_match']).toBe(true);
    expect(json['raw_rows_match']).toBe(true);
    // Every online PC applied every change made at head office (how fast is the full run's).
    expect(json['change_to_pc_missed']).toBe(0);
    expect(run.stdout).toMatch(/change at head office to PC applied, median \(10 PCs online\)/);
    expect(run.stdout).toMatch(/conflicts\s+0\s+PASS/);
    expect(run.stdout).not.toMatch(/= fresh fold.*NO/);
    if (!havePostgres) expect(json['pg1_push_events_per_s']).toBeNull();
  });

  it.skipIf(!havePostgres)(
    'pushes to PostgreSQL through one and through three server processes, and catches up from it',
    () => {
      for (const key of ['pg1_push_events_per_s', 'pg3_push_events_per_s', 'pg_catchup_50k_s'])
        expect(json[key], key).toEqual(expect.any(Number));
      expect(json['pg_pushed_all']).toBe(true);
      expect(json['pg_catchup_events']).toBeGreaterThanOrEqual(1_000);
      expect(json['pg_fresh_fold_match']).toBe(true);
      // Online PCs waiting at any of the three processes applied every change made through one.
      expect(json['pg3_change_to_pc_median_s']).toEqual(expect.any(Number));
      expect(json['pg3_change_to_pc_missed']).toBe(0);
      expect(run.stdout).toMatch(/push ingest, PostgreSQL, 3 processes/);
    },
  );
});
