// The server's event log and what goes with it (devices, enrollments, console sign-ins, lockout
// counts, refusals, and the update feed it extends), written once over ./dialect.ts. The two
// stores (./sqlite.ts, ./postgres.ts) open their database, and add only what is theirs: the hot
// paths (ingest and pull, hand-written per dialect: see npm run bench:sync) and where files live.
//
// Ordering (both): sequence numbers are assigned in commit order, so a reader pulling
// "seq > cursor" never skips an event committed late. SQLite has one writer at a time; on
// PostgreSQL ingests take INGEST_LOCK (./postgres-ingest.ts), and so does beginEpoch here.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { LoginPolicy, LoginState } from '../../core/auth/session-store';
import { inRuns, valuesRows, type SqlDialect, type SqlTransaction } from './dialect';
import { SqlLeases } from './leases';
import {
  ackRow,
  aggregateOf,
  countRow,
  deviceRow,
  enrollmentRow,
  epochRow,
  first,
  loginStateRow,
  refusalRow,
  sessionRow,
  userChangeRow,
} from './rows';
import { parseRows } from '../../core/db/rows';
import { SqlUpdateFeedStore } from './update-feed';
import {
  epochOf,
  type Ack,
  type ConsoleSession,
  type DeviceRecord,
  type EventStore,
  type IngestItem,
  type LogEpoch,
  type NewConsoleSession,
  type PullPage,
  type RefusalRecord,
  type UserChange,
} from './types';

/** Advisory lock key of the ingest order (and of beginning an epoch). Every process must agree. */
export const INGEST_LOCK = 0x4653_4500_0002;
/** First key of the two-key advisory lock that numbers devices within one branch. */
const DEVICE_NUMBER_LOCK = 0x4653_4503;
/** Advisory lock key of head office's first setup: one process at a time makes a head office. */
const HEAD_OFFICE_LOCK = 0x4653_4500_0020;

const deviceColumns = `id, branch_id AS "branchId", number, name, token_hash AS "tokenHash",
  enrolled_at AS "enrolledAt", revoked_at AS "revokedAt", last_seen_at AS "lastSeenAt",
  app_version AS "appVersion", pending, cursor, last_backup_at AS "lastBackupAt",
  free_disk_bytes AS "freeDiskBytes", update_refused AS "updateRefused"`;

const sessionColumns = `token_hash AS "tokenHash", user_id AS "userId", credential,
  created_at AS "createdAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt"`;

const loginStateColumns = `user_id AS "userId", origin, failed_attempts AS "failedAttempts",
  locked_until AS "lockedUntil"`;

const insertSession = `INSERT INTO console_sessions
  (token_hash, user_id, credential, created_at, expires_at, last_used_at)
  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`;

const sessionParams = (s: NewConsoleSession) => [
  s.tokenHash,
  s.userId,
  s.credential,
  s.createdAt,
  s.expiresAt,
  Math.max(s.lastUsedAt ?? s.createdAt, s.createdAt),
];

// core/auth/commands.ts's rules in one statement, so wrong passwords sent to two processes at
// once both count: a lock run out starts the count again, reaching the maximum locks and sets
// the count back to 0, and a lock still running changes nothing. ($2 now, $3 maximum, $4 lock,
// $5 the place counted.)
const counted = `(CASE WHEN l.locked_until IS NULL THEN l.failed_attempts ELSE 0 END) + 1`;
const RECORD_FAILED_LOGIN = `
INSERT INTO login_states AS l (user_id, origin, failed_attempts, locked_until)
VALUES ($1, $5, CASE WHEN 1 >= $3::integer THEN 0 ELSE 1 END,
        CASE WHEN 1 >= $3::integer THEN $2::bigint + $4::bigint END)
ON CONFLICT (user_id, origin) DO UPDATE SET
  failed_attempts = CASE WHEN l.locked_until > $2::bigint THEN l.failed_attempts
                         WHEN ${counted} >= $3::integer THEN 0 ELSE ${counted} END,
  locked_until = CASE WHEN l.locked_until > $2::bigint THEN l.locked_until
                      WHEN ${counted} >= $3::integer THEN $2::bigint + $4::bigint END
RETURNING ${loginStateColumns}`;

/** Adds a device, numbered within its branch, in `tx`. */
async function insertDevice(
  tx: SqlTransaction,
  d: Parameters<EventStore['createDevice']>[0],
): Promise<DeviceRecord> {
  // One numbering per branch at a time. On PostgreSQL the insert runs as a later statement, so
  // under READ COMMITTED it sees every device committed before the lock was granted.
  await tx.lock(DEVICE_NUMBER_LOCK, d.branchId);
  const created = first(
    deviceRow,
    await tx.all(
      `INSERT INTO devices (id, branch_id, number, name, token_hash, enrolled_at)
       SELECT $1, $2, coalesce(max(number), 0) + 1, $3, $4, $5 FROM devices WHERE branch_id = $2
       RETURNING ${deviceColumns}`,
      [d.id, d.branchId, d.name, d.tokenHash, d.enrolledAt],
    ),
  );
  if (!created) throw new Error(`store: device ${d.id} was not created`);
  return created;
}

export abstract class SqlEventStore extends SqlUpdateFeedStore implements EventStore {
  abstract readonly kind: 'sqlite' | 'postgres';
  readonly leases = new SqlLeases(this.sql);

  // ---- Each store's own (hot paths and files) ----
  abstract ingest(items: IngestItem[]): Promise<Ack[]>;
  abstract pull(branchId: string | null, after: number, limit: number): Promise<PullPage>;
  abstract hasEventsFor(branchId: string | null, after: number): Promise<boolean>;
  abstract hasFile(hash: string): Promise<boolean>;
  abstract putFile(hash: string, bytes: Buffer): Promise<void>;
  abstract getFile(hash: string): Promise<Buffer | null>;

  /** Makes the log's first epoch, once (PostgreSQL's open calls it; SQLite's opens synchronously). */
  protected async firstEpoch(): Promise<void> {
    await this.sql.run(
      'INSERT INTO log_epochs (n, id, since, began_at) VALUES (1, $1, 0, $2) ON CONFLICT DO NOTHING',
      [randomUUID(), Date.now()],
    );
  }

  async aggregateBranches(ids: string[]): Promise<Map<string, string[]>> {
    if (ids.length === 0) return new Map();
    const rows = await this.sql.all(
      `SELECT aggregate_id AS id, branches FROM aggregates WHERE ${this.sql.inList('aggregate_id', 1)}`,
      [this.sql.listParam(ids)],
    );
    return new Map(rows.map(aggregateOf));
  }

  async aggregateRegistrations(): Promise<[string, string[]][]> {
    const rows = await this.sql.all('SELECT aggregate_id AS id, branches FROM aggregates');
    // A registration's branches: JSON text on SQLite, jsonb (parsed by pg) on PostgreSQL.
    return rows.map(aggregateOf);
  }

  async keepAggregates(registrations: [string, string[]][]): Promise<number> {
    return this.sql.transaction(async (tx) => {
      let added = 0;
      for (const run of inRuns(registrations))
        added += await tx.run(
          `INSERT INTO aggregates (aggregate_id, branches) VALUES ${valuesRows(run.length, 2)}
           ON CONFLICT DO NOTHING`,
          run.flatMap(([id, branches]) => [id, JSON.stringify(branches)]),
        );
      return added;
    });
  }

  async headSeq(): Promise<number> {
    return headOf(this.sql);
  }

  async announce(): Promise<void> {
    // Nothing to tell: see EventStore.announce. PostgreSQL's store overrides it.
  }

  listen(_heard: (elsewhere: boolean) => void): Promise<(() => Promise<void>) | null> {
    return Promise.resolve(null);
  }

  async epoch(): Promise<LogEpoch> {
    return epochOf(
      parseRows(epochRow, await this.sql.all('SELECT id, since FROM log_epochs ORDER BY n')),
    );
  }

  async beginEpoch(): Promise<LogEpoch> {
    await this.sql.transaction(async (tx) => {
      await tx.lock(INGEST_LOCK);
      await tx.run(
        'INSERT INTO log_epochs (n, id, since, began_at) SELECT max(n) + 1, $1, $2, $3 FROM log_epochs',
        [randomUUID(), await headOf(tx), Date.now()],
      );
    });
    return this.epoch();
  }

  async setBranchKind(branchId: string, kind: string): Promise<void> {
    await this.sql.run(
      'INSERT INTO branches (id, kind) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind',
      [branchId, kind],
    );
  }

  async branchKind(branchId: string): Promise<string | null> {
    const rows = await this.sql.all('SELECT kind FROM branches WHERE id = $1', [branchId]);
    return first(z.object({ kind: z.string() }), rows)?.kind ?? null;
  }

  async headOfficeBranch(): Promise<string | null> {
    const rows = await this.sql.all(
      `SELECT id FROM branches WHERE kind = 'head_office' ORDER BY id${this.sql.byteOrder} LIMIT 1`,
    );
    return first(z.object({ id: z.string() }), rows)?.id ?? null;
  }

  async claimHeadOffice(
    make: () => Parameters<EventStore['createDevice']>[0],
  ): Promise<DeviceRecord | null> {
    return this.sql.transaction(async (tx) => {
      await tx.lock(HEAD_OFFICE_LOCK);
      const taken = await tx.all(`SELECT id FROM branches WHERE kind = 'head_office' LIMIT 1`);
      if (taken.length > 0) return null;
      const d = make();
      await tx.run(
        `INSERT INTO branches (id, kind) VALUES ($1, 'head_office')
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind`,
        [d.branchId],
      );
      return insertDevice(tx, d);
    });
  }

  async createDevice(d: Parameters<EventStore['createDevice']>[0]): Promise<DeviceRecord> {
    return this.sql.transaction((tx) => insertDevice(tx, d));
  }

  async deviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null> {
    const rows = await this.sql.all(`SELECT ${deviceColumns} FROM devices WHERE token_hash = $1`, [
      tokenHash,
    ]);
    return first(deviceRow, rows);
  }

  async device(id: string): Promise<DeviceRecord | null> {
    return first(
      deviceRow,
      await this.sql.all(`SELECT ${deviceColumns} FROM devices WHERE id = $1`, [id]),
    );
  }

  async devices(): Promise<DeviceRecord[]> {
    const rows = await this.sql.all(
      `SELECT ${deviceColumns} FROM devices ORDER BY branch_id${this.sql.byteOrder}, number`,
    );
    return parseRows(deviceRow, rows);
  }

  async keepDevices(devices: DeviceRecord[]): Promise<number> {
    return this.sql.transaction(async (tx) => {
      let added = 0;
      for (const d of devices) {
        if ((await tx.all('SELECT 1 FROM devices WHERE id = $1', [d.id])).length === 0) added++;
        await tx.run(
          `INSERT INTO devices (id, branch_id, number, name, token_hash, enrolled_at, revoked_at,
                                last_seen_at, app_version, pending, cursor, last_backup_at,
                                free_disk_bytes, update_refused)
           VALUES ${valuesRows(1, 14)}
           ON CONFLICT (id) DO UPDATE SET revoked_at = coalesce(devices.revoked_at, excluded.revoked_at)`,
          [
            d.id,
            d.branchId,
            d.number,
            d.name,
            d.tokenHash,
            d.enrolledAt,
            d.revokedAt,
            d.lastSeenAt,
            d.appVersion,
            d.pending,
            d.cursor,
            d.lastBackupAt,
            d.freeDiskBytes,
            d.updateRefused,
          ],
        );
      }
      return added;
    });
  }

  async revokeDevice(id: string, at: number): Promise<boolean> {
    const changed = await this.sql.run(
      'UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [at, id],
    );
    return changed > 0;
  }

  async touchDevice(id: string, seen: Parameters<EventStore['touchDevice']>[1]): Promise<void> {
    // A concurrent touch is re-read before this one applies (READ COMMITTED on PostgreSQL, one
    // writer on SQLite), so the cursor only ever moves forward.
    await this.sql.run(
      `UPDATE devices SET last_seen_at = $1, app_version = coalesce($2::text, app_version),
              pending = coalesce($3::bigint, pending),
              cursor = ${this.sql.greatest('cursor', 'coalesce($4::bigint, cursor)')},
              last_backup_at = CASE WHEN $6::boolean THEN $7::bigint ELSE last_backup_at END,
              free_disk_bytes = CASE WHEN $8::boolean THEN $9::bigint ELSE free_disk_bytes END,
              update_refused = CASE WHEN $10::boolean THEN $11::text ELSE update_refused END
        WHERE id = $5`,
      [
        seen.at,
        seen.appVersion ?? null,
        seen.pending ?? null,
        seen.cursor ?? null,
        id,
        seen.lastBackupAt !== undefined,
        seen.lastBackupAt ?? null,
        seen.freeDiskBytes !== undefined,
        seen.freeDiskBytes ?? null,
        seen.updateRefused !== undefined,
        seen.updateRefused ? JSON.stringify(seen.updateRefused) : null,
      ],
    );
  }

  async createEnrollment(e: {
    codeHash: string;
    branchId: string;
    issuedBy: string;
    expiresAt: number;
  }): Promise<void> {
    await this.sql.run(
      'INSERT INTO enrollments (code_hash, branch_id, issued_by, expires_at) VALUES ($1, $2, $3, $4)',
      [e.codeHash, e.branchId, e.issuedBy, e.expiresAt],
    );
  }

  async takeEnrollment(
    codeHash: string,
    now: number,
  ): Promise<{ branchId: string; issuedBy: string } | null> {
    const rows = await this.sql.all(
      `UPDATE enrollments SET used_at = $1
        WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1
        RETURNING branch_id AS "branchId", issued_by AS "issuedBy"`,
      [now, codeHash],
    );
    return first(enrollmentRow, rows);
  }

  async putSession(session: NewConsoleSession, now: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run('DELETE FROM console_sessions WHERE expires_at <= $1', [now]);
      await tx.run(insertSession, sessionParams(session));
    });
  }

  async session(tokenHash: string): Promise<ConsoleSession | null> {
    const rows = await this.sql.all(
      `SELECT ${sessionColumns} FROM console_sessions WHERE token_hash = $1`,
      [tokenHash],
    );
    return first(sessionRow, rows);
  }

  async touchSession(tokenHash: string, usedAt: number): Promise<void> {
    await this.sql.run(
      `UPDATE console_sessions SET last_used_at = ${this.sql.greatest('last_used_at', '$1::bigint')}
        WHERE token_hash = $2`,
      [usedAt, tokenHash],
    );
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.sql.run('DELETE FROM console_sessions WHERE token_hash = $1', [tokenHash]);
  }

  async endSessionsOf(userId: string): Promise<void> {
    await this.sql.run('DELETE FROM console_sessions WHERE user_id = $1', [userId]);
  }

  async sessions(): Promise<ConsoleSession[]> {
    const rows = await this.sql.all(
      `SELECT ${sessionColumns} FROM console_sessions ORDER BY created_at, token_hash${this.sql.byteOrder}`,
    );
    return parseRows(sessionRow, rows);
  }

  async replaceSessions(sessions: NewConsoleSession[]): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run('DELETE FROM console_sessions');
      for (const s of sessions) await tx.run(insertSession, sessionParams(s));
    });
  }

  async loginStates(): Promise<LoginState[]> {
    const rows = await this.sql.all(
      `SELECT ${loginStateColumns} FROM login_states
       ORDER BY user_id${this.sql.byteOrder}, origin${this.sql.byteOrder}`,
    );
    return parseRows(loginStateRow, rows);
  }

  async loginState(userId: string, origin: string): Promise<LoginState | null> {
    const rows = await this.sql.all(
      `SELECT ${loginStateColumns} FROM login_states WHERE user_id = $1 AND origin = $2`,
      [userId, origin],
    );
    return first(loginStateRow, rows);
  }

  async recordFailedLogin(
    userId: string,
    origin: string,
    now: number,
    policy: LoginPolicy,
  ): Promise<LoginState> {
    const state = first(
      loginStateRow,
      await this.sql.all(RECORD_FAILED_LOGIN, [
        userId,
        now,
        policy.maxAttempts,
        policy.lockMs,
        origin,
      ]),
    );
    if (!state) throw new Error(`store: no login state returned for ${userId}`);
    return state;
  }

  async clearLoginState(userId: string, origin?: string): Promise<void> {
    if (origin === undefined)
      await this.sql.run('DELETE FROM login_states WHERE user_id = $1', [userId]);
    else
      await this.sql.run('DELETE FROM login_states WHERE user_id = $1 AND origin = $2', [
        userId,
        origin,
      ]);
  }

  async userChangesAfter(afterSeq: number): Promise<UserChange[]> {
    // The partial index events_authority_changes holds just these rows: the WHERE term is its own
    // (store migration 10), word for word.
    const rows = await this.sql.all(
      `SELECT seq, type, aggregate_id AS "userId", payload AS "payloadJson", hlc, received_hlc AS "receivedHlc"
       FROM events WHERE (type = 'user.saved' OR type = 'company.saved' OR type = 'variant.saved')
         AND seq > $1
       ORDER BY seq`,
      [afterSeq],
    );
    return parseRows(userChangeRow, rows);
  }

  async acksFor(ids: string[]): Promise<Ack[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.all(
      `SELECT id, seq, received_hlc AS "receivedHlc" FROM events WHERE ${this.sql.inList('id', 1)}
       ORDER BY seq`,
      [this.sql.listParam(ids)],
    );
    return parseRows(ackRow, rows);
  }

  async recordRefusals(refusals: RefusalRecord[]): Promise<void> {
    if (refusals.length === 0) return;
    await this.sql.transaction(async (tx) => {
      for (const run of inRuns(refusals))
        await tx.run(
          `INSERT INTO refusals (event_id, type, device_id, branch_id, user_id, code, message, at)
           VALUES ${valuesRows(run.length, 8)} ON CONFLICT DO NOTHING`,
          run.flatMap((r) => [
            r.eventId,
            r.type,
            r.deviceId,
            r.branchId,
            r.userId,
            r.code,
            r.message,
            r.at,
          ]),
        );
    });
  }

  async refusals(limit: number): Promise<RefusalRecord[]> {
    const rows = await this.sql.all(
      `SELECT event_id AS "eventId", type, device_id AS "deviceId", branch_id AS "branchId",
              user_id AS "userId", code, message, at
       FROM refusals ORDER BY at DESC, event_id${this.sql.byteOrder} LIMIT $1`,
      [limit],
    );
    return parseRows(refusalRow, rows);
  }

  async ping(): Promise<boolean> {
    return first(countRow, await this.sql.all('SELECT 1 AS n'))?.n === 1;
  }

  async close(): Promise<void> {
    await this.sql.close();
  }
}

async function headOf(sql: Pick<SqlDialect, 'all'>): Promise<number> {
  return first(countRow, await sql.all('SELECT coalesce(max(seq), 0) AS n FROM events'))?.n ?? 0;
}
