import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as schema from './schema';
import {
  applyMigrations,
  defaultMigrationsFolder,
  pendingMigrations,
  readMigrations,
} from './migrate';

export type Orm = BetterSQLite3Database<typeof schema>;

export interface Db {
  sqlite: Database.Database;
  orm: Orm;
  file: string;
  close(): void;
}

export interface OpenOptions {
  migrationsFolder?: string;
  /** Where the copy taken before a migration goes; beside the database by default. */
  backupDir?: string;
  now?: () => number;
}

/**
 * Opens (creating if needed) a database with the pragmas the architecture requires and the
 * shipped migrations applied. An existing database is copied before any migration touches it.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Checked before switching to WAL (which rewrites the file header of a copy in another
    // journal mode, such as a backup), so a database this build refuses is left as it was.
    const shipped = readMigrations(options.migrationsFolder ?? defaultMigrationsFolder());
    const pending = pendingMigrations(sqlite, shipped);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    if (pending.length > 0) {
      const hasData =
        (sqlite.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n >
        0;
      if (hasData && file !== ':memory:') {
        const stamp = new Date((options.now ?? Date.now)()).toISOString().replace(/[:.]/g, '-');
        const target = join(options.backupDir ?? dirname(file), `before-migration-${stamp}.sqlite`);
        sqlite.prepare('VACUUM INTO ?').run(target);
      }
      applyMigrations(sqlite, pending);
    }
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const orm = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  return { sqlite, orm, file, close: () => sqlite.close() };
}
