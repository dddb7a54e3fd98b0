// When head office's own replica folds what branches push: after a burst pauses, at the latest a
// few seconds into one that does not, and at once when the console needs it; a fold nobody waits
// for gives way to pushes in flight.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { syncCursor } from '../core/sync/engine';
import { FOLD_AFTER } from './replica';
import { startWorld, type Site, type World } from './testing/world';

let w: World;
let shop: Site;
beforeAll(async () => {
  w = await startWorld();
  shop = await w.enroll('SH01');
  await shop.as('shop1')('stock.adjust', {
    variantId: w.variants[0]!,
    quantity: 1_000,
    reason: 'opening count',
  });
});
afterAll(() => w.close());

/** Events in the log that head office's replica has not folded in yet. */
const unfolded = async () =>
  (await w.server.hub.store.headSeq()) - syncCursor(w.server.replica.core.db);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sell(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push(
      (
        await shop.as('shop1')('sales.record', {
          payments: [{ method: 'cash' }],
          lines: [{ variantId: w.variants[0]!, quantity: 1 }],
        })
      ).id,
    );
  return ids;
}

describe("head office's replica", () => {
  it('folds a burst of pushes once it pauses, and a console call in between sees every acknowledged push', async () => {
    await w.server.replica.catchUp();
    const first = await sell(3);
    expect(await shop.engine.push()).toBeGreaterThanOrEqual(3);
    const second = await sell(2);
    await shop.engine.push();
    // Acknowledged, and not folded yet: the burst has not paused.
    expect(await unfolded()).toBeGreaterThanOrEqual(5);

    const sales = await w.admin('sales.list', { branchId: w.branch.SH01, limit: 500 });
    expect(sales.map((s) => s.id)).toEqual(expect.arrayContaining([...first, ...second]));
    expect(await unfolded()).toBe(0);

    await sell(2);
    await shop.engine.push();
    expect(await unfolded()).toBeGreaterThan(0);
    await sleep(FOLD_AFTER.quietMs * 5);
    expect(await unfolded()).toBe(0);
  });

  it('folds at the latest maxWaitMs after the first unfolded push while pushes never pause, and only by that rule', async () => {
    const saved = { ...FOLD_AFTER };
    Object.assign(FOLD_AFTER, { quietMs: 400, maxWaitMs: 800 });
    const replica = w.server.replica;
    const soon = replica.soon.bind(replica);
    const pushedAt: number[] = [];
    const foldedAt: number[] = [];
    // When each push reached head office, and when each fold of new events ended.
    replica.soon = () => {
      pushedAt.push(Date.now());
      soon();
    };
    const stop = replica.onCaughtUp(() => foldedAt.push(Date.now()));
    try {
      await replica.catchUp();
      const start = Date.now();
      // A push every 50 ms or so (a pause of 400 ms only if this machine stalls) for 2 s. Head
      // office's background work looks in meanwhile (the invoice inbox; Telegram's planner, woken
      // by each fold), and folds nothing early.
      let looked = false;
      while (Date.now() - start < 2_000) {
        await sell(1);
        await shop.engine.push();
        if (pushedAt.length === 3) looked = (await w.server.invoices.round()) !== null;
        await sleep(50);
      }
      await sleep(FOLD_AFTER.quietMs + 700);
      expect(looked).toBe(true);

      // The rule, applied to the pushes as head office saw them: a fold at the first pause of
      // quietMs, or maxWaitMs after the first push it has not folded, whichever comes first.
      const due: number[] = [];
      let waitingSince: number | null = null;
      pushedAt.forEach((at, i) => {
        waitingSince ??= at;
        const fold = Math.min(at + FOLD_AFTER.quietMs, waitingSince + FOLD_AFTER.maxWaitMs);
        const next = pushedAt[i + 1];
        if (next === undefined || next > fold) {
          due.push(fold);
          waitingSince = null;
        }
      });
      expect(due.length).toBeGreaterThanOrEqual(2);
      expect(foldedAt).toHaveLength(due.length);
      foldedAt.forEach((at, i) => {
        expect(at).toBeGreaterThanOrEqual(due[i]! - 5);
        expect(at).toBeLessThan(due[i]! + 700);
      });
    } finally {
      stop();
      replica.soon = soon;
      Object.assign(FOLD_AFTER, saved);
    }
  });

  it('holds to maxWaitMs on its own clock while pushes never pause, though the server clock steps back an hour', async () => {
    const saved = { ...FOLD_AFTER };
    Object.assign(FOLD_AFTER, { quietMs: 400, maxWaitMs: 800 });
    const replica = w.server.replica;
    const soon = replica.soon.bind(replica);
    let firstPush: number | null = null;
    const foldedAt: number[] = [];
    replica.soon = () => {
      firstPush ??= performance.now();
      soon();
      // Once the wait has begun, the wall clock goes back an hour (an NTP step, a hand-set clock).
      if (!vi.isMockFunction(Date.now)) {
        const real = Date.now.bind(Date);
        vi.spyOn(Date, 'now').mockImplementation(() => real() - 3_600_000);
      }
    };
    const stop = replica.onCaughtUp(() => foldedAt.push(performance.now()));
    try {
      await replica.catchUp();
      const start = performance.now();
      // A push every 50 ms or so for 2 s: never a pause of quietMs.
      while (performance.now() - start < 2_000) {
        await sell(1);
        await shop.engine.push();
        await sleep(50);
      }
      expect(firstPush).not.toBeNull();
      // The first fold came maxWaitMs after the first push it had not folded, not at the pause.
      expect(foldedAt.length).toBeGreaterThanOrEqual(1);
      expect(foldedAt[0]! - firstPush!).toBeLessThan(FOLD_AFTER.maxWaitMs + 700);
    } finally {
      stop();
      vi.restoreAllMocks();
      replica.soon = soon;
      Object.assign(FOLD_AFTER, saved);
    }
  });

  it('takes a page of a background fold only while no push is in flight; a console call does not wait for pushes', async () => {
    const saved = { ...FOLD_AFTER };
    Object.assign(FOLD_AFTER, { quietMs: 50, page: 2, yieldMs: 60_000 });
    // A push whose body is still coming: in flight until it is sent or the PC hangs up.
    const held = request(`${w.base}/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '1000' },
    });
    held.on('error', () => undefined);
    try {
      await w.server.replica.catchUp();
      await sell(6);
      held.write('{"events":[');
      await sleep(100); // the server has the request
      await shop.engine.push();
      const behind = await unfolded();
      expect(behind).toBeGreaterThanOrEqual(6);
      await sleep(FOLD_AFTER.quietMs * 10);
      // The fold waits for the push in flight: at most a page of it is in.
      expect(await unfolded()).toBeGreaterThanOrEqual(behind - FOLD_AFTER.page);

      const started = Date.now();
      const sales = await w.admin('sales.list', { branchId: w.branch.SH01, limit: 500 });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(sales.length).toBeGreaterThanOrEqual(6);
      expect(await unfolded()).toBe(0);

      // Without a console call, the fold goes on once the push in flight ends.
      await sell(6);
      await shop.engine.push();
      await sleep(FOLD_AFTER.quietMs * 10);
      expect(await unfolded()).toBeGreaterThanOrEqual(6 - FOLD_AFTER.page);
      held.destroy();
      for (let i = 0; i < 50 && (await unfolded()) > 0; i++) await sleep(50);
      expect(await unfolded()).toBe(0);
    } finally {
      held.destroy();
      Object.assign(FOLD_AFTER, saved);
    }
  });
});
