// Runs a benchmark script as `npm run bench…` does, at the small scale its environment asks for,
// for the test suite's smoke runs: its output, and the JSON of its last line.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface BenchRun {
  run: SpawnSyncReturns<string>;
  /** The last line's figures; empty when the run crashed before printing it (see its stderr). */
  json: Record<string, unknown>;
}

/** `script` from the repository's root, e.g. `core/bench/core.bench.ts`. */
export function runBench(script: string, env: Record<string, string>, timeoutMs: number): BenchRun {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, script)], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  // A run that crashed ends without its JSON line: the tests then fail on its stderr, which
  // says why, instead of on a JSON parse error that does not.
  const json = last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : {};
  return { run, json };
}
