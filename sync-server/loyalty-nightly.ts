// Head office's nightly loyalty run: points that expired (oldest batches first) and tiers the
// rolling year's spend changed are recorded as events, so every replica agrees (decision 0030).
// Scheduled, once across server processes, by ./nightly.ts.
import type { Log } from '../core/ops/log';
import { Nightly, runAsAdmin } from './nightly';
import type { HeadOfficeReplica } from './replica';
import type { LeaseStore } from './store/leases';

export const DEFAULT_LOYALTY_SCHEDULE = '30 2 * * *';
export const LOYALTY_LEASE = 'loyalty-nightly';

export function loyaltyNightly(options: {
  replica: HeadOfficeReplica;
  leases: LeaseStore;
  holder: string;
  log: Log;
  expression?: string;
}): Nightly {
  const expression = Nightly.checked('loyalty', options.expression ?? DEFAULT_LOYALTY_SCHEDULE);
  return new Nightly({
    ...options,
    name: LOYALTY_LEASE,
    schedule: () => expression,
    work: () => runAsAdmin(options.replica, 'loyalty.run'),
  });
}
