// In every test process: a watch on another thread that ends the process when its event loop
// has not turned for STALL_LIMIT_S, saying which file it was running and what it had started.
// Its children go with it. A call stuck in native code (a synchronous child process, a lock)
// stops vitest's own timeouts too, which run on that loop: without this the whole run would wait
// until CI gave up on it.
// The limit is far above the longest synchronous step the suite takes on purpose (a benchmark's
// smoke run, spawnSync with a 360 s timeout).
import { Worker } from 'node:worker_threads';
import { beforeAll, expect } from 'vitest';

const STALL_LIMIT_S = Number(process.env['FSE_TEST_STALL_LIMIT_S'] ?? 600);

// A count, not a time: tests mock Date.now (a PC clock an hour off), and a heartbeat read from
// it once made an hour-long stall out of a test that was running.
const beat = new Int32Array(new SharedArrayBuffer(4));
setInterval(() => Atomics.add(beat, 0, 1), 1_000).unref();

beforeAll(() => {
  const file = expect.getState().testPath;
  if (file) watch.postMessage(file);
});

const watch = new Worker(
  `
  const { workerData, parentPort } = require('node:worker_threads');
  const { readdirSync, readFileSync, writeSync } = require('node:fs');
  const { performance } = require('node:perf_hooks');
  const { beat, limit, pid } = workerData;
  const STEP_MS = Math.min(5_000, (limit * 1000) / 2);
  let file = '(the file had not started)';
  parentPort.on('message', (f) => (file = f));
  // Its child processes, from /proc (no ps needed): [pid, command line].
  const children = () => {
    const found = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\\d+$/.test(name)) continue;
      try {
        const stat = readFileSync('/proc/' + name + '/stat', 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== pid) continue;
        const args = readFileSync('/proc/' + name + '/cmdline', 'utf8').split('\\0').join(' ');
        found.push([Number(name), args.trim()]);
      } catch {}
    }
    return found;
  };
  // Time the loop stood still, as this watch saw it pass: a gap longer than two of its own steps
  // is the whole machine paused (this thread did not run either), counted as two steps.
  let seen = Atomics.load(beat, 0);
  let at = performance.now();
  let stillMs = 0;
  setInterval(() => {
    const now = performance.now();
    const step = Math.min(now - at, 2 * STEP_MS);
    at = now;
    const count = Atomics.load(beat, 0);
    if (count !== seen) {
      seen = count;
      stillMs = 0;
      return;
    }
    stillMs += step;
    const still = Math.round(stillMs / 1000);
    if (stillMs < limit * 1000) return;
    const kids = children();
    writeSync(
      2,
      '\\n[stall-guard] ' + file + ': the test process ' + pid + ' has not run its event loop for ' +
        still + ' s (a synchronous call is stuck); ending it. Its child processes:\\n' +
        (kids.map(([p, args]) => '  ' + p + ' ' + args + '\\n').join('') || '  (none)\\n'),
    );
    // Its children too (a server, a browser): nobody else would end them.
    for (const [child] of kids) try { process.kill(child, 'SIGKILL'); } catch {}
    process.kill(pid, 'SIGKILL');
  }, STEP_MS);
  `,
  { eval: true, workerData: { beat, limit: STALL_LIMIT_S, pid: process.pid } },
);
watch.unref();
