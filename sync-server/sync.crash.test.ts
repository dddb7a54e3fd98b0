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
import { SyncEngine } from '../core/sync/engine';
import { HttpSyncTransport } from '../core/sync/http';
import { freshFoldHash } from './testing/fold';
import { startWorld, type World } from './testing/world';

const here = dirname(fileURLToPath(import.meta.url));
let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.close());

function runAndKill(args: string[], afterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'testing/branch-child.ts'), ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let synced = 0;
    let errors = '';
    child.stdout.on('data', (c: Buffer) => (synced += c.toString().split('synced\n').length - 1));
    child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(synced);
      else reject(new Error(`the branch process ended by itself: ${errors}`));
    });
  });
}

describe('a branch process killed in the middle of a push', () => {
  it('loses nothing it made and applies nothing twice', async () => {
    const site = await w.enroll('SH01');
    const session = await site.login('shop1');
    const variantId = w.variants[0]!;
    await site.core.call(
      'stock.adjust',
      { variantId, quantity: 100_000, reason: 'opening count' },
      session,
    );
    const deviceId = site.core.context().device!.id;
    site.core.close();
    // Kill times spread over the child's start-up, its selling and its pushes.
    for (const ms of [1500, 2200, 2600, 3100, 3500, 4200])
      await runAndKill([site.dir, w.base, site.token, session, variantId], ms);

    const core = new BranchCore(site.dir);
    const engine = new SyncEngine(
      core.db,
      core.files,
      deviceId,
      new HttpSyncTransport({ baseUrl: w.base, token: site.token }),
    );
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
