// The measured phases of the sync benchmark. Each returns plain figures; the caller prints them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncCursor, type SyncReport } from '../../core/sync/engine';
import { openPc, snapshotPc, type Pc } from './pcs';
import { servePages, type PullRun } from './serve';
import { spawnServer, type ServerProcess } from './server-process';

const seconds = (since: number) => (performance.now() - since) / 1000;

export interface PushRun {
  events: number;
  seconds: number;
  /** How far the server's head-office replica had folded when the last push was answered. */
  replicaBehindAtEnd: number;
  /** From the last push answered until the head-office replica had folded everything. */
  replicaLagSeconds: number;
  /** CPU the server process(es) used meanwhile: what a push costs, however busy the machine. */
  serverCpuSeconds?: number;
}

/**
 * Pushes every branch's pending events to a second server process started from a snapshot of
 * the first, from snapshots of the branch PCs: the same events, the same batches, a real ingest,
 * while the first server stays untouched. Then times head office's replica folding what was left.
 */
export async function pushOnSnapshot(
  server: ServerProcess,
  pcs: readonly Pc[],
  options: { pushBatch: number; concurrent: boolean },
): Promise<PushRun> {
  const serverDir = mkdtempSync(join(tmpdir(), 'fse-syncbench-server-'));
  const copyDirs: string[] = [];
  const copies: Pc[] = [];
  let copy: ServerProcess | null = null;
  // The copies are removed however this ends, a copy server that fails to start included.
  try {
    await server.ask({ cmd: 'snapshot', dir: serverDir });
    copyDirs.push(...pcs.map(snapshotPc));
    copy = await spawnServer({ dataDir: serverDir });
    const base = copy.base;
    copies.push(
      ...pcs.map((pc, i) =>
        openPc(base, copyDirs[i]!, pc.token, pc.name, { pushBatch: options.pushBatch }),
      ),
    );
    const start = performance.now();
    let events = 0;
    await copy.profiled(options.concurrent ? 'push-snapshot' : 'push-sequential', async () => {
      if (options.concurrent)
        for (const n of await Promise.all(copies.map((pc) => pc.engine.push()))) events += n;
      else for (const pc of copies) events += await pc.engine.push();
    });
    const pushSeconds = seconds(start);
    const replicaBehindAtEnd = await copy.ask({ cmd: 'replicaBehind' });
    const lagStart = performance.now();
    await copy.ask({ cmd: 'catchUp' });
    return {
      events,
      seconds: pushSeconds,
      replicaBehindAtEnd,
      replicaLagSeconds: seconds(lagStart),
    };
  } finally {
    for (const pc of copies) pc.core.close();
    await copy?.close();
    for (const dir of [serverDir, ...copyDirs]) rmSync(dir, { recursive: true, force: true });
  }
}

/** Pushes every branch's pending events, all branches at once. */
export async function pushConcurrent(server: ServerProcess, pcs: readonly Pc[]): Promise<PushRun> {
  const cpuBefore = await server.ask({ cmd: 'cpu' });
  const start = performance.now();
  const pushed = await Promise.all(pcs.map((pc) => pc.engine.push()));
  const pushSeconds = seconds(start);
  const serverCpuSeconds = (await server.ask({ cmd: 'cpu' })) - cpuBefore;
  const replicaBehindAtEnd = await server.ask({ cmd: 'replicaBehind' });
  return {
    events: pushed.reduce((a, b) => a + b, 0),
    seconds: pushSeconds,
    serverCpuSeconds,
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
export async function converge(
  server: ServerProcess,
  pcs: readonly Pc[],
  since: number,
): Promise<Converged> {
  let replicaSeconds = 0;
  const rounds = pcs.map(async (pc) => {
    const report: SyncReport = await pc.engine.sync();
    return { name: pc.name, seconds: seconds(since), report };
  });
  const replica = server.ask({ cmd: 'catchUp' }).then(() => {
    replicaSeconds = seconds(since);
  });
  const done = await Promise.all(rounds);
  await replica;
  // Nothing may be left to pull anywhere (cheap when converged; part of the timed work).
  for (;;) {
    const again = await Promise.all(pcs.map((pc) => pc.engine.pull()));
    if (again.every((r) => r.pulled === 0)) break;
  }
  await server.ask({ cmd: 'catchUp' });
  if ((await server.ask({ cmd: 'replicaBehind' })) !== 0)
    throw new Error('head office replica is behind');
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

/** The pages a PC would pull over HTTP from its cursor, applying nothing. */
export function serveOnly(pc: Pc): Promise<PullRun> {
  return servePages((after, limit) => pc.transport.pull(after, limit), syncCursor(pc.core.db));
}

/** The same pages straight from the hub, in the server's process: its share without HTTP. */
export function serveInProcess(server: ServerProcess, pc: Pc): Promise<PullRun> {
  return server.ask({ cmd: 'serve', deviceId: pc.deviceId, after: syncCursor(pc.core.db) });
}
