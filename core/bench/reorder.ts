// The nightly reorder run at head office's size (issue 14, decision 0032): 20,000 reorder rules
// over 10 branches with two years of daily demand, then, through the real code, the refit of every
// series' forecast (refitForecasts, on its own schedule in the app) and the nightly run as the
// admin (purchasing.run: one transaction), its time and the process's peak memory, and a second
// run that must draft nothing.
//
// The seed is ./reorder-seed.ts.
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { parseRows } from '../db/rows';
import { demandHistories, refitForecasts } from '../purchasing/run';
import type { DemoWorld } from '../testing/demo';
import { fmtInt, type Row } from './stats';
import type { ReorderSeed } from './reorder-seed';

/** Samples the process's resident set from another thread, so a synchronous call is seen too. */
async function rssSampler(): Promise<() => Promise<{ peakMb: number; startMb: number }>> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let peak = process.memoryUsage.rss();
     const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 5);
     parentPort.on('message', () => {
       clearInterval(timer);
       parentPort.postMessage(Math.max(peak, process.memoryUsage.rss()));
     });`,
    { eval: true },
  );
  await new Promise((ok) => worker.once('online', ok));
  const startMb = process.memoryUsage.rss() / 1048576;
  return async () => {
    const peak = new Promise<number>((ok) => worker.once('message', (n: number) => ok(n)));
    worker.postMessage('stop');
    const peakMb = (await peak) / 1048576;
    await worker.terminate();
    return { peakMb, startMb };
  };
}

export interface ReorderResult {
  refitS: number;
  series: number;
  methods: Record<string, number>;
  /** demandHistories alone, read again after the refit: the share of the refit that is SQL. */
  readS: number;
  runS: number;
  peakMb: number;
  startMb: number;
  first: { lines: number; orders: number; alreadyOrdered: number; noSupplier: number };
  second: { lines: number; orders: number; alreadyOrdered: number };
  secondS: number;
}

export async function measureReorder(
  world: DemoWorld,
  now: number,
  log: (line: string) => void,
): Promise<ReorderResult> {
  const db = world.core.db;
  log('  forecast refit of every series (progress on stderr)...');
  const t0 = performance.now();
  let shown = 0;
  const refit = refitForecasts(db, now, (done, of) => {
    const every = Math.max(500, Math.round(of / 20 / 500) * 500);
    if (done === shown || (done !== of && done % every !== 0)) return;
    shown = done;
    process.stderr.write(
      `  refit: ${fmtInt(done)} / ${fmtInt(of)} series, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  });
  const refitS = (performance.now() - t0) / 1000;
  const methods = Object.fromEntries(
    parseRows(
      z.object({ method: z.string(), n: z.number().int() }),
      db.sqlite
        .prepare('SELECT method, count(*) AS n FROM forecasts GROUP BY method ORDER BY n DESC')
        .all(),
    ).map((r) => [r.method, r.n]),
  );
  const r0 = performance.now();
  demandHistories(db, now);
  const readS = (performance.now() - r0) / 1000;

  log('  the nightly run through purchasing.run as the admin, twice...');
  const admin = world.as('admin');
  const stop = await rssSampler();
  const t1 = performance.now();
  const first = await admin('purchasing.run', {});
  const runS = (performance.now() - t1) / 1000;
  const { peakMb, startMb } = await stop();
  const t2 = performance.now();
  const second = await admin('purchasing.run', {});
  const secondS = (performance.now() - t2) / 1000;
  return {
    refitS,
    series: refit.series,
    methods,
    readS,
    runS,
    peakMb,
    startMb,
    first,
    second,
    secondS,
  };
}

export const REORDER_TARGET = { refitS: 600, runS: 60 };

/** The section's rows of the bench's table. */
export function reorderRows(seed: ReorderSeed, r: ReorderResult): Row[] {
  const pct = (n: number) => `${Math.round((n / Math.max(seed.rules, 1)) * 100)}%`;
  return [
    {
      measure: 'reorder seed: branches / variants / rules',
      value: `${seed.branches} / ${fmtInt(seed.variants)} / ${fmtInt(seed.rules)}`,
    },
    {
      measure: 'reorder seed: suppliers / items / open orders',
      value: `${seed.suppliers} / ${fmtInt(seed.supplierItems)} / ${seed.openOrders}`,
    },
    { measure: 'reorder seed: demand movements', value: fmtInt(seed.movements) },
    { measure: 'reorder seed: time', value: `${seed.seconds.toFixed(1)} s` },
    {
      measure: 'rules with stock below their minimum',
      value: `${fmtInt(seed.belowMin)} (${pct(seed.belowMin)})`,
    },
    {
      measure: `forecast refit (${fmtInt(r.series)} series)`,
      value: `${r.refitS.toFixed(1)} s`,
      target: `< ${REORDER_TARGET.refitS} s`,
      pass: r.refitS < REORDER_TARGET.refitS,
    },
    {
      measure: '  per series',
      value: `${((r.refitS * 1000) / Math.max(r.series, 1)).toFixed(2)} ms`,
    },
    { measure: '  of which reading the histories', value: `${r.readS.toFixed(1)} s` },
    {
      measure: '  methods',
      value: Object.entries(r.methods)
        .map(([m, n]) => `${m} ${fmtInt(n)}`)
        .join(', '),
    },
    {
      measure: `purchasing.run (${fmtInt(seed.rules)} rules)`,
      value: `${r.runS.toFixed(2)} s`,
      target: `< ${REORDER_TARGET.runS} s`,
      pass: r.runS < REORDER_TARGET.runS,
    },
    {
      measure: '  peak RSS of the process during it',
      value: `${r.peakMb.toFixed(0)} MB (+${(r.peakMb - r.startMb).toFixed(0)} MB)`,
    },
    {
      measure: '  lines / orders drafted',
      value: `${fmtInt(r.first.lines)} (${pct(r.first.lines)}) / ${fmtInt(r.first.orders)}`,
    },
    {
      measure: '  rules on a drafted line already / with no supplier',
      value: `${fmtInt(r.first.alreadyOrdered)} / ${fmtInt(r.first.noSupplier)}`,
    },
    {
      measure: 'purchasing.run again drafts nothing',
      value: `${fmtInt(r.second.lines)} lines (${fmtInt(r.second.alreadyOrdered)} on order), ${r.secondS.toFixed(2)} s`,
      pass: r.second.lines === 0 && r.second.orders === 0 && r.first.lines > 0,
    },
  ];
}
