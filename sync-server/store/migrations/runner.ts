// Numbered migrations for head office's stores (the event log with its update feed, and
// Telegram's state), the way core/db/migrate.ts does it for the branch database: each step is
// recorded in store_migrations with its version, name, time and a hash of its SQL, and a store
// is refused before anything in it changes when it has recorded a step this build does not know
// (a newer server wrote it) or a step whose SQL differs from the one this build ships (it would
// be a guess which schema the store has). Decision: docs/decisions/0015-server-store-migrations.md.
//
// SQLite: a store that exists and has steps to apply is first copied beside its file
// (`<name>-before-migration-<stamp>.sqlite`, as core/db/open.ts does for the branch database),
// then each step runs in its own transaction. PostgreSQL: all pending steps run in one
// transaction under one advisory lock, so processes starting together migrate once, and a step
// that fails leaves the store as it was.
//
// Several stores may share one database (on PostgreSQL the log and Telegram do): each records
// its steps under its own name.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type pg from 'pg';
import { z } from 'zod';
import { DomainError } from '../../../core/errors';

export type StoreName = 'events' | 'telegram';
type Dialect = 'sqlite' | 'postgres';

export interface StoreMigration {
  /** 1, 2, 3, … in order, never reused; a released step's SQL is never edited (its hash is kept). */
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
  hash text, PRIMARY KEY (store, version)
)`;

const sqlFor = (m: StoreMigration, dialect: Dialect) =>
  typeof m.sql === 'string' ? m.sql : m.sql[dialect];

const madeFor = (m: StoreMigration, dialect: Dialect): Made | undefined =>
  m.madeBefore && 'sqlite' in m.madeBefore ? m.madeBefore[dialect] : m.madeBefore;

/**
 * The hash recorded for a step: sha256 of the SQL this dialect runs, with line ends made "\n"
 * and the ends trimmed, so a checkout that turned them into "\r\n" still matches.
 */
export function stepHash(m: StoreMigration, dialect: Dialect): string {
  const text = sqlFor(m, dialect).replace(/\r\n?/g, '\n').trim();
  return createHash('sha256').update(text).digest('hex');
}

const recordedRow = z.object({
  version: z.coerce.number().int(),
  hash: z.string().nullable(),
});
type Recorded = z.infer<typeof recordedRow>;

/**
 * Refuses a store with a step this build does not know, or with a step recorded under another
 * SQL than the one shipped. A step recorded before hashes were (hash null) is taken as shipped.
 */
export function checkRecorded(
  store: StoreName,
  recorded: Recorded[],
  steps: StoreMigration[],
  dialect: Dialect,
): void {
  refuseNewer(
    store,
    recorded.map((r) => r.version),
    steps,
  );
  for (const r of recorded) {
    const step = steps.find((m) => m.version === r.version);
    if (!step || r.hash === null || r.hash === stepHash(step, dialect)) continue;
    throw new DomainError(
      'DATABASE_MISMATCH',
      `The server's ${store} store has migration ${step.version} ("${step.name}") recorded with other SQL than this server ships, so its schema cannot be known. Restore the store from a backup made before that migration (or the before-migration copy beside it) and open it with this server, or go back to the server version that wrote it; the server will not guess.`,
      { store, migration: step.version, name: step.name },
    );
  }
}

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

function sqliteRecorded(db: Database.Database, store: StoreName, hasHash: boolean): Recorded[] {
  const rows = db
    .prepare(
      `SELECT version, ${hasHash ? 'hash' : 'NULL AS hash'} FROM store_migrations WHERE store = ? ORDER BY version`,
    )
    .all(store);
  return z.array(recordedRow).parse(rows);
}

/** Whether a store has every table and column a step made before the numbered migrations makes. */
export function sqliteHas(db: Database.Database, m: StoreMigration): boolean {
  const made = madeFor(m, 'sqlite');
  if (!made) return false;
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`);
  const column = db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?');
  return (
    (made.tables ?? []).every((t) => table.get(t) !== undefined) &&
    (made.columns ?? []).every(([t, c]) => column.get(t, c) !== undefined)
  );
}

const stampOf = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, '-');

/** Where the copy of a store's file taken before migrating it goes: beside it. */
export function beforeMigrationCopy(file: string, at: number): string {
  return join(
    dirname(file),
    `${basename(file).replace(/\.sqlite$/, '')}-before-migration-${stampOf(at)}.sqlite`,
  );
}

/**
 * Refuses a newer or changed store without writing to it (call before switching the journal
 * mode, which rewrites a copy's header), copies an existing store that has steps to apply, then
 * applies and records them, one transaction each.
 */
export function migrateSqlite(
  db: Database.Database,
  store: StoreName,
  steps: StoreMigration[],
  now = Date.now,
): void {
  const tableExists = (name: string) =>
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !==
    undefined;
  const hasJournal = tableExists('store_migrations');
  const hasHash =
    hasJournal &&
    db.prepare(`SELECT 1 FROM pragma_table_info('store_migrations') WHERE name = 'hash'`).get() !==
      undefined;
  const before = hasJournal ? sqliteRecorded(db, store, hasHash) : [];
  checkRecorded(store, before, steps, 'sqlite');
  const pending = steps.filter((m) => !before.some((r) => r.version === m.version));
  const existing =
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1`).get() !== undefined;
  if (pending.length > 0 && existing && !db.memory)
    db.prepare('VACUUM INTO ?').run(beforeMigrationCopy(db.name, now()));

  db.exec(journal);
  if (hasJournal && !hasHash) db.exec('ALTER TABLE store_migrations ADD COLUMN hash text');
  // Steps recorded before hashes were: the SQL this build ships is the SQL they ran.
  const adopt = db.prepare(
    'UPDATE store_migrations SET hash = ? WHERE store = ? AND version = ? AND hash IS NULL',
  );
  if (before.some((r) => r.hash === null))
    db.transaction(() => {
      for (const m of steps) adopt.run(stepHash(m, 'sqlite'), store, m.version);
    }).immediate();
  const record = db.prepare(
    'INSERT INTO store_migrations (store, version, name, applied_at, hash) VALUES (?, ?, ?, ?, ?)',
  );
  for (const m of pending)
    db.transaction(() => {
      if (sqliteRecorded(db, store, true).some((r) => r.version === m.version)) return;
      if (!sqliteHas(db, m)) db.exec(sqlFor(m, 'sqlite'));
      record.run(store, m.version, m.name, now(), stepHash(m, 'sqlite'));
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

/**
 * Applies the steps `store` has not recorded, all in one transaction under MIGRATION_LOCK: a
 * process that starts while another migrates waits, then finds every step recorded.
 */
export async function migratePostgres(
  pool: pg.Pool,
  store: StoreName,
  steps: StoreMigration[],
  now = Date.now,
): Promise<void> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
      await client.query(journal);
      // A journal from before hashes were.
      await client.query('ALTER TABLE store_migrations ADD COLUMN IF NOT EXISTS hash text');
      const { rows } = await client.query(
        'SELECT version, hash FROM store_migrations WHERE store = $1 ORDER BY version',
        [store],
      );
      const recorded = z.array(recordedRow).parse(rows);
      checkRecorded(store, recorded, steps, 'postgres');
      for (const m of steps) {
        const hash = stepHash(m, 'postgres');
        if (recorded.some((r) => r.version === m.version)) {
          await client.query(
            'UPDATE store_migrations SET hash = $1 WHERE store = $2 AND version = $3 AND hash IS NULL',
            [hash, store, m.version],
          );
          continue;
        }
        if (!(await postgresHas(client, m))) await client.query(sqlFor(m, 'postgres'));
        await client.query(
          'INSERT INTO store_migrations (store, version, name, applied_at, hash) VALUES ($1, $2, $3, $4, $5)',
          [store, m.version, m.name, now(), hash],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      // A connection that cannot roll back is not handed out again.
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
