// A branch PC restored from an old backup keeps selling and ordering, offline and online: no
// number repeats, nothing it made before the restore is lost, and it converges with head office.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders as ordersTable, sales as salesTable } from '../core/db/schema';
import { ledgerMismatches } from '../core/db/stateHash';
import { BranchCore } from '../core/runtime';
import { SyncEngine } from '../core/sync/engine';
import { HttpSyncTransport } from '../core/sync/http';
import { differenceFromFreshFold } from './testing/fold';
import { PASSWORD, startWorld, type World } from './testing/world';

let w: World;
beforeAll(async () => {
  w = await startWorld();
}, 60_000);
afterAll(() => w?.close());

describe('a branch PC restored from an old backup', () => {
  it('keeps selling and ordering with no repeated number and nothing lost', async () => {
    const site = await w.enroll('SH01');
    const variantId = w.variants[0]!;
    const clerk = site.as('shop1');
    await clerk('stock.adjust', { variantId, quantity: 50, reason: 'opening count' });
    const sales = [
      await clerk('sales.record', {
        payments: [{ method: 'cash' }],
        lines: [{ variantId, quantity: 1 }],
      }),
    ];
    await site.engine.sync();
    const backup = join(mkdtempSync(join(tmpdir(), 'fse-pc-backup-')), 'branch.sqlite');
    site.core.db.sqlite.exec(`VACUUM INTO '${backup}'`);
    // After the backup: more work, some of it synced, the last sale not.
    sales.push(
      await clerk('sales.record', {
        payments: [{ method: 'cash' }],
        lines: [{ variantId, quantity: 2 }],
      }),
    );
    const order = await clerk('orders.place', { lines: [{ variantId, quantity: 3 }] });
    await site.engine.sync();
    sales.push(
      await clerk('sales.record', {
        payments: [{ method: 'cash' }],
        lines: [{ variantId, quantity: 4 }],
      }),
    );

    // The disk fails; the PC is restored from last night's backup and starts again, offline.
    site.core.close();
    for (const suffix of ['-wal', '-shm'])
      rmSync(join(site.dir, `branch.sqlite${suffix}`), { force: true });
    copyFileSync(backup, join(site.dir, 'branch.sqlite'));
    const core = new BranchCore(site.dir);
    const token = (await core.call('auth.login', { username: 'shop1', password: PASSWORD })).token;
    const offline = [
      await core.call(
        'sales.record',
        { payments: [{ method: 'cash' }], lines: [{ variantId, quantity: 5 }] },
        token,
      ),
      await core.call('orders.place', { lines: [{ variantId, quantity: 6 }] }, token),
    ];
    const engine = new SyncEngine(
      core.db,
      core.files,
      core.context().device!.id,
      new HttpSyncTransport({ baseUrl: w.base, token: site.token }),
      { onRemoteStamp: (h) => core.context().clock.receive(h) },
    );
    const report = await engine.sync();
    expect(report.tally.conflicts).toBe(0);
    const online = await core.call(
      'sales.record',
      { payments: [{ method: 'cash' }], lines: [{ variantId, quantity: 1 }] },
      token,
    );
    await engine.sync();
    await w.server.replica.catchUp();

    const numbers = core.db.orm
      .select({ number: salesTable.number })
      .from(salesTable)
      .all()
      .concat(core.db.orm.select({ number: ordersTable.number }).from(ordersTable).all())
      .map((r) => r.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    // The sale made after the backup and never synced is gone with the disk; every other is here.
    const kept = [sales[0]!, sales[1]!, offline[0]!, online].map((s) => s.id);
    const here = core.db.orm
      .select({ id: salesTable.id })
      .from(salesTable)
      .all()
      .map((r) => r.id);
    expect(here.sort()).toEqual([...kept].sort());
    const orders = core.db.orm
      .select({ id: ordersTable.id })
      .from(ordersTable)
      .all()
      .map((r) => r.id);
    expect(orders.sort()).toEqual([order.id, offline[1]!.id].sort());
    expect(
      (await w.admin('orders.list', {})).filter((o) => o.shopId === w.branch.SH01).length,
    ).toBe(2);
    expect(core.db.sqlite.prepare('SELECT count(*) AS n FROM conflicts').get()).toEqual({ n: 0 });
    expect(ledgerMismatches(core.db)).toEqual([]);
    expect(await differenceFromFreshFold(core.db, w.base, site.token, w.branch.SH01)).toEqual([]);
    core.close();
  });
});
