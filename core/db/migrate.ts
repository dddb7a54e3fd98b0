// Applies the shipped migrations (drizzle-kit output under resources/migrations).
// Each migration runs in its own transaction and is recorded with its hash, so a failed
// migration leaves the database as it was and can run again. A database that has applied
// a migration this build does not ship was written by a newer app: refused, never guessed at.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DomainError } from '../errors';
import { parseRows } from './rows';

export interface Migration {
  tag: string;
  hash: string;
  statements: string[];
}

const journalSchema = z.object({
  entries: z.array(z.object({ idx: z.number(), tag: z.string(), when: z.number() })),
});

export function defaultMigrationsFolder(): string {
  const candidates = [
    process.env['FSE_MIGRATIONS_DIR'],
    resolve(dirname(fileURLToPath(import.meta.url)), '../../resources/migrations'),
    resolve(process.cwd(), 'resources/migrations'),
  ];
  const found = candidates.find((c) => c && existsSync(join(c, 'meta/_journal.json')));
  if (!found)
    throw new Error(
      `The database migrations were not found (looked in ${candidates.join(', ')}). Reinstall the app.`,
    );
  return found;
}

export function readMigrations(folder: string): Migration[] {
  const journal = journalSchema.parse(
    JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')),
  );
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => {
      const sqlText = readFileSync(join(folder, `${tag}.sql`), 'utf8');
      return {
        tag,
        hash: createHash('sha256').update(sqlText).digest('hex'),
        statements: sqlText
          .split('--> statement-breakpoint')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      };
    });
}

// Raw SQL: schema_migrations is the migrator's own table, read before drizzle is set up.
const appliedRow = z.object({ tag: z.string(), hash: z.string() });

export function pendingMigrations(sqlite: Database.Database, shipped: Migration[]): Migration[] {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    tag TEXT PRIMARY KEY, hash TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = parseRows(
    appliedRow,
    sqlite.prepare('SELECT tag, hash FROM schema_migrations ORDER BY tag').all(),
  );
  const byTag = new Map(shipped.map((m) => [m.tag, m]));
  for (const row of applied) {
    const mine = byTag.get(row.tag);
    if (!mine)
      throw new DomainError(
        'DATABASE_TOO_NEW',
        `This database was written by a newer version of Factory-Shop ERP (it has migration ${row.tag}, which this version does not know). Install the latest version of the app to open it.`,
        { migration: row.tag },
      );
    if (mine.hash !== row.hash)
      throw new DomainError(
        'DATABASE_MISMATCH',
        `This database's migration ${row.tag} differs from the one this app ships. Restore it from a backup or contact support; the app will not guess.`,
        { migration: row.tag },
      );
  }
  const done = new Set(applied.map((r) => r.tag));
  return shipped.filter((m) => !done.has(m.tag));
}

export function applyMigrations(
  sqlite: Database.Database,
  pending: Migration[],
  nowMs = Date.now(),
): void {
  const record = sqlite.prepare(
    'INSERT INTO schema_migrations (tag, hash, applied_at) VALUES (?, ?, ?)',
  );
  // All of them in one transaction: a database is at one shipped version or at the one before,
  // never between two migrations, and a new database costs one commit (one fsync), not one each.
  sqlite.transaction(() => {
    for (const m of pending) {
      for (const statement of m.statements) sqlite.exec(statement);
      record.run(m.tag, m.hash, nowMs);
    }
  })();
}
