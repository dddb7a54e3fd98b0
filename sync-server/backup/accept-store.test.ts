// Head office restores its event store only from a file whose schema, once this server's
// migrations have run on it, is exactly a new store's: another application's file, Telegram's
// store, or a real backup with an object added or dropped is refused and the store in place is
// left byte for byte as it was. Backups from older servers (made before the numbered
// migrations, or before their journal kept hashes) still restore.
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sha256File } from '../../core/backup/files';
import { parseRow } from '../../core/db/rows';
import { refusal } from '../../core/testing/damage';
import { SqliteEventStore } from '../store/sqlite';
import {
  legacyJournal,
  legacyJournalSteps,
  legacySqliteColumnPatch,
  legacySqliteEventSchema,
  legacySqliteUpdateFeedSchema,
} from '../store/testing/legacy-schemas';
import { openSqliteTelegramStore } from '../telegram/store/sqlite';
import { startWorld } from '../testing/world';
import { acceptStoreBackup } from './accept-store';
import { restoreServer, storeFile } from './restore';

let dataDir = '';
let backup = '';
let eventsInBackup = 0;
const made: string[] = [];

const countRow = z.object({ n: z.number() });
const eventCount = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return parseRow(countRow, db.prepare('SELECT count(*) AS n FROM events').get())?.n ?? -1;
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'fse-accept-store-'));
  made.push(dataDir);
  const w = await startWorld({ dataDir });
  try {
    const shop = await w.enroll('SH01');
    try {
      const place = () =>
        shop.as('shop1')('orders.place', {
          lines: [{ variantId: w.variants[0] ?? '', quantity: 1 }],
        });
      await place();
      await shop.engine.sync();
      const taken = await w.admin('backups.create', {});
      backup = join(dataDir, 'backups', taken.find((b) => b.label === 'store')?.file ?? '');
      // Events after the backup: a restore that went through would lose them.
      await place();
      await shop.engine.sync();
    } finally {
      shop.close();
    }
  } finally {
    await w.close();
  }
  eventsInBackup = eventCount(backup);
}, 120_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A file named as a store backup, in a folder of its own, made by `make`; no manifest. */
const storeBackupMadeBy = (make: (file: string) => void | Promise<void>) => async () => {
  const folder = mkdtempSync(join(tmpdir(), 'fse-store-file-'));
  made.push(folder);
  const file = join(folder, 'store-20261201T020000000Z.sqlite');
  await make(file);
  return file;
};
const sqliteFile = (...sql: string[]) =>
  storeBackupMadeBy((file) => {
    const db = new Database(file);
    for (const text of sql) db.exec(text);
    db.pragma('journal_mode = DELETE');
    db.close();
  });
const backupThen = (sql: string) =>
  storeBackupMadeBy((file) => {
    copyFileSync(backup, file);
    const db = new Database(file);
    db.exec(sql);
    db.close();
  });

const restore = (file: string) =>
  restoreServer({ dataDir, file, withoutManifest: true, log: () => undefined });

const WHAT_TO_DO =
  "Nothing was restored; choose a store backup the server made (backups/ in the server's data folder).";

describe("head office's store restore refuses a file that is not its store's backup", () => {
  it.each([
    {
      what: "another application's file",
      make: sqliteFile("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('shopping list');"),
      says: "it lacks the event store's tables.",
    },
    {
      what: 'another application with its own store_migrations(version)',
      make: sqliteFile('CREATE TABLE store_migrations (version INTEGER); CREATE TABLE events (x);'),
      says: "it is another application's database (its store_migrations table has the columns version, not this server's).",
    },
    {
      what: "Telegram's store",
      make: storeBackupMadeBy(async (file) => {
        await (await openSqliteTelegramStore(file)).close();
        const db = new Database(file);
        db.pragma('journal_mode = DELETE');
        db.close();
      }),
      says: "its journal records none of the event store's migrations.",
    },
    {
      what: 'a real backup whose journal lost the first step (opening it would make the log anew)',
      make: backupThen("DELETE FROM store_migrations WHERE store = 'events' AND version = 1"),
      says: "its journal lacks the event store's first migration.",
    },
    {
      what: 'a trigger added to a real backup',
      make: backupThen(
        'CREATE TRIGGER zz_wipe AFTER INSERT ON events BEGIN DELETE FROM devices; END',
      ),
      says: 'it has a trigger "zz_wipe" that the server never makes.',
    },
    {
      what: 'an index of the store dropped from a real backup',
      make: backupThen('DROP INDEX events_authority_changes'),
      says: 'it lacks the index "events_authority_changes" that the server makes.',
    },
  ])('$what', async ({ make, says }) => {
    const file = await make();
    const store = storeFile(dataDir);
    const before = await sha256File(store);
    const events = eventCount(store);
    const backups = readdirSync(join(dataDir, 'backups'));
    const e = await refusal(restore(file));
    expect([e.code, e.message]).toEqual([
      'FILE_REJECTED',
      `store-20261201T020000000Z.sqlite is not a backup of head office's event store: ${says} ${WHAT_TO_DO}`,
    ]);
    // The store in place is untouched, and no copy of it was taken.
    expect(await sha256File(store)).toBe(before);
    expect(eventCount(store)).toBe(events);
    expect(readdirSync(join(dataDir, 'backups'))).toEqual(backups);
  });
});

describe("head office's store restore takes a store backup a server made", () => {
  const legacy = [legacySqliteEventSchema, legacySqliteColumnPatch, legacySqliteUpdateFeedSchema];
  const journalRows = legacyJournalSteps
    .filter((s) => s.store === 'events')
    .map((s) => `INSERT INTO store_migrations VALUES ('events', ${s.version}, '${s.name}', 1);`);

  it.each([
    { what: 'before the numbered migrations', make: sqliteFile(...legacy) },
    {
      what: 'before the journal kept hashes',
      make: sqliteFile(...legacy, legacyJournal, ...journalRows),
    },
  ])('by an older server: $what', async ({ make }) => {
    const file = await make();
    expect(() => acceptStoreBackup(file)).not.toThrow();
    // The same file with one more object is refused: the check looked at it.
    const added = await storeBackupMadeBy((path) => {
      copyFileSync(file, path);
      const db = new Database(path);
      db.exec('CREATE VIEW zz_view AS SELECT 1');
      db.close();
    })();
    expect(() => acceptStoreBackup(added)).toThrow(/it has a view "zz_view"/);
  });

  it('by this server: restored in place of the store, which then opens', async () => {
    const store = storeFile(dataDir);
    expect(eventCount(store)).toBeGreaterThan(eventsInBackup);
    expect(await restoreServer({ dataDir, file: backup, log: () => undefined })).toEqual([backup]);
    expect(eventCount(store)).toBe(eventsInBackup);
    const opened = new SqliteEventStore(join(dataDir, 'store'));
    await opened.close();
    expect(readdirSync(join(dataDir, 'backups')).some((f) => f.startsWith('before-restore'))).toBe(
      true,
    );
  });

  it('made before the numbered migrations, restored and opened by this server', async () => {
    const file = await sqliteFile(...legacy)();
    mkdirSync(join(dataDir, 'store'), { recursive: true });
    await expect(restore(file)).resolves.toEqual([file]);
    const opened = new SqliteEventStore(join(dataDir, 'store'));
    try {
      expect((await opened.epoch()).id).toEqual(expect.any(String));
    } finally {
      await opened.close();
    }
  });
});
