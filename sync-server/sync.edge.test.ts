// The sync guarantees at their edges: rollouts with mixed app versions, a PC whose clock runs
// days ahead, a file upload cut off half-way, and a branch catching up after a long time away.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, desc, eq, isNull } from 'drizzle-orm';
import { getMeta } from '../core/db/meta';
import { events as eventsTable } from '../core/db/schema';
import { EVENT_SCHEMA_VERSION } from '../core/events/define';
import { BranchCore } from '../core/runtime';
import { openIssues } from '../core/sync/services';
import { parseHlc } from '../core/hlc';
import { applyDeferred, applyOrdered } from '../core/sync/apply';
import { SyncEngine, type SyncProgress } from '../core/sync/engine';
import { HttpSyncTransport } from '../core/sync/http';
import { startPageReader, type PageReader } from '../core/sync/page-reader';
import { FileStore, sha256 } from '../core/files/store';
import { differenceFromFreshFold } from './testing/fold';
import {
  http,
  PASSWORD,
  placeWithSlip,
  SLIP_PNG,
  startWorld,
  type Site,
  type World,
} from './testing/world';

let w: World;
let shop: Site;
const dataDir = mkdtempSync(join(tmpdir(), 'fse-edge-'));
beforeAll(async () => {
  // Eleven PCs enroll within seconds from one address: lift the per-address enrollment limit.
  w = await startWorld({ dataDir, rateLimits: { enroll: { burst: 1_000, refillMs: 1 } } });
  shop = await w.enroll('SH01');
});
afterAll(() => w.close());

const pendingOf = (s: Site) =>
  s.core.db.orm.select({ n: count() }).from(eventsTable).where(isNull(eventsTable.serverSeq)).get()!
    .n;

describe('a rollout with old and new app versions', () => {
  it('refuses events of a newer schema than the server knows, clearly, and the PC keeps them to send later', async () => {
    const before = pendingOf(shop);
    await shop.as('shop1')('customers.create', { name: 'Abebe' });
    const newer = new HttpSyncTransport({ baseUrl: w.base, token: shop.token });
    const row = shop.core.db.orm
      .select()
      .from(eventsTable)
      .where(isNull(eventsTable.serverSeq))
      .orderBy(desc(eventsTable.seq))
      .limit(1)
      .get()!;
    const event = {
      id: row.id,
      type: row.type,
      schemaVersion: EVENT_SCHEMA_VERSION + 1,
      branchId: row.branchId,
      deviceId: row.deviceId,
      userId: row.userId,
      hlc: row.hlc,
      createdAt: row.createdAt,
      aggregateId: row.aggregateId,
      payload: JSON.parse(row.payload) as unknown,
    };
    await expect(newer.push({ events: [event as never] })).rejects.toThrow(
      /newer app.*Update the head-office server first/,
    );
    expect(pendingOf(shop)).toBe(before + 1);
    await shop.engine.sync();
    expect(pendingOf(shop)).toBe(0);
  });

  it('keeps an event type an older app does not know aside, applies everything else, and applies it after the update', async () => {
    const core = shop.core;
    const base = {
      schemaVersion: 1,
      branchId: w.branch.HQ,
      deviceId: 'future-device',
      userId: 'u',
      createdAt: Date.now(),
      aggregateId: null,
      receivedHlc: '001900000000000-000000-server',
    };
    const future = {
      ...base,
      id: '01a2028f-0000-7000-8000-00000000f001',
      type: 'loyalty.points_awarded',
      hlc: '001900000000000-000001-x',
      payload: { points: 5 },
      seq: 1_000_001,
    };
    const tally = core.db.sqlite.transaction(() => applyOrdered(core.db, [future]))();
    expect(tally).toMatchObject({ deferred: 1, applied: 0, conflicts: 0 });
    const applyStatusOf = (id: string) =>
      core.db.orm
        .select({ s: eventsTable.applyStatus })
        .from(eventsTable)
        .where(eq(eventsTable.id, id))
        .get()!.s;
    expect(applyStatusOf(future.id)).toBe('deferred');
    // After an update that knows the type, deferred events are applied; one it still does not know stays aside.
    expect(core.db.sqlite.transaction(() => applyDeferred(core.db))()).toBe(0);
    expect(applyStatusOf(future.id)).toBe('deferred');
  });
});

describe('an event of a newer app with fields this one does not know', () => {
  it('is kept aside whole, not folded without them, and stays aside until an update knows them', async () => {
    const core = shop.core;
    const variantId = w.variants[0]!;
    const balance = { branchId: w.branch.SH01, variantId };
    const before = (await shop.as('shop1')('stock.balance', balance)).onHand;
    const newer = {
      id: '01a2028f-0000-7000-8000-00000000f002',
      type: 'stock.adjusted',
      schemaVersion: 3,
      branchId: w.branch.SH01,
      deviceId: 'future-device',
      userId: 'u',
      hlc: '001900000000000-000002-x',
      createdAt: Date.now(),
      aggregateId: variantId,
      receivedHlc: '001900000000000-000002-server',
      // `bin` is a field of a newer app's adjustment: folding without it would lose it here.
      payload: { branchId: w.branch.SH01, variantId, quantity: 4, reason: 'count', bin: 'A-3' },
      seq: 1_000_002,
    };
    const tally = core.db.sqlite.transaction(() => applyOrdered(core.db, [newer]))();
    expect(tally).toMatchObject({ deferred: 1, applied: 0, conflicts: 0 });
    expect((await shop.as('shop1')('stock.balance', balance)).onHand).toBe(before);
    // This version still does not know `bin`: its next start leaves the event aside.
    expect(core.db.sqlite.transaction(() => applyDeferred(core.db))()).toBe(0);
    expect((await shop.as('shop1')('stock.balance', balance)).onHand).toBe(before);
  });
});

describe('an update of the app', () => {
  it('applies at its next start the events the older version kept aside', async () => {
    const site = await w.enroll('SH02');
    const variantId = w.variants[0]!;
    const balance = { branchId: w.branch.SH02, variantId };
    const before = (await site.as('shop2')('stock.balance', balance)).onHand;
    // As the older app stored it: a pulled event of a type it did not know yet, kept aside.
    const device = site.core.context().device!;
    site.core.db.sqlite
      .prepare(
        `INSERT INTO events (id, type, schema_version, branch_id, device_id, user_id, hlc, created_at,
           aggregate_id, payload, server_seq, received_hlc, apply_status)
         VALUES ('01a2026f-0000-7000-8000-0000000000d1', 'stock.adjusted', 1, ?, ?, 'u', '001900000000000-000000-x',
           1, ?, ?, 999999, '001900000000000-000000-x', 'deferred')`,
      )
      .run(
        device.branchId,
        device.id,
        variantId,
        JSON.stringify({ branchId: device.branchId, variantId, quantity: 6, reason: 'count' }),
      );
    site.core.close();
    const updated = new BranchCore(site.dir);
    const token = (await updated.call('auth.login', { username: 'shop2', password: PASSWORD }))
      .token;
    expect((await updated.call('stock.balance', balance, token)).onHand).toBe(before + 6);
    expect(
      updated.db.sqlite
        .prepare(`SELECT count(*) AS n FROM events WHERE apply_status = 'deferred'`)
        .get(),
    ).toEqual({ n: 0 });
    updated.close();
  });
});

describe('a PC whose clock runs days ahead', () => {
  it('dates its work by head office time once synced, says its clock is off, and edits no prices', async () => {
    const variantId = w.variants[1]!;
    const threeDays = 3 * 24 * 3600_000;
    const skewed = await w.enroll('SH02');
    // Reopen that PC's database with its wall clock three days fast.
    const dir = skewed.dir;
    skewed.core.close();
    const fastClock = () => Date.now() + threeDays;
    const fast = new BranchCore(dir, { now: fastClock });
    const engine = new SyncEngine(
      fast.db,
      fast.files,
      fast.context().device!.id,
      new HttpSyncTransport({ baseUrl: w.base, token: skewed.token }),
      { now: fastClock, onRemoteStamp: (h) => fast.context().clock.receive(h) },
    );
    await engine.sync();
    expect(Math.abs(fast.now() - Date.now())).toBeLessThan(5_000);
    // Enrolled with a right clock, now three days fast: seen as a change of the clock.
    expect(openIssues(fast.db, fast.now()).clockWarning).toMatch(
      /changed by 3 day\(s\) \(forward\)/,
    );
    const admin = (
      await fast.call('auth.login', { username: 'admin', password: 'correct-horse-battery' })
    ).token;
    await expect(
      fast.call('catalog.updateVariant', { id: variantId, price: 111 }, admin),
    ).rejects.toMatchObject({ code: 'HEAD_OFFICE_ONLY' });
    const clerk = (
      await fast.call('auth.login', { username: 'shop2', password: 'correct-horse-battery' })
    ).token;
    await fast.call('stock.adjust', { variantId, quantity: 4, reason: 'count' }, clerk);
    await fast.call(
      'sales.record',
      { payments: [{ method: 'cash' }], lines: [{ variantId, quantity: 1 }] },
      clerk,
    );
    const sale = fast.db.orm
      .select({ hlc: eventsTable.hlc, createdAt: eventsTable.createdAt })
      .from(eventsTable)
      .where(eq(eventsTable.type, 'sale.recorded'))
      .get()!;
    expect(Math.abs(parseHlc(sale.hlc).wall - Date.now())).toBeLessThan(5_000);
    expect(Math.abs(sale.createdAt - Date.now())).toBeLessThan(5_000);
    await engine.sync();
    expect(openIssues(fast.db).refused).toEqual([]);
    fast.close();
  });

  it('counts and sells ten minutes fast before its first sync, and ends where head office does', async () => {
    const variantId = w.variants[2]!;
    const site = await w.enroll('SH02');
    const dir = site.dir;
    site.core.close();
    const fastClock = () => Date.now() + 10 * 60_000;
    const fast = new BranchCore(dir, { now: fastClock });
    const engine = new SyncEngine(
      fast.db,
      fast.files,
      fast.context().device!.id,
      new HttpSyncTransport({ baseUrl: w.base, token: site.token }),
      { now: fastClock, onRemoteStamp: (h) => fast.context().clock.receive(h) },
    );
    const clerk = (
      await fast.call('auth.login', { username: 'shop2', password: 'correct-horse-battery' })
    ).token;
    const branchId = fast.context().device!.branchId;
    const balance = { variantId, branchId };
    const before = (await fast.call('stock.balance', balance, clerk)).onHand;
    await fast.call('stock.adjust', { variantId, quantity: 10, reason: 'count' }, clerk);
    await fast.call(
      'sales.record',
      { payments: [{ method: 'cash' }], lines: [{ variantId, quantity: 3 }] },
      clerk,
    );
    const report = await engine.sync();
    await w.server.replica.catchUp();
    expect(report.tally.conflicts).toBe(0);
    const atPc = (await fast.call('stock.balance', balance, clerk)).onHand;
    const atHeadOffice = (await w.admin('stock.balance', balance)).onHand;
    expect({ atPc, atHeadOffice }).toEqual({ atPc: before + 7, atHeadOffice: before + 7 });
    expect(fast.db.sqlite.prepare(`SELECT count(*) AS n FROM conflicts`).get()).toEqual({ n: 0 });
    expect(await differenceFromFreshFold(fast.db, w.base, site.token, branchId)).toEqual([]);
    fast.close();
  });

  it('tells the person when the clock was changed between two syncs', async () => {
    const site = await w.enroll('SH02');
    let skew = 0;
    const dir = site.dir;
    site.core.close();
    const clock = () => Date.now() + skew;
    const core = new BranchCore(dir, { now: clock });
    const engine = new SyncEngine(
      core.db,
      core.files,
      core.context().device!.id,
      new HttpSyncTransport({ baseUrl: w.base, token: site.token }),
      { now: clock },
    );
    await engine.sync();
    expect(openIssues(core.db, core.now()).clockWarning).toBeNull();
    skew = -5 * 3600_000; // someone set the clock back five hours while offline
    await engine.sync();
    expect(openIssues(core.db, core.now()).clockWarning).toMatch(/changed by 5 hour\(s\) \(back\)/);
    core.close();
  });
});

describe('files', () => {
  it('an upload cut off half-way stores nothing, and sending it again is safe', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(200_000, 7),
    ]);
    const hash = sha256(bytes);
    const url = new URL(`${w.base}/sync/files/${hash}`);
    await new Promise<void>((done) => {
      const req = request({
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'PUT',
        headers: {
          authorization: `Bearer ${shop.token}`,
          'content-type': 'application/octet-stream',
          'content-length': bytes.length,
        },
      });
      req.on('error', () => done());
      req.write(bytes.subarray(0, 50_000));
      setTimeout(() => {
        req.destroy();
        done();
      }, 100);
    });
    const transport = new HttpSyncTransport({ baseUrl: w.base, token: shop.token });
    expect(await transport.hasFile(hash)).toBe(false);
    // A body that does not match its hash is refused, not stored under the wrong name.
    const wrong = await fetch(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${shop.token}` },
      body: bytes.subarray(0, 1000),
    });
    expect(wrong.status).toBe(400);
    expect(await transport.hasFile(hash)).toBe(false);
    await transport.putFile(hash, bytes);
    await transport.putFile(hash, bytes);
    expect(await transport.hasFile(hash)).toBe(true);
    expect(sha256(await transport.getFile(hash))).toBe(hash);
  });

  it('a file head office lacks holds up neither the round nor the other files, and comes once sent', async () => {
    await placeWithSlip(shop, 'shop1', w.variants[0]!);
    const other = Buffer.concat([Buffer.from(SLIP_PNG, 'base64'), Buffer.from('other')]);
    const second = await shop.as('shop1')('orders.place', {
      lines: [{ variantId: w.variants[0]!, quantity: 1 }],
    });
    await shop.as('shop1')('orders.attachSlip', {
      orderId: second.id,
      fileName: 'other.png',
      contentBase64: other.toString('base64'),
    });
    await shop.engine.sync();
    const lost = sha256(Buffer.from(SLIP_PNG, 'base64'));
    const kept = sha256(other);
    // Head office loses the first slip's file (say, restored without it).
    rmSync(new FileStore(join(dataDir, 'store', 'files')).pathOf(lost));

    const till = await w.enroll('SH01');
    const report = await till.engine.sync();
    expect(report.filesMissing).toBe(1);
    expect(till.core.files.has(kept)).toBe(true);
    expect(till.core.files.has(lost)).toBe(false);

    // Once the shop's PC sends it again, the till fetches it on its next round.
    const transport = new HttpSyncTransport({ baseUrl: w.base, token: shop.token });
    await transport.putFile(lost, shop.core.files.get(lost));
    const later = await till.engine.sync();
    expect([later.filesDownloaded, later.filesMissing]).toEqual([1, 0]);
    expect(till.core.files.has(lost)).toBe(true);
  });
});

describe('a branch away for a long time', () => {
  it('catches up in the background, reporting events left and percent as it goes', async () => {
    const lagging = await w.enroll('SH01');
    const cursorBefore = Number(getMeta(lagging.core.db, 'sync.cursor'));
    // Meanwhile the other PC of the shop works on: 300 sales and adjustments.
    const token = await shop.login('shop1');
    await shop.core.call(
      'stock.adjust',
      { variantId: w.variants[0]!, quantity: 10_000, reason: 'opening count' },
      token,
    );
    for (let i = 0; i < 300; i++)
      await shop.core.call(
        'sales.record',
        { payments: [{ method: 'cash' }], lines: [{ variantId: w.variants[0]!, quantity: 1 }] },
        token,
      );
    await shop.engine.sync();
    const seen: SyncProgress[] = [];
    const engine = new SyncEngine(
      lagging.core.db,
      lagging.core.files,
      lagging.core.context().device!.id,
      new HttpSyncTransport({ baseUrl: w.base, token: lagging.token }),
      {
        pullPage: 50,
        catchUpPage: 100,
        onProgress: (p) => seen.push(p),
      },
    );
    const report = await engine.sync();
    const pulls = seen.filter((p) => p.phase === 'pull');
    expect(report.pulled).toBeGreaterThanOrEqual(301);
    expect(pulls.length).toBeGreaterThanOrEqual(4);
    // Pages of 100 while at least 100 were left to come, then pages of 50.
    const sizes = pulls.map((p, i) => p.done - (i === 0 ? 0 : pulls[i - 1]!.done));
    expect(sizes[0]).toBe(50);
    expect(sizes.slice(1, -2).every((n) => n === 100)).toBe(true);
    expect(sizes.filter((n) => n === 100).length).toBeGreaterThanOrEqual(2);
    expect(sizes.at(-1)).toBeLessThanOrEqual(50);
    expect(pulls.map((p) => p.left)).toEqual([...pulls.map((p) => p.left)].sort((a, b) => b - a));
    expect(pulls.at(-1)).toMatchObject({ left: 0, percent: 100 });
    expect(pulls[0]!.percent).toBeLessThan(50);
    const cursorAfter = Number(getMeta(lagging.core.db, 'sync.cursor'));
    expect(cursorAfter).toBeGreaterThan(cursorBefore);
    const balance = async (s: Site) =>
      (
        await s.core.call(
          'stock.balance',
          { branchId: w.branch.SH01, variantId: w.variants[0]! },
          await s.login('shop1'),
        )
      ).onHand;
    expect(await balance(lagging)).toBe(await balance(shop));
    const health = await http<{ status: string }>(w.base, 'GET', '/health');
    expect(health.status).toBe(200);
  });
  it('leaves the checkpoints of a long catch-up to a worker thread, then gives them back', async () => {
    const lagging = await w.enroll('SH01');
    const token = await shop.login('shop1');
    for (let i = 0; i < 200; i++)
      await shop.core.call(
        'stock.adjust',
        { variantId: w.variants[1]!, quantity: 1, reason: 'recount' },
        token,
      );
    await shop.engine.sync();
    const db = lagging.core.db;
    const engine = new SyncEngine(
      db,
      lagging.core.files,
      lagging.core.context().device!.id,
      new HttpSyncTransport({ baseUrl: w.base, token: lagging.token }),
      { pullPage: 20, catchUpPage: 40, backgroundCheckpointsFrom: 100 },
    );
    const report = await engine.sync();
    expect(report.pulled).toBeGreaterThanOrEqual(200);
    // The writer checkpoints itself again, and the worker's last checkpoint truncated the log:
    // all it holds is the round's one commit after the pull (its time), a page and headers.
    expect(db.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(statSync(`${db.file}-wal`).size).toBeLessThanOrEqual(32 + 2 * (24 + 4096));
    expect(await differenceFromFreshFold(db, w.base, lagging.token, w.branch.SH01)).toEqual([]);
  });

  it('reads a long catch-up ahead on a worker thread; a reader that fails or never starts leaves each page to the PC', async () => {
    const [ahead, refused, absent] = [
      await w.enroll('SH01'),
      await w.enroll('SH01'),
      await w.enroll('SH01'),
    ];
    const token = await shop.login('shop1');
    for (let i = 0; i < 150; i++)
      await shop.core.call(
        'stock.adjust',
        { variantId: w.variants[2]!, quantity: 1, reason: 'recount' },
        token,
      );
    await shop.engine.sync();
    const catchUp = async (pc: Site, reader: PageReader) => {
      const transport = new HttpSyncTransport({ baseUrl: w.base, token: pc.token });
      const engine = new SyncEngine(
        pc.core.db,
        pc.core.files,
        pc.core.context().device!.id,
        transport,
        { pullPage: 20, catchUpPage: 30, readAheadFrom: 100, startReader: () => reader },
      );
      const report = await engine.sync();
      expect(report.pulled).toBeGreaterThanOrEqual(150);
      expect(await differenceFromFreshFold(pc.core.db, w.base, pc.token, w.branch.SH01)).toEqual(
        [],
      );
      // The engine stopped the reader: it gives nothing any more.
      expect(await reader.pull(0, 10)).toBeNull();
      // Pulled pages commit without waiting for the disk; every other commit waits (FULL).
      expect(pc.core.db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
      return report;
    };
    const spec = (pc: Site) =>
      new HttpSyncTransport({ baseUrl: w.base, token: pc.token }).readAhead()!;

    // Started and ready before the pull (from the sources it loads in about half a second).
    const reader = startPageReader(spec(ahead));
    expect(await reader.ready).toBe(true);
    const read = await catchUp(ahead, reader);
    expect(read.readAhead).toBeGreaterThan(0);

    // Every request of its own refused (a token head office does not know): the PC pulls.
    const failing = startPageReader({ ...spec(refused), token: 'not-a-device-token' });
    expect(await failing.ready).toBe(true);
    expect((await catchUp(refused, failing)).readAhead).toBe(0);

    // Its code not where it should be: it never starts, and the PC pulls.
    process.env['FSE_PAGE_READER'] = join(dataDir, 'no-such-reader.js');
    try {
      const never = startPageReader(spec(absent));
      expect(await never.ready).toBe(false);
      expect((await catchUp(absent, never)).readAhead).toBe(0);
    } finally {
      delete process.env['FSE_PAGE_READER'];
    }
  });
});
