// The server's event log in one SQLite file (WAL, synchronous=FULL): the embedded default.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoginState } from '../../core/auth/sessions';
import { cacheStatements } from '../../core/db/open';
import { FileStore } from '../../core/files/store';
import { eventStoreMigrations } from './migrations/events';
import { migrateSqlite } from './migrations/runner';
import { SqliteUpdateFeedTables } from './sqlite-updates';
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

const eventColumns = `seq, id, type, schema_version AS schemaVersion, branch_id AS branchId, device_id AS deviceId,
  user_id AS userId, hlc, created_at AS createdAt, aggregate_id AS aggregateId, payload AS payloadJson,
  received_hlc AS receivedHlc`;

const insertSession = `INSERT INTO console_sessions (token_hash, user_id, credential, created_at, expires_at)
  VALUES (@tokenHash, @userId, @credential, @createdAt, @expiresAt) ON CONFLICT DO NOTHING`;

const sessionColumns = `token_hash AS tokenHash, user_id AS userId, credential, created_at AS createdAt,
  expires_at AS expiresAt`;

const deviceColumns = `id, branch_id AS branchId, number, name, token_hash AS tokenHash, enrolled_at AS enrolledAt,
  revoked_at AS revokedAt, last_seen_at AS lastSeenAt, app_version AS appVersion, pending, cursor,
  last_backup_at AS lastBackupAt, free_disk_bytes AS freeDiskBytes, update_refused AS updateRefused`;

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly files: FileStore;
  private readonly updates: SqliteUpdateFeedTables;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'sync-log.sqlite'));
    try {
      this.db.pragma('busy_timeout = 5000');
      // Before WAL, which would rewrite the header of a store this build refuses.
      migrateSqlite(this.db, 'events', eventStoreMigrations);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
    } catch (error) {
      this.db.close();
      throw error;
    }
    cacheStatements(this.db);
    this.db
      .prepare(
        'INSERT INTO log_epochs (n, id, since, began_at) VALUES (1, ?, 0, ?) ON CONFLICT DO NOTHING',
      )
      .run(randomUUID(), Date.now());
    this.files = new FileStore(join(dataDir, 'files'));
    this.updates = new SqliteUpdateFeedTables(this.db);
  }

  // ---- The update feed's tables (./sqlite-updates.ts) ----
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

  async ingest(items: IngestItem[]): Promise<Ack[]> {
    const insert = this.db.prepare(
      `INSERT INTO events (id, type, schema_version, branch_id, device_id, user_id, hlc, created_at, aggregate_id, payload, received_hlc, scope_all)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING seq`,
    );
    const known = this.db.prepare(
      'SELECT seq, received_hlc AS receivedHlc FROM events WHERE id = ?',
    );
    const scope = this.db.prepare('INSERT INTO event_scope (branch_id, seq) VALUES (?, ?)');
    const register = this.db.prepare(
      'INSERT INTO aggregates (aggregate_id, branches) VALUES (?, ?) ON CONFLICT DO NOTHING',
    );
    return this.db
      .transaction(() =>
        items.map(({ event: e, scope: s, register: r, receivedHlc }) => {
          const row = insert.get(
            e.id,
            e.type,
            e.schemaVersion,
            e.branchId,
            e.deviceId,
            e.userId,
            e.hlc,
            e.createdAt,
            e.aggregateId,
            JSON.stringify(e.payload),
            receivedHlc,
            s.all ? 1 : 0,
          ) as { seq: number } | undefined;
          if (!row) {
            const first = known.get(e.id) as { seq: number; receivedHlc: string };
            return { id: e.id, seq: first.seq, receivedHlc: first.receivedHlc };
          }
          if (!s.all) for (const b of s.branches) scope.run(b, row.seq);
          if (r && e.aggregateId) register.run(e.aggregateId, JSON.stringify(r));
          return { id: e.id, seq: row.seq, receivedHlc };
        }),
      )
      .immediate();
  }

  async aggregateBranches(ids: string[]): Promise<Map<string, string[]>> {
    const rows = this.db
      .prepare(
        `SELECT aggregate_id AS id, branches FROM aggregates
         WHERE aggregate_id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids)) as { id: string; branches: string }[];
    return new Map(rows.map((r) => [r.id, JSON.parse(r.branches) as string[]]));
  }

  async aggregateRegistrations(): Promise<[string, string[]][]> {
    return (
      this.db.prepare('SELECT aggregate_id AS id, branches FROM aggregates').all() as {
        id: string;
        branches: string;
      }[]
    ).map((r) => [r.id, JSON.parse(r.branches) as string[]]);
  }

  async keepAggregates(registrations: [string, string[]][]): Promise<number> {
    const add = this.db.prepare(
      'INSERT INTO aggregates (aggregate_id, branches) VALUES (?, ?) ON CONFLICT DO NOTHING',
    );
    return this.db
      .transaction(() =>
        registrations.reduce(
          (n, [id, branches]) => n + add.run(id, JSON.stringify(branches)).changes,
          0,
        ),
      )
      .immediate();
  }

  async pull(branchId: string | null, after: number, limit: number): Promise<PullPage> {
    const rows = (
      branchId === null
        ? this.db
            .prepare(`SELECT ${eventColumns} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`)
            .all(after, limit)
        : this.db
            .prepare(
              `SELECT ${eventColumns} FROM events WHERE seq IN (
                 SELECT seq FROM events WHERE scope_all = 1 AND seq > @after
                 UNION ALL SELECT seq FROM event_scope WHERE branch_id = @branch AND seq > @after
                 ORDER BY seq LIMIT @limit) ORDER BY seq`,
            )
            .all({ after, branch: branchId, limit })
    ) as LoggedEvent[];
    const last = rows.at(-1);
    // With nothing (more) to see, the branch has seen everything up to the head.
    // Read in the same synchronous step as the page, so no event can commit in between.
    const head = (
      this.db.prepare('SELECT coalesce(max(seq), 0) AS n FROM events').get() as { n: number }
    ).n;
    const cursor = last && rows.length === limit ? last.seq : head;
    const remaining =
      branchId === null
        ? (
            this.db.prepare('SELECT count(*) AS n FROM events WHERE seq > ?').get(cursor) as {
              n: number;
            }
          ).n
        : (
            this.db
              .prepare(
                `SELECT (SELECT count(*) FROM events WHERE scope_all = 1 AND seq > @c)
                      + (SELECT count(*) FROM event_scope WHERE branch_id = @b AND seq > @c) AS n`,
              )
              .get({ c: cursor, b: branchId }) as { n: number }
          ).n;
    return { events: rows, cursor: Math.max(cursor, after), remaining };
  }

  async headSeq(): Promise<number> {
    return (this.db.prepare('SELECT coalesce(max(seq), 0) AS n FROM events').get() as { n: number })
      .n;
  }

  async epoch(): Promise<LogEpoch> {
    return epochOf(
      this.db.prepare('SELECT id, since FROM log_epochs ORDER BY n').all() as EpochRow[],
    );
  }

  async beginEpoch(): Promise<LogEpoch> {
    this.db
      .transaction(() => {
        const since = (
          this.db.prepare('SELECT coalesce(max(seq), 0) AS n FROM events').get() as { n: number }
        ).n;
        this.db
          .prepare(
            'INSERT INTO log_epochs (n, id, since, began_at) SELECT max(n) + 1, ?, ?, ? FROM log_epochs',
          )
          .run(randomUUID(), since, Date.now());
      })
      .immediate();
    return this.epoch();
  }

  async setBranchKind(branchId: string, kind: string): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO branches (id, kind) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind',
      )
      .run(branchId, kind);
  }

  async branchKind(branchId: string): Promise<string | null> {
    return (
      (
        this.db.prepare('SELECT kind FROM branches WHERE id = ?').get(branchId) as
          { kind: string } | undefined
      )?.kind ?? null
    );
  }

  async headOfficeBranch(): Promise<string | null> {
    return (
      (
        this.db
          .prepare(`SELECT id FROM branches WHERE kind = 'head_office' ORDER BY id LIMIT 1`)
          .get() as { id: string } | undefined
      )?.id ?? null
    );
  }

  async createDevice(d: Parameters<EventStore['createDevice']>[0]): Promise<DeviceRecord> {
    return this.db
      .transaction(() => {
        const number = (
          this.db
            .prepare('SELECT coalesce(max(number), 0) + 1 AS n FROM devices WHERE branch_id = ?')
            .get(d.branchId) as { n: number }
        ).n;
        this.db
          .prepare(
            'INSERT INTO devices (id, branch_id, number, name, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(d.id, d.branchId, number, d.name, d.tokenHash, d.enrolledAt);
        return this.db
          .prepare(`SELECT ${deviceColumns} FROM devices WHERE id = ?`)
          .get(d.id) as DeviceRecord;
      })
      .immediate();
  }

  async deviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null> {
    return (
      (this.db
        .prepare(`SELECT ${deviceColumns} FROM devices WHERE token_hash = ?`)
        .get(tokenHash) as DeviceRecord | undefined) ?? null
    );
  }

  async device(id: string): Promise<DeviceRecord | null> {
    return (
      (this.db.prepare(`SELECT ${deviceColumns} FROM devices WHERE id = ?`).get(id) as
        DeviceRecord | undefined) ?? null
    );
  }

  async devices(): Promise<DeviceRecord[]> {
    return this.db
      .prepare(`SELECT ${deviceColumns} FROM devices ORDER BY branch_id, number`)
      .all() as DeviceRecord[];
  }

  async keepDevices(devices: DeviceRecord[]): Promise<number> {
    const add = this.db.prepare(
      `INSERT INTO devices (id, branch_id, number, name, token_hash, enrolled_at, revoked_at, last_seen_at,
                            app_version, pending, cursor, last_backup_at, free_disk_bytes, update_refused)
       VALUES (@id, @branchId, @number, @name, @tokenHash, @enrolledAt, @revokedAt, @lastSeenAt,
               @appVersion, @pending, @cursor, @lastBackupAt, @freeDiskBytes, @updateRefused)
       ON CONFLICT (id) DO UPDATE SET revoked_at = coalesce(devices.revoked_at, excluded.revoked_at)`,
    );
    const known = this.db.prepare('SELECT 1 FROM devices WHERE id = ?');
    return this.db
      .transaction(() => {
        let added = 0;
        for (const d of devices) {
          if (!known.get(d.id)) added++;
          add.run(d);
        }
        return added;
      })
      .immediate();
  }

  async revokeDevice(id: string, at: number): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
        .run(at, id).changes > 0
    );
  }

  async touchDevice(id: string, seen: Parameters<EventStore['touchDevice']>[1]): Promise<void> {
    this.db
      .prepare(
        `UPDATE devices SET last_seen_at = ?, app_version = coalesce(?, app_version), pending = coalesce(?, pending),
                cursor = max(cursor, coalesce(?, cursor)),
                last_backup_at = CASE WHEN ? THEN ? ELSE last_backup_at END,
                free_disk_bytes = CASE WHEN ? THEN ? ELSE free_disk_bytes END,
                update_refused = CASE WHEN ? THEN ? ELSE update_refused END WHERE id = ?`,
      )
      .run(
        seen.at,
        seen.appVersion ?? null,
        seen.pending ?? null,
        seen.cursor ?? null,
        seen.lastBackupAt === undefined ? 0 : 1,
        seen.lastBackupAt ?? null,
        seen.freeDiskBytes === undefined ? 0 : 1,
        seen.freeDiskBytes ?? null,
        seen.updateRefused === undefined ? 0 : 1,
        seen.updateRefused ? JSON.stringify(seen.updateRefused) : null,
        id,
      );
  }

  async createEnrollment(e: {
    codeHash: string;
    branchId: string;
    issuedBy: string;
    expiresAt: number;
  }): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO enrollments (code_hash, branch_id, issued_by, expires_at) VALUES (?, ?, ?, ?)',
      )
      .run(e.codeHash, e.branchId, e.issuedBy, e.expiresAt);
  }

  async takeEnrollment(
    codeHash: string,
    now: number,
  ): Promise<{ branchId: string; issuedBy: string } | null> {
    const row = this.db
      .prepare(
        `UPDATE enrollments SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?
         RETURNING branch_id AS branchId, issued_by AS issuedBy`,
      )
      .get(now, codeHash, now) as { branchId: string; issuedBy: string } | undefined;
    return row ?? null;
  }

  async putSession(session: ConsoleSession, now: number): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?').run(now);
      this.db.prepare(insertSession).run(session);
    })();
  }

  async session(tokenHash: string): Promise<ConsoleSession | null> {
    return (
      (this.db
        .prepare(`SELECT ${sessionColumns} FROM console_sessions WHERE token_hash = ?`)
        .get(tokenHash) as ConsoleSession | undefined) ?? null
    );
  }

  async endSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM console_sessions WHERE token_hash = ?').run(tokenHash);
  }

  async sessions(): Promise<ConsoleSession[]> {
    return this.db
      .prepare(`SELECT ${sessionColumns} FROM console_sessions ORDER BY created_at`)
      .all() as ConsoleSession[];
  }

  async replaceSessions(sessions: ConsoleSession[]): Promise<void> {
    const add = this.db.prepare(insertSession);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM console_sessions').run();
      for (const s of sessions) add.run(s);
    })();
  }

  async loginStates(): Promise<LoginState[]> {
    return this.db
      .prepare(
        `SELECT user_id AS userId, failed_attempts AS failedAttempts, locked_until AS lockedUntil
         FROM login_states ORDER BY user_id`,
      )
      .all() as LoginState[];
  }

  async setLoginState(userId: string, state: Omit<LoginState, 'userId'> | null): Promise<void> {
    if (!state) this.db.prepare('DELETE FROM login_states WHERE user_id = ?').run(userId);
    else
      this.db
        .prepare(
          `INSERT INTO login_states (user_id, failed_attempts, locked_until) VALUES (?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET failed_attempts = excluded.failed_attempts,
             locked_until = excluded.locked_until`,
        )
        .run(userId, state.failedAttempts, state.lockedUntil);
  }

  async hasFile(hash: string): Promise<boolean> {
    return this.files.has(hash);
  }

  async putFile(_hash: string, bytes: Buffer): Promise<void> {
    this.files.put(bytes);
  }

  async getFile(hash: string): Promise<Buffer | null> {
    return this.files.has(hash) ? this.files.get(hash) : null;
  }

  async userChangesAfter(afterSeq: number): Promise<UserChange[]> {
    // User changes are master data (scope_all): the partial index keeps this off the whole log.
    return this.db
      .prepare(
        `SELECT seq, aggregate_id AS userId, payload AS payloadJson, hlc, received_hlc AS receivedHlc
         FROM events WHERE scope_all = 1 AND seq > ? AND type = 'user.saved' ORDER BY seq`,
      )
      .all(afterSeq) as UserChange[];
  }

  async acksFor(ids: string[]): Promise<Ack[]> {
    const read = this.db.prepare(
      'SELECT id, seq, received_hlc AS receivedHlc FROM events WHERE id = ?',
    );
    return ids.flatMap((id) => {
      const row = read.get(id) as Ack | undefined;
      return row ? [row] : [];
    });
  }

  async recordRefusals(refusals: RefusalRecord[]): Promise<void> {
    const insert = this.db.prepare(
      `INSERT INTO refusals (event_id, type, device_id, branch_id, user_id, code, message, at)
       VALUES (@eventId, @type, @deviceId, @branchId, @userId, @code, @message, @at) ON CONFLICT DO NOTHING`,
    );
    this.db.transaction(() => refusals.forEach((r) => insert.run(r)))();
  }

  async refusals(limit: number): Promise<RefusalRecord[]> {
    return this.db
      .prepare(
        `SELECT event_id AS eventId, type, device_id AS deviceId, branch_id AS branchId, user_id AS userId,
                code, message, at FROM refusals ORDER BY at DESC, event_id LIMIT ?`,
      )
      .all(limit) as RefusalRecord[];
  }

  async ping(): Promise<boolean> {
    return this.db.prepare('SELECT 1 AS ok').get() !== undefined;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
