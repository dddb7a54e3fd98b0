// The forecast back-test at a small scale (60 generated series), so it keeps working: it scores
// every kind, ends with the JSON `npm run bench:forecast` prints, and reads histories from a file
// given with --input. How well the method does is the full run's to say.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchRun } from './smoke';

const script = 'core/bench/forecast.bench.ts';
const kinds = ['fast', 'seasonal', 'trending', 'intermittent'];

describe('npm run bench:forecast', () => {
  let run: BenchRun['run'];
  let json: BenchRun['json'];
  beforeAll(() => {
    ({ run, json } = runBench(script, { BENCH_SERIES: '60' }, 120_000));
  }, 150_000);

  it('back-tests the series asked for and ends with one JSON line of finite figures', () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(json['series']).toBe(60);
    const keys = [
      'forecast_mase',
      'seasonal_naive_mase',
      'moving_average_mase',
      'fit_ms_per_series',
    ];
    for (const kind of kinds) keys.push(`${kind}_forecast_mase`, `${kind}_seasonal_naive_mase`);
    for (const key of keys) {
      expect(typeof json[key], key).toBe('number');
      expect(Number.isFinite(json[key]), key).toBe(true);
    }
    const methods = json['methods'] as Record<string, number>;
    expect(Object.values(methods).reduce((s, n) => s + n, 0)).toBe(60);
    expect(run.stdout).toMatch(/overall \(60 series\)/);
  });
});

describe('npm run bench:forecast -- --input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forecast-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('back-tests the histories of a CSV file, a missing day counting as no sale', () => {
    const lines = ['series,day,quantity'];
    for (let day = 0; day < 120; day++) {
      lines.push(`steady,${day},${[3, 4, 5, 4, 6, 9, 8][day % 7]}`);
      if (day % 4 === 0) lines.push(`slow,${day},2`);
    }
    const file = join(dir, 'histories.csv');
    writeFileSync(file, lines.join('\n'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, '--input', file], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(json['series']).toBe(2);
    expect(json['methods']).toMatchObject({ seasonal: 1, 'croston-sba': 1 });
    expect(Number.isFinite(json['forecast_mase'])).toBe(true);
  });

  it('refuses a malformed line, naming it', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'series,day,quantity\na,0,1\na,one,2\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, '--input', file], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/bad\.csv:3/);
  });
});
