// The event store's migrations (the log, devices, sign-ins and the update feed's tables), both
// dialects side by side. Append a step to change the schema; never edit a released one (its
// hash is recorded: a store whose recorded step differs from the shipped one is refused).
//
// Step 1 is the schema the store had when the numbered migrations began, with each CREATE kept
// "IF NOT EXISTS": a store made before them (even by an older build that lacked some tables) is
// recognised by its tables and the step is recorded without running; one missing a table gets
// it. Steps 2-4 are the column patches that build applied on open, so a store lacking them gets
// them, and a fresh store gets the same columns in the same order as that build made. Step 5
// and later are plain steps: every store runs them.
import type { StoreMigration } from './runner';

const logTables = [
  'refusals',
  'events',
  'event_scope',
  'aggregates',
  'branches',
  'devices',
  'log_epochs',
  'enrollments',
  'login_states',
  'console_sessions',
];
const updateFeedTables = [
  'update_feed',
  'update_blobs',
  'update_chunks',
  'update_files',
  'update_manifests',
];

const sqliteSchema = `
CREATE TABLE IF NOT EXISTS refusals (
  event_id TEXT PRIMARY KEY, type TEXT NOT NULL, device_id TEXT NOT NULL, branch_id TEXT NOT NULL,
  user_id TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL, at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  branch_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  hlc TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  aggregate_id TEXT,
  payload TEXT NOT NULL,
  received_hlc TEXT NOT NULL,
  scope_all INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_for_all ON events (seq) WHERE scope_all = 1;
CREATE TABLE IF NOT EXISTS event_scope (branch_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (branch_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aggregates (aggregate_id TEXT PRIMARY KEY, branches TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS branches (id TEXT PRIMARY KEY, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY, branch_id TEXT NOT NULL, number INTEGER NOT NULL, name TEXT NOT NULL,
  token_hash TEXT UNIQUE, enrolled_at INTEGER NOT NULL, revoked_at INTEGER, last_seen_at INTEGER,
  app_version TEXT, pending INTEGER NOT NULL DEFAULT 0, cursor INTEGER NOT NULL DEFAULT 0,
  UNIQUE (branch_id, number)
);
CREATE TABLE IF NOT EXISTS log_epochs (
  n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, since INTEGER NOT NULL, began_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS enrollments (
  code_hash TEXT PRIMARY KEY, branch_id TEXT NOT NULL, issued_by TEXT NOT NULL,
  expires_at INTEGER NOT NULL, used_at INTEGER
);
CREATE TABLE IF NOT EXISTS login_states (
  user_id TEXT PRIMARY KEY, failed_attempts INTEGER NOT NULL, locked_until INTEGER
);
CREATE TABLE IF NOT EXISTS console_sessions (
  token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, credential TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS update_feed (
  id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL, settings TEXT
);
CREATE TABLE IF NOT EXISTS update_blobs (
  sha512 TEXT PRIMARY KEY, bytes INTEGER NOT NULL, chunks INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS update_chunks (
  sha512 TEXT NOT NULL, n INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (sha512, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS update_files (
  name TEXT PRIMARY KEY, sha512 TEXT NOT NULL, bytes INTEGER NOT NULL, at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS update_manifests (
  channel TEXT NOT NULL, version TEXT NOT NULL, text TEXT NOT NULL, signature TEXT NOT NULL,
  at INTEGER NOT NULL, PRIMARY KEY (channel, version)
);
`;

const postgresSchema = `
CREATE TABLE IF NOT EXISTS refusals (
  event_id text PRIMARY KEY, type text NOT NULL, device_id text NOT NULL, branch_id text NOT NULL,
  user_id text NOT NULL, code text NOT NULL, message text NOT NULL, at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  type text NOT NULL,
  schema_version integer NOT NULL,
  branch_id text NOT NULL,
  device_id text NOT NULL,
  user_id text NOT NULL,
  hlc text NOT NULL,
  created_at bigint NOT NULL,
  aggregate_id text,
  payload text NOT NULL,
  received_hlc text NOT NULL,
  scope_all boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS events_for_all ON events (seq) WHERE scope_all;
CREATE TABLE IF NOT EXISTS event_scope (
  branch_id text NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (branch_id, seq)
);
CREATE TABLE IF NOT EXISTS aggregates (aggregate_id text PRIMARY KEY, branches jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS branches (id text PRIMARY KEY, kind text NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id text PRIMARY KEY,
  branch_id text NOT NULL,
  number integer NOT NULL,
  name text NOT NULL,
  token_hash text UNIQUE,
  enrolled_at bigint NOT NULL,
  revoked_at bigint,
  last_seen_at bigint,
  app_version text,
  pending bigint NOT NULL DEFAULT 0,
  cursor bigint NOT NULL DEFAULT 0,
  UNIQUE (branch_id, number)
);
CREATE TABLE IF NOT EXISTS log_epochs (
  n integer PRIMARY KEY,
  id text NOT NULL UNIQUE,
  since bigint NOT NULL,
  began_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS enrollments (
  code_hash text PRIMARY KEY,
  branch_id text NOT NULL,
  issued_by text NOT NULL,
  expires_at bigint NOT NULL,
  used_at bigint
);
CREATE TABLE IF NOT EXISTS files (hash text PRIMARY KEY, bytes bytea NOT NULL, size bigint NOT NULL);
CREATE TABLE IF NOT EXISTS login_states (
  user_id text PRIMARY KEY,
  failed_attempts integer NOT NULL,
  locked_until bigint
);
CREATE TABLE IF NOT EXISTS console_sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  credential text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS update_feed (
  id integer PRIMARY KEY CHECK (id = 1), revision bigint NOT NULL, settings text
);
CREATE TABLE IF NOT EXISTS update_blobs (
  sha512 text PRIMARY KEY, bytes bigint NOT NULL, chunks integer NOT NULL
);
CREATE TABLE IF NOT EXISTS update_chunks (
  sha512 text NOT NULL, n integer NOT NULL, bytes bytea NOT NULL, PRIMARY KEY (sha512, n)
);
CREATE TABLE IF NOT EXISTS update_files (
  name text PRIMARY KEY, sha512 text NOT NULL, bytes bigint NOT NULL, at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS update_manifests (
  channel text NOT NULL, version text NOT NULL, text text NOT NULL, signature text NOT NULL,
  at bigint NOT NULL, PRIMARY KEY (channel, version)
);
`;

/** A column of devices added after the first release, as that build patched it in. */
const deviceColumn = (
  version: number,
  column: string,
  sqliteType: string,
  postgresType: string,
): StoreMigration => ({
  version,
  name: `devices.${column}`,
  sql: {
    sqlite: `ALTER TABLE devices ADD COLUMN ${column} ${sqliteType}`,
    postgres: `ALTER TABLE devices ADD COLUMN ${column} ${postgresType}`,
  },
  madeBefore: { columns: [['devices', column]] },
});

export const eventStoreMigrations: StoreMigration[] = [
  {
    version: 1,
    name: 'log, devices, sign-ins and update feed',
    sql: { sqlite: sqliteSchema, postgres: postgresSchema },
    // The PostgreSQL store also keeps files; a SQLite store keeps them in a folder.
    madeBefore: {
      sqlite: { tables: [...logTables, ...updateFeedTables] },
      postgres: { tables: [...logTables, 'files', ...updateFeedTables] },
    },
  },
  deviceColumn(2, 'last_backup_at', 'INTEGER', 'bigint'),
  deviceColumn(3, 'free_disk_bytes', 'INTEGER', 'bigint'),
  deviceColumn(4, 'update_refused', 'TEXT', 'text'),
  {
    version: 5,
    name: 'console_sessions.last_used_at',
    // A sign-in made before it was last used when it was made, as far as the store knows.
    sql: {
      sqlite: `ALTER TABLE console_sessions ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
UPDATE console_sessions SET last_used_at = created_at;`,
      postgres: `ALTER TABLE console_sessions ADD COLUMN last_used_at bigint NOT NULL DEFAULT 0;
UPDATE console_sessions SET last_used_at = created_at;`,
    },
  },
  {
    version: 6,
    name: 'leases',
    // Work done once across server processes (../leases.ts, docs/decisions/0019). Times are the
    // database's clock in ms; a row is never deleted, so its token only ever grows.
    sql: {
      sqlite: `CREATE TABLE leases (
  name TEXT PRIMARY KEY, holder TEXT NOT NULL, token INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL, renewed_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  done_slot INTEGER, done_at INTEGER, done_by TEXT
);`,
      postgres: `CREATE TABLE leases (
  name text PRIMARY KEY, holder text NOT NULL, token bigint NOT NULL,
  acquired_at bigint NOT NULL, renewed_at bigint NOT NULL, expires_at bigint NOT NULL,
  done_slot bigint, done_at bigint, done_by text
);`,
    },
  },
  {
    version: 7,
    name: 'events_user_changes',
    // Head office reads the users' and the company's changes since the last it saw before judging
    // each push (../../authority.ts). Through events_for_all that read walked every company-wide
    // event since the last user change (every customer, say), on every push: a burst of pushes
    // took quadratic time. The query repeats this WHERE term word for word, as SQLite requires
    // of a partial index.
    sql: `CREATE INDEX events_user_changes ON events (seq) WHERE type IN ('user.saved', 'company.saved')`,
  },
  {
    version: 8,
    name: 'events_authority_changes',
    // Head office also judges a sale's prices below the catalog's by the variants' price history
    // (../../authority.ts, decision 0037), so the read of version 7 takes variant.saved too, and
    // its partial index with it. The same WHERE term, word for word, as SQLite requires.
    sql: `DROP INDEX events_user_changes;
CREATE INDEX events_authority_changes ON events (seq) WHERE type IN ('user.saved', 'company.saved', 'variant.saved')`,
  },
  {
    version: 9,
    name: 'login_states_per_origin',
    // Wrong passwords are counted per person and per place they came from (the client's address;
    // '*' for every place together), so one address guessing locks only itself out of an
    // account (core/auth/sessions.ts, decision 0038). The counts kept so far are a place's: ''.
    sql: {
      sqlite: `CREATE TABLE login_states_by_origin (
  user_id TEXT NOT NULL, origin TEXT NOT NULL, failed_attempts INTEGER NOT NULL,
  locked_until INTEGER, PRIMARY KEY (user_id, origin)
);
INSERT INTO login_states_by_origin (user_id, origin, failed_attempts, locked_until)
  SELECT user_id, '', failed_attempts, locked_until FROM login_states;
DROP TABLE login_states;
ALTER TABLE login_states_by_origin RENAME TO login_states`,
      postgres: `ALTER TABLE login_states ADD COLUMN origin text NOT NULL DEFAULT '';
ALTER TABLE login_states DROP CONSTRAINT login_states_pkey;
ALTER TABLE login_states ADD PRIMARY KEY (user_id, origin)`,
    },
  },
  {
    version: 10,
    name: 'events_authority_changes_equalities',
    // The index of version 8 with its condition as equalities: for an IN list SQLite builds a
    // temporary table at every insert into events, every pushed event's included (EXPLAIN shows
    // OpenEphemeral). The query repeats this WHERE term word for word (userChangesAfter).
    sql: `DROP INDEX events_authority_changes;
CREATE INDEX events_authority_changes ON events (seq)
  WHERE (type = 'user.saved' OR type = 'company.saved' OR type = 'variant.saved')`,
  },
];
