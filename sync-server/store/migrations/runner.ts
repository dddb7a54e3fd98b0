// Numbered migrations for head office's stores (the event log with its update feed, and
// Telegram's state), the way core/db/migrate.ts does it for the branch database: each step runs
// in its own transaction and is recorded in store_migrations with its version and time, and a
// store that has recorded a step this build does not know was written by a newer server: it is
// refused before anything in it changes, never guessed at.
//
// Several stores may share one database (on PostgreSQL the log and Telegram do): each records
// its steps under its own name. On PostgreSQL every step takes one advisory lock first and reads
// what is recorded under it, so processes starting together apply each step once.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { DomainError } from '../../../core/errors';

export type StoreName = 'events' | 'telegram';

export interface StoreMigration {
  /** 1, 2, 3, … in order, never reused; a released step's SQL is never edited. */
  version: number;
  name: string;
  /** One text for both dialects where they agree, else one each. */
  sql: string | { sqlite: string; postgres: string };
  /**
   * Only for steps that stores made before the numbered migrations may already have: the tables
   * and columns the step makes. When all of them are there, the step is recorded without running.
   */
  madeBefore?: Made | { sqlite: Made; postgres: Made };
}

interface Made {
  tables?: readonly string[];
  columns?: readonly (readonly [string, string])[];
}

/** The advisory lock key every server store's migrations take (the event store's old schema key). */
export const MIGRATION_LOCK = 0x4653_4500_0001;

const journal = `CREATE TABLE IF NOT EXISTS store_migrations (
  store text NOT NULL, version integer NOT NULL, name text NOT NULL, applied_at bigint NOT NULL,
  PRIMARY KEY (store, version)
)`;

const sqlFor = (m: StoreMigration, dialect: 'sqlite' | 'postgres') =>
  typeof m.sql === 'string' ? m.sql : m.sql[dialect];

const madeFor = (m: StoreMigration, dialect: 'sqlite' | 'postgres'): Made | undefined =>
  m.madeBefore && 'sqlite' in m.madeBefore ? m.madeBefore[dialect] : m.madeBefore;

/** Throws the "update the server" refusal when a store has a step newer than `steps` know. */
export function refuseNewer(store: StoreName, recorded: number[], steps: StoreMigration[]): void {
  const latest = steps.reduce((n, m) => Math.max(n, m.version), 0);
  const newest = recorded.reduce((n, v) => Math.max(n, v), 0);
  if (newest > latest)
    throw new DomainError(
      'DATABASE_TOO_NEW',
      `The server's ${store} store was written by a newer version of the Factory-Shop ERP server (it has migration ${newest}; this server knows migrations up to ${latest}). Update the server to the latest version to open it.`,
      { store, migration: newest, known: latest },
    );
}

// ---- SQLite (synchronous: the SQLite stores open in a constructor) ----

const sqliteRecorded = (db: Database.Database, store: StoreName): number[] =>
  (
    db
      .prepare('SELECT version FROM store_migrations WHERE store = ? ORDER BY version')
      .all(store) as { version: number }[]
  ).map((r) => r.version);

function sqliteHas(db: Database.Database, m: StoreMigration): boolean {
  const made = madeFor(m, 'sqlite');
  if (!made) return false;
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`);
  const column = db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?');
  return (
    (made.tables ?? []).every((t) => table.get(t) !== undefined) &&
    (made.columns ?? []).every(([t, c]) => column.get(t, c) !== undefined)
  );
}

/**
 * Refuses a newer store without writing to it (call before switching the journal mode, which
 * rewrites a copy's header), then applies and records the steps it has not recorded.
 */
export function migrateSqlite(
  db: Database.Database,
  store: StoreName,
  steps: StoreMigration[],
  now = Date.now,
): void {
  const hasJournal =
    db
      .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_migrations'`)
      .get() !== undefined;
  if (hasJournal) refuseNewer(store, sqliteRecorded(db, store), steps);
  db.exec(journal);
  const record = db.prepare(
    'INSERT INTO store_migrations (store, version, name, applied_at) VALUES (?, ?, ?, ?)',
  );
  for (const m of steps)
    db.transaction(() => {
      if (sqliteRecorded(db, store).includes(m.version)) return;
      if (!sqliteHas(db, m)) db.exec(sqlFor(m, 'sqlite'));
      record.run(store, m.version, m.name, now());
    }).immediate();
}

// ---- PostgreSQL ----

async function postgresHas(c: pg.PoolClient, m: StoreMigration): Promise<boolean> {
  const made = madeFor(m, 'postgres');
  if (!made) return false;
  for (const t of made.tables ?? []) {
    const { rowCount } = await c.query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`,
      [t],
    );
    if (!rowCount) return false;
  }
  for (const [t, col] of made.columns ?? []) {
    const { rowCount } = await c.query(
      `SELECT 1 FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
      [t, col],
    );
    if (!rowCount) return false;
  }
  return true;
}

/** Applies the steps `store` has not recorded, one transaction each, under MIGRATION_LOCK. */
export async function migratePostgres(
  pool: pg.Pool,
  store: StoreName,
  steps: StoreMigration[],
  now = Date.now,
): Promise<void> {
  const client = await pool.connect();
  let broken = false;
  try {
    for (;;) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
        await client.query(journal);
        const { rows } = await client.query<{ version: number }>(
          'SELECT version FROM store_migrations WHERE store = $1',
          [store],
        );
        const recorded = rows.map((r) => Number(r.version));
        refuseNewer(store, recorded, steps);
        const next = steps.find((m) => !recorded.includes(m.version));
        if (next) {
          if (!(await postgresHas(client, next))) await client.query(sqlFor(next, 'postgres'));
          await client.query(
            'INSERT INTO store_migrations (store, version, name, applied_at) VALUES ($1, $2, $3, $4)',
            [store, next.version, next.name, now()],
          );
        }
        await client.query('COMMIT');
        if (!next) return;
      } catch (error) {
        // A connection that cannot roll back is not handed out again.
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      }
    }
  } finally {
    client.release(broken);
  }
}
