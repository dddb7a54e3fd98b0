// The sync benchmark's table and its one-line JSON result. A missed target is shown as FAIL in
// the table, never as an exit code.
import { fmtInt, round, table, type Row } from '../../core/bench/stats';
import type { NewsRun } from './news';
import type { Converged, PushRun } from './phases';
import type { PostgresResults } from './postgres';
import type { PullRun } from './serve';

/**
 * PostgreSQL: several processes must take in at least what one does (this benchmark's machine
 * has too few cores to show more), and never less than `pgPushPerS`.
 */
export const TARGET = {
  pushPerS: 25_000,
  applyRatio: 0.3,
  catchUpS: 3,
  pgPushPerS: 10_000,
  /** Median seconds from a change at head office to an online PC having applied it. */
  changeToPcS: 2,
};

export interface Results {
  scale: number;
  shops: number;
  made: number;
  genSeconds: number;
  pullPage: number;
  concurrent: PushRun;
  sequential: PushRun;
  converged: Converged;
  folds: { name: string; same: boolean; ledgerOk: boolean }[];
  news: NewsRun;
  applied: { events: number; seconds: number };
  raw: {
    events: number;
    rows: number;
    byEvent: { seconds: number; same: boolean };
    byTable: { seconds: number; same: boolean };
  };
  catchUp: {
    events: number;
    seconds: number;
    /** Its pages the PC's page reader gave (core/sync/page-reader.ts). */
    readAhead: number;
    served: PullRun;
    servedInProcess: PullRun;
    same: boolean;
  };
  /** Null when PostgreSQL is not installed here. */
  postgres: PostgresResults | null;
  totalSeconds: number;
  load: string;
}

const s = (x: number) => `${x.toFixed(2)} s`;
const rate = (n: number, sec: number) => n / sec;
const perS = (n: number, sec: number) => `${fmtInt(rate(n, sec))} /s`;
const yes = (ok: boolean) => (ok ? 'yes' : 'NO');

function pushRows(label: string, run: PushRun, target: boolean): Row[] {
  return [
    {
      measure: `push ingest, ${label}`,
      value: perS(run.events, run.seconds),
      ...(target && {
        target: `>= ${fmtInt(TARGET.pushPerS)} /s`,
        pass: rate(run.events, run.seconds) >= TARGET.pushPerS,
      }),
    },
    { measure: '  events, wall time', value: `${fmtInt(run.events)} in ${s(run.seconds)}` },
    ...(run.serverCpuSeconds === undefined ? [] : [serverCpuRow(run, 'process')]),
    { measure: '  replica still to fold when pushes ended', value: fmtInt(run.replicaBehindAtEnd) },
  ];
}

/** The server's own cost of a push; with PostgreSQL, mostly the replica folding in every process (decision 0013). */
function serverCpuRow(run: PushRun, processes = 'processes'): Row {
  const cpu = run.serverCpuSeconds ?? Number.NaN;
  return {
    measure: `  CPU of the server ${processes} meanwhile`,
    value: `${s(cpu)}, ${fmtInt((cpu / run.events) * 1e6)} µs/event`,
  };
}

function postgresRows(pg: PostgresResults | null): Row[] {
  if (!pg) return [{ measure: 'PostgreSQL', value: 'not installed: skipped' }];
  const one = rate(pg.one.events, pg.one.seconds);
  const three = rate(pg.three.events, pg.three.seconds);
  const floor = `>= ${fmtInt(TARGET.pgPushPerS)} /s`;
  return [
    {
      measure: 'push ingest, PostgreSQL, 1 server process',
      value: perS(pg.one.events, pg.one.seconds),
      target: floor,
      pass: one >= TARGET.pgPushPerS,
    },
    {
      measure: '  events, wall time',
      value: `${fmtInt(pg.one.events)} in ${s(pg.one.seconds)}`,
      pass: pg.one.events === pg.made,
    },
    serverCpuRow(pg.one),
    {
      measure: `push ingest, PostgreSQL, ${pg.processes} processes, requests in turn`,
      value: perS(pg.three.events, pg.three.seconds),
      target: floor,
      pass: three >= TARGET.pgPushPerS,
    },
    {
      measure: '  events, wall time',
      value: `${fmtInt(pg.three.events)} in ${s(pg.three.seconds)}`,
      pass: pg.three.events === pg.made,
    },
    serverCpuRow(pg.three),
    {
      measure: `  ${pg.processes} processes / 1 process`,
      value: `${(three / one).toFixed(2)}`,
      target: '>= 1.00',
      pass: three >= one,
    },
    {
      measure: `catch-up from PostgreSQL, HQ PC behind (${fmtInt(pg.catchUp.events)} events)`,
      value: s(pg.catchUp.seconds),
    },
    {
      measure: `  server serving them, over HTTP (${pg.catchUp.served.pages} pages)`,
      value: s(pg.catchUp.served.seconds),
    },
    {
      measure: '  caught-up PC = fresh head-office fold',
      value: yes(pg.catchUp.same),
      pass: pg.catchUp.same,
    },
    {
      measure: `change to PC applied, median (${pg.news.pcs} PCs, requests over ${pg.processes} processes)`,
      value: s(pg.news.seconds.median),
      target: `< ${TARGET.changeToPcS} s`,
      pass: pg.news.seconds.median < TARGET.changeToPcS && pg.news.missed === 0,
    },
    {
      measure: `  p95, max; PCs that had not applied a change`,
      value: `${s(pg.news.seconds.p95)}, ${s(pg.news.seconds.max)}; ${fmtInt(pg.news.missed)}`,
    },
  ];
}

export function report(r: Results): { table: string; json: Record<string, unknown> } {
  const applyRate = rate(r.applied.events, r.applied.seconds);
  const rawRate = rate(r.raw.events, r.raw.byEvent.seconds);
  const bulkRate = rate(r.raw.events, r.raw.byTable.seconds);
  const ratio = applyRate / rawRate;
  const c = r.catchUp;
  const catchUpOk = c.seconds < TARGET.catchUpS && c.events >= r.made;
  const rows: Row[] = [
    { measure: `offline events made (${r.shops} shops)`, value: fmtInt(r.made) },
    {
      measure: 'generation through the operations',
      value: `${s(r.genSeconds)}, ${perS(r.made, r.genSeconds)}`,
    },
    ...pushRows(`${r.shops} shops at once`, r.concurrent, true),
    // The scenario is ten branches syncing at once; one after another is for comparison.
    ...pushRows('one shop after another (snapshot)', r.sequential, false),
    {
      measure: '  then the replica folded those left in',
      value: `${s(r.sequential.replicaLagSeconds)}, ${perS(r.sequential.replicaBehindAtEnd, r.sequential.replicaLagSeconds)}`,
    },
    { measure: 'converge all (first push .. all caught up)', value: s(r.converged.seconds) },
    { measure: '  head-office replica caught up at', value: s(r.converged.replicaSeconds) },
    {
      measure: `  slowest PC (${r.converged.slowestPc.name}, ${fmtInt(r.converged.slowestPc.pulled)} pulled)`,
      value: s(r.converged.slowestPc.seconds),
    },
    { measure: '  events pulled by the branch PCs', value: fmtInt(r.converged.pulled) },
    {
      measure: '  conflicts',
      value: fmtInt(r.converged.conflicts),
      pass: r.converged.conflicts === 0,
    },
    ...r.folds.map((f) => ({
      measure: `${f.name} = fresh fold of its branch; ledger = balances`,
      value: `${yes(f.same)}; ${yes(f.ledgerOk)}`,
      pass: f.same && f.ledgerOk,
    })),
    {
      measure: `change at head office to PC applied, median (${r.news.pcs} PCs online)`,
      value: s(r.news.seconds.median),
      target: `< ${TARGET.changeToPcS} s`,
      pass: r.news.seconds.median < TARGET.changeToPcS && r.news.missed === 0,
    },
    {
      measure: `  p95, max (${r.news.changes} changes, ${fmtInt(r.news.seconds.n)} samples)`,
      value: `${s(r.news.seconds.p95)}, ${s(r.news.seconds.max)}`,
    },
    { measure: '  PCs that had not applied a change', value: fmtInt(r.news.missed) },
    {
      measure: `pull-and-apply at one PC (pages of ${fmtInt(r.pullPage)})`,
      value: perS(r.applied.events, r.applied.seconds),
    },
    {
      measure: '  events, wall time',
      value: `${fmtInt(r.applied.events)} in ${s(r.applied.seconds)}`,
    },
    {
      measure: 'raw better-sqlite3, same rows, event by event',
      value: perS(r.raw.events, r.raw.byEvent.seconds),
      pass: r.raw.byEvent.same,
    },
    {
      measure: 'raw better-sqlite3, same rows, table by table',
      value: perS(r.raw.events, r.raw.byTable.seconds),
      pass: r.raw.byTable.same,
    },
    {
      measure: `  rows, wall time (event / table order)`,
      value: `${fmtInt(r.raw.rows)} in ${s(r.raw.byEvent.seconds)} / ${s(r.raw.byTable.seconds)}`,
    },
    {
      measure: 'pull-and-apply / raw (event by event)',
      value: `${(ratio * 100).toFixed(1)} %`,
      target: `>= ${TARGET.applyRatio * 100} %`,
      pass: ratio >= TARGET.applyRatio,
    },
    {
      measure: 'pull-and-apply / raw (table by table)',
      value: `${((applyRate / bulkRate) * 100).toFixed(1)} %`,
    },
    {
      measure: `catch-up, HQ PC 30 days behind (${fmtInt(c.events)} events)`,
      value: s(c.seconds),
      target: `< ${TARGET.catchUpS} s`,
      pass: catchUpOk,
    },
    { measure: '  events/s pulled and applied', value: perS(c.events, c.seconds) },
    { measure: '  pages read ahead on a worker thread', value: fmtInt(c.readAhead) },
    {
      measure: `  server serving them, over HTTP (${c.served.pages} pages)`,
      value: s(c.served.seconds),
    },
    { measure: '  server serving them, in process', value: s(c.servedInProcess.seconds) },
    { measure: '  caught-up PC = fresh head-office fold', value: yes(c.same), pass: c.same },
    ...postgresRows(r.postgres),
    { measure: 'total bench time', value: s(r.totalSeconds) },
    { measure: 'load average at the end (1/5/15 min)', value: r.load },
  ];
  const json = {
    scale: r.scale,
    events: r.made,
    push_events_per_s: round(rate(r.concurrent.events, r.concurrent.seconds), 0),
    push_server_cpu_s: round(r.concurrent.serverCpuSeconds ?? Number.NaN, 2),
    push_sequential_events_per_s: round(rate(r.sequential.events, r.sequential.seconds), 0),
    replica_fold_events_per_s: round(
      rate(r.sequential.replicaBehindAtEnd, r.sequential.replicaLagSeconds),
      0,
    ),
    apply_events_per_s: round(applyRate, 0),
    raw_events_per_s: round(rawRate, 0),
    raw_by_table_events_per_s: round(bulkRate, 0),
    apply_ratio_vs_raw: round(ratio, 3),
    apply_ratio_vs_raw_by_table: round(applyRate / bulkRate, 3),
    converge_all_s: round(r.converged.seconds, 2),
    change_to_pc_median_s: round(r.news.seconds.median, 3),
    change_to_pc_p95_s: round(r.news.seconds.p95, 3),
    change_to_pc_missed: r.news.missed,
    replica_caught_up_s: round(r.converged.replicaSeconds, 2),
    catchup_50k_s: round(c.seconds, 2),
    catchup_events: c.events,
    catchup_pages_read_ahead: c.readAhead,
    catchup_serve_http_s: round(c.served.seconds, 3),
    catchup_serve_in_process_s: round(c.servedInProcess.seconds, 3),
    generate_s: round(r.genSeconds, 1),
    fresh_folds_match: r.folds.every((f) => f.same) && c.same,
    // The raw floor wrote the same rows the replica's projections did, in both orders.
    raw_rows_match: r.raw.byEvent.same && r.raw.byTable.same,
    ...postgresJson(r.postgres),
    total_s: round(r.totalSeconds, 1),
    load_avg: r.load,
  };
  return { table: table(rows), json };
}

/** The PostgreSQL figures; null each when PostgreSQL is not installed here. */
function postgresJson(pg: PostgresResults | null) {
  return {
    pg1_push_events_per_s: pg && round(rate(pg.one.events, pg.one.seconds), 0),
    pg3_push_events_per_s: pg && round(rate(pg.three.events, pg.three.seconds), 0),
    pg_catchup_50k_s: pg && round(pg.catchUp.seconds, 2),
    pg1_server_cpu_s: pg && round(pg.one.serverCpuSeconds, 2),
    pg3_server_cpu_s: pg && round(pg.three.serverCpuSeconds, 2),
    pg_pushed_all: pg && pg.one.events === pg.made && pg.three.events === pg.made,
    pg_catchup_events: pg && pg.catchUp.events,
    pg_catchup_serve_http_s: pg && round(pg.catchUp.served.seconds, 3),
    pg_fresh_fold_match: pg && pg.catchUp.same,
    pg3_change_to_pc_median_s: pg && round(pg.news.seconds.median, 3),
    pg3_change_to_pc_missed: pg && pg.news.missed,
  };
}
