// GET /sync/wait (decision 0018) on the SQLite store: a PC's wait is answered as soon as the log
// holds something its branch may see after its cursor, and only then; with nothing when it runs
// out; never for a token head office does not know. With two server processes on one store
// file, a change taken in by one answers a wait held by the other.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMeta } from '../core/db/meta';
import { syncCursor } from '../core/sync/engine';
import { HttpSyncTransport } from '../core/sync/http';
import { startServer } from './main';
import { http, PASSWORD, startWorld, type Site, type World } from './testing/world';

let w: World;
let shop1: Site;
let shop2: Site;
const dataDir = mkdtempSync(join(tmpdir(), 'fse-news-'));

beforeAll(async () => {
  w = await startWorld({ dataDir });
  shop1 = await w.enroll('SH01');
  shop2 = await w.enroll('SH02');
});
afterAll(() => w.close());

const clientOf = (site: Site, base = w.base) =>
  new HttpSyncTransport({ baseUrl: base, token: site.token });

/** A wait from `site`'s cursor now, and how long it took to be answered. */
function waitAt(site: Site, seconds: number, base = w.base) {
  const started = performance.now();
  const after = syncCursor(site.core.db);
  return clientOf(site, base)
    .waitForNews(after, { seconds, epoch: getMeta(site.core.db, 'sync.epoch') ?? null })
    .then((outcome) => ({ outcome, ms: performance.now() - started }));
}

let n = 0;
const newUser = () =>
  w.admin('users.create', {
    username: `news.user${++n}`,
    displayName: `News ${n}`,
    role: 'shop_clerk',
    branchId: w.branch.SH01,
    password: PASSWORD,
  });

describe('GET /sync/wait', () => {
  it('answers at once when the log already holds news for the PC', async () => {
    await newUser();
    const answer = await waitAt(shop1, 20);
    expect(answer.outcome).toBe('news');
    expect(answer.ms).toBeLessThan(10_000);
    await shop1.engine.sync();
  });

  it('answers with nothing when the wait runs out and nothing came', async () => {
    await shop1.engine.sync();
    const answer = await waitAt(shop1, 1);
    expect(answer.outcome).toBe('nothing');
    expect(answer.ms).toBeGreaterThanOrEqual(950);
  });

  it('answers a waiting PC when head office makes a change, long before the wait runs out', async () => {
    await shop1.engine.sync();
    const waiting = waitAt(shop1, 25);
    await new Promise((r) => setTimeout(r, 300));
    await newUser();
    const answer = await waiting;
    expect(answer.outcome).toBe('news');
    expect(answer.ms).toBeLessThan(20_000);
    // The pull after the news brings the user: this PC can sign them in.
    expect((await shop1.engine.sync()).pulled).toBeGreaterThan(0);
    expect(
      (await shop1.core.call('auth.login', { username: `news.user${n}`, password: PASSWORD }))
        .userId,
    ).toEqual(expect.any(String));
  });

  it('does not answer for what only another branch may see', async () => {
    await shop1.engine.sync();
    await shop2.engine.sync();
    const waiting = waitAt(shop1, 2);
    // A stock count at Shop Two: visible to Shop Two (and head office), not to Shop One.
    await shop2.as('shop2')('stock.adjust', {
      variantId: w.variants[0]!,
      quantity: 3,
      reason: 'count',
    });
    expect((await shop2.engine.sync()).pushed).toBe(1);
    expect((await waiting).outcome).toBe('nothing');
    // Shop Two's own wait from before its push would have had news: it is its branch's event.
    expect(await clientOf(shop2).waitForNews(0, { seconds: 1 })).toBe('news');
  });

  it('answers at once when the PC knows another life of the log (a restore happened)', async () => {
    await shop1.engine.sync();
    const after = syncCursor(shop1.core.db);
    const started = performance.now();
    expect(await clientOf(shop1).waitForNews(after, { seconds: 5, epoch: 'not-this-log' })).toBe(
      'news',
    );
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it('keeps at most two waits per PC open: a third answers the oldest with nothing', async () => {
    await shop1.engine.sync();
    const first = waitAt(shop1, 20);
    await new Promise((r) => setTimeout(r, 200));
    const second = waitAt(shop1, 20);
    await new Promise((r) => setTimeout(r, 200));
    const third = waitAt(shop1, 20);
    const oldest = await first;
    expect(oldest.outcome).toBe('nothing');
    expect(oldest.ms).toBeLessThan(10_000);
    await newUser();
    expect((await second).outcome).toBe('news');
    expect((await third).outcome).toBe('news');
  });

  it('refuses a token head office does not know, and a revoked PC', async () => {
    const none = await http<{ code: string }>(w.base, 'GET', '/sync/wait?after=0&seconds=1');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const forged = await http<{ code: string }>(
      w.base,
      'GET',
      '/sync/wait?after=0&seconds=1',
      undefined,
      'not-a-token-of-any-pc',
    );
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('UNAUTHENTICATED');
    const lost = await w.enroll('SH02');
    const device = lost.core.context().device!;
    await w.admin('devices.revoke', { deviceId: device.id });
    const revoked = await http<{ code: string }>(
      w.base,
      'GET',
      '/sync/wait?after=0&seconds=1',
      undefined,
      lost.token,
    );
    expect(revoked.status).toBe(401);
    expect(revoked.body.code).toBe('DEVICE_REVOKED');
  });

  it('refuses a wait longer than head office holds one, naming the field', async () => {
    const r = await http<{ code: string; message: string }>(
      w.base,
      'GET',
      '/sync/wait?after=0&seconds=600',
      undefined,
      shop1.token,
    );
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/^seconds: /);
  });

  it('tells a PC that asks too often to slow down, with Retry-After', async () => {
    // Each of these is answered at once (another epoch): a PC stuck in a loop.
    const quick = () =>
      fetch(`${w.base}/sync/wait?after=0&seconds=1&epoch=another`, {
        headers: { authorization: `Bearer ${shop2.token}` },
      });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      const r = await quick();
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
      await r.text();
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });
});

describe('two server processes on one SQLite store', () => {
  let second: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    second = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: mkdtempSync(join(tmpdir(), 'fse-news-b-')),
        databaseUrl: null,
        sqliteStoreDir: join(dataDir, 'store'),
      },
      () => undefined,
    );
  });
  afterAll(() => second?.close());

  it('answers a wait held by one process when the change was taken in by the other', async () => {
    await shop1.engine.sync();
    const waiting = waitAt(shop1, 25, second.url);
    await new Promise((r) => setTimeout(r, 300));
    expect(second.news.waiting).toBe(1);
    // Through the first process: its console, its replica, its push into the shared file.
    await newUser();
    const answer = await waiting;
    expect(answer.outcome).toBe('news');
    expect(answer.ms).toBeLessThan(20_000);
    expect(second.news.waiting).toBe(0);
  });

  it('answers every wait with nothing when its process closes, so it can stop', async () => {
    const other = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: mkdtempSync(join(tmpdir(), 'fse-news-c-')),
        databaseUrl: null,
        sqliteStoreDir: join(dataDir, 'store'),
      },
      () => undefined,
    );
    await shop1.engine.sync();
    const waiting = waitAt(shop1, 25, other.url);
    await new Promise((r) => setTimeout(r, 300));
    const closing = performance.now();
    await other.close();
    expect(performance.now() - closing).toBeLessThan(10_000);
    expect((await waiting).outcome).toBe('nothing');
  });
});
