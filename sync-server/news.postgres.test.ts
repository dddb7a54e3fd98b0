// GET /sync/wait (decision 0018) with two server processes on one PostgreSQL database: a PC
// waiting at one process hears of a change taken in through the other. The notification alone
// does it (a watcher that polls once an hour still hears at once), and a listening connection
// the database drops is made again. The process that folds head office's replica as pushes come
// waits for the other's pushes to pause too, then folds them unasked.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCursor } from '../core/sync/engine';
import { HttpSyncTransport } from '../core/sync/http';
import { hashToken, SyncHub } from './hub';
import { startServer } from './main';
import { LogNews } from './news';
import { FOLD_AFTER } from './replica';
import { PostgresEventStore } from './store/postgres';
import { startTestPostgres, type TestPostgres } from './store/testing/postgres';
import { PASSWORD, startWorld, type Site, type World } from './testing/world';

let postgres: TestPostgres;
let databaseUrl: string;
let w: World;
let second: Awaited<ReturnType<typeof startServer>>;
let shop: Site;

beforeAll(async () => {
  postgres = await startTestPostgres();
  databaseUrl = await postgres.createDatabase('news_two_processes');
  w = await startWorld({ databaseUrl });
  second = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: mkdtempSync(join(tmpdir(), 'fse-news-pg-b-')),
      databaseUrl,
    },
    () => undefined,
  );
  shop = await w.enroll('SH01');
}, 180_000);
afterAll(async () => {
  await second?.close();
  await w?.close();
  await postgres?.stop();
}, 180_000);

let n = 0;
const newUser = () =>
  w.admin('users.create', {
    username: `pg.news${++n}`,
    displayName: `News ${n}`,
    role: 'shop_clerk',
    branchId: w.branch.SH01,
    password: PASSWORD,
  });

/** Backends holding a LISTEN (every server process's watcher, and the test's own). */
async function listeners(): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

describe('news across server processes on PostgreSQL', () => {
  it('answers a wait held by one process when the change was taken in by the other', async () => {
    await shop.engine.sync();
    const started = performance.now();
    const waiting = new HttpSyncTransport({ baseUrl: second.url, token: shop.token }).waitForNews(
      syncCursor(shop.core.db),
      { seconds: 25 },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(second.news.waiting).toBe(1);
    await newUser();
    expect(await waiting).toBe('news');
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  describe('a watcher that hears only notifications (it polls once an hour)', () => {
    let store: PostgresEventStore;
    let news: LogNews;
    beforeAll(async () => {
      store = await PostgresEventStore.connect(databaseUrl, { poolSize: 2 });
      news = new LogNews(new SyncHub(store, { log: () => undefined }), { pollMs: 3_600_000 });
      await news.start();
    });
    afterAll(async () => {
      await news?.close();
      await store?.close();
    });

    const waitHere = async () => {
      await shop.engine.sync();
      const device = await store.deviceByTokenHash(hashToken(shop.token));
      const hungUp = new AbortController();
      const answer = news.wait(device!, syncCursor(shop.core.db), 20_000, hungUp.signal);
      await new Promise((r) => setTimeout(r, 200));
      expect(news.waiting).toBe(1);
      return answer;
    };

    it('hears a change another process took in', async () => {
      const waiting = waitHere();
      const started = performance.now();
      await newUser();
      expect(await waiting).toBe(true);
      expect(performance.now() - started).toBeLessThan(15_000);
    });

    it('listens again after the database dropped its connection, and hears the next change', async () => {
      const before = await listeners();
      expect(before.length).toBeGreaterThanOrEqual(3); // two servers and this watcher
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [
          before,
        ]);
      } finally {
        await admin.end();
      }
      // Each process connects again by itself (the first retry is after about a second).
      await expect
        .poll(async () => (await listeners()).length, { timeout: 20_000, interval: 250 })
        .toBe(before.length);
      expect((await listeners()).some((pid) => before.includes(pid))).toBe(false);
      const waiting = waitHere();
      await newUser();
      expect(await waiting).toBe(true);
    });
  });

  it("folds, in the process that folds eagerly, once the other process's pushes pause, and not before", async () => {
    // One of the two holds the lease that folds branch pushes as they come (decision 0013).
    const servers = [w.server, second];
    await expect
      .poll(() => servers.filter((s) => s.replica.foldsEagerly).length, { timeout: 20_000 })
      .toBe(1);
    const folding = servers.find((s) => s.replica.foldsEagerly)!;
    const other = servers.find((s) => s !== folding)!;
    const pc = await w.enroll('SH02', { via: other.url });
    const unfolded = async () =>
      (await folding.hub.store.headSeq()) - syncCursor(folding.replica.core.db);
    const saved = { ...FOLD_AFTER };
    Object.assign(FOLD_AFTER, {
      quietMs: 300,
      maxWaitMs: 400,
      page: 2,
      yieldMs: 60_000,
      elsewhereQuietMs: 300,
    });
    try {
      await folding.replica.catchUp();
      // Pushes through the other process only, for longer than maxWaitMs and than the folding
      // process's Telegram poll (2 s), which also brings its replica up to date.
      let pushed = 0;
      const started = Date.now();
      while (Date.now() - started < 2_500) {
        await pc.as('shop2')('stock.adjust', {
          variantId: w.variants[0]!,
          quantity: 1,
          reason: 'count',
        });
        pushed += await pc.engine.push();
      }
      expect(pushed).toBeGreaterThanOrEqual(10);
      // A page may slip through where this machine paused longer than 300 ms between pushes.
      expect(await unfolded()).toBeGreaterThanOrEqual(pushed / 2);
      // They paused: folded without anyone asking.
      await expect.poll(unfolded, { timeout: 5_000, interval: 50 }).toBe(0);
    } finally {
      Object.assign(FOLD_AFTER, saved);
    }
  });

  it("tells a process's own announcements from the others' (PostgreSQL tells the sender too)", async () => {
    const [a, b] = await Promise.all([
      PostgresEventStore.connect(databaseUrl, { poolSize: 1 }),
      PostgresEventStore.connect(databaseUrl, { poolSize: 1 }),
    ]);
    const heardA: boolean[] = [];
    const heardB: boolean[] = [];
    const stops = [await a.listen((e) => heardA.push(e)), await b.listen((e) => heardB.push(e))];
    try {
      // Listening begins with whatever was announced while nobody listened: from elsewhere.
      expect(heardA).toEqual([true]);
      expect(heardB).toEqual([true]);
      await a.announce();
      await expect
        .poll(() => heardA.includes(false) && heardB.length >= 2, { timeout: 10_000 })
        .toBe(true);
      // The other server processes may announce meanwhile; only A's own reaches A as its own.
      expect(heardA.filter((e) => !e)).toHaveLength(1);
      expect(heardB.every((e) => e)).toBe(true);
    } finally {
      for (const stop of stops) await stop();
      await a.close();
      await b.close();
    }
  });
});
