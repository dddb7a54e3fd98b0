// When backups run: the cron schedule, a catch-up after start when the last one is old, one at a time.
import { describe, expect, it } from 'vitest';
import { BackupScheduler, type BackupSlot, type CronLike } from './scheduler';
import { DAY_MS } from './retention';

function fakeCron() {
  const scheduled: { expression: string; run: (context: { date: Date }) => unknown }[] = [];
  const cron: CronLike = {
    validate: (e) => /^\S+ \S+ \S+ \S+ \S+$/.test(e),
    schedule: (expression, run) => {
      scheduled.push({ expression, run });
      return { stop: () => undefined, getNextRun: () => null };
    },
  };
  return { cron, scheduled };
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const now = Date.UTC(2026, 10, 24, 9);

describe('the backup scheduler', () => {
  it('runs on its cron expression (2 AM by default), and refuses one that is not cron', async () => {
    const { cron, scheduled } = fakeCron();
    const runs: BackupSlot[] = [];
    const s = new BackupScheduler({
      cron,
      run: async (slot) => void runs.push(slot),
      lastBackupAt: () => now - 3600_000,
      log: () => undefined,
      now: () => now,
    });
    s.start();
    expect(scheduled.map((t) => t.expression)).toEqual(['0 2 * * *']);
    // Told the time it was due, which every server process's schedule agrees on.
    await scheduled[0]!.run({ date: new Date(Date.UTC(2026, 10, 25, 2)) });
    expect(runs).toEqual([{ reason: 'scheduled', at: Date.UTC(2026, 10, 25, 2) }]);
    s.stop();
    expect(
      () =>
        new BackupScheduler({
          cron,
          expression: 'every night',
          run: async () => undefined,
          lastBackupAt: () => null,
          log: () => undefined,
        }),
    ).toThrow(/not a cron expression/);
  });

  it('catches up soon after start when the newest backup is over a day old, or there is none', async () => {
    for (const [last, expected] of [
      [null, 1],
      [now - DAY_MS - 1, 1],
      [now - DAY_MS + 60_000, 0],
    ] as const) {
      const runs: BackupSlot[] = [];
      const s = new BackupScheduler({
        cron: fakeCron().cron,
        run: async (slot) => void runs.push(slot),
        lastBackupAt: () => last,
        log: () => undefined,
        now: () => now,
        catchUpDelayMs: 1,
      });
      s.start();
      await tick(30);
      s.stop();
      expect(runs).toEqual(Array.from({ length: expected }, () => ({ reason: 'catch-up' })));
    }
  });

  it('runs one thing at a time, and logs a failed scheduled backup instead of throwing', async () => {
    const order: string[] = [];
    const logged: Record<string, unknown>[] = [];
    const { cron, scheduled } = fakeCron();
    const s = new BackupScheduler({
      cron,
      run: async () => {
        order.push('backup start');
        await tick(20);
        order.push('backup end');
        throw new Error('disk full');
      },
      lastBackupAt: () => now,
      log: (e) => void logged.push(e),
      now: () => now,
    });
    s.start();
    const scheduledRun = scheduled[0]!.run({ date: new Date(now) }) as Promise<unknown>;
    const restore = s.exclusive(async () => void order.push('restore'));
    await Promise.all([scheduledRun, restore]);
    expect(order).toEqual(['backup start', 'backup end', 'restore']);
    expect(logged).toMatchObject([{ level: 'error', msg: 'backup failed', reason: 'scheduled' }]);
    s.stop();
  });
});
