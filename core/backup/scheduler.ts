// When backups run: on a cron schedule (2 AM by default, local time), and once soon after start
// when the newest backup is more than a day old (a shop PC is often off at 2 AM). One backup (or
// restore) at a time. The cron library is passed in: core does not depend on it.
import type { Log } from '../ops/log';
import { DAY_MS } from './retention';

export const DEFAULT_BACKUP_SCHEDULE = '0 2 * * *';

export interface CronTask {
  stop(): unknown;
  getNextRun(): Date | null;
}

export interface CronLike {
  validate(expression: string): boolean;
  /** `run` is told the time it was scheduled for (the same in every process with the schedule). */
  schedule(
    expression: string,
    run: (context: { date: Date }) => unknown,
    options?: { name?: string; noOverlap?: boolean },
  ): CronTask;
}

/** Which run: a scheduled one (by the time it was due), or the catch-up after start. */
export type BackupSlot = { reason: 'scheduled'; at: number } | { reason: 'catch-up' };

export interface BackupSchedulerOptions {
  cron: CronLike;
  /** Cron expression; `DEFAULT_BACKUP_SCHEDULE` when not given. */
  expression?: string;
  run: (slot: BackupSlot) => Promise<unknown>;
  lastBackupAt: () => number | null;
  log: Log;
  now?: () => number;
  /** How long after start a missed backup is caught up. 5 minutes by default. */
  catchUpDelayMs?: number;
}

export class BackupScheduler {
  readonly expression: string;
  private task: CronTask | null = null;
  private catchUp: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: BackupSchedulerOptions) {
    this.expression = options.expression?.trim() || DEFAULT_BACKUP_SCHEDULE;
    this.now = options.now ?? Date.now;
    if (!options.cron.validate(this.expression))
      throw new Error(
        `backup schedule "${this.expression}" is not a cron expression (like "0 2 * * *" for 2 AM daily)`,
      );
  }

  start(): void {
    if (this.task) return;
    this.task = this.options.cron.schedule(
      this.expression,
      ({ date }) => this.runNow({ reason: 'scheduled', at: date.getTime() }),
      { name: 'backup', noOverlap: true },
    );
    const last = this.options.lastBackupAt();
    if (last === null || this.now() - last > DAY_MS) {
      this.catchUp = setTimeout(
        () => void this.runNow({ reason: 'catch-up' }),
        this.options.catchUpDelayMs ?? 5 * 60_000,
      );
      this.catchUp.unref();
    }
  }

  nextRun(): Date | null {
    return this.task?.getNextRun() ?? null;
  }

  /** Runs `work` after any backup or restore in progress: one at a time. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** A scheduled or catch-up backup. Failures are logged, never thrown here. */
  runNow(slot: BackupSlot): Promise<unknown> {
    return this.exclusive(() => this.options.run(slot)).catch((error: unknown) => {
      this.options.log({ level: 'error', msg: 'backup failed', reason: slot.reason, error });
      return null;
    });
  }

  stop(): void {
    if (this.catchUp) clearTimeout(this.catchUp);
    this.catchUp = null;
    void this.task?.stop();
    this.task = null;
  }
}
