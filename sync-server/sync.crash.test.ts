// A branch PC killed with SIGKILL again and again in the middle of its work and its pushes:
// nothing it made is lost, nothing is applied twice, and it converges once it runs again.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq, isNull } from 'drizzle-orm';
import { events as eventsTable, sales as salesTable } from '../core/db/schema';
import { ledgerMismatches, stateHash } from '../core/db/stateHash';
import { BranchCore } from '../core/runtime';
import { getMeta } from '../core/db/meta';
import { openChildPc } from './testing/child-pc';
import { freshFoldHash } from './testing/fold';
import { startWorld, type World } from './testing/world';

const here = dirname(fileURLToPath(import.meta.url));
let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.close());

/**
 * Runs a child script (under tsx) until it is killed with SIGKILL: `killAfter` is called at its
 * start and with each line it writes, and `kill(ms)` sends the signal that many ms later. A child
 * that ends by itself fails the test.
 */
function runUntilKilled(
  script: string,
  args: string[],
  killAfter: (kill: (ms: number) => void, lines: readonly string[]) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timer: NodeJS.Timeout | undefined;
    const kill = (ms: number) => (timer ??= setTimeout(() => child.kill('SIGKILL'), ms));
    const lines: string[] = [];
    let partial = '';
    let errors = '';
    child.stdout.on('data', (c: Buffer) => {
      const text = partial + c.toString();
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      lines.push(...complete);
      if (complete.length > 0) killAfter(kill, lines);
    });
    child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`${script} ended by itself (${signal ?? code}): ${errors}`));
    });
    killAfter(kill, lines);
  });
}

/** A PC of `shop` enrolled, `clerk` signed in, and a variant stocked for as much as it sells. */
async function stockedShop(shop: keyof World['branch'], clerk: string, variantId: string) {
  const site = await w.enroll(shop);
  const session = await site.login(clerk);
  await site.core.call(
    'stock.adjust',
    { variantId, quantity: 100_000, reason: 'opening count' },
    session,
  );
  return { site, session };
}

describe('a branch process killed in the middle of a push', () => {
  it('loses nothing it made and applies nothing twice', async () => {
    const variantId = w.variants[0]!;
    const { site, session } = await stockedShop('SH01', 'shop1', variantId);
    const deviceId = site.core.context().device!.id;
    site.core.close();
    // Kill times spread over the child's start-up, its selling and its pushes.
    for (const ms of [1500, 2200, 2600, 3100, 3500, 4200])
      await runUntilKilled(
        'testing/branch-child.ts',
        [site.dir, w.base, site.token, session, variantId],
        (kill) => kill(ms),
      );

    const { core, engine } = openChildPc(site.dir, w.base, site.token);
    await engine.sync();
    await w.server.replica.catchUp();
    const made = core.db.orm
      .select({ id: eventsTable.id })
      .from(eventsTable)
      .where(eq(eventsTable.deviceId, deviceId))
      .all();
    expect(made.length).toBeGreaterThan(20);
    expect(
      core.db.orm
        .select({ n: count() })
        .from(eventsTable)
        .where(and(eq(eventsTable.deviceId, deviceId), isNull(eventsTable.serverSeq)))
        .get()?.n,
    ).toBe(0);
    const replica = w.server.replica.core.db.orm;
    expect(
      replica
        .select({ n: count() })
        .from(eventsTable)
        .where(eq(eventsTable.deviceId, deviceId))
        .get()?.n,
    ).toBe(made.length);
    const sales = (db: BranchCore) => db.db.orm.select({ n: count() }).from(salesTable).get()?.n;
    expect(sales(w.server.replica.core)).toBe(sales(core));
    expect(ledgerMismatches(core.db)).toEqual([]);
    expect(stateHash(core.db)).toBe(
      await freshFoldHash(w.base, site.token, core.context().device!.branchId),
    );
    core.close();
  }, 120_000);
});

describe('a branch process killed in the middle of a long catch-up', () => {
  it('keeps every page it committed, whatever the worker was copying, and converges', async () => {
    const behind = await w.enroll('SH02');
    behind.core.close();
    const variantId = w.variants[1]!;
    const { site: seller, session } = await stockedShop('SH02', 'shop2', variantId);
    for (let i = 0; i < 1200; i++)
      await seller.core.call(
        'sales.record',
        { payments: [{ method: 'cash' }], lines: [{ variantId, quantity: 1 }] },
        session,
      );
    await seller.engine.sync();
    const cursorOf = () => {
      const core = new BranchCore(behind.dir);
      try {
        expect(core.db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        return Number(getMeta(core.db, 'sync.cursor') ?? 0);
      } finally {
        core.close();
      }
    };
    const cursors = [cursorOf()];
    // Pages of 40 events, each followed by a checkpoint in the worker: killed a few pages in and
    // a moment later, the kills land between pages, inside a page's transaction and inside the
    // worker's copying.
    for (const [pages, ms] of [
      [2, 0],
      [3, 3],
      [4, 7],
      [5, 12],
      [6, 20],
    ] as const) {
      await runUntilKilled(
        'testing/catch-up-child.ts',
        [behind.dir, w.base, behind.token],
        (kill, lines) => {
          if (lines.filter((l) => l === 'page').length >= pages || lines.includes('synced'))
            kill(ms);
        },
      );
      cursors.push(cursorOf());
    }
    // Every run moved it on (and, below, it was still behind after the last).
    expect(cursors.every((c, i) => i === 0 || c > cursors[i - 1]!)).toBe(true);

    const { core, engine } = openChildPc(behind.dir, w.base, behind.token);
    expect((await engine.sync()).pulled).toBeGreaterThan(0);
    expect(Number(getMeta(core.db, 'sync.cursor'))).toBeGreaterThan(cursors.at(-1)!);
    expect(ledgerMismatches(core.db)).toEqual([]);
    expect(stateHash(core.db)).toBe(await freshFoldHash(w.base, behind.token, w.branch.SH02));
    core.close();
    seller.core.close();
  }, 180_000);
});
