// Whether a file is a backup of head office's event store (its SQLite file) that this server
// can run on, as core/backup/accept.ts asks of a branch database. The restore replaces the whole
// log with it: another application's file would leave head office with no events at all, and
// an object the server never makes (a trigger, say) would run inside it.
//
// The store is judged by what this server makes of it: its schema (and migration journal) is
// rebuilt in memory without its rows, migrated as opening it would migrate it, and must then be
// exactly a new store's schema. A backup from an older server is one of several earlier shapes
// (made before the numbered migrations, or before their journal kept hashes; see
// ../store/testing/legacy-schemas.ts), each of which the migrations bring to today's schema.
import Database from 'better-sqlite3';
import { z } from 'zod';
import { parseRows } from '../../core/db/rows';
import {
  describeSchemaDifferences,
  notABackupOf,
  schemaDifferences,
  schemaObjects,
} from '../../core/db/schemaDifferences';
import { DomainError } from '../../core/errors';
import { eventStoreMigrations } from '../store/migrations/events';
import { migrateSqlite, sqliteHas } from '../store/migrations/runner';

const notOurs = notABackupOf(
  "head office's event store",
  "choose a store backup the server made (backups/ in the server's data folder)",
);

const columnRow = z.object({ name: z.string() });
const stepRow = z.object({ version: z.coerce.number().int() });
const value = z.union([z.string(), z.number(), z.bigint(), z.instanceof(Buffer), z.null()]);
const journalRow = z.record(z.string(), value);

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The store's schema and its journal's rows, in a new in-memory database. */
function rebuild(file: string, db: Database.Database, journal: string[]): Database.Database {
  const copy = new Database(':memory:');
  try {
    // One CREATE each, run as a prepared statement: a forged sqlite_master row could carry more
    // than one statement (an ATTACH that writes a file, say), and prepare refuses a second one.
    for (const { type, name, sql } of schemaObjects(db)) {
      if (sql === null) continue;
      if (!/^\s*CREATE\s/i.test(sql)) throw new Error(`the ${type} "${name}" is not a CREATE`);
      copy.prepare(sql).run();
    }
    if (journal.length > 0) {
      const insert = copy.prepare(
        `INSERT INTO store_migrations (${journal.map(quoted).join(', ')})
         VALUES (${journal.map(() => '?').join(', ')})`,
      );
      for (const row of parseRows(journalRow, db.prepare('SELECT * FROM store_migrations').all()))
        insert.run(...journal.map((c) => row[c] ?? null));
    }
    return copy;
  } catch (error) {
    copy.close();
    throw notOurs(
      file,
      `its schema cannot be rebuilt (${error instanceof Error ? error.message : String(error)})`,
      'schema',
    );
  }
}

/** The rebuilt store as this server would run on it: its migrations applied, as on open. */
function migrated(file: string, copy: Database.Database): Database.Database {
  try {
    migrateSqlite(copy, 'events', eventStoreMigrations, () => 0);
    return copy;
  } catch (error) {
    copy.close();
    // A newer server's store, or one whose recorded step differs: the runner says what to do.
    if (error instanceof DomainError) throw error;
    throw notOurs(
      file,
      `this server's migrations fail on it (${error instanceof Error ? error.message : String(error)})`,
      'schema',
    );
  }
}

export function acceptStoreBackup(file: string): void {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const journal = parseRows(
      columnRow,
      db.prepare(`SELECT name FROM pragma_table_info('store_migrations')`).all(),
    ).map((c) => c.name);
    if (journal.length > 0 && !(journal.includes('store') && journal.includes('version')))
      throw notOurs(
        file,
        `it is another application's database (its store_migrations table has the columns ${journal.join(', ')}, not this server's)`,
        'foreign',
      );
    const first = eventStoreMigrations[0];
    if (journal.length > 0) {
      const steps = z
        .array(stepRow)
        .safeParse(db.prepare(`SELECT version FROM store_migrations WHERE store = 'events'`).all());
      if (!steps.success) throw notOurs(file, "it is another application's database", 'foreign');
      // Telegram's store keeps a journal too. Without the first step recorded, opening it would
      // make the log's tables anew, empty, and the schema would compare as a new store's.
      if (steps.data.length === 0)
        throw notOurs(file, "its journal records none of the event store's migrations", 'foreign');
      if (!steps.data.some((s) => s.version === first?.version))
        throw notOurs(file, "its journal lacks the event store's first migration", 'foreign');
    } else if (!first || !sqliteHas(db, first))
      // Made before the numbered migrations, a store is known by the tables the first step makes.
      throw notOurs(file, "it lacks the event store's tables", 'foreign');

    const backup = migrated(file, rebuild(file, db, journal));
    const fresh = new Database(':memory:');
    try {
      migrateSqlite(fresh, 'events', eventStoreMigrations, () => 0);
      const differences = schemaDifferences(backup, fresh);
      if (differences.length > 0)
        throw notOurs(file, describeSchemaDifferences(differences, 'the server'), 'schema', {
          differences,
        });
    } finally {
      fresh.close();
      backup.close();
    }
  } finally {
    db.close();
  }
}
