// A job head office runs on a schedule (the loyalty run, the reorder run, the forecasts' refit).
// node-cron fires it in every server process; the one that takes the lease for the slot runs it
// (./leases/once.ts), on the replica, as head office's first active admin, through the contract;
// what it records reaches head office's log and the PCs with the next round. A schedule a person
// sets (in the replica) is read again every few minutes, so a change needs no restart.
import cron from 'node-cron';
import { asc, and, eq } from 'drizzle-orm';
import { operations, type OperationName } from '../core/contract/api';
import { execute } from '../core/contract/execute';
import { users } from '../core/db/schema';
import type { Log } from '../core/ops/log';
import { OnceAcross } from './leases/once';
import type { HeadOfficeReplica } from './replica';
import type { LeaseStore } from './store/leases';

/** One run now, on the replica, as head office's first active admin (none: null, nothing done). */
export function runAsAdmin(
  replica: HeadOfficeReplica,
  name: OperationName,
  input: Record<string, unknown> = {},
): unknown {
  const admin = replica.core.db.orm
    .select({
      userId: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      branchId: users.branchId,
    })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.disabled, false)))
    .orderBy(asc(users.id))
    .get();
  if (!admin) return null;
  const ctx = { ...replica.core.context(), actor: admin };
  return execute(operations, ctx, name, input);
}

export interface NightlyOptions {
  /** What the log says and the lease is named. */
  name: string;
  replica: HeadOfficeReplica;
  leases: LeaseStore;
  holder: string;
  log: Log;
  /** The cron expression, read at start and every `recheckMs` (a setting may change it). */
  schedule: () => string;
  /** The work, on the replica; its result is logged. */
  work: () => unknown;
  ttlMs?: number;
  recheckMs?: number;
}

export class Nightly {
  private task: { stop(): unknown } | null = null;
  private expression: string | null = null;
  private recheck: NodeJS.Timeout | null = null;
  private readonly once: OnceAcross;

  constructor(private readonly options: NightlyOptions) {
    this.once = new OnceAcross({
      leases: options.leases,
      holder: options.holder,
      log: options.log,
      name: options.name,
      ttlMs: options.ttlMs ?? 2 * 60_000,
    });
  }

  /** The schedule as it is now; one that is not a cron expression is refused with an example. */
  static checked(name: string, expression: string): string {
    if (!cron.validate(expression))
      throw new Error(
        `${name} schedule "${expression}" is not a cron expression (like "30 2 * * *" for 2:30 AM daily)`,
      );
    return expression;
  }

  start(): void {
    this.reschedule();
    this.recheck ??= setInterval(() => this.reschedule(), this.options.recheckMs ?? 5 * 60_000);
    this.recheck.unref();
  }

  private reschedule(): void {
    let expression: string;
    try {
      expression = Nightly.checked(this.options.name, this.options.schedule());
    } catch (error) {
      this.options.log({
        level: 'error',
        msg: `${this.options.name}: schedule`,
        error: String(error),
      });
      if (this.task) return;
      throw error;
    }
    if (expression === this.expression && this.task) return;
    void this.task?.stop();
    this.expression = expression;
    this.task = cron.schedule(expression, ({ date }) => this.run(date.getTime()), {
      name: this.options.name,
      noOverlap: true,
    });
  }

  /** The run for the slot scheduled at `at`: done once across server processes. */
  async run(at: number): Promise<void> {
    const { log, replica, name } = this.options;
    try {
      await this.once.run({ at }, async () => {
        // Caught up first: what the PCs recorded since the last round counts.
        await replica.catchUp();
        const result = this.options.work();
        log({ level: 'info', msg: `${name}: run`, result: result ?? 'no admin' });
        await replica.catchUp();
      });
    } catch (error) {
      log({ level: 'error', msg: `${name}: run failed`, error: String(error) });
    }
  }

  stop(): void {
    void this.task?.stop();
    this.task = null;
    if (this.recheck) clearInterval(this.recheck);
    this.recheck = null;
    this.once.stop();
  }
}
