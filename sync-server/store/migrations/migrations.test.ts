// The server stores' numbered migrations on both dialects: a fresh store gets every step, a store
// made by the code before them (its DDL kept in ../testing/legacy-schemas.ts) moves onto them with
// its data, a store written by a newer server is refused, and PostgreSQL processes starting
// together apply each step once.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError } from '../../../core/errors';
import { openPostgresTelegramStore } from '../../telegram/store/postgres';
import { openSqliteTelegramStore } from '../../telegram/store/sqlite';
import { PostgresEventStore } from '../postgres';
import { SqliteEventStore } from '../sqlite';
import {
  legacyPostgresEventSchema,
  legacyPostgresTelegramSchema,
  legacyJournal,
  legacyJournalSteps,
  legacyPostgresUpdateFeedSchema,
  legacySqliteColumnPatch,
  legacySqliteEventSchema,
  legacySqliteTelegramSchema,
  legacySqliteUpdateFeedSchema,
} from '../testing/legacy-schemas';
import { startTestPostgres, type TestPostgres } from '../testing/postgres';
import type { EventStore } from '../types';
import { eventStoreMigrations } from './events';
import { migratePostgres, stepHash, type StoreMigration } from './runner';
import { telegramStoreMigrations } from './telegram';

let server: TestPostgres | undefined;
let databases = 0;
const dirs: string[] = [];
beforeAll(async () => {
  server = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Row = Record<string, unknown>;
const rowsOf = (rows: unknown[]): Row[] => z.array(z.record(z.string(), z.unknown())).parse(rows);
type Store = 'events' | 'telegram';

/** One dialect: a place for a store, raw SQL on it ($n placeholders), and the stores opened on it. */
interface Place {
  /** On SQLite each store has its own file: `on` says which. */
  raw(sql: string, params?: unknown[], on?: Store): Promise<Row[]>;
  openEvents(): Promise<EventStore>;
  openTelegram(): ReturnType<typeof openSqliteTelegramStore>;
  /** Tables, columns and indexes, in a form both a migrated and a legacy store can be compared by. */
  shape(): Promise<Row[]>;
  /** A fingerprint of the files, for SQLite (a refused store must be left as it was). */
  files(): string;
  /** SQLite: the copies taken before migrating, beside the store files. */
  copies(): string[];
}

interface Dialect {
  name: 'sqlite' | 'postgres';
  place(): Promise<Place>;
  legacyEvents: string[];
  legacyTelegram: string;
}

const hash = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const dialects: Dialect[] = [
  {
    name: 'sqlite',
    legacyEvents: [legacySqliteEventSchema, legacySqliteColumnPatch, legacySqliteUpdateFeedSchema],
    legacyTelegram: legacySqliteTelegramSchema,
    async place() {
      const dir = mkdtempSync(join(tmpdir(), 'fse-migrations-'));
      dirs.push(dir);
      const events = join(dir, 'sync-log.sqlite');
      const telegram = join(dir, 'telegram.sqlite');
      const raw = async (sql: string, params: unknown[] = [], on: Store = 'events') => {
        const db = new Database(on === 'telegram' ? telegram : events);
        try {
          const text = sql.replace(/\$\d+/g, '?');
          if (params.length === 0 && !/^\s*SELECT/i.test(text)) {
            db.exec(text);
            return [];
          }
          const stmt = db.prepare(text);
          if (stmt.reader) return rowsOf(stmt.all(...params));
          stmt.run(...params);
          return [];
        } finally {
          db.close();
        }
      };
      const shapeOf = (file: string) => {
        const db = new Database(file, { readonly: true });
        try {
          return rowsOf(
            db
              .prepare(
                `SELECT m.type, m.name AS tbl, p.cid, p.name, p.type AS coltype, p."notnull", p.dflt_value, p.pk
               FROM sqlite_master m, pragma_table_info(m.name) p
               WHERE m.type = 'table' AND m.name NOT IN ('store_migrations', 'sqlite_sequence')
               UNION ALL
               SELECT 'index', m.tbl_name, NULL, m.name, NULL, NULL, NULL, NULL
               FROM sqlite_master m WHERE m.type = 'index' AND m.tbl_name <> 'store_migrations'
               ORDER BY 1, 2, 3, 4`,
              )
              .all(),
          );
        } finally {
          db.close();
        }
      };
      return {
        raw,
        openEvents: async () => new SqliteEventStore(dir),
        openTelegram: () => openSqliteTelegramStore(telegram),
        shape: async () => [...shapeOf(events), ...shapeOf(telegram)],
        files: () => `${hash(events)} ${hash(telegram)}`,
        copies: () =>
          readdirSync(dir)
            .filter((f) => f.includes('-before-migration-'))
            .map((f) => join(dir, f)),
      };
    },
  },
  {
    name: 'postgres',
    legacyEvents: [legacyPostgresEventSchema, legacyPostgresUpdateFeedSchema],
    legacyTelegram: legacyPostgresTelegramSchema,
    async place() {
      const url = await server!.createDatabase(`migrations_${++databases}`);
      const raw = async (sql: string, params: unknown[] = []) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const result: unknown = await client.query(sql, params);
          // A text of several statements answers a result for each: none is read.
          if (Array.isArray(result)) return [];
          return rowsOf(z.object({ rows: z.array(z.unknown()) }).parse(result).rows);
        } finally {
          await client.end();
        }
      };
      return {
        raw,
        openEvents: () => PostgresEventStore.connect(url, { poolSize: 2 }),
        openTelegram: () => openPostgresTelegramStore(url),
        shape: () =>
          raw(
            `SELECT 'column' AS kind, table_name AS tbl, ordinal_position AS n, column_name AS name,
                    data_type AS type, is_nullable, column_default, is_identity
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name <> 'store_migrations'
             UNION ALL
             SELECT 'index', tablename, NULL, indexname, indexdef, NULL, NULL, NULL
             FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> 'store_migrations'
             ORDER BY 1, 2, 3, 4`,
          ),
        files: () => '',
        copies: () => [],
      };
    },
  },
];

const recorded = async (place: Place, store: Store) =>
  (
    await place.raw(
      `SELECT version, name, applied_at, hash FROM store_migrations WHERE store = $1 ORDER BY version`,
      [store],
      store,
    )
  ).map((r) => ({
    version: Number(r['version']),
    name: r['name'],
    at: Number(r['applied_at']),
    hash: r['hash'],
  }));

const hashes = (steps: StoreMigration[], dialect: Dialect) =>
  steps.map((m) => stepHash(m, dialect.name));

/** A place whose stores were opened by this build, for the schema every path must reach. */
async function migratedFresh(dialect: Dialect): Promise<Place> {
  const fresh = await dialect.place();
  await (await fresh.openEvents()).close();
  await (await fresh.openTelegram()).close();
  return fresh;
}

const versions = (steps: { version: number }[]) => steps.map((s) => s.version);

/** What today's code (before the numbered migrations) made on open, as that code ran it. */
async function makeLegacy(dialect: Dialect, place: Place): Promise<void> {
  for (const sql of dialect.legacyEvents) await place.raw(sql);
  await place.raw(dialect.legacyTelegram, [], 'telegram');
}

/** Rows a store made by today's code holds, written as that code wrote them. */
async function writeLegacyData(place: Place): Promise<void> {
  await place.raw(
    `INSERT INTO events (id, type, schema_version, branch_id, device_id, user_id, hlc, created_at,
                         aggregate_id, payload, received_hlc, scope_all)
     VALUES ('e1', 'stock.adjusted', 1, 'b1', 'd1', 'u1', 'h1', 5, 'a1', '{"q":1}', 'r1', TRUE)`,
  );
  await place.raw(
    `INSERT INTO log_epochs (n, id, since, began_at) VALUES (1, 'epoch-before', 0, 1)`,
  );
  await place.raw(
    `INSERT INTO devices (id, branch_id, number, name, token_hash, enrolled_at, last_backup_at)
     VALUES ('d1', 'b1', 1, 'Till 1', 'tok', 10, 42)`,
  );
  await place.raw(`INSERT INTO login_states (user_id, failed_attempts) VALUES ('u1', 2)`);
  await place.raw(`INSERT INTO update_feed (id, revision, settings) VALUES (1, 7, '{}')`);
  await place.raw(
    `INSERT INTO telegram_settings (key, value) VALUES ('bot', 'kept')`,
    [],
    'telegram',
  );
}

async function expectLegacyDataKept(events: EventStore): Promise<void> {
  const page = await events.pull(null, 0, 10);
  expect(page.events.map((e) => [e.id, e.payloadJson])).toEqual([['e1', '{"q":1}']]);
  expect((await events.epoch()).id).toBe('epoch-before');
  const device = await events.device('d1');
  expect(device).toMatchObject({ name: 'Till 1', lastBackupAt: 42, updateRefused: null });
  expect(await events.loginStates()).toEqual([
    { userId: 'u1', origin: '', failedAttempts: 2, lockedUntil: null },
  ]);
  expect(await events.updateFeedRevision()).toBe(7);
}

async function refusal(open: () => Promise<{ close(): Promise<void> }>): Promise<DomainError> {
  try {
    await (await open()).close();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the store to be refused, but it opened');
}

describe.each(dialects)('$name server store migrations', (dialect) => {
  it('gives a fresh store every step, and the schema the code before them made', async () => {
    const fresh = await dialect.place();
    const events = await fresh.openEvents();
    const telegram = await fresh.openTelegram();
    await events.close();
    await telegram.close();
    const steps = await recorded(fresh, 'events');
    expect(versions(steps)).toEqual(versions(eventStoreMigrations));
    expect(steps.map((s) => s.name)).toEqual(eventStoreMigrations.map((m) => m.name));
    expect(steps.every((s) => s.at > 0)).toBe(true);
    expect(steps.map((s) => s.hash)).toEqual(hashes(eventStoreMigrations, dialect));
    expect((await recorded(fresh, 'telegram')).map((s) => s.hash)).toEqual(
      hashes(telegramStoreMigrations, dialect),
    );
    // Nothing was there to copy.
    expect(fresh.copies()).toEqual([]);

    // A store the code before them made, once migrated, has the same schema.
    const legacy = await dialect.place();
    await makeLegacy(dialect, legacy);
    await (await legacy.openEvents()).close();
    await (await legacy.openTelegram()).close();
    expect(await fresh.shape()).toEqual(await legacy.shape());

    // Opening again applies nothing, records nothing new and copies nothing.
    await (await fresh.openEvents()).close();
    await (await fresh.openTelegram()).close();
    expect(await recorded(fresh, 'events')).toEqual(steps);
    expect(fresh.copies()).toEqual([]);
  });

  it("moves a store made by today's code onto the migrations, keeping its data", async () => {
    const place = await dialect.place();
    await makeLegacy(dialect, place);
    await writeLegacyData(place);
    const files = place.files();

    const events = await place.openEvents();
    try {
      await expectLegacyDataKept(events);
      // And the store works on: a new device gets the next number.
      const added = await events.createDevice({
        id: 'd2',
        branchId: 'b1',
        name: 'Till 2',
        tokenHash: 'tok2',
        enrolledAt: 11,
      });
      expect(added.number).toBe(2);
    } finally {
      await events.close();
    }
    const telegram = await place.openTelegram();
    expect(await telegram.setting('bot')).toBe('kept');
    await telegram.close();

    expect(versions(await recorded(place, 'events'))).toEqual(versions(eventStoreMigrations));
    expect(versions(await recorded(place, 'telegram'))).toEqual(versions(telegramStoreMigrations));
    expect((await recorded(place, 'events')).map((s) => s.hash)).toEqual(
      hashes(eventStoreMigrations, dialect),
    );
    // The steps it had were recorded, not run; the later ones ran: a fresh store's schema.
    expect(await place.shape()).toEqual(await (await migratedFresh(dialect)).shape());
    if (dialect.name === 'sqlite') {
      // Each file was copied, as it was, before it was migrated.
      const copies = place.copies();
      expect(copies.map((f) => f.replace(/.*[/\\]/, '').replace(/-before-.*/, '')).sort()).toEqual([
        'sync-log',
        'telegram',
      ]);
      const copy = new Database(
        copies.find((f) => f.includes('sync-log'))!,
        { readonly: true },
      );
      try {
        expect(copy.prepare('SELECT id FROM events').all()).toEqual([{ id: 'e1' }]);
        expect(
          copy.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'store_migrations'`).get(),
        ).toBeUndefined();
      } finally {
        copy.close();
      }
      expect(files).not.toBe(place.files());
    }
  });

  it('moves a store the numbered migrations made before hashes onto them', async () => {
    const place = await dialect.place();
    await makeLegacy(dialect, place);
    await writeLegacyData(place);
    for (const on of ['events', 'telegram'] as const) {
      await place.raw(legacyJournal, [], on);
      for (const step of legacyJournalSteps.filter((s) => s.store === on))
        await place.raw(
          'INSERT INTO store_migrations (store, version, name, applied_at) VALUES ($1, $2, $3, 1)',
          [step.store, step.version, step.name],
          on,
        );
    }
    const events = await place.openEvents();
    try {
      await expectLegacyDataKept(events);
    } finally {
      await events.close();
    }
    await (await place.openTelegram()).close();
    const steps = await recorded(place, 'events');
    expect(versions(steps)).toEqual(versions(eventStoreMigrations));
    // Steps recorded before keep their time and are given the hash of the SQL shipped.
    expect(steps[0]?.at).toBe(1);
    expect(steps.map((s) => s.hash)).toEqual(hashes(eventStoreMigrations, dialect));
    expect((await recorded(place, 'telegram')).map((s) => s.hash)).toEqual(
      hashes(telegramStoreMigrations, dialect),
    );
    expect(await place.shape()).toEqual(await (await migratedFresh(dialect)).shape());
  });

  it('refuses a store whose recorded step differs from the one shipped, naming it', async () => {
    const place = await migratedFresh(dialect);
    await place.raw(
      `UPDATE store_migrations SET hash = 'edited' WHERE store = 'events' AND version = 2`,
    );
    const files = place.files();
    const copies = place.copies();
    const error = await refusal(() => place.openEvents());
    expect(error.code).toBe('DATABASE_MISMATCH');
    expect(error.message).toMatch(/events store has migration 2 \("devices.last_backup_at"\)/);
    expect(error.message).toMatch(/Restore the store from a backup/);
    expect(error.details).toMatchObject({ store: 'events', migration: 2 });
    expect(place.files()).toBe(files);
    expect(place.copies()).toEqual(copies);
  });

  it('adds the columns an older store lacks, as later steps', async () => {
    const place = await dialect.place();
    await makeLegacy(dialect, place);
    await writeLegacyData(place);
    // A store from before the health columns: free disk and refused updates came later.
    await place.raw('ALTER TABLE devices DROP COLUMN update_refused');
    await place.raw('ALTER TABLE devices DROP COLUMN free_disk_bytes');
    const events = await place.openEvents();
    try {
      await expectLegacyDataKept(events);
      await events.touchDevice('d1', { at: 20, freeDiskBytes: 5 });
      expect(await events.device('d1')).toMatchObject({ lastSeenAt: 20, freeDiskBytes: 5 });
    } finally {
      await events.close();
    }
    await (await place.openTelegram()).close();
    expect(versions(await recorded(place, 'events'))).toEqual(versions(eventStoreMigrations));
    const fresh = await migratedFresh(dialect);
    // PostgreSQL keeps a dropped column's position: compare all but positions.
    const unplaced = (rows: Row[]) => rows.map(({ n: _n, cid: _cid, ...rest }) => rest);
    expect(unplaced(await place.shape())).toEqual(unplaced(await fresh.shape()));
  });

  it('refuses a store written by a newer server, saying to update the server', async () => {
    const place = await dialect.place();
    await (await place.openEvents()).close();
    await (await place.openTelegram()).close();
    const newer = eventStoreMigrations.length + 1;
    await place.raw(
      `INSERT INTO store_migrations (store, version, name, applied_at) VALUES ('events', $1, 'from the future', 1)`,
      [newer],
    );
    const files = place.files();

    const error = await refusal(() => place.openEvents());
    expect(error.code).toBe('DATABASE_TOO_NEW');
    expect(error.message).toMatch(/written by a newer version.*Update the server/);
    expect(error.details).toMatchObject({ store: 'events', migration: newer });
    expect(place.files()).toBe(files);
    expect(versions(await recorded(place, 'events'))).toEqual([
      ...versions(eventStoreMigrations),
      newer,
    ]);
    // Each store is judged by its own steps.
    await (await place.openTelegram()).close();
  });

  it("refuses Telegram's store written by a newer server", async () => {
    const place = await dialect.place();
    await (await place.openTelegram()).close();
    await place.raw(
      `INSERT INTO store_migrations (store, version, name, applied_at) VALUES ('telegram', 99, 'x', 1)`,
      [],
      'telegram',
    );
    const error = await refusal(() => place.openTelegram());
    expect(error.code).toBe('DATABASE_TOO_NEW');
    expect(error.message).toMatch(/telegram store .*Update the server/);
  });
});

describe('postgres server store migrations with several processes', () => {
  const startTogether = async (url: string) => {
    const opened = await Promise.all([
      ...Array.from({ length: 4 }, () => PostgresEventStore.connect(url, { poolSize: 2 })),
      ...Array.from({ length: 2 }, () => openPostgresTelegramStore(url)),
    ]);
    await Promise.all(opened.map((s) => s.close()));
  };
  const count = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (
        await client.query<{ store: string; version: number; n: string }>(
          `SELECT store, version, count(*) AS n FROM store_migrations GROUP BY store, version ORDER BY store, version`,
        )
      ).rows.map((r) => [r.store, r.version, Number(r.n)]);
    } finally {
      await client.end();
    }
  };
  const expected = [
    ...eventStoreMigrations.map((m) => ['events', m.version, 1]),
    ...telegramStoreMigrations.map((m) => ['telegram', m.version, 1]),
  ];

  it('applies each step once when processes open a fresh database together', async () => {
    const url = await server!.createDatabase(`migrations_${++databases}`);
    await startTogether(url);
    expect(await count(url)).toEqual(expected);
  });

  it('applies the pending steps in one transaction: a failing step leaves none recorded', async () => {
    const url = await server!.createDatabase(`migrations_${++databases}`);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const broken: StoreMigration = { version: 99, name: 'broken', sql: 'SELECT * FROM nowhere' };
      await expect(
        migratePostgres(pool, 'events', [...eventStoreMigrations, broken]),
      ).rejects.toThrow(/nowhere/);
      const { rows } = await pool.query(
        `SELECT to_regclass('store_migrations') AS journal, to_regclass('events') AS events`,
      );
      expect(rows).toEqual([{ journal: null, events: null }]);
    } finally {
      await pool.end();
    }
  });

  it("moves a store made by today's code once when processes open it together", async () => {
    const url = await server!.createDatabase(`migrations_${++databases}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(legacyPostgresEventSchema);
    await client.query(legacyPostgresUpdateFeedSchema);
    await client.query(legacyPostgresTelegramSchema);
    await client.query('ALTER TABLE devices DROP COLUMN update_refused');
    await client.end();
    await startTogether(url);
    expect(await count(url)).toEqual(expected);
  });
});
