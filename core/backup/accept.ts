// Whether a backup is a branch database this app can open: written by this version or an older
// one (an older one is migrated when it is opened), never by a newer one; and with exactly the
// schema this app's own migrations make at the backup's level. Its rows are taken as they are,
// but an object the app never makes (a trigger that empties order lines on every new event, say)
// would come back with them and run inside the app, and a table another app shaped would fail
// later, after the current database is gone.
import Database from 'better-sqlite3';
import { basename } from 'node:path';
import { z } from 'zod';
import {
  applyMigrations,
  defaultMigrationsFolder,
  pendingMigrations,
  readMigrations,
  type Migration,
} from '../db/migrate';
import { parseRows } from '../db/rows';
import {
  describeSchemaDifferences,
  notABackupOf,
  schemaDifferences,
} from '../db/schemaDifferences';
import { DomainError } from '../errors';

const notOurs = notABackupOf(
  "Factory-Shop ERP's database",
  'choose a backup the app made (backups/ in the data folder)',
);

const columnRow = z.object({ name: z.string() });

/** What this app's migrations make of a new database when they stop at `applied`. */
function referenceAt(shipped: Migration[], applied: Set<string>): Database.Database {
  const reference = new Database(':memory:');
  try {
    const pending = pendingMigrations(reference, shipped).filter((m) => applied.has(m.tag));
    applyMigrations(reference, pending, 0);
    return reference;
  } catch (error) {
    reference.close();
    throw error;
  }
}

export function acceptBranchBackup(migrationsFolder = defaultMigrationsFolder()) {
  const shipped = readMigrations(migrationsFolder);
  const byTag = new Map(shipped.map((m) => [m.tag, m.hash]));
  return (file: string): void => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const journal = parseRows(
        columnRow,
        db.prepare(`SELECT name FROM pragma_table_info('schema_migrations')`).all(),
      ).map((c) => c.name);
      if (journal.length === 0)
        throw notOurs(
          file,
          'it has no schema_migrations table, so the app did not make it',
          'foreign',
        );
      // Another application's migration journal (say schema_migrations(version)): its name is
      // common, and its rows say nothing about this app's schema.
      if (!journal.includes('tag') || !journal.includes('hash'))
        throw notOurs(
          file,
          `it is another application's database (its schema_migrations table has the columns ${journal.join(', ')}, not this app's)`,
          'foreign',
        );
      const read = z
        .array(z.object({ tag: z.string(), hash: z.string() }))
        .safeParse(db.prepare('SELECT tag, hash FROM schema_migrations').all());
      if (!read.success)
        throw notOurs(
          file,
          "it is another application's database (its schema_migrations rows are not this app's)",
          'foreign',
        );
      const applied = read.data;
      for (const row of applied) {
        const mine = byTag.get(row.tag);
        if (mine === undefined)
          throw new DomainError(
            'DATABASE_TOO_NEW',
            `${basename(file)} was written by a newer version of the app (migration ${row.tag}); install that version first. Nothing was changed.`,
            { migration: row.tag },
          );
        if (mine !== row.hash)
          throw new DomainError(
            'DATABASE_MISMATCH',
            `${basename(file)} has a migration ${row.tag} that differs from this app's; nothing was changed.`,
            { migration: row.tag },
          );
      }
      const reference = referenceAt(shipped, new Set(applied.map((r) => r.tag)));
      try {
        const differences = schemaDifferences(db, reference);
        if (differences.length > 0)
          throw notOurs(file, describeSchemaDifferences(differences, 'the app'), 'schema', {
            differences,
          });
      } finally {
        reference.close();
      }
      // The app's journal and nothing else matches a new database before its first migration:
      // restoring it would replace every row with none.
      if (applied.length === 0)
        throw notOurs(file, 'it is empty (no migration was ever applied to it)', 'empty');
    } finally {
      db.close();
    }
  };
}
