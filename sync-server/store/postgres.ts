// The server's event log in PostgreSQL, for several server processes behind a load balancer.
// Everything but the hot paths is the shared store (./sql-store.ts). Files live in the database
// too, so every process serves the same ones.
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
import type pg from 'pg';
import { DomainError } from '../../core/errors';
import { eventStoreMigrations } from './migrations/events';
import { migratePostgres } from './migrations/runner';
import { openPool, PostgresDialect } from './postgres-dialect';
import { ingestBatch } from './postgres-ingest';
import { listenOn, LOG_CHANNEL } from './postgres-listen';
import { bytesRow, first } from './rows';
import { SqlEventStore } from './sql-store';
import type { Ack, IngestItem, LoggedEvent, PullPage } from './types';

const eventColumns = `seq, id, type, schema_version AS "schemaVersion", branch_id AS "branchId",
  device_id AS "deviceId", user_id AS "userId", hlc, created_at AS "createdAt",
  aggregate_id AS "aggregateId", payload AS "payloadJson", received_hlc AS "receivedHlc"`;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function checkHash(hash: string): void {
  // The same check (and message) as the SQLite store's file store.
  if (!/^[0-9a-f]{64}$/.test(hash))
    throw new DomainError('VALIDATION', 'hash: not a sha256 hex digest', { field: 'hash' });
}

export class PostgresEventStore extends SqlEventStore {
  readonly kind = 'postgres';

  private constructor(
    private readonly pg: PostgresDialect,
    private readonly url: string,
  ) {
    super(pg);
  }

  /** Opens a pool and applies the migrations the store lacks (safe with several processes at once). */
  static async connect(
    url: string,
    options: { poolSize?: number } = {},
  ): Promise<PostgresEventStore> {
    const pool = openPool(url, options.poolSize ?? 10, 'postgres');
    const store = new PostgresEventStore(new PostgresDialect(pool), url);
    try {
      await migratePostgres(pool, 'events', eventStoreMigrations);
      await store.firstEpoch();
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  // Hot path: see npm run bench:sync (one statement under the ingest lock; decision 0013).
  async ingest(items: IngestItem[]): Promise<Ack[]> {
    return ingestBatch(this.pg.pool, items);
  }

  // Hot path: see npm run bench:sync. One snapshot for the page, the head and the count, so they
  // agree with each other; the page's rows are typed by the query, not parsed.
  async pull(branchId: string | null, after: number, limit: number): Promise<PullPage> {
    return this.pg.within('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) => {
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
    });
  }

  // Asked by every waiting PC whenever the log moves (sync-server/news.ts): the partial index on
  // events shared by all and event_scope's (branch, seq) answer it without a scan.
  async hasEventsFor(branchId: string | null, after: number): Promise<boolean> {
    const rows =
      branchId === null
        ? await this.pg.all('SELECT 1 FROM events WHERE seq > $1 LIMIT 1', [after])
        : await this.pg.all(
            `(SELECT 1 FROM events WHERE scope_all AND seq > $1 LIMIT 1)
             UNION ALL (SELECT 1 FROM event_scope WHERE branch_id = $2 AND seq > $1 LIMIT 1)
             LIMIT 1`,
            [after, branchId],
          );
    return rows.length > 0;
  }

  /** Who announces, in each announcement: PostgreSQL also tells the process that notified. */
  private readonly announcer = randomUUID();

  /** Sent after the ingest committed: a listener that looks finds the events visible. */
  override async announce(): Promise<void> {
    await this.pg.run('SELECT pg_notify($1, $2)', [LOG_CHANNEL, this.announcer]);
  }

  override async listen(heard: (elsewhere: boolean) => void): Promise<() => Promise<void>> {
    return listenOn(this.url, LOG_CHANNEL, (from) => heard(from !== this.announcer));
  }

  async hasFile(hash: string): Promise<boolean> {
    checkHash(hash);
    return (await this.pg.all('SELECT 1 FROM files WHERE hash = $1', [hash])).length > 0;
  }

  async putFile(_hash: string, bytes: Buffer): Promise<void> {
    // Like the SQLite store: the file is kept under the hash of its bytes (the hub has checked
    // that the two agree), and storing it again is harmless.
    await this.pg.run(
      'INSERT INTO files (hash, bytes, size) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING',
      [sha256(bytes), bytes, bytes.length],
    );
  }

  async getFile(hash: string): Promise<Buffer | null> {
    checkHash(hash);
    const file = first(
      bytesRow,
      await this.pg.all('SELECT bytes FROM files WHERE hash = $1', [hash]),
    );
    if (!file) return null;
    if (sha256(file.bytes) !== hash)
      throw new DomainError(
        'FILE_REJECTED',
        `The stored file ${hash.slice(0, 12)}… is damaged. Sync again to fetch a good copy.`,
        { hash },
      );
    return file.bytes;
  }
}

async function headOf(c: pg.PoolClient): Promise<number> {
  const { rows } = await c.query<{ n: number }>('SELECT coalesce(max(seq), 0) AS n FROM events');
  return rows[0]?.n ?? 0;
}
