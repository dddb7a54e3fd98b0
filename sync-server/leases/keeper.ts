// A lease this process keeps for as long as it runs, for work that goes on all the time in one
// process of several (Telegram's sending, pacing and webhook): asked for at every round, renewed
// while held, and let go at a normal stop. The store decides who holds it (../store/leases.ts);
// this process counts it as held only until the lease could have run out by its own monotonic
// clock, measured from before it asked, so it stops a little early rather than late.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Log } from '../../core/ops/log';
import type { Lease, LeaseStore } from '../store/leases';

/**
 * The name a server process holds leases under: its machine and data folder. The same after a
 * restart, so a process that crashed and came back holds again at once what it held, and takes
 * back what it left half done; two processes never share a data folder.
 */
export function holderName(dataDir: string): string {
  const folder = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 8);
  return `${hostname()}/${folder}`;
}

export class LeaseKeeper {
  private lease: Lease | null = null;
  /** performance.now() until which the lease surely has not run out. */
  private until = 0;

  constructor(
    private readonly leases: LeaseStore,
    readonly name: string,
    readonly holder: string,
    private readonly ttlMs: number,
    private readonly log: Log,
  ) {}

  /**
   * Renews the lease or takes it if free; the lease while this process holds it, else null.
   * Called at least every third of its time. A store that cannot be reached renews nothing:
   * the lease counts until it could have run out, then not.
   */
  async keep(): Promise<Lease | null> {
    const asked = performance.now();
    let got: Lease | null;
    try {
      got =
        (this.lease && (await this.leases.renew(this.lease, this.ttlMs))) ??
        (await this.leases.acquire(this.name, this.holder, this.ttlMs));
    } catch (error) {
      this.log({ level: 'warn', msg: `lease ${this.name}: not renewed`, error: String(error) });
      return this.current();
    }
    if (got && got.token !== this.lease?.token)
      this.log({ level: 'info', msg: `lease ${this.name}: taken`, holder: this.holder });
    else if (!got && this.lease)
      this.log({ level: 'warn', msg: `lease ${this.name}: another process took it` });
    this.lease = got;
    this.until = asked + this.ttlMs;
    return this.current();
  }

  /** The lease, while this process surely holds it. */
  current(): Lease | null {
    return this.lease && performance.now() < this.until ? this.lease : null;
  }

  /** Lets go, so another process takes over without waiting for it to run out. */
  async release(): Promise<void> {
    const lease = this.lease;
    this.lease = null;
    if (lease) await this.leases.release(lease).catch(() => false);
  }
}
