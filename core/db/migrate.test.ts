import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError } from '../errors';
import { defaultMigrationsFolder, readMigrations } from './migrate';
import { openDatabase, type Db } from './open';
import { parseRows } from './rows';

const shippedFolder = defaultMigrationsFolder();

interface JournalEntry {
  idx: number;
  version: string;
  when: number;
  tag: string;
  breakpoints: boolean;
}

const readJournal = (folder: string) =>
  JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** A copy of the shipped migrations that a test may change, as a newer build would. */
function migrationsCopy(): string {
  const folder = join(tempDir('fse-migrations-'), 'migrations');
  cpSync(shippedFolder, folder, { recursive: true });
  return folder;
}

const UPGRADE_TAG = '20991231000000_delivery_notes';

/** Adds a third migration and its journal entry, the way drizzle-kit would for an upgrade. */
function addMigration(folder: string, sql: string, tag = UPGRADE_TAG): void {
  writeFileSync(join(folder, `${tag}.sql`), sql);
  const journal = readJournal(folder);
  const last = journal.entries[journal.entries.length - 1];
  journal.entries.push({
    idx: journal.entries.length,
    version: last?.version ?? '6',
    when: (last?.when ?? 0) + 1000,
    tag,
    breakpoints: true,
  });
  writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify(journal, null, 2));
}

const appliedTags = (db: Db) =>
  parseRows(
    z.object({ tag: z.string() }),
    db.sqlite.prepare('SELECT tag FROM schema_migrations ORDER BY tag').all(),
  ).map((r) => r.tag);

const tableExists = (db: Db, name: string) =>
  db.sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !==
  undefined;

const fileHash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const backupsIn = (dir: string) =>
  readdirSync(dir).filter((f) => /^before-migration-.*\.sqlite$/.test(f));

function openError(file: string, folder: string): DomainError {
  try {
    openDatabase(file, { migrationsFolder: folder }).close();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the database to be refused, but it opened');
}

describe('openDatabase and the shipped migrations', () => {
  it('applies every journal entry on a fresh database and none on reopening', () => {
    const dir = tempDir('fse-db-');
    const file = join(dir, 'branch.sqlite');
    const journalTags = readJournal(shippedFolder)
      .entries.map((e) => e.tag)
      .sort();
    expect(journalTags.length).toBeGreaterThan(0);

    const db = openDatabase(file);
    expect(appliedTags(db)).toEqual(journalTags);
    // The migrations really ran: the ledger table and its triggers exist.
    expect(tableExists(db, 'stock_movements')).toBe(true);
    const triggers = parseRows(
      z.object({ name: z.string() }),
      db.sqlite
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`)
        .all(),
    );
    expect(triggers.map((t) => t.name)).toContain('stock_movements_no_update');
    const firstApplied = db.sqlite
      .prepare('SELECT tag, hash, applied_at AS appliedAt FROM schema_migrations ORDER BY tag')
      .all();
    db.close();

    const again = openDatabase(file);
    const secondApplied = again.sqlite
      .prepare('SELECT tag, hash, applied_at AS appliedAt FROM schema_migrations ORDER BY tag')
      .all();
    again.close();
    expect(secondApplied).toEqual(firstApplied);
    // Nothing was pending, so nothing was backed up.
    expect(backupsIn(dir)).toEqual([]);
  });

  it('records each migration with the sha256 of its file', () => {
    const db = openDatabase(join(tempDir('fse-db-'), 'branch.sqlite'));
    const rows = parseRows(
      z.object({ tag: z.string(), hash: z.string() }),
      db.sqlite.prepare('SELECT tag, hash FROM schema_migrations').all(),
    );
    db.close();
    for (const row of rows) {
      const text = readFileSync(join(shippedFolder, `${row.tag}.sql`));
      expect(row.hash).toBe(createHash('sha256').update(text).digest('hex'));
    }
    expect(rows.map((r) => r.tag).sort()).toEqual(readMigrations(shippedFolder).map((m) => m.tag));
  });

  it('sets WAL, foreign keys, synchronous FULL and a busy timeout', () => {
    const db = openDatabase(join(tempDir('fse-db-'), 'branch.sqlite'));
    try {
      expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
      // foreign_keys=ON is not only reported but enforced.
      expect(() =>
        db.sqlite
          .prepare(
            `INSERT INTO devices (id, branch_id, number, name) VALUES ('d', 'no-such-branch', 1, 'x')`,
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });

  it('refuses a database written by a newer version and leaves the file untouched', () => {
    const dir = tempDir('fse-db-');
    const file = join(dir, 'branch.sqlite');
    const newer = migrationsCopy();
    addMigration(newer, 'CREATE TABLE `delivery_notes` (`id` text PRIMARY KEY NOT NULL);');
    const written = openDatabase(file, { migrationsFolder: newer });
    written.sqlite
      .prepare(`INSERT INTO meta (key, value) VALUES ('written-by', 'newer app')`)
      .run();
    written.close();
    const before = fileHash(file);

    const error = openError(file, shippedFolder);
    expect(error.code).toBe('DATABASE_TOO_NEW');
    expect(error.message).toMatch(/install the latest version/i);
    expect(error.details['migration']).toBe(UPGRADE_TAG);

    expect(fileHash(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(backupsIn(dir)).toEqual([]);
    // And the newer app can still open what it wrote.
    const reopened = openDatabase(file, { migrationsFolder: newer });
    expect(appliedTags(reopened)).toContain(UPGRADE_TAG);
    reopened.close();
  });

  it('leaves a newer backup copy (not in WAL mode) untouched when refusing it', () => {
    const dir = tempDir('fse-db-');
    const newer = migrationsCopy();
    addMigration(newer, 'CREATE TABLE `delivery_notes` (`id` text PRIMARY KEY NOT NULL);');
    const written = openDatabase(join(dir, 'branch.sqlite'), { migrationsFolder: newer });
    const copy = join(dir, 'restored.sqlite');
    written.sqlite.prepare('VACUUM INTO ?').run(copy);
    written.close();
    // A VACUUM INTO copy uses a rollback journal, so switching it to WAL would rewrite it.
    expect(readFileSync(copy)[18]).toBe(1);
    const before = fileHash(copy);

    expect(openError(copy, shippedFolder).code).toBe('DATABASE_TOO_NEW');
    expect(fileHash(copy)).toBe(before);
  });

  it('refuses a database whose applied migration differs from the shipped one', () => {
    const file = join(tempDir('fse-db-'), 'branch.sqlite');
    openDatabase(file).close();
    const edited = migrationsCopy();
    const tag = readJournal(edited).entries[0]?.tag ?? '';
    const sqlFile = join(edited, `${tag}.sql`);
    writeFileSync(sqlFile, `${readFileSync(sqlFile, 'utf8')}\n-- edited after release\n`);
    const before = fileHash(file);

    const error = openError(file, edited);
    expect(error.code).toBe('DATABASE_MISMATCH');
    expect(error.details['migration']).toBe(tag);
    expect(fileHash(file)).toBe(before);
  });

  it('refuses a database whose recorded hash was changed', () => {
    const file = join(tempDir('fse-db-'), 'branch.sqlite');
    const db = openDatabase(file);
    const [first] = appliedTags(db);
    db.sqlite.prepare(`UPDATE schema_migrations SET hash = 'tampered' WHERE tag = ?`).run(first);
    db.close();
    const error = openError(file, shippedFolder);
    expect(error.code).toBe('DATABASE_MISMATCH');
    expect(error.details['migration']).toBe(first);
  });

  it('backs the database up before running a pending migration on it', () => {
    const dir = tempDir('fse-db-');
    const file = join(dir, 'branch.sqlite');
    const folder = migrationsCopy();
    const old = openDatabase(file, { migrationsFolder: folder });
    old.sqlite.prepare(`INSERT INTO meta (key, value) VALUES ('precious', 'data')`).run();
    old.close();
    expect(backupsIn(dir)).toEqual([]);

    addMigration(
      folder,
      [
        'CREATE TABLE `delivery_notes` (`id` text PRIMARY KEY NOT NULL, `text` text NOT NULL);',
        "INSERT INTO `meta` (`key`, `value`) VALUES ('notes', 'enabled');",
      ].join('\n--> statement-breakpoint\n'),
    );
    const at = Date.UTC(2027, 0, 2, 3, 4, 5, 678);
    const upgraded = openDatabase(file, { migrationsFolder: folder, now: () => at });
    expect(appliedTags(upgraded)).toContain(UPGRADE_TAG);
    expect(tableExists(upgraded, 'delivery_notes')).toBe(true);
    upgraded.close();

    const backups = backupsIn(dir);
    expect(backups).toHaveLength(1);
    expect(backups[0]).toContain(new Date(at).toISOString().slice(0, 10));
    // The copy is the database as it was before the migration touched it.
    const copy = openDatabase(join(dir, backups[0] ?? ''), { migrationsFolder: shippedFolder });
    try {
      expect(appliedTags(copy)).not.toContain(UPGRADE_TAG);
      expect(tableExists(copy, 'delivery_notes')).toBe(false);
      expect(copy.sqlite.prepare(`SELECT value FROM meta WHERE key = 'precious'`).get()).toEqual({
        value: 'data',
      });
      expect(copy.sqlite.prepare(`SELECT 1 FROM meta WHERE key = 'notes'`).get()).toBeUndefined();
    } finally {
      copy.close();
    }
  });

  it('writes the backup to backupDir when one is given', () => {
    const dir = tempDir('fse-db-');
    const backupDir = tempDir('fse-backups-');
    const file = join(dir, 'branch.sqlite');
    const folder = migrationsCopy();
    openDatabase(file, { migrationsFolder: folder }).close();
    addMigration(folder, 'CREATE TABLE `delivery_notes` (`id` text PRIMARY KEY NOT NULL);');
    openDatabase(file, { migrationsFolder: folder, backupDir }).close();
    expect(backupsIn(backupDir)).toHaveLength(1);
    expect(backupsIn(dir)).toEqual([]);
  });

  /** A database at the shipped version, and a copy of the migrations to add an update to. */
  const shippedDatabase = () => {
    const file = join(tempDir('fse-db-'), 'branch.sqlite');
    const folder = migrationsCopy();
    const db = openDatabase(file, { migrationsFolder: folder });
    const tagsBefore = appliedTags(db);
    db.close();
    return { file, folder, tagsBefore };
  };

  it('applies an update of several migrations all or not at all: one failing keeps none', () => {
    const { file, folder, tagsBefore } = shippedDatabase();

    addMigration(folder, 'CREATE TABLE `delivery_notes` (`id` text PRIMARY KEY NOT NULL);');
    addMigration(folder, 'CREATE TABLE `oops` (`id` text,,);', '20991231000001_oops');
    expect(() => openDatabase(file, { migrationsFolder: folder })).toThrow();
    const after = openDatabase(file, { migrationsFolder: shippedFolder });
    try {
      expect(appliedTags(after)).toEqual(tagsBefore);
      expect(tableExists(after, 'delivery_notes')).toBe(false);
    } finally {
      after.close();
    }
  });

  it('rolls a migration that fails half-way back completely, and runs it again once fixed', () => {
    const { file, folder, tagsBefore } = shippedDatabase();

    const good = 'CREATE TABLE `delivery_notes` (`id` text PRIMARY KEY NOT NULL);';
    const insert = "INSERT INTO `meta` (`key`, `value`) VALUES ('notes', 'enabled');";
    const broken = 'CREATE TABLE `oops` (`id` text PRIMARY KEY NOT NULL,,);';
    addMigration(folder, [good, insert, broken].join('\n--> statement-breakpoint\n'));

    expect(() => openDatabase(file, { migrationsFolder: folder })).toThrow();
    const after = openDatabase(file, { migrationsFolder: shippedFolder });
    try {
      expect(appliedTags(after)).toEqual(tagsBefore);
      expect(tableExists(after, 'delivery_notes')).toBe(false);
      expect(after.sqlite.prepare(`SELECT 1 FROM meta WHERE key = 'notes'`).get()).toBeUndefined();
    } finally {
      after.close();
    }

    writeFileSync(
      join(folder, `${UPGRADE_TAG}.sql`),
      [good, insert].join('\n--> statement-breakpoint\n'),
    );
    const fixed = openDatabase(file, { migrationsFolder: folder });
    try {
      expect(appliedTags(fixed)).toEqual([...tagsBefore, UPGRADE_TAG].sort());
      expect(tableExists(fixed, 'delivery_notes')).toBe(true);
      expect(fixed.sqlite.prepare(`SELECT value FROM meta WHERE key = 'notes'`).get()).toEqual({
        value: 'enabled',
      });
    } finally {
      fixed.close();
    }
  });
});
