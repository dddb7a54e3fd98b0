// The server's event log in one SQLite file (WAL, synchronous=FULL): the embedded default, for
// one server process. Everything but the hot paths is the shared store (./sql-store.ts); files
// live in a folder beside the file (core/files/store.ts).
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheStatements } from '../../core/db/open';
import { FileStore } from '../../core/files/store';
import { eventStoreMigrations } from './migrations/events';
import { migrateSqlite } from './migrations/runner';
import { SqlEventStore } from './sql-store';
import { SqliteDialect } from './sqlite-dialect';
import type { Ack, IngestItem, LoggedEvent, PullPage } from './types';

const eventColumns = `seq, id, type, schema_version AS schemaVersion, branch_id AS branchId, device_id AS deviceId,
  user_id AS userId, hlc, created_at AS createdAt, aggregate_id AS aggregateId, payload AS payloadJson,
  received_hlc AS receivedHlc`;

/** Opens (creating, or migrating after a copy) the store's file in `dataDir`. */
function openFile(dataDir: string): Database.Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'sync-log.sqlite'));
  try {
    db.pragma('busy_timeout = 5000');
    // Before WAL, which would rewrite the header of a store this build refuses.
    migrateSqlite(db, 'events', eventStoreMigrations);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  } catch (error) {
    db.close();
    throw error;
  }
  cacheStatements(db);
  db.prepare(
    'INSERT INTO log_epochs (n, id, since, began_at) VALUES (1, ?, 0, ?) ON CONFLICT DO NOTHING',
  ).run(randomUUID(), Date.now());
  return db;
}

export class SqliteEventStore extends SqlEventStore {
  readonly kind = 'sqlite';
  private readonly sqlite: SqliteDialect;
  private readonly files: FileStore;

  constructor(dataDir: string) {
    const sqlite = new SqliteDialect(openFile(dataDir));
    super(sqlite);
    this.sqlite = sqlite;
    this.files = new FileStore(join(dataDir, 'files'));
  }

  // Hot path: see npm run bench:sync. One synchronous better-sqlite3 transaction per batch,
  // with prepared statements; the row casts below are of columns this file names.
  async ingest(items: IngestItem[]): Promise<Ack[]> {
    return this.sqlite.exclusive((db) => {
      const insert = db.prepare(
        `INSERT INTO events (id, type, schema_version, branch_id, device_id, user_id, hlc, created_at, aggregate_id, payload, received_hlc, scope_all)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      );
      const known = db.prepare('SELECT seq, received_hlc AS receivedHlc FROM events WHERE id = ?');
      const scope = db.prepare('INSERT INTO event_scope (branch_id, seq) VALUES (?, ?)');
      const register = db.prepare(
        'INSERT INTO aggregates (aggregate_id, branches) VALUES (?, ?) ON CONFLICT DO NOTHING',
      );
      return db
        .transaction(() =>
          items.map(({ event: e, scope: s, register: r, receivedHlc, payloadJson }) => {
            // hot path: see npm run bench:sync. seq is the rowid: run() tells it without a
            // RETURNING clause (about a fifth of the insert's cost); no change means a known id.
            const inserted = insert.run(
              e.id,
              e.type,
              e.schemaVersion,
              e.branchId,
              e.deviceId,
              e.userId,
              e.hlc,
              e.createdAt,
              e.aggregateId,
              payloadJson,
              receivedHlc,
              s.all ? 1 : 0,
            );
            if (inserted.changes === 0) {
              // hot path: see npm run bench:sync
              const first = known.get(e.id) as { seq: number; receivedHlc: string };
              return { id: e.id, seq: first.seq, receivedHlc: first.receivedHlc };
            }
            const seq = Number(inserted.lastInsertRowid);
            if (!s.all) for (const b of s.branches) scope.run(b, seq);
            if (r && e.aggregateId) register.run(e.aggregateId, JSON.stringify(r));
            return { id: e.id, seq, receivedHlc };
          }),
        )
        .immediate();
    });
  }

  // Hot path: see npm run bench:sync. The page, the head and the count are read in one
  // synchronous step, so no event can commit in between.
  async pull(branchId: string | null, after: number, limit: number): Promise<PullPage> {
    return this.sqlite.exclusive((db) => {
      // hot path: see npm run bench:sync
      const rows = (
        branchId === null
          ? db
              .prepare(`SELECT ${eventColumns} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`)
              .all(after, limit)
          : db
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
      const head = count(db.prepare('SELECT coalesce(max(seq), 0) AS n FROM events').get());
      const cursor = last && rows.length === limit ? last.seq : head;
      const remaining =
        branchId === null
          ? count(db.prepare('SELECT count(*) AS n FROM events WHERE seq > ?').get(cursor))
          : count(
              db
                .prepare(
                  `SELECT (SELECT count(*) FROM events WHERE scope_all = 1 AND seq > @c)
                        + (SELECT count(*) FROM event_scope WHERE branch_id = @b AND seq > @c) AS n`,
                )
                .get({ c: cursor, b: branchId }),
            );
      return { events: rows, cursor: Math.max(cursor, after), remaining };
    });
  }

  // Asked by every waiting PC whenever the log moves (sync-server/news.ts): the partial index on
  // events shared by all and event_scope's (branch, seq) answer it without a scan.
  async hasEventsFor(branchId: string | null, after: number): Promise<boolean> {
    return this.sqlite.exclusive((db) => {
      const all = db.prepare('SELECT 1 FROM events WHERE scope_all = 1 AND seq > ? LIMIT 1');
      if (branchId === null)
        return db.prepare('SELECT 1 FROM events WHERE seq > ? LIMIT 1').get(after) !== undefined;
      return (
        all.get(after) !== undefined ||
        db
          .prepare('SELECT 1 FROM event_scope WHERE branch_id = ? AND seq > ? LIMIT 1')
          .get(branchId, after) !== undefined
      );
    });
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
}

/** A count's row (`n`). */
function count(row: unknown): number {
  if (typeof row === 'object' && row !== null && 'n' in row && typeof row.n === 'number')
    return row.n;
  throw new Error('sqlite store: a count answered no number');
}
