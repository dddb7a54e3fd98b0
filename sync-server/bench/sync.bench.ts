// The sync benchmark (npm run bench:sync): ten shops each make 5,000 events offline through the
// core's own operations, then sync through one head-office server (SQLite store, in a process of
// its own as in real use, its head-office replica folding there) on loopback, 1,000 events per
// push. Measures push ingest (all shops at once; and one after another, on a snapshot of the same
// server), pull-and-apply at one PC next to raw better-sqlite3 writing the same rows, the time
// until every PC and head office have converged, and a head-office PC 30 days (50,000 events)
// behind catching up; and with the ten shop PCs online, waiting for news, the time from a price
// change at head office until each PC has applied it (./news.ts, decision 0018). Then the same
// world again on a local PostgreSQL (./postgres.ts): push to
// one server process and to three on one database, and the catch-up. Prints a table and, as the
// last line, one JSON object. A missed target is reported, never an exit code.
// BENCH_PROFILE=push|catchup|pg-push|pg3-push|pg-catchup profiles that phase in this process,
// server-<phase> in the (first) server process.
//
// Environment: BENCH_SCALE (default 1; 0.1 for a quick run) scales the events per shop;
// BENCH_KEEP=1 keeps the databases.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { profiled } from '../../core/bench/profile';
import { fmtInt } from '../../core/bench/stats';
import { openDatabase } from '../../core/db/open';
import { ledgerMismatches, stateHash } from '../../core/db/stateHash';
import { pullLimit } from '../../core/sync/engine';
import { differingTables, freshFoldHash } from '../testing/fold';
import { enrollPc, useBundledPageReader } from './pcs';
import { changeToPc } from './news';
import { converge, pushConcurrent, pushOnSnapshot, serveInProcess, serveOnly } from './phases';
import { readAppliedRows, writeRawRows, type RawPage } from './raw';
import { benchPostgres } from './postgres';
import { report } from './report';
import { spawnServer } from './server-process';
import { generateOffline, setUpWorld } from './world';

const env = process.env;
const scale = Number(env['BENCH_SCALE'] ?? '1');
if (!(scale > 0 && scale <= 1))
  throw new Error(`BENCH_SCALE must be a number in (0, 1], not ${env['BENCH_SCALE']}`);
const SHOPS = 10;
const PER_SHOP = Math.max(100, Math.round(5_000 * scale));
const TOTAL = SHOPS * PER_SHOP;
const PUSH_BATCH = 1_000;
const PULL_PAGE = 5_000;
const GENERATE_BATCH = 500;

const log = (line: string) => console.log(line);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const since = (t: number) => (performance.now() - t) / 1000;
const s = (x: number) => `${x.toFixed(2)} s`;
const benchStart = performance.now();

log(`sync benchmark: scale ${scale}, ${SHOPS} shops x ${fmtInt(PER_SHOP)} offline events`);
log(`  node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, load ${load()}`);

await useBundledPageReader();

// 1. Head office with the factory, ten shops with a clerk each, a catalog; one PC per branch,
// and a head-office PC that syncs now and then not again for "30 days".
const serverDir = mkdtempSync(join(tmpdir(), 'fse-syncbench-server-'));
// Thirteen PCs enroll within seconds from one address: lift the per-address enrollment limit.
const server = await spawnServer({
  dataDir: serverDir,
  rateLimits: { enroll: { burst: 1_000, refillMs: 1 } },
});
const world = await setUpWorld(server.base, { shops: SHOPS, pushBatch: PUSH_BATCH });
const { w, factory, shopPcs, behind } = world;
log(
  `  server on ${w.base} (process ${server.pid}), ${SHOPS} shops + factory enrolled, ${world.variants.length} variants`,
);

// 2. The offline events, through the operations, 500 per transaction.
log(`generating ${fmtInt(TOTAL)} offline events (${GENERATE_BATCH} operations per transaction)...`);
const { made, seconds: genSeconds } = await generateOffline(world, {
  perShop: PER_SHOP,
  batch: GENERATE_BATCH,
  log,
});

// 3. Push to a snapshot of the server (same events, real ingest), one shop after another.
log(`push to a snapshot of the server, one shop after another, batches of ${PUSH_BATCH}...`);
const sequential = await pushOnSnapshot(server, shopPcs, {
  pushBatch: PUSH_BATCH,
  concurrent: false,
});
log(
  `  ${fmtInt(sequential.events)} events in ${s(sequential.seconds)}; the replica folded the ${fmtInt(sequential.replicaBehindAtEnd)} left in ${s(sequential.replicaLagSeconds)}`,
);

// 4. Push, all shops at once, to the real server; converge-all is timed from here.
log('push, all ten shops at once...');
const convergeStart = performance.now();
const concurrent = await profiled('push', () =>
  server.profiled('push', () => pushConcurrent(server, shopPcs)),
);
log(`  ${fmtInt(concurrent.events)} events in ${s(concurrent.seconds)}`);
log('converging: every PC syncs, head office replica catches up...');
const converged = await converge(server, [factory, ...shopPcs], convergeStart);
log(`  converged after ${s(converged.seconds)}`);

// 5. Checks (not timed): two PCs against fresh folds of their branch's log.
log('checking two PCs against fresh folds...');
const folds = await Promise.all(
  [shopPcs[0]!, factory].map(async (pc) => ({
    name: pc.name,
    same: stateHash(pc.core.db) === (await freshFoldHash(w.base, pc.token, pc.branchId)),
    ledgerOk: ledgerMismatches(pc.core.db).length === 0,
  })),
);

// 5b. News: the ten shop PCs online, each waiting at head office; head office changes a price.
const NEWS_CHANGES = Math.max(3, Math.round(10 * scale));
log(
  `news: ${shopPcs.length} PCs online and waiting; ${NEWS_CHANGES} price changes at head office...`,
);
const news = await changeToPc(w, shopPcs, { variantId: world.variants[0]!, changes: NEWS_CHANGES });
log(
  `  change to PC applied: median ${s(news.seconds.median)}, p95 ${s(news.seconds.p95)}, max ${s(news.seconds.max)} (${news.seconds.n} samples, ${news.missed} missed)`,
);

// 6. Pull-and-apply at one PC: a fresh head-office PC folds the whole log, pages of 5,000.
log(`pull-and-apply: a fresh head-office PC pulls everything in pages of ${PULL_PAGE}...`);
const fresh = await enrollPc(w, w.branch.HQ, 'fresh HQ PC', { pullPage: PULL_PAGE }, false);
const applyStart = performance.now();
const applied = await fresh.engine.pull();
const applySeconds = since(applyStart);
log(`  ${fmtInt(applied.pulled)} events in ${s(applySeconds)}`);
log('raw better-sqlite3: the same rows into fresh databases, same transactions...');
const rawRows = readAppliedRows(fresh.core.db, PULL_PAGE);
const rawDirs: string[] = [];
const rawRun = (pages: RawPage[]) => {
  const dir = mkdtempSync(join(tmpdir(), 'fse-syncbench-raw-'));
  rawDirs.push(dir);
  const db = openDatabase(join(dir, 'raw.sqlite'));
  try {
    const seconds = writeRawRows(db, rawRows, pages);
    return { seconds, same: differingTables(fresh.core.db, db).length === 0 };
  } finally {
    db.close();
  }
};
const rawByEvent = rawRun(rawRows.byEvent);
const rawByTable = rawRun(rawRows.byTableOrder);
log(
  `  ${fmtInt(rawRows.events)} events, ${fmtInt(rawRows.rows)} rows: ${s(rawByEvent.seconds)} event by event, ${s(rawByTable.seconds)} table by table`,
);

// 7. The PC 30 days behind: what the server takes to serve its pages, then its whole sync.
log(
  `catch-up: the head-office PC 30 days behind (the app's pages: ${fmtInt(pullLimit(null, {}))}, or ${fmtInt(pullLimit(Infinity, {}))} while that many are left)...`,
);
const served = await serveOnly(behind);
const servedInProcess = await serveInProcess(server, behind);
const catchUpStart = performance.now();
const caughtUp = await profiled('catchup', () =>
  server.profiled('catchup', () => behind.engine.sync()),
);
const catchUpSeconds = since(catchUpStart);
const behindSame = stateHash(behind.core.db) === stateHash(fresh.core.db);
log(`  ${fmtInt(caughtUp.pulled)} events in ${s(catchUpSeconds)}`);

for (const pc of [factory, ...shopPcs, behind, fresh]) pc.core.close();
await server.close();
const dirs = [serverDir, ...rawDirs, ...[factory, ...shopPcs, behind, fresh].map((pc) => pc.dir)];
if (!env['BENCH_KEEP']) for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
else log(`kept: ${dirs.join(' ')}`);

// 8. The same on PostgreSQL: push to one server process and to three on one database, catch-up.
const postgres = await benchPostgres({
  shops: SHOPS,
  perShop: PER_SHOP,
  pushBatch: PUSH_BATCH,
  generateBatch: GENERATE_BATCH,
  log,
  keep: Boolean(env['BENCH_KEEP']),
  newsChanges: NEWS_CHANGES,
});

const { table, json } = report({
  scale,
  shops: SHOPS,
  made,
  genSeconds,
  pullPage: PULL_PAGE,
  concurrent,
  sequential,
  converged,
  folds,
  news,
  applied: { events: applied.pulled, seconds: applySeconds },
  raw: { events: rawRows.events, rows: rawRows.rows, byEvent: rawByEvent, byTable: rawByTable },
  catchUp: {
    events: caughtUp.pulled,
    seconds: catchUpSeconds,
    readAhead: caughtUp.readAhead,
    served,
    servedInProcess,
    same: behindSame,
  },
  postgres,
  totalSeconds: since(benchStart),
  load: load(),
});
log('');
log(table);
console.log(JSON.stringify(json));
