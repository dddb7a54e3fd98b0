// The server's event log in PostgreSQL, for several server processes behind a load balancer.
// Same tables and semantics as the SQLite store (./sqlite.ts). Files live in the database too,
// so every process serves the same ones.
//
// Ordering: sequence numbers come from an identity column, and every ingest transaction takes
// one transaction-level advisory lock before it inserts. So ingests run one at a time, a
// transaction's sequence numbers are all above those of every transaction committed before it,
// and the lock is released only after the commit is visible: sequence numbers become visible
// in commit order, and a reader pulling "seq > cursor" never skips an event that commits late.
// (This needs the identity sequence's default CACHE 1: with a larger cache each session would
// hold its own range of numbers.) Numbers can have gaps: an insert that finds its id known, or a
// rolled-back ingest, still draws one (SQLite skips numbers for known ids too). That order is
// what the EventStore promises, and it is why ingests are serialized: an ingest is therefore one
// statement holding the lock only inside PostgreSQL (./postgres-ingest.ts, decision 0013).
import { createHash, randomUUID } from 'node:crypto';
import type { LoginState } from '../../core/auth/sessions';
import pg from 'pg';
import { DomainError } from '../../core/errors';
import { ingestBatch, INGEST_LOCK } from './postgres-ingest';
import { eventStoreMigrations } from './migrations/events';
import { migratePostgres } from './migrations/runner';
import { PostgresUpdateFeedTables } from './postgres-updates';
import {
  epochOf,
  type Ack,
  type ConsoleSession,
  type DeviceRecord,
  type EpochRow,
  type EventStore,
  type IngestItem,
  type LogEpoch,
  type LoggedEvent,
  type PullPage,
  type RefusalRecord,
  type UpdateFeedStore,
  type UserChange,
} from './types';

/**
 * Advisory lock keys (one bigint key each). Arbitrary, but fixed: every process must agree. The
 * ingest order's key is INGEST_LOCK (./postgres-ingest.ts), the migrations' MIGRATION_LOCK
 * (./migrations/runner.ts).
 */
/** First key of the two-key advisory lock that numbers devices within one branch. */
const DEVICE_NUMBER_LOCK = 0x4653_4503;

const eventColumns = `seq, id, type, schema_version AS "schemaVersion", branch_id AS "branchId",
  device_id AS "deviceId", user_id AS "userId", hlc, created_at AS "createdAt",
  aggregate_id AS "aggregateId", payload AS "payloadJson", received_hlc AS "receivedHlc"`;

const deviceColumns = `id, branch_id AS "branchId", number, name, token_hash AS "tokenHash",
  enrolled_at AS "enrolledAt", revoked_at AS "revokedAt", last_seen_at AS "lastSeenAt",
  app_version AS "appVersion", pending, cursor, last_backup_at AS "lastBackupAt",
  free_disk_bytes AS "freeDiskBytes", update_refused AS "updateRefused"`;

const sessionColumns = `token_hash AS "tokenHash", user_id AS "userId", credential,
  created_at AS "createdAt", expires_at AS "expiresAt"`;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function checkHash(hash: string): void {
  // The same check (and message) as the SQLite store's file store.
  if (!/^[0-9a-f]{64}$/.test(hash))
    throw new DomainError('VALIDATION', 'hash: not a sha256 hex digest', { field: 'hash' });
}

/**
 * bigint (int8) columns and counts come back as numbers rather than strings: sequence numbers,
 * counts and millisecond times stay far below 2^53. For this pool only, not process-wide.
 */
function typeParsers(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  return types;
}

export class PostgresEventStore implements EventStore {
  readonly kind = 'postgres';
  private closed = false;

  private readonly updates: PostgresUpdateFeedTables;

  private constructor(private readonly pool: pg.Pool) {
    this.updates = new PostgresUpdateFeedTables(pool, (work) => this.transaction(work));
  }

  // ---- The update feed's tables (./postgres-updates.ts) ----
  updateFeedRevision: UpdateFeedStore['updateFeedRevision'] = () =>
    this.updates.updateFeedRevision();
  updateFeed: UpdateFeedStore['updateFeed'] = () => this.updates.updateFeed();
  hasUpdateBlob: UpdateFeedStore['hasUpdateBlob'] = (h) => this.updates.hasUpdateBlob(h);
  putUpdateBlob: UpdateFeedStore['putUpdateBlob'] = (h, b, c) =>
    this.updates.putUpdateBlob(h, b, c);
  readUpdateBlob: UpdateFeedStore['readUpdateBlob'] = (h) => this.updates.readUpdateBlob(h);
  setUpdateFile: UpdateFeedStore['setUpdateFile'] = (n, f) => this.updates.setUpdateFile(n, f);
  putUpdateManifest: UpdateFeedStore['putUpdateManifest'] = (m, c) =>
    this.updates.putUpdateManifest(m, c);
  setUpdateSettings: UpdateFeedStore['setUpdateSettings'] = (j) =>
    this.updates.setUpdateSettings(j);
  // ---- end of the update feed's tables ----

  /** Opens a pool and applies the migrations the store lacks (safe with several processes at once). */
  static async connect(
    url: string,
    options: { poolSize?: number } = {},
  ): Promise<PostgresEventStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      types: typeParsers(),
    });
    // An idle connection the server drops (restart, failover) must not crash the process;
    // the pool replaces it and the next query reports any lasting problem.
    pool.on('error', (err) => {
      console.error(
        JSON.stringify({
          level: 'warn',
          msg: 'postgres: idle connection failed',
          error: err.message,
        }),
      );
    });
    const store = new PostgresEventStore(pool);
    try {
      await migratePostgres(pool, 'events', eventStoreMigrations);
      await pool.query(
        'INSERT INTO log_epochs (n, id, since, began_at) VALUES (1, $1, 0, $2) ON CONFLICT DO NOTHING',
        [randomUUID(), Date.now()],
      );
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  private async transaction<T>(
    work: (client: pg.PoolClient) => Promise<T>,
    begin = 'BEGIN',
  ): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch {
        client.release(true); // the connection is broken: do not hand it out again
      }
      throw err;
    }
  }

  async ingest(items: IngestItem[]): Promise<Ack[]> {
    return ingestBatch(this.pool, items);
  }

  async aggregateBranches(ids: string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    if (ids.length === 0) return found;
    const { rows } = await this.pool.query<{ id: string; branches: string[] }>(
      'SELECT aggregate_id AS id, branches FROM aggregates WHERE aggregate_id = ANY($1::text[])',
      [ids],
    );
    for (const r of rows) found.set(r.id, r.branches);
    return found;
  }

  async aggregateRegistrations(): Promise<[string, string[]][]> {
    const { rows } = await this.pool.query<{ id: string; branches: string[] }>(
      'SELECT aggregate_id AS id, branches FROM aggregates',
    );
    return rows.map((r) => [r.id, r.branches]);
  }

  async keepAggregates(registrations: [string, string[]][]): Promise<number> {
    if (registrations.length === 0) return 0;
    const { rowCount } = await this.pool.query(
      `INSERT INTO aggregates (aggregate_id, branches)
       SELECT id, branches::jsonb FROM unnest($1::text[], $2::text[]) AS r(id, branches)
       ON CONFLICT DO NOTHING`,
      [registrations.map(([id]) => id), registrations.map(([, b]) => JSON.stringify(b))],
    );
    return rowCount ?? 0;
  }

  async pull(branchId: string | null, after: number, limit: number): Promise<PullPage> {
    // One snapshot for the page, the head and the count, so they agree with each other.
    return this.transaction(async (c) => {
      const { rows } =
        branchId === null
          ? await c.query<LoggedEvent>(
              `SELECT ${eventColumns} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`,
              [after, limit],
            )
          : await c.query<LoggedEvent>(
              `SELECT ${eventColumns} FROM events WHERE seq IN (
                 SELECT seq FROM events WHERE scope_all AND seq > $1
                 UNION ALL SELECT seq FROM event_scope WHERE branch_id = $2 AND seq > $1
                 ORDER BY seq LIMIT $3) ORDER BY seq`,
              [after, branchId, limit],
            );
      const last = rows.at(-1);
      // With nothing (more) to see, the branch has seen everything up to the head, and nothing
      // is left; after a full page, what is left is counted. One query either way.
      if (!last || rows.length < limit)
        return { events: rows, cursor: Math.max(await headOf(c), after), remaining: 0 };
      const remaining =
        branchId === null
          ? await c.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE seq > $1', [
              last.seq,
            ])
          : await c.query<{ n: number }>(
              `SELECT (SELECT count(*) FROM events WHERE scope_all AND seq > $1)
                    + (SELECT count(*) FROM event_scope WHERE branch_id = $2 AND seq > $1) AS n`,
              [last.seq, branchId],
            );
      return {
        events: rows,
        cursor: Math.max(last.seq, after),
        remaining: remaining.rows[0]?.n ?? 0,
      };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async headSeq(): Promise<number> {
    return headOf(this.pool);
  }

  async epoch(): Promise<LogEpoch> {
    const { rows } = await this.pool.query<EpochRow>('SELECT id, since FROM log_epochs ORDER BY n');
    return epochOf(rows);
  }

  async beginEpoch(): Promise<LogEpoch> {
    await this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [INGEST_LOCK]);
      await c.query(
        'INSERT INTO log_epochs (n, id, since, began_at) SELECT max(n) + 1, $1, $2, $3 FROM log_epochs',
        [randomUUID(), await headOf(c), Date.now()],
      );
    });
    return this.epoch();
  }

  async setBranchKind(branchId: string, kind: string): Promise<void> {
    await this.pool.query(
      'INSERT INTO branches (id, kind) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind',
      [branchId, kind],
    );
  }

  async branchKind(branchId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ kind: string }>(
      'SELECT kind FROM branches WHERE id = $1',
      [branchId],
    );
    return rows[0]?.kind ?? null;
  }

  async headOfficeBranch(): Promise<string | null> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's collation is.
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM branches WHERE kind = 'head_office' ORDER BY id COLLATE "C" LIMIT 1`,
    );
    return rows[0]?.id ?? null;
  }

  async createDevice(d: Parameters<EventStore['createDevice']>[0]): Promise<DeviceRecord> {
    return this.transaction(async (c) => {
      // One numbering per branch at a time. The insert runs as a later statement, so under
      // READ COMMITTED it sees every device committed before the lock was granted.
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        DEVICE_NUMBER_LOCK,
        d.branchId,
      ]);
      const { rows } = await c.query<DeviceRecord>(
        `INSERT INTO devices (id, branch_id, number, name, token_hash, enrolled_at)
         SELECT $1, $2, coalesce(max(number), 0) + 1, $3, $4, $5 FROM devices WHERE branch_id = $2
         RETURNING ${deviceColumns}`,
        [d.id, d.branchId, d.name, d.tokenHash, d.enrolledAt],
      );
      const created = rows[0];
      if (!created) throw new Error(`postgres: device ${d.id} was not created`);
      return created;
    });
  }

  async deviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null> {
    const { rows } = await this.pool.query<DeviceRecord>(
      `SELECT ${deviceColumns} FROM devices WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  async device(id: string): Promise<DeviceRecord | null> {
    const { rows } = await this.pool.query<DeviceRecord>(
      `SELECT ${deviceColumns} FROM devices WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async devices(): Promise<DeviceRecord[]> {
    const { rows } = await this.pool.query<DeviceRecord>(
      `SELECT ${deviceColumns} FROM devices ORDER BY branch_id COLLATE "C", number`,
    );
    return rows;
  }

  async keepDevices(devices: DeviceRecord[]): Promise<number> {
    return this.transaction(async (c) => {
      let added = 0;
      for (const d of devices) {
        const { rows } = await c.query<{ added: boolean }>(
          `INSERT INTO devices (id, branch_id, number, name, token_hash, enrolled_at, revoked_at,
                                last_seen_at, app_version, pending, cursor, last_backup_at, free_disk_bytes,
                                update_refused)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           ON CONFLICT (id) DO UPDATE SET revoked_at = coalesce(devices.revoked_at, excluded.revoked_at)
           RETURNING (xmax = 0) AS added`,
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
        if (rows[0]?.added) added++;
      }
      return added;
    });
  }

  async revokeDevice(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [at, id],
    );
    return (rowCount ?? 0) > 0;
  }

  async touchDevice(id: string, seen: Parameters<EventStore['touchDevice']>[1]): Promise<void> {
    // A concurrent touch is re-read before this one applies (READ COMMITTED), so the cursor
    // only ever moves forward.
    await this.pool.query(
      `UPDATE devices SET last_seen_at = $1, app_version = coalesce($2::text, app_version),
              pending = coalesce($3::bigint, pending), cursor = greatest(cursor, coalesce($4::bigint, cursor)),
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
    await this.pool.query(
      'INSERT INTO enrollments (code_hash, branch_id, issued_by, expires_at) VALUES ($1, $2, $3, $4)',
      [e.codeHash, e.branchId, e.issuedBy, e.expiresAt],
    );
  }

  async takeEnrollment(
    codeHash: string,
    now: number,
  ): Promise<{ branchId: string; issuedBy: string } | null> {
    const { rows } = await this.pool.query<{ branchId: string; issuedBy: string }>(
      `UPDATE enrollments SET used_at = $1
        WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1
        RETURNING branch_id AS "branchId", issued_by AS "issuedBy"`,
      [now, codeHash],
    );
    return rows[0] ?? null;
  }

  async putSession(session: ConsoleSession, now: number): Promise<void> {
    await this.transaction(async (c) => {
      await c.query('DELETE FROM console_sessions WHERE expires_at <= $1', [now]);
      await insertSession(c, session);
    });
  }

  async session(tokenHash: string): Promise<ConsoleSession | null> {
    const { rows } = await this.pool.query<ConsoleSession>(
      `SELECT ${sessionColumns} FROM console_sessions WHERE token_hash = $1`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.pool.query('DELETE FROM console_sessions WHERE token_hash = $1', [tokenHash]);
  }

  async sessions(): Promise<ConsoleSession[]> {
    const { rows } = await this.pool.query<ConsoleSession>(
      `SELECT ${sessionColumns} FROM console_sessions ORDER BY created_at`,
    );
    return rows;
  }

  async replaceSessions(sessions: ConsoleSession[]): Promise<void> {
    await this.transaction(async (c) => {
      await c.query('DELETE FROM console_sessions');
      for (const s of sessions) await insertSession(c, s);
    });
  }

  async loginStates(): Promise<LoginState[]> {
    const { rows } = await this.pool.query<LoginState>(
      `SELECT user_id AS "userId", failed_attempts AS "failedAttempts", locked_until AS "lockedUntil"
       FROM login_states ORDER BY user_id COLLATE "C"`,
    );
    return rows;
  }

  async setLoginState(userId: string, state: Omit<LoginState, 'userId'> | null): Promise<void> {
    if (!state) await this.pool.query('DELETE FROM login_states WHERE user_id = $1', [userId]);
    else
      await this.pool.query(
        `INSERT INTO login_states (user_id, failed_attempts, locked_until) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET failed_attempts = excluded.failed_attempts,
           locked_until = excluded.locked_until`,
        [userId, state.failedAttempts, state.lockedUntil],
      );
  }

  async hasFile(hash: string): Promise<boolean> {
    checkHash(hash);
    const { rowCount } = await this.pool.query('SELECT 1 FROM files WHERE hash = $1', [hash]);
    return (rowCount ?? 0) > 0;
  }

  async putFile(_hash: string, bytes: Buffer): Promise<void> {
    // Like the SQLite store: the file is kept under the hash of its bytes (the hub has checked
    // that the two agree), and storing it again is harmless.
    await this.pool.query(
      'INSERT INTO files (hash, bytes, size) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING',
      [sha256(bytes), bytes, bytes.length],
    );
  }

  async getFile(hash: string): Promise<Buffer | null> {
    checkHash(hash);
    const { rows } = await this.pool.query<{ bytes: Buffer }>(
      'SELECT bytes FROM files WHERE hash = $1',
      [hash],
    );
    const bytes = rows[0]?.bytes;
    if (!bytes) return null;
    if (sha256(bytes) !== hash)
      throw new DomainError(
        'FILE_REJECTED',
        `The stored file ${hash.slice(0, 12)}… is damaged. Sync again to fetch a good copy.`,
        { hash },
      );
    return bytes;
  }

  async userChangesAfter(afterSeq: number): Promise<UserChange[]> {
    // User changes are master data (scope_all): the partial index keeps this off the whole log.
    const { rows } = await this.pool.query<UserChange>(
      `SELECT seq::float8 AS seq, aggregate_id AS "userId", payload AS "payloadJson", hlc,
              received_hlc AS "receivedHlc"
       FROM events WHERE scope_all AND seq > $1 AND type = 'user.saved' ORDER BY seq`,
      [afterSeq],
    );
    return rows;
  }

  async acksFor(ids: string[]): Promise<Ack[]> {
    const { rows } = await this.pool.query<Ack>(
      `SELECT id, seq::float8 AS seq, received_hlc AS "receivedHlc" FROM events WHERE id = ANY($1::text[])`,
      [ids],
    );
    return rows;
  }

  async recordRefusals(refusals: RefusalRecord[]): Promise<void> {
    if (refusals.length === 0) return;
    await this.pool.query(
      `INSERT INTO refusals (event_id, type, device_id, branch_id, user_id, code, message, at)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, type text, device_id text,
         branch_id text, user_id text, code text, message text, at bigint)
       ON CONFLICT DO NOTHING`,
      [
        JSON.stringify(
          refusals.map((r) => ({
            event_id: r.eventId,
            type: r.type,
            device_id: r.deviceId,
            branch_id: r.branchId,
            user_id: r.userId,
            code: r.code,
            message: r.message,
            at: r.at,
          })),
        ),
      ],
    );
  }

  async refusals(limit: number): Promise<RefusalRecord[]> {
    const { rows } = await this.pool.query<RefusalRecord>(
      `SELECT event_id AS "eventId", type, device_id AS "deviceId", branch_id AS "branchId",
              user_id AS "userId", code, message, at::float8 AS at
       FROM refusals ORDER BY at DESC, event_id LIMIT $1`,
      [limit],
    );
    return rows;
  }

  async ping(): Promise<boolean> {
    const { rows } = await this.pool.query<{ ok: number }>('SELECT 1 AS ok');
    return rows[0]?.ok === 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

async function headOf(db: pg.Pool | pg.PoolClient): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT coalesce(max(seq), 0) AS n FROM events');
  return rows[0]?.n ?? 0;
}

function insertSession(c: pg.PoolClient, s: ConsoleSession) {
  return c.query(
    `INSERT INTO console_sessions (token_hash, user_id, credential, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [s.tokenHash, s.userId, s.credential, s.createdAt, s.expiresAt],
  );
}
