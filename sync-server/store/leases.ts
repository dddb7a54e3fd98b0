// Leases: work that must happen once across every server process on one store (the nightly
// backup, Telegram's sending, pacing and webhook, the watched invoice folder) is done by the
// holder of a named lease. Written once over ./dialect.ts, so it holds on PostgreSQL (several
// processes, maybe several machines) and on one SQLite file shared by processes on one machine.
//
// - Every time is the database's clock (dialect.nowMs), never a PC's: a process whose clock is
//   wrong neither keeps a lease past its end nor takes one early.
// - Each statement is one atomic UPSERT or UPDATE: two processes asking at once, one gets it.
// - The token fences a late holder: it grows each time the lease changes hands (the database's
//   clock at the takeover, or one more than the last), so it also grows past a restore of the
//   store from a backup. A write that must come from the holder checks it: finish() here, and
//   Telegram's claims (telegram/store/sql-store.ts) against the highest token they have seen.
// - A lease that ran out is free; a holder that crashed is replaced once its lease runs out.
// Decision: docs/decisions/0019-leases-for-work-done-once.md.
import { z } from 'zod';
import { parseRows } from '../../core/db/rows';
import type { SqlDialect, SqlParam } from './dialect';
import { first } from './rows';

export interface Lease {
  name: string;
  /** Who holds it: a name per server process and data folder (leases/holder.ts). */
  holder: string;
  /** The fencing token; larger after every change of hands. */
  token: number;
  /** When it runs out unless renewed, on the database's clock (ms). */
  expiresAt: number;
  /** The database's clock when it was taken or last renewed. */
  at: number;
  /** For work done per slot (a scheduled run): the newest slot a holder finished, when, by whom. */
  doneSlot: number | null;
  doneAt: number | null;
  doneBy: string | null;
}

/** A lease as /health shows it: whether it is held now, by the database's clock. */
export interface LeaseState extends Lease {
  held: boolean;
}

export interface LeaseStore {
  /**
   * Takes the lease for `holder` for `ttlMs`, or renews it if `holder` has it; null while another
   * holder's has not run out. Taken anew (from another holder, or after it ran out), it gets a
   * larger token.
   */
  acquire(name: string, holder: string, ttlMs: number): Promise<Lease | null>;
  /** Extends a held lease; null once another holder took it (then the work must stop). */
  renew(lease: Lease, ttlMs: number): Promise<Lease | null>;
  /** Lets go at once, so another process need not wait for it to run out; false if lost. */
  release(lease: Lease): Promise<boolean>;
  /** Records `slot` as done, fenced: false (nothing written) if another holder took the lease. */
  finish(lease: Lease, slot: number): Promise<boolean>;
  all(): Promise<LeaseState[]>;
}

const int = z.number().int();
const leaseRow = z.object({
  name: z.string(),
  holder: z.string(),
  token: int,
  expiresAt: int,
  at: int,
  doneSlot: int.nullable(),
  doneAt: int.nullable(),
  doneBy: z.string().nullable(),
});
const stateRow = leaseRow.extend({ now: int });

const columns = `name, holder, token, expires_at AS "expiresAt", renewed_at AS "at",
  done_slot AS "doneSlot", done_at AS "doneAt", done_by AS "doneBy"`;

/** `leases` rows of one holder's lease, as long as its token is the one given. */
const mine = 'leases.name = $1 AND leases.holder = $2 AND leases.token = $3';

export class SqlLeases implements LeaseStore {
  constructor(private readonly sql: SqlDialect) {}

  async acquire(name: string, holder: string, ttlMs: number): Promise<Lease | null> {
    // `excluded` is the row as taken now: its renewed_at is the database's clock, read once.
    const kept = 'l.holder = excluded.holder AND l.expires_at > excluded.renewed_at';
    const rows = await this.sql.all(
      `WITH clock AS (SELECT ${this.sql.nowMs} AS ms)
       INSERT INTO leases AS l (name, holder, token, acquired_at, renewed_at, expires_at)
       SELECT $1, $2, ms, ms, ms, ms + $3::bigint FROM clock WHERE true
       ON CONFLICT (name) DO UPDATE SET
         token = CASE WHEN ${kept} THEN l.token
                      ELSE ${this.sql.greatest('l.token + 1', 'excluded.token')} END,
         acquired_at = CASE WHEN ${kept} THEN l.acquired_at ELSE excluded.acquired_at END,
         holder = excluded.holder, renewed_at = excluded.renewed_at,
         expires_at = excluded.expires_at
       WHERE l.holder = excluded.holder OR l.expires_at <= excluded.renewed_at
       RETURNING ${columns}`,
      [name, holder, ttlMs],
    );
    return first(leaseRow, rows);
  }

  // Renewing, letting go and finishing check the token, not the time: while it is unchanged no
  // other holder took the lease, so even a holder that ran past its end did nothing twice.
  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    return first(
      leaseRow,
      await this.update(lease, 'renewed_at = clock.ms, expires_at = clock.ms + $4::bigint', [
        ttlMs,
      ]),
    );
  }

  async release(lease: Lease): Promise<boolean> {
    return (await this.update(lease, 'expires_at = clock.ms', [])).length === 1;
  }

  async finish(lease: Lease, slot: number): Promise<boolean> {
    const set = 'done_slot = $4, done_at = clock.ms, done_by = leases.holder';
    return (await this.update(lease, set, [slot])).length === 1;
  }

  private update(lease: Lease, set: string, more: SqlParam[]): Promise<unknown[]> {
    return this.sql.all(
      `WITH clock AS (SELECT ${this.sql.nowMs} AS ms)
       UPDATE leases SET ${set} FROM clock WHERE ${mine} RETURNING ${columns}`,
      [lease.name, lease.holder, lease.token, ...more],
    );
  }

  async all(): Promise<LeaseState[]> {
    const rows = await this.sql.all(
      `SELECT ${columns}, ${this.sql.nowMs} AS now FROM leases ORDER BY name${this.sql.byteOrder}`,
    );
    return parseRows(stateRow, rows).map(({ now, ...lease }) => ({
      ...lease,
      held: lease.expiresAt > now,
    }));
  }
}
