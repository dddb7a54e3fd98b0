// Whether a backup is a branch database this app can open: written by this version or an older
// one (an older one is migrated when it is opened), never by a newer one.
import Database from 'better-sqlite3';
import { basename } from 'node:path';
import { z } from 'zod';
import { defaultMigrationsFolder, readMigrations } from '../db/migrate';
import { DomainError } from '../errors';

export function acceptBranchBackup(migrationsFolder = defaultMigrationsFolder()) {
  const shipped = new Map(readMigrations(migrationsFolder).map((m) => [m.tag, m.hash]));
  return (file: string): void => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const hasTable = db
        .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`)
        .get();
      if (!hasTable)
        throw new DomainError(
          'FILE_REJECTED',
          `${basename(file)} is not a Factory-Shop ERP branch database; nothing was changed.`,
        );
      const applied = z
        .array(z.object({ tag: z.string(), hash: z.string() }))
        .parse(db.prepare('SELECT tag, hash FROM schema_migrations').all());
      for (const row of applied) {
        const mine = shipped.get(row.tag);
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
    } finally {
      db.close();
    }
  };
}
