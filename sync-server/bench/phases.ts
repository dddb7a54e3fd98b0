// The measured phases of the sync benchmark. Each returns plain figures; the caller prints them.
import { rmSync } from 'node:fs';
import { syncCursor, type SyncReport } from '../../core/sync/engine';
import { startServer } from '../main';
import type { World } from '../testing/world';
import { openPc, snapshotPc, snapshotServer, type Pc } from './pcs';

const seconds = (since: number) => (performance.now() - since) / 1000;

export interface PushRun {
  events: number;
  seconds: number;
  /** How far the server's head-office replica had folded when the last push was answered. */
  replicaBehindAtEnd: number;
  /** From the last push answered until the head-office replica had folded everything. */
  replicaLagSeconds: number;
}

async function replicaState(server: World['server']) {
  const head = await server.hub.store.headSeq();
  return head - syncCursor(server.replica.core.db);
}

/**
 * Pushes every branch's pending events to a second server started from a snapshot of the first,
 * from snapshots of the branch PCs: the same events, the same batches, a real ingest, while the
 * first server stays untouched. `holdReplica` keeps head office's replica from folding until the
 * pushes are answered (benchmark instrumentation: the ingest path's own share), then times the fold.
 */
export async function pushOnSnapshot(
  w: World,
  serverDataDir: string,
  pcs: readonly Pc[],
  options: { pushBatch: number; concurrent: boolean; holdReplica: boolean },
): Promise<PushRun> {
  await w.server.replica.catchUp();
  const serverDir = snapshotServer(w, serverDataDir);
  const copyDirs = pcs.map(snapshotPc);
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir: serverDir, databaseUrl: null },
    () => undefined,
  );
  const replica = server.replica;
  const catchUp = replica.catchUp.bind(replica);
  if (options.holdReplica) replica.catchUp = () => Promise.resolve();
  const base = `http://127.0.0.1:${server.port}`;
  const copies = pcs.map((pc, i) =>
    openPc(base, copyDirs[i]!, pc.token, pc.name, { pushBatch: options.pushBatch }),
  );
  try {
    const start = performance.now();
    let events = 0;
    if (options.concurrent)
      for (const n of await Promise.all(copies.map((pc) => pc.engine.push()))) events += n;
    else for (const pc of copies) events += await pc.engine.push();
    const pushSeconds = seconds(start);
    const replicaBehindAtEnd = await replicaState(server);
    replica.catchUp = catchUp;
    const lagStart = performance.now();
    await replica.catchUp();
    return {
      events,
      seconds: pushSeconds,
      replicaBehindAtEnd,
      replicaLagSeconds: seconds(lagStart),
    };
  } finally {
    replica.catchUp = catchUp;
    for (const pc of copies) pc.core.close();
    await server.close();
    for (const dir of [serverDir, ...copyDirs]) rmSync(dir, { recursive: true, force: true });
  }
}

/** Pushes every branch's pending events, all branches at once. */
export async function pushConcurrent(w: World, pcs: readonly Pc[]): Promise<PushRun> {
  const start = performance.now();
  const pushed = await Promise.all(pcs.map((pc) => pc.engine.push()));
  const pushSeconds = seconds(start);
  const replicaBehindAtEnd = await replicaState(w.server);
  return {
    events: pushed.reduce((a, b) => a + b, 0),
    seconds: pushSeconds,
    replicaBehindAtEnd,
    replicaLagSeconds: Number.NaN, // measured by converge(), which waits for the replica too
  };
}

export interface Converged {
  /** From `since` until every branch PC and the head-office replica had everything. */
  seconds: number;
  replicaSeconds: number;
  slowestPc: { name: string; seconds: number; pulled: number };
  pulled: number;
  conflicts: number;
}

/** Every branch PC syncs (pulls all it may see) while head office's replica catches up. */
export async function converge(w: World, pcs: readonly Pc[], since: number): Promise<Converged> {
  let replicaSeconds = 0;
  const rounds = pcs.map(async (pc) => {
    const report: SyncReport = await pc.engine.sync();
    return { name: pc.name, seconds: seconds(since), report };
  });
  const replica = w.server.replica.catchUp().then(() => {
    replicaSeconds = seconds(since);
  });
  const done = await Promise.all(rounds);
  await replica;
  // Nothing may be left to pull anywhere (cheap when converged; part of the timed work).
  for (;;) {
    const again = await Promise.all(pcs.map((pc) => pc.engine.pull()));
    if (again.every((r) => r.pulled === 0)) break;
  }
  await w.server.replica.catchUp();
  if ((await replicaState(w.server)) !== 0) throw new Error('head office replica is behind');
  const total = seconds(since);
  const slowest = done.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  return {
    seconds: total,
    replicaSeconds,
    slowestPc: { name: slowest.name, seconds: slowest.seconds, pulled: slowest.report.pulled },
    pulled: done.reduce((n, d) => n + d.report.pulled, 0),
    conflicts: done.reduce((n, d) => n + d.report.tally.conflicts, 0),
  };
}

export interface PullRun {
  events: number;
  pages: number;
  seconds: number;
}

/** Pulls the pages a PC would, from its own cursor, without applying anything. */
export async function serveOnly(pc: Pc, limit: number): Promise<PullRun> {
  let after = syncCursor(pc.core.db);
  let events = 0;
  let pages = 0;
  const start = performance.now();
  for (;;) {
    const page = await pc.transport.pull(after, limit);
    events += page.events.length;
    pages++;
    after = page.cursor;
    if (page.remaining === 0) break;
  }
  return { events, pages, seconds: seconds(start) };
}

/** The same pages straight from the hub, in process: the server's share without HTTP. */
export async function serveInProcess(w: World, pc: Pc, limit: number): Promise<PullRun> {
  const device = await w.server.hub.store.device(pc.deviceId);
  if (!device) throw new Error(`${pc.name} is unknown to the hub`);
  let after = syncCursor(pc.core.db);
  let events = 0;
  let pages = 0;
  const start = performance.now();
  for (;;) {
    const page = await w.server.hub.pull(device, after, limit);
    events += page.events.length;
    pages++;
    after = page.cursor;
    if (page.remaining === 0) break;
  }
  return { events, pages, seconds: seconds(start) };
}
