// Leases on both stores, each opened several times over one SQLite file or one PostgreSQL
// database (as several server processes do): one holder at a time, expiry and fencing by the
// database's clock, never a PC's.
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PostgresEventStore } from './postgres';
import { SqliteEventStore } from './sqlite';
import { startTestPostgres, type TestPostgres } from './testing/postgres';
import type { EventStore } from './types';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe.each(['sqlite', 'postgres'] as const)('leases on %s', (kind) => {
  let server: TestPostgres | null = null;
  const open: EventStore[] = [];
  beforeAll(async () => {
    if (kind === 'postgres') server = await startTestPostgres();
  }, 120_000);
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** `n` stores over one new database, as `n` server processes would open it. */
  let made = 0;
  async function stores(n: number) {
    const name = `leases_${++made}`;
    const dir = mkdtempSync(join(tmpdir(), `fse-${name}-`));
    const url = server ? await server.createDatabase(name) : null;
    const opened: EventStore[] = [];
    for (let i = 0; i < n; i++)
      opened.push(
        url ? await PostgresEventStore.connect(url, { poolSize: 2 }) : new SqliteEventStore(dir),
      );
    open.push(...opened);
    raw = async (sql) => {
      if (!url) return void new Database(join(dir, 'sync-log.sqlite')).exec(sql).close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };
    return opened.map((s) => s.leases);
  }
  /** Writes straight into the last stores' database, as a restored file would have it. */
  let raw: (sql: string) => Promise<void>;

  it('gives a lease to one of several asking at once; its holder renews it, no one else gets it', async () => {
    const all = await stores(4);
    const got = await Promise.all(all.map((l, i) => l.acquire('backup', `p${i}`, 60_000)));
    const holders = got.filter((g) => g !== null);
    expect(holders).toHaveLength(1);
    const lease = holders[0]!;
    const at = got.indexOf(lease);
    expect(lease.expiresAt - lease.at).toBe(60_000);
    // Asked again by its holder: renewed under the same token; by another: refused.
    const again = await all[at]!.acquire('backup', lease.holder, 60_000);
    expect(again).toMatchObject({ token: lease.token, holder: lease.holder });
    expect(again!.expiresAt).toBeGreaterThanOrEqual(lease.expiresAt);
    expect(await all[(at + 1) % 4]!.acquire('backup', 'other', 60_000)).toBeNull();
    const renewed = await all[(at + 2) % 4]!.renew(lease, 120_000);
    expect(renewed).toMatchObject({ token: lease.token });
    expect(renewed!.expiresAt - renewed!.at).toBe(120_000);
    // Leases of other names are apart.
    expect(await all[(at + 1) % 4]!.acquire('telegram', 'other', 60_000)).not.toBeNull();
    const states = await all[0]!.all();
    expect(states.map((s) => [s.name, s.holder, s.held])).toEqual([
      ['backup', lease.holder, true],
      ['telegram', 'other', true],
    ]);
  });

  it('runs out by the database clock: another takes over with a larger token, and the late holder is fenced out', async () => {
    const [a, b] = await stores(2);
    const first = (await a!.acquire('backup', 'A', 400))!;
    expect(await b!.acquire('backup', 'B', 400)).toBeNull();
    await sleep(600);
    expect((await b!.all())[0]).toMatchObject({ holder: 'A', held: false });
    const taken = (await b!.acquire('backup', 'B', 60_000))!;
    expect(taken.holder).toBe('B');
    expect(taken.token).toBeGreaterThan(first.token);
    // A, back from a pause, can neither renew, finish its work, nor let go of B's lease.
    expect(await a!.renew(first, 60_000)).toBeNull();
    expect(await a!.finish(first, 1)).toBe(false);
    expect(await a!.release(first)).toBe(false);
    expect(await a!.acquire('backup', 'A', 60_000)).toBeNull();
    expect(await b!.finish(taken, 7)).toBe(true);
    expect((await a!.all())[0]).toMatchObject({
      holder: 'B',
      token: taken.token,
      held: true,
      doneSlot: 7,
      doneBy: 'B',
    });
  });

  it('never reads a PC clock: an hour ahead, a process still waits for the lease, and an hour behind one never keeps it', async () => {
    const [a, b] = await stores(2);
    const now = Date.now();
    const lease = (await a!.acquire('telegram', 'A', 1_000))!;
    expect(Math.abs(lease.at - now)).toBeLessThan(60_000); // the database's clock, in ms
    vi.spyOn(Date, 'now').mockReturnValue(now + 3_600_000);
    try {
      expect(await b!.acquire('telegram', 'B', 1_000)).toBeNull();
      expect((await b!.all())[0]!.held).toBe(true);
    } finally {
      vi.restoreAllMocks();
    }
    await sleep(1_200);
    vi.spyOn(Date, 'now').mockReturnValue(now - 3_600_000);
    try {
      expect((await a!.all())[0]!.held).toBe(false);
      expect(await b!.acquire('telegram', 'B', 1_000)).toMatchObject({ holder: 'B' });
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('lets go at once on release; taken again, even by the same holder, the token grows', async () => {
    const [a, b] = await stores(2);
    const first = (await a!.acquire('folder', 'A', 60_000))!;
    expect(await a!.release(first)).toBe(true);
    expect((await b!.all())[0]).toMatchObject({ holder: 'A', held: false });
    const second = (await b!.acquire('folder', 'B', 60_000))!;
    expect(second.token).toBeGreaterThan(first.token);
    expect(await b!.release(second)).toBe(true);
    const third = (await a!.acquire('folder', 'A', 60_000))!;
    expect(third.token).toBeGreaterThan(second.token);
    // A holder whose lease ran out takes it anew, under a new token: work under the old one is
    // fenced out even though no one else held it meanwhile.
    const short = (await a!.acquire('short', 'A', 50))!;
    await sleep(150);
    const anew = (await a!.acquire('short', 'A', 60_000))!;
    expect(anew.token).toBeGreaterThan(short.token);
    expect(await a!.finish(short, 1)).toBe(false);
  });

  it('gives tokens larger than any given before, even after the store went back to an older copy', async () => {
    const [a, b] = await stores(2);
    const first = (await a!.acquire('backup', 'A', 60_000))!;
    await a!.release(first);
    const given = (await b!.acquire('backup', 'B', 60_000))!;
    await b!.release(given);
    // A restore brings the row back as an old backup had it: a small token. A restore takes
    // longer than a millisecond, and the token grows past it by the database's clock, which has
    // moved on since the last handover (these three handovers may all fall in one millisecond).
    await raw(`UPDATE leases SET token = 1, holder = 'old'`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const after = (await a!.acquire('backup', 'C', 60_000))!;
    expect(after.token).toBeGreaterThan(given.token);
    expect(given.token).toBeGreaterThan(first.token);
  });
});
