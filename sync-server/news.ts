// PCs waiting for news (GET /sync/wait, docs/decisions/0018). A wait is answered as soon as the
// log holds something the PC's branch may see after its cursor, or with nothing when it runs
// out. Waits are looked at again whenever the log's head moves, found out three ways: at once
// when this process took events in (the hub tells it); when another process on the same
// PostgreSQL database announced it did (NOTIFY); and by polling the head while anyone waits,
// which is all two processes on one SQLite file have, and what covers a notification lost while
// a listening connection was down.
import { Serial } from './serial';
import type { SyncHub } from './hub';
import type { DeviceRecord } from './store/types';

export interface NewsOptions {
  /** How often the head is read while any PC waits. */
  pollMs: number;
  /** Waits one device may hold open; a newer one answers the oldest with nothing. */
  waitsPerDevice?: number;
  /** Another server process on the same database announced events it took in (NOTIFY). */
  heard?: () => void;
  log?: (entry: Record<string, unknown>) => void;
}

interface Waiter {
  deviceId: string;
  /** The branch whose events it may see; null: every branch's (head office's own PCs). */
  scope: string | null;
  after: number;
  finish(answer: boolean | Error): void;
}

export class LogNews {
  private readonly waiters = new Set<Waiter>();
  private head = 0;
  private readonly looks = new Serial(
    () => this.lookIfMoved(),
    (error) => this.failAll(error),
  );
  private poller: NodeJS.Timeout | null = null;
  private stops: (() => unknown)[] = [];
  private closed = false;

  constructor(
    private readonly hub: Pick<SyncHub, 'store' | 'onIngested' | 'scopeOf'>,
    private readonly options: NewsOptions,
  ) {}

  async start(): Promise<void> {
    const { store } = this.hub;
    this.head = await store.headSeq();
    this.stops.push(
      this.hub.onIngested(() => {
        this.moved();
        store.announce().catch((error: unknown) =>
          this.options.log?.({
            level: 'warn',
            msg: 'could not tell the other server processes of new events',
            error: error instanceof Error ? error.message : String(error),
          }),
        );
      }),
    );
    // This process's own announcements come back too: its ingest has already looked.
    const unlisten = await store.listen((elsewhere) => {
      if (!elsewhere) return;
      this.moved();
      this.options.heard?.();
    });
    if (unlisten) this.stops.push(unlisten);
  }

  /** PCs waiting now (for /health and tests). */
  get waiting(): number {
    return this.waiters.size;
  }

  /**
   * Resolves true once `device` has something to pull after `after`; false when `ms` ran out,
   * when `ended` aborts (the PC hung up), when a newer wait of the same device takes its place,
   * or at close.
   */
  async wait(
    device: DeviceRecord,
    after: number,
    ms: number,
    ended: AbortSignal,
  ): Promise<boolean> {
    const scope = await this.hub.scopeOf(device);
    if (this.closed || ended.aborted) return false;
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => waiter.finish(false), ms);
      const hungUp = () => waiter.finish(false);
      const waiter: Waiter = {
        deviceId: device.id,
        scope,
        after,
        finish: (answer) => {
          if (!this.waiters.delete(waiter)) return;
          clearTimeout(timer);
          ended.removeEventListener('abort', hungUp);
          if (answer instanceof Error) reject(answer);
          else resolve(answer);
        },
      };
      ended.addEventListener('abort', hungUp, { once: true });
      // A Set iterates in insertion order: this device's oldest waits come first.
      const mine = [...this.waiters].filter((w) => w.deviceId === device.id);
      const limit = this.options.waitsPerDevice ?? 2;
      for (const old of mine.slice(0, Math.max(0, mine.length - limit + 1))) old.finish(false);
      // In the set before the first look: an ingest committed from now on looks at it again.
      this.waiters.add(waiter);
      this.poll();
      void this.look([waiter]).catch((error: unknown) =>
        waiter.finish(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  /** Something may have been taken into the log: look at the waits if the head moved. */
  moved(): void {
    if (!this.closed && this.waiters.size > 0) void this.looks.run();
  }

  private async lookIfMoved(): Promise<void> {
    const head = await this.hub.store.headSeq();
    if (head === this.head) return;
    // Lower after a restore began a new epoch (no server ran then): look all the same.
    this.head = head;
    await this.look([...this.waiters]);
  }

  /** Answers the waits that have news: one question per branch and cursor, however many PCs. */
  private async look(waiters: Waiter[]): Promise<void> {
    const groups = new Map<string, Waiter[]>();
    for (const w of waiters) {
      const key = `${w.scope ?? ''}\u0000${w.after}`;
      const group = groups.get(key);
      if (group) group.push(w);
      else groups.set(key, [w]);
    }
    for (const group of groups.values()) {
      const [first] = group;
      if (first && (await this.hub.store.hasEventsFor(first.scope, first.after)))
        for (const w of group) w.finish(true);
    }
  }

  private failAll(error: unknown): void {
    this.options.log?.({
      level: 'warn',
      msg: 'could not look for news for waiting PCs',
      error: error instanceof Error ? error.message : String(error),
    });
    const failure = error instanceof Error ? error : new Error(String(error));
    for (const w of [...this.waiters]) w.finish(failure);
  }

  /** Reads the head every pollMs while anyone waits. */
  private poll(): void {
    if (this.poller || this.closed) return;
    this.poller = setInterval(() => {
      if (this.waiters.size > 0) return this.moved();
      if (this.poller) clearInterval(this.poller);
      this.poller = null;
    }, this.options.pollMs);
    this.poller.unref();
  }

  /** Answers every wait with nothing (the PCs ask again), and stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    for (const w of [...this.waiters]) w.finish(false);
    for (const stop of this.stops.splice(0)) await stop();
    await this.looks.idle();
  }
}
