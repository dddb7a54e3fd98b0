// The sync benchmark on PostgreSQL, the store head office moves to when one machine is not enough:
// a throwaway local PostgreSQL with production's durability (fsync and synchronous_commit on),
// its own world made as for SQLite (same shops, same seeds), then the same offline events pushed
// twice, all shops at once: to one server process, and to three server processes on one database
// (a copy made before the first push) with every PC request going to the next process in turn.
// Then the head-office PC 30 days behind catches up from the one-process server. Last, with the
// shop PCs online and their requests still in turn over the three processes, the time from a
// price change through the first process until each PC has applied it (./news.ts): most waits
// are held by a process that hears of the change only from the database (decision 0018).
// Before each timed push its server processes take in a warm-up shop's events (one more shop,
// its own seed, WARM_UP shops' worth of events), so that neither run times V8 compiling
// the push path: a running head office has compiled it long before, and three processes started
// just before the burst each compile it, one pays that once.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profiled } from '../../core/bench/profile';
import { fmtInt } from '../../core/bench/stats';
import { stateHash } from '../../core/db/stateHash';
import { findPostgresBin, startTestPostgres } from '../store/testing/postgres';
import { freshFoldHash } from '../testing/fold';
import { adminAt } from '../testing/world';
import { changeToPc, type NewsRun } from './news';
import { makeShopEvents } from './generate';
import { openPc, signIn, snapshotPc, type Pc } from './pcs';
import { pushConcurrent, serveOnly, type PushRun } from './phases';
import type { PullRun } from './serve';
import { spawnServer, type ServerProcess } from './server-process';
import { closeWorld, generateOffline, setUpWorld } from './world';

/** A push of every shop at once, and the CPU time its server processes used meanwhile. */
export type PostgresPush = PushRun & { serverCpuSeconds: number };

export interface PostgresResults {
  made: number;
  genSeconds: number;
  one: PostgresPush;
  three: PostgresPush;
  /** How many server processes the second run had. */
  processes: number;
  catchUp: { events: number; seconds: number; served: PullRun; same: boolean };
  /** News with the PCs' requests in turn over the processes, the changes through the first. */
  news: NewsRun;
}

export interface PostgresOptions {
  shops: number;
  perShop: number;
  pushBatch: number;
  generateBatch: number;
  log: (line: string) => void;
  /** Keep the folders (the database goes with its throwaway server). */
  keep: boolean;
  /** Price changes made at head office while the PCs wait for news. */
  newsChanges: number;
}

const PROCESSES = 3;
/**
 * What the warm-up shop pushes to each run's processes before the timed push, in shops' worth of
 * events (9,000 at full scale), in small batches: many requests, so that each of three processes
 * meets the per-request code as often as V8 needs to compile it, not only the per-event code.
 */
const WARM_UP = 1.8;
const WARM_UP_BATCH = 100;
const s = (x: number) => `${x.toFixed(2)} s`;
const since = (t: number) => (performance.now() - t) / 1000;

/** Runs the PostgreSQL part; null (and says why) when PostgreSQL is not installed here. */
export async function benchPostgres(o: PostgresOptions): Promise<PostgresResults | null> {
  if (!findPostgresBin()) {
    o.log('PostgreSQL: not installed here (no initdb/pg_ctl/postgres), its figures are skipped');
    return null;
  }
  const pg = await startTestPostgres({ durable: true });
  const dirs: string[] = [];
  const newDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), `fse-syncbench-pg-${prefix}-`));
    dirs.push(dir);
    return dir;
  };
  const open: Pc[] = [];
  const servers: ServerProcess[] = [];
  const spawn = async (dataDir: string, databaseUrl: string, enrolls = false) => {
    const server = await spawnServer({
      dataDir,
      databaseUrl,
      // The PCs enroll within seconds from one address: lift the per-address enrollment limit.
      ...(enrolls && { rateLimits: { enroll: { burst: 1_000, refillMs: 1 } } }),
    });
    servers.push(server);
    return server;
  };
  const stop = async (server: ServerProcess) => {
    servers.splice(servers.indexOf(server), 1);
    await server.close();
  };
  const reopen = (pc: Pc, base: string | string[], dir = pc.dir, pushBatch = o.pushBatch) => {
    const copy = openPc(base, dir, pc.token, pc.name, { pushBatch });
    open.push(copy);
    return copy;
  };
  try {
    const url = await pg.createDatabase('bench');
    const firstDir = newDir('server');
    const first = await spawn(firstDir, url, true);
    o.log(`PostgreSQL ${pg.url.replace(/\/[^/]*$/, '')} (fsync on): the same world, made again...`);
    // One shop more than the timed ones: the warm-up shop, made last, its events made apart.
    const everyShop = await setUpWorld(first.base, { shops: o.shops + 1, pushBatch: o.pushBatch });
    const world = {
      ...everyShop,
      shops: everyShop.shops.slice(0, o.shops),
      shopPcs: everyShop.shopPcs.slice(0, o.shops),
    };
    const generated = await generateOffline(world, {
      perShop: o.perShop,
      batch: o.generateBatch,
      log: o.log,
    });
    const warmUpPc = everyShop.shopPcs[o.shops]!;
    await makeShopEvents(
      warmUpPc,
      await signIn(warmUpPc, everyShop.shops[o.shops]!.clerk),
      world.variants,
      Math.round(WARM_UP * o.perShop),
      { batch: o.generateBatch, seed: 999, onBatch: () => {} },
    );

    // The same log, replica and PCs for the second run. A database is copied only while nobody
    // is connected to it, so the first server stops meanwhile.
    await first.ask({ cmd: 'catchUp' });
    await stop(first);
    const threeUrl = await pg.createDatabase('bench_three', 'bench');
    const threeDir = newDir('server');
    cpSync(firstDir, threeDir, { recursive: true });
    const snapshot = (pc: Pc) => {
      const dir = snapshotPc(pc);
      dirs.push(dir);
      return dir;
    };
    const shopCopies = world.shopPcs.map(snapshot);
    const warmUpCopy = snapshot(warmUpPc);
    dirs.push(...closeWorld(everyShop).map((pc) => pc.dir));

    o.log('push to PostgreSQL, one server process, all shops at once...');
    const one = await spawn(firstDir, url);
    // The head-office PC behind takes the warm-up's events too: it catches up the timed ones.
    const behind = reopen(world.behind, one.base);
    await warmUp([one], reopen(warmUpPc, one.base, warmUpPc.dir, WARM_UP_BATCH), behind, o.log);
    const oneRun = await pushAll(
      [one],
      world.shopPcs.map((pc) => reopen(pc, one.base)),
      'pg-push',
      o.log,
    );
    // Head office has folded them before the catch-up is timed, as in the SQLite run.
    await one.ask({ cmd: 'catchUp' });
    o.log('catch-up from PostgreSQL: the head-office PC 30 days behind...');
    // What serving its pages takes (the server's and the store's share), applying nothing.
    const served = await serveOnly(behind);
    const catchUpStart = performance.now();
    const caughtUp = await profiled('pg-catchup', () =>
      one.profiled('pg-catchup', () => behind.engine.sync()),
    );
    const catchUpSeconds = since(catchUpStart);
    o.log(`  ${fmtInt(caughtUp.pulled)} events in ${s(catchUpSeconds)}`);
    const same =
      stateHash(behind.core.db) === (await freshFoldHash(one.base, behind.token, behind.branchId));
    await stop(one);

    o.log(
      `push to PostgreSQL, ${PROCESSES} server processes on one database, all shops at once...`,
    );
    // The first keeps head office's replica; the others start their own, as added processes do.
    const three = [await spawn(threeDir, threeUrl)];
    while (three.length < PROCESSES) three.push(await spawn(newDir('server'), threeUrl));
    const bases = three.map((p) => p.base);
    await warmUp(three, reopen(warmUpPc, bases, warmUpCopy, WARM_UP_BATCH), null, o.log);
    const threePcs = world.shopPcs.map((pc, i) => reopen(pc, bases, shopCopies[i]));
    const threeRun = await pushAll(three, threePcs, 'pg3-push', o.log);

    o.log(
      `news: ${threePcs.length} PCs online, requests in turn over ${PROCESSES} processes; ${o.newsChanges} price changes through the first...`,
    );
    await Promise.all(threePcs.map((pc) => pc.engine.sync()));
    const news = await changeToPc({ admin: adminAt(bases[0]!, world.w.adminToken) }, threePcs, {
      variantId: world.variants[0]!,
      changes: o.newsChanges,
    });
    o.log(
      `  change to PC applied: median ${s(news.seconds.median)}, p95 ${s(news.seconds.p95)}, max ${s(news.seconds.max)} (${news.missed} missed)`,
    );
    return {
      news,
      made: generated.made,
      genSeconds: generated.seconds,
      one: oneRun,
      three: threeRun,
      processes: PROCESSES,
      catchUp: { events: caughtUp.pulled, seconds: catchUpSeconds, served, same },
    };
  } finally {
    for (const pc of open) pc.core.close();
    for (const server of [...servers]) await stop(server);
    await pg.stop();
    if (o.keep) o.log(`kept: ${dirs.join(' ')}`);
    else for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The warm-up shop pushes its events (its requests in turn over `servers`), head office's replica
 * folds them and `behind`, if given, pulls them: the timed push then meets compiled code and
 * starts from a quiet server.
 */
async function warmUp(
  servers: ServerProcess[],
  pc: Pc,
  behind: Pc | null,
  log: (line: string) => void,
): Promise<void> {
  const start = performance.now();
  const pushed = await pc.engine.push();
  await servers[0]!.ask({ cmd: 'catchUp' });
  if (behind) await behind.engine.sync();
  log(`  warm-up: ${fmtInt(pushed)} events of one more shop pushed in ${s(since(start))}`);
}

/** Every shop pushes at once (profiled as `phase`), each PC's requests spread over `servers`. */
async function pushAll(
  servers: ServerProcess[],
  pcs: Pc[],
  phase: string,
  log: (line: string) => void,
): Promise<PostgresPush> {
  const first = servers[0]!;
  // The servers' CPU time tells what the store and the rest of a server cost per event: a
  // fold of head office's replica in each process is most of it (decision 0013).
  const cpu = () => Promise.all(servers.map((p) => p.ask({ cmd: 'cpu' })));
  const before = await cpu();
  const run = await profiled(phase, () => first.profiled(phase, () => pushConcurrent(first, pcs)));
  const used = (await cpu()).map((t, i) => t - before[i]!);
  const serverCpuSeconds = used.reduce((a, b) => a + b, 0);
  log(
    `  ${fmtInt(run.events)} events in ${s(run.seconds)}; the server processes used ${s(serverCpuSeconds)} of CPU${used.length > 1 ? ` (${used.map(s).join(', ')}; the first folds)` : ''}`,
  );
  return { ...run, serverCpuSeconds };
}
