// Head office's purchasing jobs (decision 0032): the nightly reorder run, and the refit of the
// demand forecasts it reads, each at the time the admin sets in the purchasing settings (read
// again every few minutes). Scheduled, once across server processes, by ./nightly.ts; a run
// that fails is kept with its error in purchase_runs, shown on the purchasing screen.
import type { Log } from '../core/ops/log';
import { purchasingSettingsOf } from '../core/purchasing/suppliers';
import { Nightly, runAsAdmin } from './nightly';
import type { HeadOfficeReplica } from './replica';
import type { LeaseStore } from './store/leases';

export const REORDER_LEASE = 'purchasing-reorder';
export const REFIT_LEASE = 'purchasing-refit';

export function purchasingNightly(options: {
  replica: HeadOfficeReplica;
  leases: LeaseStore;
  holder: string;
  log: Log;
}): { reorder: Nightly; refit: Nightly } {
  const settings = () => purchasingSettingsOf(options.replica.core.db);
  return {
    reorder: new Nightly({
      ...options,
      name: REORDER_LEASE,
      schedule: () => settings().runSchedule,
      work: () => runAsAdmin(options.replica, 'purchasing.run'),
      ttlMs: 10 * 60_000,
    }),
    refit: new Nightly({
      ...options,
      name: REFIT_LEASE,
      schedule: () => settings().refitSchedule,
      work: () => runAsAdmin(options.replica, 'purchasing.refit'),
      ttlMs: 30 * 60_000,
    }),
  };
}
