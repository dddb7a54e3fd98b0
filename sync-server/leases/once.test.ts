// Scheduled work once across processes, each with its own connection to one SQLite store: a slot
// is done by one of them; one that finds it held looks again and takes it over when its holder
// stopped renewing (cut off from the store, or dead) or failed; a late holder records nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LeaseStore } from '../store/leases';
import { SqliteEventStore } from '../store/sqlite';
import { OnceAcross, type Outcome } from './once';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const TTL = 400;

const opened: SqliteEventStore[] = [];
const runners: OnceAcross[] = [];
afterEach(async () => {
  for (const r of runners.splice(0)) r.stop();
  for (const s of opened.splice(0)) await s.close();
});

/** `n` processes' views of one store: each its own connection, runner and log. */
function processes(n: number, leasesOf: (real: LeaseStore, i: number) => LeaseStore = (l) => l) {
  const dir = mkdtempSync(join(tmpdir(), 'fse-once-'));
  return Array.from({ length: n }, (_, i) => {
    const store = new SqliteEventStore(dir);
    opened.push(store);
    const logged: Record<string, unknown>[] = [];
    const runner = new OnceAcross({
      leases: leasesOf(store.leases, i),
      name: 'nightly',
      holder: `p${i}`,
      ttlMs: TTL,
      log: (e) => void logged.push(e),
    });
    runners.push(runner);
    return { runner, logged, store };
  });
}

const messages = (logged: Record<string, unknown>[]) => logged.map((e) => e['msg']);

describe('work done once per slot across processes', () => {
  it('does each slot in one process; the others skip it and say so', async () => {
    const all = processes(3);
    const ran: string[] = [];
    const work = (who: string) => async () => {
      ran.push(who);
      await sleep(50);
    };
    const first = await Promise.all(all.map((p, i) => p.runner.run({ at: 1000 }, work(`p${i}`))));
    expect(ran).toHaveLength(1);
    expect(first.filter((o) => o === 'ran')).toHaveLength(1);
    // Those that asked while it ran, or after, skip it.
    expect(first.filter((o) => o !== 'ran').every((o) => o === 'elsewhere' || o === 'done')).toBe(
      true,
    );
    expect(await all[0]!.runner.run({ at: 1000 }, work('again'))).toBe('done');
    expect(messages(all[0]!.logged)).toContain('nightly: skipped, done already');
    // The next slot is done again, by one of them.
    const second = await Promise.all(all.map((p, i) => p.runner.run({ at: 2000 }, work(`p${i}`))));
    expect(second.filter((o) => o === 'ran')).toHaveLength(1);
    expect(ran).toHaveLength(2);
    expect((await all[1]!.store.leases.all())[0]).toMatchObject({ doneSlot: 2000, held: false });
    // A catch-up within a day of the last run is not needed; one asking for fresher is.
    expect(await all[2]!.runner.run({ withinMs: 86_400_000 }, work('catch-up'))).toBe('done');
    await sleep(20);
    expect(await all[2]!.runner.run({ withinMs: 10 }, work('catch-up'))).toBe('ran');
  });

  it("takes over a slot whose holder stopped renewing mid-way; the late holder's record is refused", async () => {
    let cutOff = false;
    // p0 loses the store while it works: its renewals fail, as a dead process's would stop.
    const [a, b] = processes(2, (real, i) =>
      i === 0
        ? {
            ...real,
            acquire: real.acquire.bind(real),
            finish: real.finish.bind(real),
            release: real.release.bind(real),
            all: real.all.bind(real),
            renew: (lease, ttl) =>
              cutOff ? Promise.reject(new Error('connection lost')) : real.renew(lease, ttl),
          }
        : real,
    );
    let finishA: () => void = () => undefined;
    const ranA = a!.runner.run({ at: 5000 }, async () => {
      cutOff = true;
      await new Promise<void>((ok) => (finishA = ok));
    });
    await sleep(50);
    let ranB = 0;
    expect(await b!.runner.run({ at: 5000 }, async () => void ranB++)).toBe('elsewhere');
    // While a holder renews, the look-again finds it held; once its lease ran out, B does it.
    const until = Date.now() + 10_000;
    while (ranB === 0 && Date.now() < until) await sleep(50);
    expect(ranB).toBe(1);
    expect(messages(b!.logged)).toEqual([
      'nightly: skipped, another server process runs it',
      'nightly: taken over, its holder did not finish',
      'nightly: done',
    ]);
    // A comes back and finishes: its record is refused, B's stands.
    cutOff = false;
    finishA();
    expect(await ranA).toBe<Outcome>('ran');
    expect(messages(a!.logged)).toContain('nightly: done, but the lease was lost meanwhile');
    expect((await a!.store.leases.all())[0]).toMatchObject({ doneSlot: 5000, doneBy: 'p1' });
  });

  it('lets another process do a slot whose run failed', async () => {
    const [a, b] = processes(2);
    let release: () => void = () => undefined;
    const failing = a!.runner.run({ at: 7000 }, async () => {
      await new Promise<void>((ok) => (release = ok));
      throw new Error('disk full');
    });
    let ranB = 0;
    expect(await b!.runner.run({ at: 7000 }, async () => void ranB++)).toBe('elsewhere');
    release();
    await expect(failing).rejects.toThrow('disk full');
    const until = Date.now() + 10_000;
    while (ranB === 0 && Date.now() < until) await sleep(50);
    expect(ranB).toBe(1);
    expect((await b!.store.leases.all())[0]).toMatchObject({ doneSlot: 7000, doneBy: 'p1' });
  });
});
