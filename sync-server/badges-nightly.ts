// Head office's nightly badges run (decision 0034): each active 'top' rule's weeks or months
// that ended, three days of grace for late syncs ago, are settled with their winners, once
// (`badges.settle` finds a period already settled in the log, so a repeated slot records
// nothing). Scheduled, once across server processes, by ./nightly.ts.
import type { Log } from '../core/ops/log';
import { Nightly, runAsAdmin } from './nightly';
import type { HeadOfficeReplica } from './replica';
import type { LeaseStore } from './store/leases';

export const DEFAULT_BADGES_SCHEDULE = '45 2 * * *';
export const BADGES_LEASE = 'badges-nightly';

export function badgesNightly(options: {
  replica: HeadOfficeReplica;
  leases: LeaseStore;
  holder: string;
  log: Log;
  expression?: string;
}): Nightly {
  const expression = Nightly.checked('badges', options.expression ?? DEFAULT_BADGES_SCHEDULE);
  return new Nightly({
    ...options,
    name: BADGES_LEASE,
    schedule: () => expression,
    work: () => runAsAdmin(options.replica, 'badges.settle'),
  });
}
