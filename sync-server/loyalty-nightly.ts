// Head office's nightly loyalty run: points that expired (oldest batches first) and tiers the
// rolling year's spend changed are recorded as events, so every replica agrees (decision 0030).
// node-cron fires it in every server process; the one that takes the lease runs it
// (./leases/once.ts), as the head office's first active admin, through the contract.
import cron from 'node-cron';
import { asc, and, eq } from 'drizzle-orm';
import { operations } from '../core/contract/api';
import { execute } from '../core/contract/execute';
import { users } from '../core/db/schema';
import type { Log } from '../core/ops/log';
import { OnceAcross } from './leases/once';
import type { HeadOfficeReplica } from './replica';
import type { LeaseStore } from './store/leases';

export const DEFAULT_LOYALTY_SCHEDULE = '30 2 * * *';
export const LOYALTY_LEASE = 'loyalty-nightly';

export interface LoyaltyRunResult {
  expired: number;
  customersExpired: number;
  tiersChanged: number;
}

/** One run now, on the replica, as head office's first active admin (none: nothing to do). */
export function runLoyaltyNow(replica: HeadOfficeReplica): LoyaltyRunResult | null {
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
  return execute(operations, ctx, 'loyalty.run', {}) as LoyaltyRunResult;
}

export class LoyaltyNightly {
  private task: { stop(): unknown } | null = null;
  private readonly once: OnceAcross;

  constructor(
    private readonly options: {
      replica: HeadOfficeReplica;
      leases: LeaseStore;
      holder: string;
      log: Log;
      expression?: string;
    },
  ) {
    const expression = options.expression ?? DEFAULT_LOYALTY_SCHEDULE;
    if (!cron.validate(expression))
      throw new Error(
        `loyalty schedule "${expression}" is not a cron expression (like "30 2 * * *" for 2:30 AM daily)`,
      );
    this.once = new OnceAcross({
      leases: options.leases,
      holder: options.holder,
      log: options.log,
      name: LOYALTY_LEASE,
      ttlMs: 2 * 60_000,
    });
  }

  start(): void {
    if (this.task) return;
    this.task = cron.schedule(
      this.options.expression ?? DEFAULT_LOYALTY_SCHEDULE,
      ({ date }) => this.run(date.getTime()),
      { name: 'loyalty', noOverlap: true },
    );
  }

  /** The run for the slot scheduled at `at`: done once across server processes. */
  async run(at: number): Promise<void> {
    const { log, replica } = this.options;
    try {
      await this.once.run({ at }, async () => {
        const result = runLoyaltyNow(replica);
        log({ level: 'info', msg: 'loyalty: nightly run', ...(result ?? { skipped: 'no admin' }) });
        // What it recorded reaches head office's log and the PCs with the next round.
        await replica.catchUp();
      });
    } catch (error) {
      log({ level: 'error', msg: 'loyalty: nightly run failed', error: String(error) });
    }
  }

  stop(): void {
    void this.task?.stop();
    this.task = null;
    this.once.stop();
  }
}
