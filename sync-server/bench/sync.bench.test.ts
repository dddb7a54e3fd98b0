// The sync benchmark at a small scale, so it keeps working: its server process starts and stops,
// every phase runs, its checks hold, and its last line is the JSON the issue asks for.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm run bench:sync', () => {
  it('runs every phase at a small scale and ends with one JSON line of its figures', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'sync-server/bench/sync.bench.ts')],
      {
        cwd: root,
        env: { ...process.env, BENCH_SCALE: '0.02' },
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const json = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    for (const key of [
      'push_events_per_s',
      'apply_events_per_s',
      'apply_ratio_vs_raw',
      'converge_all_s',
      'catchup_50k_s',
    ])
      expect(json[key], key).toEqual(expect.any(Number));
    expect(json['events']).toBe(1_000);
    expect(json['catchup_events']).toBeGreaterThanOrEqual(1_000);
    expect(json['fresh_folds_match']).toBe(true);
    expect(run.stdout).toMatch(/conflicts\s+0\s+PASS/);
    expect(run.stdout).not.toMatch(/= fresh fold.*NO/);
  }, 300_000);
});
