// The sync benchmark's "news in seconds" phase (decision 0018): PCs online with the desktop
// app's background loop (core/sync/loop.ts: a round, then a wait at head office for news), and
// head office changing a price through its console, as an admin would. Timed from the admin's
// call until each PC has applied the new price, over several changes.
import { summarize, type Summary } from '../../core/bench/stats';
import { getMeta } from '../../core/db/meta';
import { syncCursor } from '../../core/sync/engine';
import { SyncLoop } from '../../core/sync/loop';
import type { HeadOffice } from '../testing/world';
import type { Pc } from './pcs';

export interface NewsRun {
  pcs: number;
  changes: number;
  /** Seconds from a change at head office until one PC had applied it, per PC and change. */
  seconds: Summary;
  /** PCs that had not applied a change after `timeoutMs` (none, when news works). */
  missed: number;
}

const priceAt = (pc: Pc, variantId: string): number | undefined =>
  pc.core.db.sqlite
    .prepare<[string], number>('SELECT price FROM variants WHERE id = ?')
    .pluck()
    .get(variantId);

export async function changeToPc(
  w: Pick<HeadOffice, 'admin'>,
  pcs: readonly Pc[],
  options: { variantId: string; changes: number; timeoutMs?: number },
): Promise<NewsRun> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  /** The price being waited for, and who has seen it when. */
  let expected = -1;
  let started = 0;
  const appliedAt = new Map<Pc, number>();
  let allApplied: (() => void) | null = null;
  const check = (pc: Pc) => {
    if (appliedAt.has(pc) || priceAt(pc, options.variantId) !== expected) return;
    appliedAt.set(pc, performance.now());
    if (appliedAt.size === pcs.length) allApplied?.();
  };
  const loops = pcs.map((pc) => {
    const db = pc.core.db;
    return new SyncLoop({
      round: async () => {
        await pc.engine.sync();
        check(pc);
      },
      waitForNews: (signal) =>
        pc.transport.waitForNews(syncCursor(db), {
          epoch: getMeta(db, 'sync.epoch') ?? null,
          signal,
        }),
      intervalMs: 60_000,
    });
  });
  for (const loop of loops) loop.start();
  const samples: number[] = [];
  let missed = 0;
  try {
    // Every loop has had its first round and waits: what follows is news, not the first sync.
    await settle(loops);
    const base = priceAt(pcs[0]!, options.variantId) ?? 1000;
    for (let i = 1; i <= options.changes; i++) {
      appliedAt.clear();
      expected = base + i;
      const done = new Promise<void>((resolve) => (allApplied = resolve));
      started = performance.now();
      await w.admin('catalog.updateVariant', { id: options.variantId, price: expected });
      for (const pc of pcs) check(pc); // a round may have run meanwhile
      await Promise.race([done, new Promise((r) => setTimeout(r, timeoutMs))]);
      for (const at of appliedAt.values()) samples.push((at - started) / 1000);
      missed += pcs.length - appliedAt.size;
      await settle(loops);
    }
  } finally {
    await Promise.all(loops.map((loop) => loop.stop()));
  }
  return { pcs: pcs.length, changes: options.changes, seconds: summarize(samples), missed };
}

/** Until every loop waits at head office (after its rounds), or 10 s. */
async function settle(loops: readonly SyncLoop[]): Promise<void> {
  const until = performance.now() + 10_000;
  while (performance.now() < until && loops.some((l) => l.current.phase !== 'waiting'))
    await new Promise((r) => setTimeout(r, 20));
  // A breath more: the wait's request is on its way to head office.
  await new Promise((r) => setTimeout(r, 200));
}
