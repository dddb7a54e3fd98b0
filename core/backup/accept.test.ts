// A restore takes a backup only when its schema is exactly what this app's migrations make at
// its level: another application's file, an empty one, or a real backup with an object added
// (a trigger that empties order lines on every new event) is refused, and the database in
// place is left byte for byte as it was, with no copy taken and nothing left beside it.
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { applyMigrations, defaultMigrationsFolder, readMigrations } from '../db/migrate';
import { parseRows } from '../db/rows';
import { refusal } from '../testing/damage';
import { openDemo } from '../testing/demo';
import { acceptBranchBackup } from './accept';
import { backupDatabase, type BackupResult } from './backup';
import { sha256File } from './files';
import { restoreDatabase } from './restore';

let dir = '';
let target = '';
let good: BackupResult;
let placedBeforeBackup = '';

beforeAll(async () => {
  const w = await openDemo();
  dir = w.dir;
  target = join(dir, 'branch.sqlite');
  placedBeforeBackup = (
    await w.as('shop1')('orders.place', {
      lines: [{ variantId: w.variant['CUP-SML'] ?? '', quantity: 1 }],
    })
  ).id;
  good = await backupDatabase(w.core.db.sqlite, join(dir, 'made'), { label: 'branch' });
  // Placed after the backup: a restore that went through would lose it.
  await w.as('shop1')('orders.place', {
    lines: [{ variantId: w.variant['CUP-SML'] ?? '', quantity: 2 }],
  });
  w.core.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const idRow = z.object({ id: z.string() });
const orderIds = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return parseRows(idRow, db.prepare('SELECT id FROM orders ORDER BY id').all()).map((r) => r.id);
  } finally {
    db.close();
  }
};

/** A SQLite file made by `sql`, in journal mode DELETE as a backup is. */
const sqliteFile = (sql: string) => (file: string) => {
  const db = new Database(file);
  db.exec(sql);
  db.pragma('journal_mode = DELETE');
  db.close();
};
/** The real backup, then `sql` run on it (no manifest: the person confirms restoring it). */
const goodBackupThen = (sql: string) => (file: string) => {
  copyFileSync(good.path, file);
  const db = new Database(file);
  db.exec(sql);
  db.close();
};

let n = 0;
const fileMadeBy = (make: (file: string) => void): string => {
  const folder = join(dir, `incoming-${++n}`);
  mkdirSync(folder);
  const file = join(folder, 'branch-20261201T020000000Z.sqlite');
  make(file);
  return file;
};

const restore = (file: string) =>
  restoreDatabase(target, file, {
    backupDir: join(dir, 'backups'),
    accept: acceptBranchBackup(),
    withoutManifest: true,
  });

const WHAT_TO_DO =
  'Nothing was restored; choose a backup the app made (backups/ in the data folder).';

describe('a branch restore refuses a file whose schema is not the one the app makes', () => {
  it.each([
    {
      what: 'a trigger added to a real backup',
      make: goodBackupThen(
        'CREATE TRIGGER zz_wipe AFTER INSERT ON events BEGIN DELETE FROM order_lines; END',
      ),
      reason: 'schema',
      says: 'it has a trigger "zz_wipe" that the app never makes.',
    },
    {
      what: 'an index of the app dropped from a real backup',
      make: goodBackupThen('DROP INDEX orders_status_placed'),
      reason: 'schema',
      says: 'it lacks the index "orders_status_placed" that the app makes.',
    },
    {
      what: 'only a schema_migrations(tag, hash) table',
      make: sqliteFile('CREATE TABLE schema_migrations (tag TEXT, hash TEXT)'),
      reason: 'schema',
      says: 'its table "schema_migrations" is not the one the app makes.',
    },
    {
      what: "only the app's own empty schema_migrations table",
      make: sqliteFile(
        'CREATE TABLE schema_migrations (tag TEXT PRIMARY KEY, hash TEXT NOT NULL, applied_at INTEGER NOT NULL)',
      ),
      reason: 'empty',
      says: 'it is empty (no migration was ever applied to it).',
    },
    {
      what: 'another application with its own schema_migrations(version)',
      make: sqliteFile(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY); INSERT INTO schema_migrations VALUES (20240101); CREATE TABLE users (id);',
      ),
      reason: 'foreign',
      says: "it is another application's database (its schema_migrations table has the columns version, not this app's).",
    },
    {
      what: 'another application with no schema_migrations',
      make: sqliteFile("CREATE TABLE notes (x); INSERT INTO notes VALUES ('shopping list');"),
      reason: 'foreign',
      says: 'it has no schema_migrations table, so the app did not make it.',
    },
  ])('$what', async ({ make, reason, says }) => {
    const file = fileMadeBy(make);
    const before = await sha256File(target);
    const listing = readdirSync(dir);
    const e = await refusal(restore(file));
    expect([e.code, e.details['reason'], e.message]).toEqual([
      'FILE_REJECTED',
      reason,
      `branch-20261201T020000000Z.sqlite is not a backup of Factory-Shop ERP's database: ${says} ${WHAT_TO_DO}`,
    ]);
    // The database in place is untouched: no safety copy was taken (no backups folder made),
    // nothing left beside it.
    expect(await sha256File(target)).toBe(before);
    expect(readdirSync(dir)).toEqual(listing);
  });

  it('names the first difference and counts the others', async () => {
    const file = fileMadeBy(
      goodBackupThen(
        'CREATE VIEW zz_view AS SELECT 1; DROP INDEX orders_status_placed; DROP INDEX orders_shop_placed',
      ),
    );
    const e = await refusal(restore(file));
    expect(e.message).toContain(
      'it has a view "zz_view" that the app never makes (and 2 other differences).',
    );
    expect(e.details['differences']).toEqual([
      { kind: 'extra', type: 'view', name: 'zz_view' },
      { kind: 'missing', type: 'index', name: 'orders_status_placed' },
      { kind: 'missing', type: 'index', name: 'orders_shop_placed' },
    ]);
  });
});

describe('a branch restore takes a backup the app made', () => {
  it('from an older version, whose journal was typed on one line, at its own level', () => {
    const shipped = readMigrations(defaultMigrationsFolder());
    const file = fileMadeBy((path) => {
      const db = new Database(path);
      db.exec(
        'CREATE TABLE schema_migrations (tag TEXT PRIMARY KEY, hash TEXT NOT NULL, applied_at INTEGER NOT NULL)',
      );
      applyMigrations(db, shipped.slice(0, -1));
      db.close();
    });
    expect(() => acceptBranchBackup()(file)).not.toThrow();
    // One migration short of its level is another schema.
    const short = fileMadeBy((path) => {
      copyFileSync(file, path);
      const db = new Database(path);
      db.prepare('DELETE FROM schema_migrations WHERE tag = ?').run(shipped.at(-2)?.tag);
      db.close();
    });
    expect(() => acceptBranchBackup()(short)).toThrow(/is not a backup of Factory-Shop ERP's/);
  });

  it('from this version: restored in place of the current database', async () => {
    const now = orderIds(target);
    expect(now).toContain(placedBeforeBackup);
    const result = await restoreDatabase(target, good.path, {
      backupDir: join(dir, 'backups'),
      accept: acceptBranchBackup(),
    });
    expect(result.safetyCopy?.verified).toBe(true);
    const restored = orderIds(target);
    expect(restored).toContain(placedBeforeBackup);
    // The order placed after the backup is gone from the database, kept in the safety copy.
    expect(restored.length).toBe(now.length - 1);
    expect(orderIds(result.safetyCopy?.path ?? '')).toEqual(now);
  });
});
