// Scheduled work done once across server processes (the nightly backup; next, the watched
// invoice folder): every process's schedule fires, and the one that takes the lease does the
// slot; the others see it held, or done, and skip it, saying so in the log. A process that finds
// it held looks again after the lease could have run out: if its holder died half way, the slot
// is not done, and this process does it. The holder renews the lease while it works and records
// the slot done under its token, so a holder that lost the lease records nothing.
import type { Log } from '../../core/ops/log';
import type { Lease, LeaseStore } from '../store/leases';

/**
 * A scheduled time (done once a holder finished a slot at or after it, by its scheduled time,
 * the same in every process), or "unless done within the last `withinMs`" (a catch-up after
 * start), by the database's clock.
 */
export type Slot = { at: number } | { withinMs: number };

export type Outcome = 'ran' | 'done' | 'elsewhere';

export interface OnceOptions {
  leases: LeaseStore;
  name: string;
  holder: string;
  /** How long the lease lasts unrenewed: a dead holder's slot is taken over after about this. */
  ttlMs: number;
  log: Log;
  /** How long a slot held elsewhere is looked after (the next slot covers it after that). */
  watchMs?: number;
  /** Runs a look-again in turn with this process's other runs (one backup at a time). */
  inTurn?: <T>(work: () => Promise<T>) => Promise<T>;
}

const isDone = (lease: Lease, slot: Slot) =>
  'at' in slot
    ? lease.doneSlot !== null && lease.doneSlot >= slot.at
    : lease.doneAt !== null && lease.at - lease.doneAt < slot.withinMs;

export class OnceAcross {
  private readonly watching = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: OnceOptions) {}

  /** Does `work` for `slot` here unless another process does or did; rejects if `work` does. */
  run(slot: Slot, work: () => Promise<unknown>): Promise<Outcome> {
    return this.attempt(slot, work, Date.now() + (this.options.watchMs ?? 12 * 3_600_000));
  }

  /** `again`: a look after a slot held elsewhere, which says nothing while nothing changed. */
  private async attempt(slot: Slot, work: () => Promise<unknown>, until: number, again = false) {
    const { leases, name, holder, ttlMs, log } = this.options;
    const lease = await leases.acquire(name, holder, ttlMs);
    if (!lease) {
      const held = (await leases.all()).find((l) => l.name === name);
      if (!again)
        log({
          level: 'info',
          msg: `${name}: skipped, another server process runs it`,
          slot,
          by: held?.holder,
        });
      this.lookAgain(slot, work, until, held?.holder);
      return 'elsewhere';
    }
    if (isDone(lease, slot)) {
      await leases.release(lease);
      if (!again)
        log({ level: 'info', msg: `${name}: skipped, done already`, slot, by: lease.doneBy });
      return 'done';
    }
    if (again) log({ level: 'warn', msg: `${name}: taken over, its holder did not finish`, slot });
    const renewing = this.renewWhile(lease);
    try {
      await work();
    } catch (error) {
      await leases.release(await renewing.stop()).catch(() => false);
      throw error; // the lease is free: a process looking again does the slot
    }
    const last = await renewing.stop();
    const slotDone = 'at' in slot ? slot.at : lease.at;
    // The work is done whatever the store says now; only its record may fail (fenced, or the
    // store out of reach), and then another process may do the slot again.
    if (await leases.finish(last, slotDone).catch(() => false))
      log({ level: 'info', msg: `${name}: done`, slot });
    else log({ level: 'warn', msg: `${name}: done, but the lease was lost meanwhile`, slot });
    await leases.release(last).catch(() => false);
    return 'ran';
  }

  private lookAgain(slot: Slot, work: () => Promise<unknown>, until: number, holder?: string) {
    if (this.stopped || Date.now() + this.options.ttlMs > until) return;
    const timer = setTimeout(() => {
      this.watching.delete(timer);
      const again = () => this.attempt(slot, work, until, true);
      void (this.options.inTurn ? this.options.inTurn(again) : again()).catch((error: unknown) =>
        this.options.log({
          level: 'error',
          msg: `${this.options.name}: failed after taking over from ${holder ?? 'another process'}`,
          error,
        }),
      );
    }, this.options.ttlMs);
    timer.unref();
    this.watching.add(timer);
  }

  /** Renews the lease a third of the way to its end until stopped; stop() gives the last one. */
  private renewWhile(lease: Lease) {
    let current = lease;
    let renewing: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = this.options.leases
        .renew(current, this.options.ttlMs)
        .then((renewed) => {
          if (renewed) current = renewed;
          else this.options.log({ level: 'warn', msg: `${this.options.name}: lease lost` });
        })
        .catch(() => undefined); // the store out of reach: tried again at the next third
    }, this.options.ttlMs / 3);
    timer.unref();
    return {
      stop: async () => {
        clearInterval(timer);
        await renewing;
        return current;
      },
    };
  }

  /** Stops looking after slots held elsewhere (the server stops). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.watching) clearTimeout(timer);
    this.watching.clear();
  }
}
