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
 * Compiling a statement costs more than running most of ours: the same SQL text gets the same
 * compiled statement back. (Statements are run to completion before the next call, and no code
 * here changes a statement's mode, so sharing them is safe.)
 */
export function cacheStatements(sqlite: Database.Database): void {
  const compile = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = compile(source);
      if (cache.size > 2000) cache.clear();
      cache.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
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
    // 64 MiB of SQLite's own page cache (better-sqlite3 starts with 16), filled only as pages are
    // read: a dashboard over two years reads more than 16 MiB of aggregates, and with the larger
    // cache its next call finds them here instead of asking the OS again (about a quarter faster
    // at the benchmark's company, decision 0035).
    sqlite.pragma('cache_size = -65536');
    if (pending.length > 0) {
      const hasData = sqlite.prepare('SELECT 1 FROM schema_migrations LIMIT 1').get() !== undefined;
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
  cacheStatements(sqlite);
  const orm = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  return { sqlite, orm, file, close: () => sqlite.close() };
}
