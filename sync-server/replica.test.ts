// When head office's own replica folds what branches push: after a burst pauses, at the latest a
// few seconds into one that does not, and at once when the console needs it; a fold nobody waits
// for gives way to pushes in flight.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('folds at the latest maxWaitMs after the first unfolded push while pushes never pause', async () => {
    const saved = { ...FOLD_AFTER };
    Object.assign(FOLD_AFTER, { quietMs: 300, maxWaitMs: 800 });
    try {
      await w.server.replica.catchUp();
      const start = Date.now();
      let firstPushed = 0;
      let foldedAt: number | null = null;
      // A push every 100 ms (never a 300 ms pause) for 2 s.
      while (Date.now() - start < 2_000) {
        await sell(1);
        await shop.engine.push();
        firstPushed ||= await w.server.hub.store.headSeq();
        if (foldedAt === null && syncCursor(w.server.replica.core.db) >= firstPushed)
          foldedAt = Date.now() - start;
        await sleep(100);
      }
      expect(foldedAt).not.toBeNull();
      expect(foldedAt!).toBeGreaterThanOrEqual(FOLD_AFTER.maxWaitMs - 100);
      expect(foldedAt!).toBeLessThan(FOLD_AFTER.maxWaitMs + 700);
    } finally {
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
