// The PC's background sync loop on a clock of the test's own: no real waits. Head office is a
// script of answers; the loop's rounds, waits and pauses are what it records.
import { describe, expect, it } from 'vitest';
import { BACKOFF, backoffMs, SyncLoop, type LoopTimers, type WaitOutcome } from './loop';

/** Timers on a virtual clock: advance() runs what falls due, letting promises settle between. */
class Clock implements LoopTimers {
  now = 0;
  private next = 1;
  private readonly due = new Map<number, { at: number; run: () => void }>();

  set(run: () => void, ms: number): number {
    const id = this.next++;
    this.due.set(id, { at: this.now + Math.max(0, ms), run });
    return id;
  }

  clear(handle: unknown): void {
    if (typeof handle === 'number') this.due.delete(handle);
  }

  /** Lets every pending promise callback run (the loop awaits between steps). */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }

  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    await this.settle();
    for (;;) {
      const [id, timer] = [...this.due].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || !timer || timer.at > until) break;
      this.due.delete(id);
      this.now = timer.at;
      timer.run();
      await this.settle();
    }
    this.now = until;
    await this.settle();
  }
}

/** Head office as the loop sees it: rounds that work or fail, and waits answered on cue. */
class HeadOffice {
  up = true;
  rounds: number[] = [];
  waits = 0;
  supportsWaits = true;
  private pending: { resolve: (o: WaitOutcome) => void; reject: (e: Error) => void }[] = [];

  constructor(private readonly clock: Clock) {}

  round = (): Promise<void> => {
    this.rounds.push(this.clock.now);
    return this.up ? Promise.resolve() : Promise.reject(new Error('connection refused'));
  };

  waitForNews = (signal: AbortSignal): Promise<WaitOutcome> => {
    this.waits++;
    if (!this.supportsWaits) return Promise.resolve('unsupported');
    if (!this.up) return Promise.reject(new Error('connection refused'));
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject };
      this.pending.push(entry);
      signal.addEventListener('abort', () => {
        this.pending = this.pending.filter((p) => p !== entry);
        reject(new Error('aborted'));
      });
    });
  };

  get waiting(): number {
    return this.pending.length;
  }

  /** Answers every open wait with news. */
  news(): void {
    for (const p of this.pending.splice(0)) p.resolve('news');
  }

  /** Head office goes away: open waits fail. */
  down(): void {
    this.up = false;
    for (const p of this.pending.splice(0)) p.reject(new Error('socket hang up'));
  }
}

function setUp(random = () => 1, intervalMs = 60_000) {
  const clock = new Clock();
  const ho = new HeadOffice(clock);
  const loop = new SyncLoop({
    round: ho.round,
    waitForNews: ho.waitForNews,
    intervalMs,
    random,
    now: () => clock.now,
    timers: clock,
  });
  return { clock, ho, loop };
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('the pause after failures', () => {
  it('doubles from about a second and never exceeds 30 s, whatever the jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffMs(n, 1))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000,
    ]);
    for (let n = 1; n < 40; n++)
      for (const r of [0, 0.3, 0.999, 1]) {
        const ms = backoffMs(n, r);
        expect(ms).toBeLessThanOrEqual(BACKOFF.maxMs);
        expect(ms).toBeGreaterThanOrEqual(Math.min(BACKOFF.maxMs, 2 ** (n - 1) * 1000) / 2);
      }
    // Jitter spreads PCs that failed together over the upper half of the pause.
    expect(backoffMs(10, 0)).toBe(15_000);
  });
});

describe('the PC sync loop', () => {
  it('syncs, then waits for news instead of a timer; news brings the next round at once', async () => {
    const { clock, ho, loop } = setUp();
    loop.start();
    await clock.advance(0);
    expect(ho.rounds).toEqual([0]);
    expect(ho.waiting).toBe(1);
    expect(loop.current.phase).toBe('waiting');
    await clock.advance(10_000);
    expect(ho.rounds).toHaveLength(1);
    ho.news();
    // A short gap so a burst of news is pulled in one round.
    await clock.advance(250);
    expect(ho.rounds).toEqual([0, 10_250]);
    expect(ho.waiting).toBe(1);
    await loop.stop();
    expect(loop.current.phase).toBe('stopped');
    expect(ho.waiting).toBe(0);
  });

  it('after an outage tries again with growing pauses capped at 30 s, and reconnects within one', async () => {
    const { clock, ho, loop } = setUp();
    loop.start();
    await clock.advance(0);
    ho.down();
    // The failed wait is the first sign; from then on each round fails until head office is back.
    await clock.advance(10 * 60_000);
    const pauses = gaps(ho.rounds.slice(1));
    expect(pauses.slice(0, 5)).toEqual([2_000, 4_000, 8_000, 16_000, 30_000]);
    expect(Math.max(...pauses)).toBe(30_000);
    expect(pauses.slice(5).every((p) => p === 30_000)).toBe(true);
    expect(loop.current).toMatchObject({ phase: 'pausing' });
    expect(loop.current.nextTryAt).toBeGreaterThan(clock.now);
    expect(loop.current.nextTryAt! - clock.now).toBeLessThanOrEqual(30_000);

    const backAt = clock.now;
    ho.up = true;
    await clock.advance(30_000);
    const reconnected = ho.rounds.find((t) => t > backAt)!;
    expect(reconnected - backAt).toBeLessThanOrEqual(30_000);
    expect(loop.current).toMatchObject({ phase: 'waiting', failures: 0, nextTryAt: null });
    // Once back, the schedule starts over from about a second.
    ho.down();
    await clock.advance(0);
    const failedAt = clock.now;
    await clock.advance(1_000);
    expect(ho.rounds.at(-1)).toBe(failedAt + 1_000);
    await loop.stop();
  });

  it('sends a change made here at once, but not while pausing after failures', async () => {
    const { clock, ho, loop } = setUp();
    loop.start();
    await clock.advance(5_000);
    loop.changed();
    await clock.advance(0);
    expect(ho.rounds).toEqual([0, 5_000]);
    ho.up = false;
    loop.changed();
    await clock.advance(0);
    expect(ho.rounds).toEqual([0, 5_000, 5_000]);
    expect(loop.current.phase).toBe('pausing');
    loop.changed();
    await clock.advance(100);
    expect(ho.rounds).toHaveLength(3);
    // Sync now does cut the pause short.
    ho.up = true;
    loop.retryNow();
    await clock.advance(0);
    expect(ho.rounds).toEqual([0, 5_000, 5_000, 5_100]);
    expect(loop.current.phase).toBe('waiting');
    await loop.stop();
  });

  it('stops at once after a round that failed while it was being stopped', async () => {
    const clock = new Clock();
    let fail: (e: Error) => void = () => undefined;
    const loop = new SyncLoop({
      round: () => new Promise<void>((_, reject) => (fail = reject)),
      waitForNews: () => new Promise<WaitOutcome>(() => undefined),
      intervalMs: 60_000,
      now: () => clock.now,
      timers: clock,
    });
    loop.start();
    await clock.advance(0);
    let stopped = false;
    void loop.stop().then(() => (stopped = true));
    fail(new Error('connection refused'));
    await clock.advance(0);
    expect(stopped).toBe(true);
    expect(loop.current.phase).toBe('stopped');
  });

  it('a change during a round is followed by another round, not a wait', async () => {
    const clock = new Clock();
    let finish: () => void = () => undefined;
    const rounds: number[] = [];
    const loop = new SyncLoop({
      round: () => {
        rounds.push(clock.now);
        return new Promise<void>((r) => (finish = r));
      },
      waitForNews: () => new Promise<WaitOutcome>(() => undefined),
      intervalMs: 60_000,
      now: () => clock.now,
      timers: clock,
    });
    loop.start();
    await clock.advance(1_000);
    loop.changed();
    finish();
    await clock.advance(0);
    expect(rounds).toEqual([0, 1_000]);
    finish();
    void loop.stop();
    await clock.advance(0);
  });

  it('still syncs every interval without news, and on that pace alone from a head office too old to wait', async () => {
    const { clock, ho, loop } = setUp(() => 1, 60_000);
    ho.supportsWaits = false;
    loop.start();
    await clock.advance(180_000);
    expect(ho.rounds).toEqual([0, 60_000, 120_000, 180_000]);
    expect(ho.waits).toBe(1);
    await loop.stop();

    const again = setUp(() => 1, 60_000);
    again.loop.start();
    await again.clock.advance(125_000);
    expect(again.ho.rounds).toEqual([0, 60_000, 120_000]);
    await again.loop.stop();
  });

  it('backs off too when rounds work but every wait fails (a proxy cutting long requests)', async () => {
    const clock = new Clock();
    const rounds: number[] = [];
    const loop = new SyncLoop({
      round: () => {
        rounds.push(clock.now);
        return Promise.resolve();
      },
      waitForNews: () => Promise.reject(new Error('502 Bad Gateway')),
      intervalMs: 60_000,
      random: () => 1,
      now: () => clock.now,
      timers: clock,
    });
    loop.start();
    await clock.advance(5 * 60_000);
    expect(gaps(rounds).slice(0, 6)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    expect(Math.max(...gaps(rounds))).toBe(30_000);
    await loop.stop();
  });

  it('does not spin when head office answers "nothing" at once', async () => {
    const clock = new Clock();
    let waits = 0;
    const loop = new SyncLoop({
      round: () => Promise.resolve(),
      waitForNews: () => {
        waits++;
        return Promise.resolve('nothing');
      },
      intervalMs: 60_000,
      now: () => clock.now,
      timers: clock,
    });
    loop.start();
    await clock.advance(10_000);
    expect(waits).toBeLessThanOrEqual(11);
    expect(waits).toBeGreaterThanOrEqual(9);
    await loop.stop();
  });
});
