// A PC's background sync (docs/decisions/0018): a round (push, pull), then a wait at head office
// until it has something for this PC, then a round again. A change made here cuts the wait short,
// so it is sent at once. A failure is tried again after a pause that doubles from about a second
// to at most 30 s, with jitter, so PCs that lost head office together do not return together.
// Plain logic over injected timers: tests drive it with a clock of their own.

export interface LoopTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: LoopTimers = {
  set: (run, ms) => {
    const t = setTimeout(run, ms);
    t.unref();
    return t;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type WaitOutcome = 'news' | 'nothing' | 'unsupported';

export interface SyncLoopOptions {
  /** One round; its failure is what counts as being offline. */
  round: () => Promise<unknown>;
  /** Held open by head office until it has news; rejects when it cannot be reached. */
  waitForNews: (signal: AbortSignal) => Promise<WaitOutcome>;
  /**
   * A round at least this often even with no news (the PC's health, files still missing), and
   * the pace of rounds when head office is too old to answer waits.
   */
  intervalMs: number;
  /** Rounds that follow news are at least this far apart: a busy log is pulled in batches. */
  minGapMs?: number;
  backoff?: { firstMs: number; maxMs: number };
  random?: () => number;
  now?: () => number;
  timers?: LoopTimers;
  /** Told when the loop's state changes (for the status a clerk sees). */
  onChange?: (state: LoopState) => void;
}

export interface LoopState {
  phase: 'round' | 'waiting' | 'pausing' | 'stopped';
  /** Rounds or waits failed in a row; 0 once one works again. */
  failures: number;
  /** When the next try begins, while pausing after a failure. */
  nextTryAt: number | null;
}

export const BACKOFF = { firstMs: 1_000, maxMs: 30_000 };
const QUICK_NOTHING_MS = 1_000;

/**
 * The pause after the `failures`-th failure in a row: doubling from `firstMs`, capped at `maxMs`,
 * and drawn from its upper half (jitter) so it never exceeds the cap.
 */
export function backoffMs(failures: number, random: number, backoff = BACKOFF): number {
  const ceiling = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(1, Math.max(0, random)));
}

export class SyncLoop {
  private readonly timers: LoopTimers;
  private readonly now: () => number;
  private state: LoopState = { phase: 'stopped', failures: 0, nextTryAt: null };
  private running = false;
  /** Cuts the current wait or pause short. */
  private interrupt: (() => void) | null = null;
  /** A change or a retry was asked for during a round: another follows at once. */
  private again = false;
  private waitsSupported = true;
  private lastRoundAt = 0;
  /** Failed in a row: rounds (reset by a round that works), waits (by a wait that answers). */
  private roundFailures = 0;
  private waitFailures = 0;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly options: SyncLoopOptions) {
    this.timers = options.timers ?? realTimers;
    this.now = options.now ?? Date.now;
  }

  get current(): LoopState {
    return this.state;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  /** Stops after the round under way (awaited), cutting any wait short. */
  async stop(): Promise<void> {
    this.running = false;
    this.interrupt?.();
    await this.done;
  }

  /** Something was made here: send it now, unless head office is failing (the pause holds). */
  changed(): void {
    if (this.state.phase !== 'pausing') this.wake();
  }

  /** Try now, even during a pause after failures (a person pressed Sync now, or it worked). */
  retryNow(): void {
    this.wake();
  }

  private wake(): void {
    if (this.state.phase === 'round') this.again = true;
    else this.interrupt?.();
  }

  private set(next: Partial<LoopState>): void {
    this.state = { ...this.state, ...next };
    this.options.onChange?.(this.state);
  }

  private async run(): Promise<void> {
    let gapDue = 0;
    while (this.running) {
      if (gapDue > 0) {
        await this.sleep(gapDue, false);
        gapDue = 0;
      }
      if (!this.running) break;
      this.again = false;
      this.set({ phase: 'round', nextTryAt: null });
      try {
        await this.options.round();
        this.lastRoundAt = this.now();
        this.roundFailures = 0;
      } catch {
        // Head office is unreachable: the waits that failed before this round count as its.
        this.roundFailures += this.waitFailures + 1;
        this.waitFailures = 0;
        await this.pause();
        continue;
      }
      if (this.again) continue;
      const outcome = await this.waitForNews();
      if (outcome === 'failed') {
        // Rounds work but waits do not (a proxy cutting long requests?): the pause still grows.
        this.waitFailures++;
        await this.pause();
      } else if (outcome === 'news') gapDue = this.options.minGapMs ?? 250;
    }
    this.set({ phase: 'stopped', nextTryAt: null });
  }

  /** After a failure: the next pause of the schedule, cut short by retryNow(). */
  private async pause(): Promise<void> {
    const failures = this.roundFailures + this.waitFailures;
    const ms = backoffMs(failures, (this.options.random ?? Math.random)(), this.options.backoff);
    this.set({ phase: 'pausing', failures, nextTryAt: this.now() + ms });
    await this.sleep(ms, true);
  }

  /**
   * Waits for news until a round is due anyway. 'woken': cut short (a change here, Sync now),
   * 'due': the interval came round; 'failed': head office could not be asked.
   */
  private async waitForNews(): Promise<'news' | 'woken' | 'due' | 'failed'> {
    this.set({ phase: 'waiting', failures: this.roundFailures + this.waitFailures });
    for (;;) {
      if (!this.running) return 'woken';
      const dueIn = this.lastRoundAt + this.options.intervalMs - this.now();
      if (dueIn <= 0) return 'due';
      if (!this.waitsSupported) return (await this.sleep(dueIn, true)) ? 'woken' : 'due';
      const controller = new AbortController();
      let woken = false;
      const due = this.timers.set(() => controller.abort(), dueIn);
      this.interrupt = () => {
        woken = true;
        controller.abort();
      };
      const askedAt = this.now();
      try {
        const outcome = await this.options.waitForNews(controller.signal);
        this.waitFailures = 0;
        if (outcome === 'news') return 'news';
        if (outcome === 'unsupported') this.waitsSupported = false;
        // "Nothing" long before the wait could run out (head office closing, or this PC's wait
        // replaced): a breath before asking again, so a misbehaving answer never spins.
        else if (!woken && this.now() - askedAt < QUICK_NOTHING_MS) {
          this.timers.clear(due);
          if (await this.sleep(QUICK_NOTHING_MS, true)) return 'woken';
        }
      } catch {
        if (woken || !this.running) return 'woken';
        if (controller.signal.aborted) return 'due';
        return 'failed';
      } finally {
        this.timers.clear(due);
        this.interrupt = null;
      }
      if (woken) return 'woken';
    }
  }

  /** Resolves after `ms`, or at once when woken (true) if `wakeable`; stop() always wakes. */
  private sleep(ms: number, wakeable: boolean): Promise<boolean> {
    // Stopped during the round before: no pause to sit out.
    if (!this.running) return Promise.resolve(true);
    return new Promise((resolve) => {
      const handle = this.timers.set(() => {
        this.interrupt = null;
        resolve(false);
      }, ms);
      this.interrupt = () => {
        if (wakeable || !this.running) {
          this.timers.clear(handle);
          this.interrupt = null;
          resolve(true);
        } else this.again = true;
      };
    });
  }
}
