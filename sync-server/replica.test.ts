// When head office's own replica folds what branches push: after a burst pauses, at the latest a
// few seconds into one that does not, and at once when the console needs it.
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
});
